{%- set fr = cookiecutter.language == "fr" -%}
"""The counter: an order route takes a body the menu has checked (`Order`, `OrderBatch`) and
hands it to the cook. An order that breaks the menu never reaches a route (422)."""

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError

from {{ cookiecutter.package_name }}.kitchen.deps import CookDep, ModelDep, SlotDep, ready_model
from {{ cookiecutter.package_name }}.kitchen.refusals import NOT_READY, ORDER_ERRORS, field_problems
from {{ cookiecutter.package_name }}.menu import Dish, DishBatch, ModelCard, Order, OrderBatch

orders = APIRouter(tags=["{{ 'commandes' if fr else 'orders' }}"], responses=ORDER_ERRORS)
health = APIRouter(prefix="/health", tags=["{{ 'santé' if fr else 'health' }}"])
model = APIRouter(prefix="/model", tags=["{{ 'modèle' if fr else 'model' }}"], responses=NOT_READY)

BATCH_BODY_BYTES = 2_000_000  # 10,000 orders weigh 1.2 MB of JSON; one, far less (settings)


@orders.post("/predict", summary="{{ 'Préparer un plat' if fr else 'Cook one dish' }}")
async def predict(order: Order, cook: CookDep) -> Dish:
    [prediction], version = await cook([order])
    return Dish(prediction=prediction, model_version=version)


@orders.post("/predict/batch", summary="{{ 'Préparer plusieurs plats' if fr else 'Cook many dishes' }}", max_body_size=BATCH_BODY_BYTES)
async def predict_batch(batch: OrderBatch, cook: CookDep) -> DishBatch:
    """{{ "Une prédiction par commande du lot, dans le même ordre." if fr else "One prediction per order of the batch, in the same order." }}"""
    predictions, version = await cook(batch.orders)
    return DishBatch(predictions=predictions, model_version=version)


@orders.websocket("/ws/predict")
async def predict_stream(websocket: WebSocket, cook: CookDep) -> None:
    """One JSON order per message, one JSON dish back. A bad order is answered with the
    reason and the stream stays open, as a cook sends back one wrong ticket."""
    await websocket.accept()
    try:
        while True:
            try:
                order = Order.model_validate_json(await websocket.receive_text())
            except ValidationError as error:
                refused = {"error": "{{ 'La commande ne suit pas le menu.' if fr else 'The order does not follow the menu.' }}"}
                await websocket.send_json({**refused, "detail": field_problems(error.errors())})
                continue
            [prediction], version = await cook([order])
            dish = Dish(prediction=prediction, model_version=version)
            await websocket.send_text(dish.model_dump_json())
    except WebSocketDisconnect:
        pass  # the customer left: nothing to clean up


@health.get("/live", summary="{{ 'Le processus de la cuisine tourne-t-il ?' if fr else 'Is the kitchen process up?' }}")
async def live() -> dict[str, str]:
    return {"status": "alive"}


@health.get("/ready", summary="{{ 'Peut-elle cuisiner ?' if fr else 'Can it cook?' }}", responses=NOT_READY)
async def ready(served: ModelDep) -> dict[str, str]:
    return {"status": "ready", "model_version": served.champion.version}


@model.get("", summary="{{ 'Quel modèle cuisine ?' if fr else 'Which model is cooking?' }}")
async def model_card(served: ModelDep) -> ModelCard:
    return ModelCard(**vars(served.champion), loaded_at=served.loaded_at)


@model.post("/reload", summary="{{ 'Chercher un nouveau champion maintenant' if fr else 'Look for a new champion now' }}")
async def reload(slot: SlotDep) -> ModelCard:
    """{{ "Demander le champion au registre maintenant, sans attendre le prochain passage." if fr else "Ask the registry for the champion now, instead of waiting for the next regular look." }}"""
    await run_in_threadpool(slot.refresh)
    return await model_card(await ready_model(slot))
