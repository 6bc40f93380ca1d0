"""What the routes ask for, as types (`cook: CookDep`); `async def`, or FastAPI uses a thread."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from {{ cookiecutter.package_name }}.kitchen.model import LoadedModel, ModelSlot
from {{ cookiecutter.package_name }}.kitchen.refusals import trouble
from {{ cookiecutter.package_name }}.menu import Order


async def get_slot(connection: HTTPConnection) -> ModelSlot:
    return connection.app.state.slot  # a connection: an HTTP request, or a WebSocket


SlotDep = Annotated[ModelSlot, Depends(get_slot)]


async def ready_model(slot: SlotDep) -> LoadedModel:
    """The model to cook with; while none: 503 and the remedy in words (HTTP and WebSocket)."""
    model = slot.current or await run_in_threadpool(slot.refresh)  # one may have come since
    if model is None:
        raise HTTPException(503, detail=trouble(slot))
    return model


ModelDep = Annotated[LoadedModel, Depends(ready_model)]

Cook = Callable[[Sequence[Order]], Awaitable[tuple[list[float], str]]]  # -> dishes, version


async def ready_cook(connection: HTTPConnection) -> Cook:
    """The cook the lifespan hired, once there is a model (503 until then). `ready_model` is
    called, not declared: FastAPI spends ~30 µs a request on each declared dependency."""
    await ready_model(connection.app.state.slot)
    return connection.app.state.cook


CookDep = Annotated[Cook, Depends(ready_cook)]
