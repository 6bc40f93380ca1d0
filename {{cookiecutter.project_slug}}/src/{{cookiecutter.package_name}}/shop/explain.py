"""Pictures of what the model does, computed from the kitchen's answers only.

The shop window cannot look inside the model (it lives in the kitchen), but it can ask
questions and compare the answers: "what if the water changed?" (a what-if curve) and "which
ingredient moves the dish most when it is scrambled?" (permutation importance). Each picture
costs exactly one batch call to the kitchen.
"""

from {{ cookiecutter.package_name }}.data import make_dataset
from {{ cookiecutter.package_name }}.menu import FEATURES, Ingredient, ingredients
from {{ cookiecutter.package_name }}.shop.client import KitchenClient

CURVE_POINTS = 50  # points on a what-if curve: smooth enough, and one small batch
SAMPLE_ORDERS = 200  # made-up orders used to measure importance
SAMPLE_SEED = 7  # the same made-up orders every time, so the chart does not wobble


def sweep_values(item: Ingredient) -> list:
    """Every value the what-if curve tries for `item`, from its minimum to its maximum."""
    if item.choices:
        return list(item.choices)
    if item.kind is bool:
        return [False, True]
    assert item.minimum is not None and item.maximum is not None  # every number has a range
    step = (item.maximum - item.minimum) / (CURVE_POINTS - 1)
    values = [item.minimum + step * index for index in range(CURVE_POINTS)]
    if item.kind is int:  # whole numbers only, each once
        return sorted({round(value) for value in values})
    return [round(value, 6) for value in values]


def what_if(waiter: KitchenClient, rest: dict, item: Ingredient) -> tuple[list, list[float]]:
    """Vary `item` across its range, the `rest` of the order fixed: the values and their dishes."""
    values = sweep_values(item)
    orders = [{**rest, item.name: value} for value in values]
    return values, waiter.predict_batch(orders).predictions


def sample_orders(count: int = SAMPLE_ORDERS, seed: int = SAMPLE_SEED) -> list[dict]:
    """`count` made-up orders from the lab's own dataset maker: the same for a given seed."""
    return make_dataset(count, seed)[FEATURES].to_dict("records")


def importances(waiter: KitchenClient) -> tuple[dict[str, float], str]:
    """How much each ingredient matters, and the version of the model that was asked.

    Take sample orders, then for each ingredient make a copy where each order gets the next
    order's value of that ingredient (the orders are random, so that scrambles it as well as a
    shuffle would). The more the dishes change, the more the model relies on that ingredient.
    Everything goes in ONE batch: the original orders first, then one scrambled copy each.
    """
    originals = sample_orders()
    batch = list(originals)
    for item in ingredients():
        values = [order[item.name] for order in originals]
        scrambled = values[1:] + values[:1]
        batch += [
            {**order, item.name: value} for order, value in zip(originals, scrambled, strict=True)
        ]
    answer = waiter.predict_batch(batch)
    count = len(originals)
    before = answer.predictions[:count]
    scores = {}
    for position, item in enumerate(ingredients(), start=1):
        after = answer.predictions[position * count : (position + 1) * count]
        changes = [abs(new - old) for new, old in zip(after, before, strict=True)]
        scores[item.name] = sum(changes) / count  # mean change, in the dish's unit
    return scores, answer.model_version
