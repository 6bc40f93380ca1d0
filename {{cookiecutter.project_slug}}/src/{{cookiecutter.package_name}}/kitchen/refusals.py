"""How the kitchen says no, and what the OpenAPI menu says of it.

A helper of the kitchen, outside the reading path: routes.py names these answers, app.py
installs the handler. A refusal names the field and the rule, never the value that was sent.
"""

import time
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from {{ cookiecutter.package_name }}.menu import Order
from {{ cookiecutter.package_name }}.messages import say


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


# A batch of 10,000 wrong orders has tens of thousands of problems: the first ones are enough.
MOST_PROBLEMS_SHOWN = 50


def refuse_order(request: Request, error: RequestValidationError) -> JSONResponse:
    """Answer 422 naming each faulty field and its rule. (FastAPI's own handler echoes the
    input back, and fails with a 500 when that input holds a NaN.)"""
    problems = field_problems(error.errors())
    if (more := len(problems) - MOST_PROBLEMS_SHOWN) > 0:
        language = request.app.state.settings.language
        words = say("more_problems", language, count=more, shown=MOST_PROBLEMS_SHOWN)
        problems = [*problems[:MOST_PROBLEMS_SHOWN], {"field": "body", "rule": words}]
    return JSONResponse(status_code=422, content={"detail": problems})


def streamed_order(message: dict, language: str) -> Order | dict:
    """The order in a WebSocket message, or the refusal to send back (the stream stays open)."""
    if "text" not in message:  # a binary frame
        return {"error": say("text_frames_only", language), "detail": []}
    try:
        return Order.model_validate_json(message["text"])
    except ValidationError as error:
        problems = field_problems(error.errors())
        return {"error": say("order_breaks_menu", language), "detail": problems}


def trouble(slot) -> str | None:
    """What is wrong with the kitchen's model slot, in the workshop's language; None while it
    serves the registry's champion."""
    language = slot.settings.language
    why = slot.problem and say(slot.problem, language, uri=slot.lab_book)
    if why and slot.current:  # still cooking, with a model the registry may have replaced
        return say("stale_champion", language, version=slot.current.champion.version, why=why)
    return why


def hide_password(text: str, uri: str) -> str:
    """`text` (an error's message, say) with the password of `uri` masked, wherever it is."""
    secret = urlsplit(uri).password
    return text.replace(secret, "***") if secret else text


RELOAD_EVERY_SECONDS = 2.0  # the registry is asked at most this often on request


async def not_too_soon(request: Request) -> None:
    """429, in words, to a reload asked for less than RELOAD_EVERY_SECONDS after the last."""
    state = request.app.state
    wait = getattr(state, "reloaded_at", -1e9) + RELOAD_EVERY_SECONDS - time.monotonic()
    if wait > 0:
        words = say("reload_too_soon", state.settings.language, seconds=wait)
        raise HTTPException(429, words, {"Retry-After": str(int(wait) + 1)})
    state.reloaded_at = time.monotonic()


NOT_TOO_SOON = Annotated[None, Depends(not_too_soon)]
ORDER_PATHS = {"/predict", "/predict/batch"}


class JsonOnly:
    """The order routes take JSON only: any other body gets 415 before it is read.

    A web page a learner opens can make the browser post a `text/plain` body to the kitchen on
    127.0.0.1 without asking; a JSON body it cannot send without the kitchen's leave (CORS),
    which the kitchen never gives. (A pure ASGI middleware: a few µs a request.)"""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in ORDER_PATHS:
            media_type = Headers(scope=scope).get("content-type", "").split(";")[0]
            if media_type.strip().lower() != "application/json":
                words = say("json_only", scope["app"].state.settings.language)
                await JSONResponse({"detail": words}, 415)(scope, receive, send)
                return
        await self.app(scope, receive, send)


# Every answer a route can give besides 200, documented in the OpenAPI menu.
NOT_READY = {503: {"model": Problem, "description": "No champion to cook with yet."}}
ORDER_ERRORS = {
    400: {"model": Problem, "description": "The body could not be read (not UTF-8 JSON)."},
    # FastAPI's own body limit answers this one, in plain text, before any route runs.
    413: {
        "description": "The body is larger than the kitchen accepts: `Content Too Large`.",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    },
    415: {"model": Problem, "description": "The body is not sent as `application/json`."},
    422: {"model": RefusedOrder, "description": "The order does not follow the menu."},
    **NOT_READY,
}
TOO_SOON = {429: {"model": Problem, "description": "Asked again too soon: see Retry-After."}}
