"""The kitchen's building: create the FastAPI app; open it (fetch the champion), close it."""

import asyncio
import os
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from fastapi_offline import FastAPIOffline

from {{ cookiecutter.package_name }} import order_book, rush_hour  # the advanced wings, plugged in below
from {{ cookiecutter.package_name }}.kitchen import routes
from {{ cookiecutter.package_name }}.kitchen.model import ModelSlot
from {{ cookiecutter.package_name }}.kitchen.refusals import DESCRIPTION, REFUSALS, SERVED, JsonOnly
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
    os.environ["MLFLOW_ALLOW_MODEL_CODE_EXECUTION"] = "false"  # no loader runs a model's code
    settings = settings or get_settings()
    app = FastAPIOffline(  # FastAPI, with its /docs and /redoc files served from here
        title="{{ 'La cuisine' if cookiecutter.language == 'fr' else 'The kitchen' }}",
        description=DESCRIPTION,
        responses=SERVED,  # what every route's 200 means, in the workshop's words
        exception_handlers=REFUSALS,  # refusals in words; a 422 never echoes the input
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
    )
    app.state.settings = settings
    app.add_middleware(JsonOnly)  # 415 for an order that is not JSON
    app.add_api_route("/", lambda: RedirectResponse("/docs"), include_in_schema=False)
    for router in (routes.orders, routes.health, routes.model):
        app.include_router(router)
    for wing, wanted in ((rush_hour, settings.rush_hour), (order_book, settings.order_book)):
        if wanted:  # rush_hour first: the order book then wraps whichever cook it hired
            wing.equip(app)
    return app
