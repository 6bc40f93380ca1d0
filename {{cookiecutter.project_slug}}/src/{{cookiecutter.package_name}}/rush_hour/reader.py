"""The fast batch reader: a batch's orders checked a column at a time, by rules from the menu.

Without the wing, FastAPI builds one `Order` object per order of a batch: for 10,000 orders
that costs nearly as much as cooking them. Here each column of the batch (all its orders'
`water_mm`, say) is checked at once, with numpy, against the rules the menu gives that field:
its type, its range, its known categories. These rules are read from `Order` itself, never
written twice. They only let through what `Order` surely accepts; a batch that fails any of
them goes to `OrderBatch` itself, so a refusal names the same orders, fields and rules as
the plain path, word for word.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from fastapi import Body
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from {{ cookiecutter.package_name }}.menu import FEATURES, MAX_BATCH_ORDERS, Ingredient, OrderBatch, ingredients
from {{ cookiecutter.package_name }}.rush_hour.encoder import Columns

FIELDS = set(FEATURES)


@dataclass(frozen=True)
class CheckedColumns:
    """A batch's orders, every one of them valid, kept as columns."""

    columns: Columns
    count: int

    def __len__(self) -> int:
        return self.count


@dataclass(frozen=True)
class QuickBatch:
    """What the route gets instead of an `OrderBatch`: it reads only `.orders`."""

    orders: CheckedColumns


def numbers_rule(item: Ingredient) -> Callable[[list], Any]:
    """A number field: finite and in range; ints or floats for a float field (never true or
    false), ints alone for a whole-number field (4.0 goes the slow way, which may accept it)."""
    kinds = {int} if item.kind is int else {int, float}

    def check(values: list):
        if not set(map(type, values)) <= kinds:
            return None
        column = np.array(values, dtype=float)  # a number too big for a float: OverflowError
        low = item.minimum if item.minimum is not None else -np.inf
        high = item.maximum if item.maximum is not None else np.inf
        if not (np.isfinite(column).all() and low <= column.min() and column.max() <= high):
            return None
        return values if item.kind is int else column

    return check


def rule_for(item: Ingredient) -> Callable[[list], Any]:
    """The check of one field's column: the column to keep, or None if any value may be wrong."""
    if item.choices:
        known = set(item.choices)

        def check(values: list):
            return values if set(map(type, values)) == {str} and known.issuperset(values) else None

        return check
    if item.kind is bool:
        return lambda values: values if set(map(type, values)) == {bool} else None
    return numbers_rule(item)


RULES = {item.name: rule_for(item) for item in ingredients()}


def surely_valid_columns(body: Any) -> CheckedColumns | None:
    """The batch's columns if every order surely follows the menu; None if any may not."""
    if type(body) is not dict or body.keys() != {"orders"}:
        return None
    orders = body["orders"]
    if type(orders) is not list or not 1 <= len(orders) <= MAX_BATCH_ORDERS:
        return None
    if not all(type(order) is dict and order.keys() == FIELDS for order in orders):
        return None
    columns = {}
    for name, rule in RULES.items():
        try:
            columns[name] = rule([order[name] for order in orders])
        except (TypeError, ValueError, OverflowError):  # e.g. a list where a number goes
            return None
        if columns[name] is None:
            return None
    return CheckedColumns(columns, len(orders))


async def read_batch(batch: Annotated[Any, Body()]) -> QuickBatch | OrderBatch:
    """The body of the wing's batch route. Typed `Any`, it comes as FastAPI decoded it from
    JSON, unchecked (the OpenAPI menu shows the core's route, with its `OrderBatch`)."""
    checked = surely_valid_columns(batch)
    if checked is not None:
        return QuickBatch(checked)
    try:  # exactly as FastAPI checks a body, so that the refusal reads the same
        return OrderBatch.model_validate(batch, from_attributes=True)
    except ValidationError as error:
        problems = [{**p, "loc": ("body", *p["loc"])} for p in error.errors(include_url=False)]
        raise RequestValidationError(problems) from None
