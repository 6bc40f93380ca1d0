"""The kitchen's counter: one route per thing a customer (or a health check) can ask for."""

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from {{ cookiecutter.package_name }}.kitchen.batching import Batcher
from {{ cookiecutter.package_name }}.kitchen.fast_path import read_batch
from {{ cookiecutter.package_name }}.kitchen.model import LoadedModel, ModelSlot
from {{ cookiecutter.package_name }}.menu import Dish, DishBatch, ModelCard, Order, OrderBatch


class Problem(BaseModel):
    """Why the kitchen cannot serve, in words, with what to do about it."""

    detail: str


class FieldProblem(BaseModel):
    field: str = Field(description="The order's field at fault, e.g. 'body.water_mm'.")
    rule: str = Field(description="The rule it breaks.")


def field_problems(errors: Sequence[Mapping[str, Any]]) -> list[dict]:
    """Turn pydantic's errors into [{"field", "rule"}], leaving out the values that were sent."""
    return [
        {"field": ".".join(str(part) for part in error["loc"]) or "order", "rule": error["msg"]}
        for error in errors
    ]


class RefusedOrder(BaseModel):
    """An order that does not follow the menu. The submitted values are never echoed back."""

    detail: list[FieldProblem]


# Every answer an order route can give besides 200, documented in the OpenAPI menu.
NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {"model": Problem, "description": "No champion to cook with yet."}
}
ORDER_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The body could not be read (not UTF-8 JSON)."},
    # FastAPI's own body limit answers this one, in plain text, before any route runs.
    413: {
        "description": "The body is larger than the kitchen accepts: `Content Too Large`.",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    },
    422: {"model": RefusedOrder, "description": "The order does not follow the menu."},
    **NOT_READY,
}
# A batch of 10,000 orders weighs about 1.2 MB of JSON; one order needs far less (settings).
BATCH_BODY_BYTES = 2_000_000


def documented_body(model: type[BaseModel]) -> dict:
    """Describe a body that a route reads itself, so the OpenAPI menu still shows it."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs")  # `Order` is among the menu's components already (POST /predict)
    content = {"application/json": {"schema": schema}}
    return {"requestBody": {"required": True, "content": content}}


def get_slot(request: Request) -> ModelSlot:
    return request.app.state.slot


def get_batcher(request: Request) -> Batcher:
    return request.app.state.batcher


SlotDep = Annotated[ModelSlot, Depends(get_slot)]
BatcherDep = Annotated[Batcher, Depends(get_batcher)]


async def ready_model(slot: SlotDep) -> LoadedModel:
    """Return the model to cook with, or answer 503 with the remedy in words."""
    model = await slot.ensure()  # a champion may have appeared since the last look
    if model is None:
        raise HTTPException(503, detail=slot.why_empty())
    return model


ModelDep = Annotated[LoadedModel, Depends(ready_model)]

router = APIRouter()


# Order routes first make sure there is a model (503 otherwise), then hand the order to the cook.
WHEN_READY = [Depends(ready_model)]


@router.post(
    "/predict",
    tags=["orders"],
    responses=ORDER_ERRORS,
    dependencies=WHEN_READY,
    summary="Cook one dish",
)
async def predict(order: Order, batcher: BatcherDep) -> Dish:
    """Predict for one order. Orders arriving together are cooked together (see batching.py)."""
    [prediction], version = await batcher.predict([order.model_dump()])
    return Dish(prediction=prediction, model_version=version)


@router.post(
    "/predict/batch",
    tags=["orders"],
    responses=ORDER_ERRORS,
    dependencies=WHEN_READY,
    summary="Cook many dishes at once",
    max_body_size=BATCH_BODY_BYTES,
    openapi_extra=documented_body(OrderBatch),
)
async def predict_batch(request: Request, batcher: BatcherDep) -> DishBatch:
    """Predict for every order of the batch: one prediction per order, in the same order."""
    orders = read_batch(await request.body())  # the fast path's reader: see fast_path.py
    predictions, version = await batcher.predict(orders)
    return DishBatch(predictions=predictions, model_version=version)


@router.get("/health/live", tags=["health"], summary="Is the kitchen process up?")
async def live() -> dict[str, str]:
    return {"status": "alive"}


@router.get("/health/ready", tags=["health"], responses=NOT_READY, summary="Can it cook?")
async def ready(model: ModelDep) -> dict[str, str]:
    return {"status": "ready", "model_version": model.champion.version}


@router.get("/model", tags=["model"], responses=NOT_READY, summary="Which model is cooking?")
async def model_card(model: ModelDep) -> ModelCard:
    champion = model.champion
    return ModelCard(
        name=champion.name,
        version=champion.version,
        alias=champion.alias,
        run_id=champion.run_id,
        metrics=champion.metrics,
        trained_at=champion.trained_at,
        loaded_at=model.loaded_at,
    )


@router.post(
    "/model/reload", tags=["model"], responses=NOT_READY, summary="Look for a new champion now"
)
async def reload(slot: SlotDep) -> ModelCard:
    """Ask the registry for the champion now, instead of waiting for the next regular look."""
    await run_in_threadpool(slot.refresh)
    return await model_card(await ready_model(slot))
