{%- set fr = cookiecutter.language == "fr" -%}
"""The counter: an order route takes a body the menu has checked and hands it to the cook."""

import contextlib

from fastapi import APIRouter, HTTPException, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool

from {{ cookiecutter.package_name }}.kitchen import refusals
from {{ cookiecutter.package_name }}.kitchen.deps import CookDep, ModelDep, SlotDep, ready_model
from {{ cookiecutter.package_name }}.menu import Dish, DishBatch, ModelCard, Order, OrderBatch

orders = APIRouter(tags=["{{ 'commandes' if fr else 'orders' }}"], responses=refusals.ORDER_ERRORS)
health = APIRouter(prefix="/health", tags=["{{ 'santé' if fr else 'health' }}"])
model = APIRouter(prefix="/model", tags=["{{ 'modèle' if fr else 'model' }}"], responses=refusals.NOT_READY)

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
    language = websocket.app.state.settings.language
    with contextlib.suppress(WebSocketDisconnect):  # the customer left: nothing to clean up
        while (message := await websocket.receive())["type"] != "websocket.disconnect":
            order = refusals.streamed_order(message, language)  # an Order, or a refusal
            if not isinstance(order, Order):
                await websocket.send_json(order)
                continue
            [prediction], version = await cook([order])
            dish = Dish(prediction=prediction, model_version=version)
            await websocket.send_text(dish.model_dump_json())


@health.get("/live", summary="{{ 'La cuisine tourne-t-elle ?' if fr else 'Is the kitchen process up?' }}")
async def live() -> dict[str, str]:
    return {"status": "alive"}


@health.get("/ready", summary="{{ 'Cuisine-t-elle avec le champion ?' if fr else 'Cooking with the champion?' }}", responses=refusals.NOT_READY)
async def ready(served: ModelDep, slot: SlotDep) -> dict[str, str]:
    if problem := refusals.trouble(slot):  # e.g. a new champion refused: still cooks the old
        raise HTTPException(503, detail=problem)
    return {"status": "ready", "model_version": served.champion.version}


@model.get("", summary="{{ 'Quel modèle cuisine ?' if fr else 'Which model is cooking?' }}")
async def model_card(served: ModelDep, slot: SlotDep) -> ModelCard:
    problem = refusals.trouble(slot)  # None while it cooks with the registry's champion
    return ModelCard(**vars(served.champion), loaded_at=served.loaded_at, problem=problem)


@model.post("/reload", summary="{{ 'Chercher le champion maintenant' if fr else 'Look for a new champion now' }}", responses=refusals.TOO_SOON)
async def reload(slot: SlotDep, _: refusals.NOT_TOO_SOON) -> ModelCard:
    """{{ "Demander le champion au registre maintenant, sans attendre le prochain passage." if fr else "Ask the registry for the champion now, instead of waiting for the next regular look." }}"""
    await run_in_threadpool(slot.refresh)
    return await model_card(await ready_model(slot), slot)
