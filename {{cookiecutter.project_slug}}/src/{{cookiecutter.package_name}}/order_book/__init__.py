"""The kitchen's order book: every order it cooks, written down, for the lab to learn from.

A learner may skip this package: the kitchen (`kitchen/`) cooks the same without it. It is
switched on by the setting ORDER_BOOK at one place, `create_app` in kitchen/app.py, which calls
`equip(app)`. It is on by default, because the loop of part 4 (notebook 07, the tasting panel)
starts from what the kitchen really cooked; and it may be, because it costs an order next to
nothing (`benchmarks/serving.py` measures the kitchen with and without it) and can never fail
one: a store that is slow, full or broken loses notes, never orders (book.py says how).

What is written for each order: its fields, the dish, which model version cooked it, and when
(store.py). Nothing about who ordered. Where: a SQLite file `orders.db` beside the lab book by
default (git-ignored), or the PostgreSQL that ORDER_BOOK_URI names.

How it plugs in: like the rush_hour wing, it wraps the kitchen's lifespan. Once the kitchen has
hired its cook (the core's, or rush_hour's), the book replaces `app.state.cook` by the same
cook, whose every dish is also noted: the routes, the OpenAPI menu and the answers stay as
they are. It must be equipped after rush_hour, so that its lifespan wraps rush_hour's.
"""

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.order_book.book import OrderBook
from {{ cookiecutter.package_name }}.order_book.store import StoreProblem, open_store
from {{ cookiecutter.package_name }}.settings import Settings

log = logging.getLogger(__name__)


def open_book(settings: Settings) -> OrderBook | None:
    """The order book the settings name; None (the kitchen cooks without) if it cannot be."""
    try:
        store = open_store(settings)
    except StoreProblem as problem:
        log.error(say("order_book_off", settings.language, problem=problem))
        return None
    log.info(say("order_book_at", settings.language, book=store.named()))
    return OrderBook(store, settings.order_book_max_rows, settings.language)


def equip(app: FastAPI) -> None:
    """Open the order book in `app`: it opens and closes with the kitchen."""
    core_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with core_lifespan(app):
            book = app.state.order_book = open_book(app.state.settings)
            if book is None:
                yield
                return
            async with book:
                app.state.cook = book.recording(app.state.cook)
                yield

    app.router.lifespan_context = lifespan
