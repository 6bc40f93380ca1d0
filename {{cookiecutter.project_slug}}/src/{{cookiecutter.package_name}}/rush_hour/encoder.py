"""Orders as the model's table of numbers, written with numpy instead of pandas.

The lab's pipeline starts with a `prepare` step (a ColumnTransformer) that turns each category
into 0/1 columns and passes the numbers through. It works on a pandas table, which for one
order costs more than the prediction itself. `OrderEncoder` writes the same table with numpy,
from the categories the pipeline learned. It is used only after checking, on sample orders,
that it gives exactly the table the pipeline's own step gives.
"""

import logging
import random
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder

from {{ cookiecutter.package_name }}.menu import FEATURES, Order, ingredients

log = logging.getLogger(__name__)

# Orders as columns: {field: one value per order}.
Columns = Mapping[str, Sequence]


def columns_of(orders: Sequence[Order]) -> Columns:
    return {name: [getattr(order, name) for order in orders] for name in FEATURES}


class OrderEncoder:
    """Writes orders as rows of numbers: one 0/1 column per known category, then the numbers."""

    def __init__(self, categories: dict[str, list], numbers: list[str]):
        self.column_of = {}  # feature -> {category: column}
        column = 0
        for feature, known in categories.items():
            self.column_of[feature] = {category: column + i for i, category in enumerate(known)}
            column += len(known)
        self.first_number_column = column
        self.numbers = numbers
        self.width = column + len(numbers)

    @classmethod
    def from_pipeline(cls, pipeline) -> "OrderEncoder | None":
        """Read the encoding from a fitted pipeline shaped like the lab's; None if it is not."""
        prepare = getattr(pipeline, "named_steps", {}).get("prepare")
        if not isinstance(prepare, ColumnTransformer):
            return None
        # The recipe as written in the lab (`transformers`), and what it learned (`_`).
        steps = {name: (step, columns) for name, step, columns in prepare.transformers}
        if set(steps) != {"categories", "numbers"} or steps["numbers"][0] != "passthrough":
            return None
        one_hot = prepare.named_transformers_["categories"]
        if not isinstance(one_hot, OneHotEncoder) or one_hot.drop is not None:
            return None
        categorical, numbers = steps["categories"][1], steps["numbers"][1]
        learned = zip(categorical, one_hot.categories_, strict=True)
        return cls({feature: list(values) for feature, values in learned}, list(numbers))

    def encode(self, columns: Columns, rows: int) -> np.ndarray:
        """Return the table of numbers for `rows` orders given as columns."""
        table = np.zeros((rows, self.width))
        for feature, column_of in self.column_of.items():
            # For each row, the column where its category writes a 1 (-1: a category unseen
            # in the lab, which stays all zeros, as the lab's encoder does).
            where = np.fromiter((column_of.get(value, -1) for value in columns[feature]), int, rows)
            known = np.flatnonzero(where >= 0)
            table[known, where[known]] = 1.0
        for offset, feature in enumerate(self.numbers):
            table[:, self.first_number_column + offset] = columns[feature]
        return table


def sample_orders(count: int = 60, seed: int = 7) -> list[Order]:
    """Orders spread over the whole menu: every category, numbers from end to end."""
    pick = random.Random(seed)
    orders = []
    for i in range(count):
        values: dict[str, Any] = {}
        for item in ingredients():
            if item.choices:
                values[item.name] = item.choices[i % len(item.choices)]
            elif item.kind is bool:
                values[item.name] = i % 2 == 0
            elif item.minimum is None or item.maximum is None:
                raise ValueError(f"{item.name}: a number without a range cannot be sampled")
            elif item.kind is int:
                values[item.name] = pick.randint(int(item.minimum), int(item.maximum))
            else:
                values[item.name] = pick.uniform(item.minimum, item.maximum)
        orders.append(Order(**values))
    return orders


def table_part_by_part(prepare: ColumnTransformer, orders: list[Order]) -> np.ndarray:
    """The `prepare` step's table, built from each of its fitted parts put where the step puts
    its output: the check when pandas is not installed (the kitchen's image)."""
    width = max(place.stop for place in prepare.output_indices_.values())
    table = np.zeros((len(orders), width))
    for name, step, columns in prepare.transformers_:
        if step == "drop" or len(columns) == 0:
            continue
        part = np.array([[getattr(order, c) for c in columns] for order in orders], object)
        with warnings.catch_warnings():  # fitted on named columns, given an array: fine
            warnings.simplefilter("ignore", UserWarning)
            written = part if step == "passthrough" else step.transform(part)
        table[:, prepare.output_indices_[name]] = written
    return table


def table_of_the_pipeline(prepare: ColumnTransformer, orders: list[Order]) -> np.ndarray:
    """The `prepare` step's own table for `orders`, through pandas if it is installed."""
    try:
        import pandas as pd
    except ImportError:
        return table_part_by_part(prepare, orders)
    frame = pd.DataFrame([order.model_dump() for order in orders], columns=FEATURES)
    return prepare.transform(frame)


def checked_encoder(pipeline) -> OrderEncoder | None:
    """Return the numpy encoder if it gives exactly the pipeline's own table on sample orders."""
    encoder = OrderEncoder.from_pipeline(pipeline)
    if encoder is not None:
        orders = sample_orders()
        expected = table_of_the_pipeline(pipeline.named_steps["prepare"], orders)
        if np.array_equal(encoder.encode(columns_of(orders), len(orders)), expected):
            return encoder
    log.warning("{{ "Ce pipeline n'a pas la forme de ceux du labo : cuisiné à la manière simple" if cookiecutter.language == "fr" else "This pipeline is not shaped like the lab's: cooking it the plain way" }}")
    return None
