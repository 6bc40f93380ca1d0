"""The world outside the kitchen: a season of orders, then the harvest that tells the truth.

`simulate_season` plays a season's customers: it draws their orders from the data generator
(`data.make_dataset(..., season=N)`; `data.py` describes each season) and sends them to a kitchen
over HTTP, as the shop window does, so that the kitchen writes them in its order book.
`harvest` comes later, once the season is over: every order of the book still without an
outcome gets its true one, from that season's formula and seeded noise (`data.true_outcome`).
`read_orders` reads the book as a table, for the tasting panel (notebook 07).
"""

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.data import SEASONS, make_dataset, true_outcome
from {{ cookiecutter.package_name }}.menu import FEATURES, TARGET, ingredients
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.order_book.store import Store, StoreProblem, open_store
from {{ cookiecutter.package_name }}.settings import Settings, without_password
from {{ cookiecutter.package_name }}.shop.client import KitchenClient, KitchenError

MOST_ORDERS = 100_000  # in one season
ORDERS_PER_REQUEST = 500  # sent as batches: 500 orders are some 60 kB of JSON
# Not the lab's 42: a season's customers are not the training table's rows (cli.py says it too).
SEASON_SEED = 2026
BOOK_WAIT_SECONDS = 10.0  # for the kitchen's order book to write the last orders down


class SeasonProblem(Exception):
    """A season or a harvest cannot be done; str() says why and what to do, in words."""


@dataclass(frozen=True)
class Season:
    season: int
    orders: int
    version: str  # of the model that cooked the last of them
    in_book: int | None  # the model's orders in the book afterwards; None: they never arrived
    book: str


@dataclass(frozen=True)
class Harvest:
    season: int
    harvested: int
    in_book: int
    book: str


def checked_season(settings: Settings, season: int, orders: int = 1, seed: int = 0) -> None:
    """Refuse, in words, a season that does not exist or a number of orders out of range."""
    language = settings.language
    if season not in SEASONS:
        raise SeasonProblem(say("season_unknown", language, given=season, seasons=SEASONS))
    if type(orders) is not int or not 1 <= orders <= MOST_ORDERS:
        raise SeasonProblem(say("season_orders_range", language, given=orders, most=MOST_ORDERS))
    if type(seed) is not int or seed < 0:
        raise SeasonProblem(say("season_seed_range", language, given=seed))


def opened_book(settings: Settings) -> Store:
    try:
        return open_store(settings)
    except StoreProblem as problem:
        raise SeasonProblem(str(problem)) from None


def unreadable(store: Store, problem: Exception) -> SeasonProblem:
    words = say("order_book_unreadable", store.language, book=store.named(), problem=problem)
    return SeasonProblem(words)


def count_or_none(store: Store) -> int | None:
    try:
        return store.count()
    except Exception:  # the book may live elsewhere (another machine's kitchen): not our worry
        return None


def simulate_season(
    settings: Settings,
    season: int,
    orders: int,
    seed: int = SEASON_SEED,
    kitchen_url: str | None = None,
) -> Season:
    """Send `orders` orders of `season` to the kitchen; say how many the order book holds."""
    checked_season(settings, season, orders, seed)
    kitchen_url = (kitchen_url or settings.kitchen_url).rstrip("/")
    if not kitchen_url.startswith(("http://", "https://")):
        address = without_password(kitchen_url)
        raise SeasonProblem(say("season_bad_kitchen_url", settings.language, url=address))
    store = opened_book(settings)
    before = count_or_none(store) or 0
    patience = max(settings.kitchen_timeout_seconds, 30)  # 500 orders take longer than one
    waiter = KitchenClient(kitchen_url, patience, settings.language)
    table = make_dataset(orders, seed, season)[FEATURES]
    version = ""
    try:
        for start in range(0, orders, ORDERS_PER_REQUEST):
            chunk = table.iloc[start : start + ORDERS_PER_REQUEST].to_dict(orient="records")
            version = waiter.predict_batch(chunk).model_version
    except KitchenError as problem:
        raise SeasonProblem(str(problem)) from None
    finally:
        waiter.http.close()
    in_book = wait_for_book(store, before + orders)
    store.close()
    return Season(season, orders, version, in_book, store.named())


def wait_for_book(store: Store, wanted: int) -> int | None:
    """The model's count of orders once it reaches `wanted`; None if it never does in time."""
    deadline = time.monotonic() + BOOK_WAIT_SECONDS
    while time.monotonic() < deadline:
        count = count_or_none(store)
        if count is not None and count >= wanted:
            return count
        time.sleep(0.2)
    return None


def as_menu_types(table: pd.DataFrame) -> pd.DataFrame:
    """The order's columns with the menu's types (SQLite gives back 1 and 0 for yes and no)."""
    for item in ingredients():
        if item.kind is bool:
            table[item.name] = table[item.name].astype(bool)
        elif item.kind is int and not item.choices:
            table[item.name] = table[item.name].astype(int)
    return table


def harvest(settings: Settings, season: int, seed: int = SEASON_SEED) -> Harvest:
    """Write the true outcome of each recorded order that has none, as `season` gives it."""
    checked_season(settings, season, seed=seed)
    store = opened_book(settings)
    try:
        waiting = store.without_outcome()
        if not waiting and not store.count():
            words = say("harvest_empty_book", store.language, book=store.named(), model=store.model)
            raise SeasonProblem(words)
        if waiting:
            ids = [row[0] for row in waiting]
            orders = as_menu_types(pd.DataFrame([row[1:] for row in waiting], columns=FEATURES))
            # Seeded by the first order waiting too: a later harvest draws other noise.
            rng = np.random.default_rng([seed, season, ids[0]])
            outcomes = true_outcome(orders, rng, season).tolist()
            store.write_outcomes(list(zip(outcomes, ids, strict=True)))
        in_book = store.count()
    except SeasonProblem:
        raise
    except Exception as problem:  # unreadable file, database gone: said, not a traceback
        raise unreadable(store, problem) from None
    finally:
        store.close()
    return Harvest(season, len(waiting), in_book, store.named())


def read_orders(settings: Settings) -> pd.DataFrame:
    """The order book of this project's model as a table, oldest order first."""
    store = opened_book(settings)
    try:
        columns, rows = store.read()
    except Exception as problem:
        raise unreadable(store, problem) from None
    finally:
        store.close()
    table = as_menu_types(pd.DataFrame(rows, columns=columns))
    table["ordered_at"] = pd.to_datetime(table["ordered_at"], utc=True)
    table[TARGET] = table[TARGET].astype(float)  # empty (NaN) until the harvest
    return table.set_index("id")
