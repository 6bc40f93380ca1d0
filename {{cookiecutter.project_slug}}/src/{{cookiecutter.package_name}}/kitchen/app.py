"""The kitchen's building: create the FastAPI app; open it (fetch the champion), close it."""

import asyncio
import os
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError

from {{ cookiecutter.package_name }}.kitchen import routes
from {{ cookiecutter.package_name }}.kitchen.model import ModelSlot
from {{ cookiecutter.package_name }}.kitchen.refusals import DESCRIPTION, refuse_order
from {{ cookiecutter.package_name }}.settings import Settings, get_settings


@asynccontextmanager
async def lifespan(app: FastAPI):
    """Open the kitchen: fetch the champion, then watch the registry for a new one."""
    slot = app.state.slot = ModelSlot(app.state.settings)
    app.state.cook = slot.cook  # the plain cook (the rush_hour wing hires a quicker one)
    await run_in_threadpool(slot.refresh)  # slow, blocking work (registry, files): off the loop
    watch = asyncio.create_task(slot.watch())
    yield
    watch.cancel()  # closing time
    await asyncio.gather(watch, return_exceptions=True)  # wait until it has stopped


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the kitchen; the model is fetched when the app starts, not when it is imported."""
    # MLflow's own loaders, which may run code stored in a model, are off (see safety.py).
    os.environ["MLFLOW_ALLOW_MODEL_CODE_EXECUTION"] = "false"
    settings = settings or get_settings()
    app = FastAPI(
        title="The kitchen",
        description=DESCRIPTION,
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
    )
    app.state.settings = settings
    app.add_exception_handler(RequestValidationError, refuse_order)  # 422 without the input
    for router in (routes.orders, routes.health, routes.model):
        app.include_router(router)
    if settings.rush_hour:  # the advanced wing: concurrent orders cooked together, and faster
        from {{ cookiecutter.package_name }}.rush_hour import equip

        equip(app)
    if settings.order_book:  # the order book: every order cooked, written down off the path
        from {{ cookiecutter.package_name }} import order_book

        order_book.equip(app)
    return app
