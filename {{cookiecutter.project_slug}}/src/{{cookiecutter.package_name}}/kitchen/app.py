"""The kitchen's building: create the FastAPI app, and fetch the champion when it opens."""

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from {{ cookiecutter.package_name }}.kitchen.model import ModelSlot
from {{ cookiecutter.package_name }}.kitchen.routes import router
from {{ cookiecutter.package_name }}.menu import DISH_LABEL, DISH_UNIT
from {{ cookiecutter.package_name }}.settings import Settings, get_settings

DESCRIPTION = f"""
The kitchen takes **orders** (the model's inputs, as described by the menu below) and cooks
**dishes**: the prediction of the model registered as `champion` in the lab, here the
*{DISH_LABEL}* in {DISH_UNIT}. Every order is checked against the menu first: types, ranges,
no unknown fields.
"""


def refuse_order(request: Request, error: RequestValidationError) -> JSONResponse:
    """Answer 422 naming each faulty field and its rule, without echoing what was sent."""
    problems = [
        {"field": ".".join(str(part) for part in problem["loc"]), "rule": problem["msg"]}
        for problem in error.errors()
    ]
    return JSONResponse(status_code=422, content={"detail": problems})


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the kitchen; the model is fetched when the app starts, not when it is imported."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.slot = ModelSlot(settings)
        # Fetching the champion is slow, blocking work: do it off the event loop.
        await run_in_threadpool(app.state.slot.refresh)
        yield

    app = FastAPI(
        title="The kitchen",
        description=DESCRIPTION,
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
    )
    app.add_exception_handler(RequestValidationError, refuse_order)
    app.include_router(router)
    return app
