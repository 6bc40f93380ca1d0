"""What the OpenAPI menu says besides the routes: its introduction, and how the kitchen says no.

A helper of the kitchen, outside the reading path: routes.py names these answers, app.py
installs the handler. A refusal names the field and the rule, never the value that was sent.
"""

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from {{ cookiecutter.package_name }}.menu import DISH_LABEL, DISH_UNIT

DESCRIPTION = f"""
The kitchen takes **orders** (the model's inputs, as described by the menu below) and cooks
**dishes**: the prediction of the model registered as `champion` in the lab, here the
*{DISH_LABEL}* in {DISH_UNIT}. Every order is checked against the menu first: types, ranges,
no unknown fields. A live stream of orders can also be sent over the WebSocket `/ws/predict`:
one JSON order per message, one JSON dish (or refusal) back per order.
"""


class Problem(BaseModel):
    """Why the kitchen cannot serve, in words, with what to do about it."""

    detail: str


class FieldProblem(BaseModel):
    field: str = Field(description="The order's field at fault, e.g. 'body.water_mm'.")
    rule: str = Field(description="The rule it breaks.")


class RefusedOrder(BaseModel):
    """An order that does not follow the menu. The submitted values are never echoed back."""

    detail: list[FieldProblem]


def field_problems(errors: list[dict]) -> list[dict]:
    """Turn pydantic's errors into [{"field", "rule"}], leaving out the values that were sent."""
    return [
        {"field": ".".join(str(part) for part in error["loc"]) or "order", "rule": error["msg"]}
        for error in errors
    ]


def refuse_order(request: Request, error: RequestValidationError) -> JSONResponse:
    """Answer 422 naming each faulty field and its rule. (FastAPI's own handler echoes the
    input back, and fails with a 500 when that input holds a NaN.)"""
    return JSONResponse(status_code=422, content={"detail": field_problems(error.errors())})


# Every answer a route can give besides 200, documented in the OpenAPI menu.
NOT_READY = {503: {"model": Problem, "description": "No champion to cook with yet."}}
ORDER_ERRORS = {
    400: {"model": Problem, "description": "The body could not be read (not UTF-8 JSON)."},
    # FastAPI's own body limit answers this one, in plain text, before any route runs.
    413: {
        "description": "The body is larger than the kitchen accepts: `Content Too Large`.",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    },
    422: {"model": RefusedOrder, "description": "The order does not follow the menu."},
    **NOT_READY,
}
