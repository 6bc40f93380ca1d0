{%- set fr = cookiecutter.language == "fr" -%}
"""How the kitchen says no, and what the OpenAPI menu says of it.

A helper of the kitchen, outside the reading path: routes.py names these answers, app.py
installs the handlers. A refusal names the field and the rule, never the value that was sent,
in the workshop's words (the catalogue's, which the shop's form shares), not pydantic's.
"""

import time
from collections.abc import Mapping, Sequence
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from {{ cookiecutter.package_name }}.menu import DISH_LABEL, DISH_UNIT, FEATURES, Order, ingredients
from {{ cookiecutter.package_name }}.messages import rule_in_words, say
{% if fr %}
DESCRIPTION = f"""
La cuisine prend des **commandes** (les entrées du modèle, décrites par le menu ci-dessous) et
prépare des **plats** : la prédiction du modèle enregistré comme `champion` au laboratoire,
ici le *{DISH_LABEL}* en {DISH_UNIT}. Chaque commande est d'abord contrôlée selon le menu :
types, plages, aucun champ inconnu. Un flux de commandes peut aussi passer par le WebSocket
`/ws/predict` : une commande JSON par message, un plat JSON (ou un refus) en retour pour chacune.
"""
{%- else %}
DESCRIPTION = f"""
The kitchen takes **orders** (the model's inputs, as described by the menu below) and cooks
**dishes**: the prediction of the model registered as `champion` in the lab, here the
*{DISH_LABEL}* in {DISH_UNIT}. Every order is checked against the menu first: types, ranges,
no unknown fields. A live stream of orders can also be sent over the WebSocket `/ws/predict`:
one JSON order per message, one JSON dish (or refusal) back per order.
"""
{%- endif %}


class Problem(BaseModel):
    """{{ "Pourquoi la cuisine ne peut pas servir, en mots, avec quoi faire." if fr else "Why the kitchen cannot serve, in words, with what to do about it." }}"""

    detail: str


class FieldProblem(BaseModel):
    field: str = Field(description=f"{{ "Le champ fautif, par exemple 'body." if fr else "The order's field at fault, e.g. 'body." }}{FEATURES[0]}'.")
    rule: str = Field(description="{{ 'La règle qu’il enfreint.' if fr else 'The rule it breaks.' }}")


class RefusedOrder(BaseModel):
    """{{ "Une commande qui ne suit pas le menu. Les valeurs envoyées ne sont jamais renvoyées." if fr else "An order that does not follow the menu. The submitted values are never echoed back." }}"""

    detail: list[FieldProblem]


CHOICES = {item.name: item.choices for item in ingredients()}  # what a choice field accepts
WHOLE_ORDER = "{{ 'commande' if fr else 'order' }}"  # the field named when the whole order is wrong


def field_problems(errors: Sequence[Mapping[str, Any]]) -> list[dict]:
    """Turn pydantic's errors into [{"field", "rule"}], leaving out the values that were sent."""
    return [
        {"field": ".".join(map(str, error["loc"])) or WHOLE_ORDER, "rule": in_words(error)}
        for error in errors
    ]


def in_words(error: Mapping[str, Any]) -> str:
    """The rule, as the catalogue words it (the shop's form says the same)."""
    choices = CHOICES.get(error["loc"][-1], ()) if error["loc"] else ()
    return rule_in_words(error, choices)


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


def streamed_order(message: Mapping[str, Any], language: str) -> Order | dict:
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


# Starlette's and FastAPI's own refusals, and what the OpenAPI menu says of each answer.
{%- if fr %}
IN_WORDS = {
    "Not Found": "Rien à cette adresse : le menu de la cuisine est à /docs.",
    "Method Not Allowed": "Cette adresse ne répond pas à cette méthode : voir le menu à /docs.",
    "There was an error parsing the body": "Le corps est illisible (pas du JSON en UTF-8).",
}
SAID = {
    200: "Servi : la réponse ci-dessous.",
    400: IN_WORDS["There was an error parsing the body"],
    413: "Le corps dépasse ce que la cuisine accepte : `Content Too Large` (statut HTTP).",
    415: "Le corps n’est pas envoyé en `application/json`.",
    422: "La commande ne suit pas le menu.",
    429: "Demandé de nouveau trop tôt : voir Retry-After.",
    503: "Pas encore de champion pour cuisiner.",
}
{%- else %}
IN_WORDS = {
    "Not Found": "Nothing at this address: the kitchen's menu is at /docs.",
    "Method Not Allowed": "This address does not answer this method: see the menu at /docs.",
    "There was an error parsing the body": "The body could not be read (not UTF-8 JSON).",
}
SAID = {
    200: "Served: the answer below.",
    400: IN_WORDS["There was an error parsing the body"],
    413: "The body is larger than the kitchen accepts: `Content Too Large`.",
    415: "The body is not sent as `application/json`.",
    422: "The order does not follow the menu.",
    429: "Asked again too soon: see Retry-After.",
    503: "No champion to cook with yet.",
}
{%- endif %}


def refuse_request(request: Request, error: HTTPException) -> JSONResponse:
    """Answer any other refusal (404, 405, 400, the 503 of deps.py) in the workshop's words."""
    detail = IN_WORDS.get(error.detail, error.detail)
    return JSONResponse({"detail": detail}, status_code=error.status_code, headers=error.headers)


REFUSALS = {RequestValidationError: refuse_order, StarletteHTTPException: refuse_request}

# Every answer a route can give, documented in the OpenAPI menu (SERVED: every route's 200),
# as FastAPI's `responses=` takes them: {status: what the answer is}.
Answers = dict[int | str, dict[str, Any]]
SERVED: Answers = {200: {"description": SAID[200]}}
NOT_READY: Answers = {503: {"model": Problem, "description": SAID[503]}}
ORDER_ERRORS: Answers = {
    400: {"model": Problem, "description": SAID[400]},
    # FastAPI's own body limit answers this one, in plain text, before any route runs.
    413: {"description": SAID[413], "content": {"text/plain": {"schema": {"type": "string"}}}},
    415: {"model": Problem, "description": SAID[415]},
    422: {"model": RefusedOrder, "description": SAID[422]},
    **NOT_READY,
}
TOO_SOON: Answers = {429: {"model": Problem, "description": SAID[429]}}
