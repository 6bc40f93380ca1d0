"""What the routes ask for, written as types (`cook: CookDep`); FastAPI hands it over. All are
`async def`: FastAPI would run a plain `def` in a worker thread, a needless trip for so little."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from {{ cookiecutter.package_name }}.kitchen.model import LoadedModel, ModelSlot
from {{ cookiecutter.package_name }}.menu import Order


async def get_slot(connection: HTTPConnection) -> ModelSlot:
    return connection.app.state.slot  # a connection: an HTTP request, or a WebSocket


SlotDep = Annotated[ModelSlot, Depends(get_slot)]


async def ready_model(slot: SlotDep) -> LoadedModel:
    """The model to cook with. While there is none: 503, with the remedy in words, for the
    order routes and the WebSocket alike (where it refuses the opening handshake)."""
    model = slot.current or await run_in_threadpool(slot.refresh)  # one may have come since
    if model is None:
        raise HTTPException(503, detail=slot.why_empty())
    return model


ModelDep = Annotated[LoadedModel, Depends(ready_model)]

Cook = Callable[[Sequence[Order]], Awaitable[tuple[list[float], str]]]  # -> dishes, version


async def ready_cook(connection: HTTPConnection) -> Cook:
    """The cook the lifespan hired, once there is a model to cook with (503 until then).
    `ready_model` is called here, not declared: FastAPI spends some 30 µs a request on each
    declared dependency, and an order is cooked in less."""
    await ready_model(connection.app.state.slot)
    return connection.app.state.cook


CookDep = Annotated[Cook, Depends(ready_cook)]
