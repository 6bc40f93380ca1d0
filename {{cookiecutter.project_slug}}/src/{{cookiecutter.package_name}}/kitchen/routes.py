"""The kitchen's counter: one route per thing a customer (or a health check) can ask for."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from {{ cookiecutter.package_name }}.kitchen.model import LoadedModel, ModelSlot
from {{ cookiecutter.package_name }}.menu import Dish, DishBatch, Order, OrderBatch


class Problem(BaseModel):
    """Why the kitchen cannot serve, in words, with what to do about it."""

    detail: str


class FieldProblem(BaseModel):
    field: str = Field(description="The order's field at fault, e.g. 'body.water_mm'.")
    rule: str = Field(description="The rule it breaks.")


class RefusedOrder(BaseModel):
    """An order that does not follow the menu. The submitted values are never echoed back."""

    detail: list[FieldProblem]


class ModelCard(BaseModel):
    """Which model cooks, and how well it did in the lab."""

    name: str
    version: str
    alias: str
    run_id: str
    metrics: dict[str, float]
    loaded_at: datetime


NOT_READY = {503: {"model": Problem, "description": "No champion to cook with yet."}}
# A batch of 10,000 orders weighs about 1.2 MB of JSON; one order needs far less (settings).
BATCH_BODY_BYTES = 2_000_000


def get_slot(request: Request) -> ModelSlot:
    return request.app.state.slot


SlotDep = Annotated[ModelSlot, Depends(get_slot)]


def ready_model(slot: SlotDep) -> LoadedModel:
    """Return the model to cook with, or answer 503 with the remedy in words."""
    model = slot.current or slot.refresh()  # a champion may have appeared since start-up
    if model is None:
        raise HTTPException(503, detail=slot.why_empty())
    return model


ModelDep = Annotated[LoadedModel, Depends(ready_model)]

router = APIRouter()


@router.post(
    "/predict",
    tags=["orders"],
    responses={422: {"model": RefusedOrder}, **NOT_READY},
    summary="Cook one dish: the prediction for one order",
)
def predict(order: Order, model: ModelDep) -> Dish:
    # A plain `def`: FastAPI runs it in a worker thread, so the CPU work of the model
    # does not stop the kitchen from answering other requests meanwhile.
    [prediction] = model.predict([order.model_dump()])
    return Dish(prediction=prediction, model_version=model.champion.version)


@router.post(
    "/predict/batch",
    tags=["orders"],
    responses={422: {"model": RefusedOrder}, **NOT_READY},
    summary="Cook many dishes at once: one prediction per order, in the same order",
    max_body_size=BATCH_BODY_BYTES,
)
def predict_batch(batch: OrderBatch, model: ModelDep) -> DishBatch:
    predictions = model.predict([order.model_dump() for order in batch.orders])
    return DishBatch(predictions=predictions, model_version=model.champion.version)


@router.get("/health/live", tags=["health"], summary="Is the kitchen process up?")
def live() -> dict[str, str]:
    return {"status": "alive"}


@router.get("/health/ready", tags=["health"], responses=NOT_READY, summary="Can the kitchen cook?")
def ready(model: ModelDep) -> dict[str, str]:
    return {"status": "ready", "model_version": model.champion.version}


@router.get("/model", tags=["model"], responses=NOT_READY, summary="Which model is cooking?")
def model_card(model: ModelDep) -> ModelCard:
    champion = model.champion
    return ModelCard(
        name=champion.name,
        version=champion.version,
        alias=champion.alias,
        run_id=champion.run_id,
        metrics=champion.metrics,
        loaded_at=model.loaded_at,
    )
