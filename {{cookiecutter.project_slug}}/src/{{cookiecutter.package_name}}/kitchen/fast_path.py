"""The fast path: turn orders into the model's table of numbers without pandas.

The pipeline's first step (`prepare`) turns each category into 0/1 columns and passes the
numbers through. It does so with pandas and a ColumnTransformer, which for ONE order costs more
than the prediction itself. `OrderEncoder` does the same job with plain numpy, reading the
categories the pipeline learned. The kitchen uses it only after checking, on sample orders,
that it gives exactly the same table as the pipeline; otherwise it uses the pipeline as it is.
"""

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder


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

    def encode(self, orders: list) -> np.ndarray:
        """Return the table of numbers for `orders` (objects with one attribute per field)."""
        table = np.zeros((len(orders), self.width))
        for row, order in enumerate(orders):
            for feature, column_of in self.column_of.items():
                column = column_of.get(getattr(order, feature))
                if column is not None:  # an unknown category stays all zeros, as in the lab
                    table[row, column] = 1.0
        for offset, feature in enumerate(self.numbers):
            table[:, self.first_number_column + offset] = [getattr(o, feature) for o in orders]
        return table
