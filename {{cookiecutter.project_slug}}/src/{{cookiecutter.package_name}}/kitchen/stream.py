"""The kitchen's hatch for a live stream of orders: one WebSocket, one dish back per order.

A bad order is answered with the reason and the stream stays open for the next one, as a cook
sends back one wrong ticket without closing the kitchen.
"""

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from {{ cookiecutter.package_name }}.kitchen.routes import field_problems
from {{ cookiecutter.package_name }}.menu import Dish, Order

router = APIRouter()

MOST_BYTES_PER_ORDER = 10_000


def refusal(error: ValidationError) -> dict:
    """Name each faulty field and its rule, never echoing what was sent."""
    problems = field_problems(error.errors())
    return {"error": "The order does not follow the menu.", "detail": problems}


@router.websocket("/ws/predict")
async def predict_stream(websocket: WebSocket) -> None:
    await websocket.accept()
    slot, batcher = websocket.app.state.slot, websocket.app.state.batcher
    try:
        while True:
            message = await websocket.receive_text()
            if len(message) > MOST_BYTES_PER_ORDER:
                await websocket.send_json({"error": "The order is too large.", "detail": []})
                continue
            try:
                order = Order.model_validate_json(message)
            except ValidationError as error:
                await websocket.send_json(refusal(error))
                continue
            if await slot.ensure() is None:
                await websocket.send_json({"error": slot.why_empty(), "detail": []})
                continue
            [prediction], version = await batcher.predict([order.model_dump()])
            dish = Dish(prediction=prediction, model_version=version)
            await websocket.send_text(dish.model_dump_json())
    except WebSocketDisconnect:
        pass  # the customer left: nothing to clean up
