"""The kitchen's building: create the FastAPI app, open it (fetch the champion), close it."""

import asyncio
import contextlib
import os
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from {{ cookiecutter.package_name }}.kitchen import routes, stream
from {{ cookiecutter.package_name }}.kitchen.batching import Batcher
from {{ cookiecutter.package_name }}.kitchen.model import ModelSlot
from {{ cookiecutter.package_name }}.kitchen.routes import field_problems
from {{ cookiecutter.package_name }}.menu import DISH_LABEL, DISH_UNIT
from {{ cookiecutter.package_name }}.settings import Settings, get_settings

DESCRIPTION = f"""
The kitchen takes **orders** (the model's inputs, as described by the menu below) and cooks
**dishes**: the prediction of the model registered as `champion` in the lab, here the
*{DISH_LABEL}* in {DISH_UNIT}. Every order is checked against the menu first: types, ranges,
no unknown fields. A live stream of orders can also be sent over the WebSocket `/ws/predict`:
one JSON order per message, one JSON dish (or refusal) back per order.
"""


def refuse_order(request: Request, error: RequestValidationError) -> JSONResponse:
    """Answer 422 naming each faulty field and its rule, without echoing what was sent."""
    return JSONResponse(status_code=422, content={"detail": field_problems(error.errors())})


@asynccontextmanager
async def open_kitchen(app: FastAPI):
    """Fetch the champion, start the cook and the champion watch; stop them at closing time."""
    settings = app.state.settings
    app.state.slot = ModelSlot(settings)
    app.state.batcher = Batcher(app.state.slot)
    await run_in_threadpool(app.state.slot.refresh)  # slow, blocking work: off the event loop
    helpers = [
        asyncio.create_task(app.state.batcher.cook_forever()),
        asyncio.create_task(app.state.slot.watch()),
    ]
    yield
    for task in helpers:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    app.state.batcher.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the kitchen; the model is fetched when the app starts, not when it is imported."""
    # The kitchen opens skops files itself; MLflow's own loaders, which may run code stored
    # in a model, are switched off for this process.
    os.environ["MLFLOW_ALLOW_MODEL_CODE_EXECUTION"] = "false"
    settings = settings or get_settings()
    app = FastAPI(
        title="The kitchen",
        description=DESCRIPTION,
        lifespan=open_kitchen,
        max_body_size=settings.max_body_bytes,
    )
    app.state.settings = settings
    # Starlette types a handler as taking any Exception; this one takes the error it is for.
    app.add_exception_handler(RequestValidationError, refuse_order)  # type: ignore[arg-type]
    app.include_router(routes.router)
    app.include_router(stream.router)
    return app
