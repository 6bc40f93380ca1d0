"""The fast path: two shortcuts that skip work the model does not need.

1. Reading a batch. FastAPI would parse the JSON into Python objects, then build one `Order`
   object per order: for 10,000 orders that costs more than the prediction. `read_batch`
   checks the JSON bytes directly against the same rules (it borrows each field of `Order`,
   with its type and range) and gives plain dicts, one per order.
2. Encoding. The pipeline's first step (`prepare`) turns each category into 0/1 columns and
   passes the numbers through. It does so with pandas and a ColumnTransformer, which for ONE
   order costs more than the prediction itself. `OrderEncoder` does the same job with numpy,
   reading the categories the pipeline learned. The kitchen uses it only after checking, on
   sample orders, that it gives exactly the same table as the pipeline.

The tests check both against the slow way: same refusals, same table, same predictions.
"""

from typing import Annotated

import numpy as np
from fastapi.exceptions import RequestValidationError
from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, with_config
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder
from typing_extensions import TypedDict  # pydantic needs this one on Python 3.11

from {{ cookiecutter.package_name }}.menu import MAX_BATCH_ORDERS, Order

# --- 1. Reading a batch ---------------------------------------------------------------------

# A plain dict type with the fields of `Order`: each field keeps its type, range and rules,
# and the whole row keeps Order's settings (strict, no extra fields, no NaN).
ORDER_FIELDS = {
    name: Annotated[field.annotation, field] for name, field in Order.model_fields.items()
}
# (Built from a dict at import, which mypy cannot read: hence the two type: ignore below.)
OrderRow = with_config(Order.model_config)(TypedDict("OrderRow", ORDER_FIELDS))  # type: ignore[operator]


@with_config(ConfigDict(extra="forbid"))
class BatchOfRows(TypedDict):
    orders: Annotated[list[OrderRow], Field(min_length=1, max_length=MAX_BATCH_ORDERS)]  # type: ignore[valid-type]


BATCH_CHECKER = TypeAdapter(BatchOfRows)


def read_batch(body: bytes) -> list[dict]:
    """Check a batch's JSON against the menu and return its orders as plain dicts.

    A refusal is raised as FastAPI's own RequestValidationError, so it is answered exactly
    like any other bad order (422, field and rule named, value not echoed).
    """
    try:
        return BATCH_CHECKER.validate_json(body)["orders"]
    except ValidationError as error:
        problems = [{**problem, "loc": ("body", *problem["loc"])} for problem in error.errors()]
        raise RequestValidationError(problems) from None


# --- 2. Encoding ----------------------------------------------------------------------------


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

    def encode(self, rows: list[dict]) -> np.ndarray:
        """Return the table of numbers for `rows` (one dict of field values per order)."""
        table = np.zeros((len(rows), self.width))
        every_row = np.arange(len(rows))
        for feature, column_of in self.column_of.items():
            # For each row, the column where its category writes a 1 (-1: a category unseen
            # in the lab, which stays all zeros, as the lab's encoder does).
            columns = np.array([column_of.get(row[feature], -1) for row in rows], dtype=int)
            known = columns >= 0
            table[every_row[known], columns[known]] = 1.0
        for offset, feature in enumerate(self.numbers):
            table[:, self.first_number_column + offset] = [row[feature] for row in rows]
        return table
