"""The kitchen's advanced wing, for rush hour: the same answers, cooked faster.

A learner may skip this package: the kitchen (`kitchen/`) works without it, and gives the same
predictions, refusals and OpenAPI menu (its tests run both ways). It is switched on by the
setting RUSH_HOUR (on by default, so that benchmarks measure what users get) at one place,
`create_app` in kitchen/app.py, which calls `equip(app)`.

Three shortcuts, each in its own module:
- batching.py: orders that arrive together are cooked in one call to the model;
- encoder.py: orders become the model's table of numbers with numpy instead of pandas;
- reader.py: a batch's 10,000 orders are checked a column at a time instead of one by one.

How it plugs in, and why this way. FastAPI's `app.dependency_overrides` would swap the core's
dependencies without touching the OpenAPI menu, but while it holds anything, FastAPI reads the
signature of every dependency again on every request (measured: 15 to 175 µs each, more than
the whole answer of a small FastAPI app). So the wing does two things that cost nothing per
request instead:
- the cook: the core's routes ask for `CookDep`, which hands over `app.state.cook`. The core's
  lifespan hires the plain cook there; the wing's lifespan, wrapped around the core's (the
  champion is loaded by then), hires the batcher in its place and closes it at closing time.
- the batch reader: a second `POST /predict/batch`, ahead of the core's and hidden from the
  OpenAPI menu, calls the core's own route function with a batch read the quick way. The
  core's route still writes the menu; everything else (503, 413, the refusals) is the same
  code, so the answers are too.
"""

from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI

from {{ cookiecutter.package_name }}.kitchen import routes
from {{ cookiecutter.package_name }}.kitchen.deps import CookDep
from {{ cookiecutter.package_name }}.menu import DishBatch
from {{ cookiecutter.package_name }}.rush_hour.batching import Batcher
from {{ cookiecutter.package_name }}.rush_hour.reader import QuickBatch, read_batch


async def predict_quick_batch(
    batch: Annotated[QuickBatch, Depends(read_batch)], cook: CookDep
) -> DishBatch:
    # The core's route, given a quicker batch: it reads only `batch.orders`, which both have.
    return await routes.predict_batch(batch, cook)  # type: ignore[arg-type]


def equip(app: FastAPI) -> None:
    """Open the wing in `app`: its cooks start and stop with the kitchen."""
    core_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with core_lifespan(app), Batcher(app.state.slot) as batcher:
            app.state.cook = batcher.cook
            yield

    app.router.lifespan_context = lifespan
    app.router.add_api_route(
        "/predict/batch",
        predict_quick_batch,
        methods=["POST"],
        include_in_schema=False,
        max_body_size=routes.BATCH_BODY_BYTES,
    )
    app.router.routes.insert(0, app.router.routes.pop())  # found before the core's own
