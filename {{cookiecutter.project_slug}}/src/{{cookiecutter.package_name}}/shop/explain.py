"""Pictures of what the model does, computed from the kitchen's answers only.

The shop window cannot look inside the model (it lives in the kitchen), but it can ask
questions and compare the answers: "what if the water changed?" (a what-if curve) and "which
ingredient moves the dish most when it is scrambled?" (permutation importance). Each picture
costs exactly one batch call to the kitchen.
"""

import random

from {{ cookiecutter.package_name }}.menu import Ingredient, ingredients
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
    if item.kind is int:
        low, high = int(item.minimum), int(item.maximum)
        step = max(1, (high - low) // CURVE_POINTS)
        return sorted({*range(low, high + 1, step), high})
    step = (item.maximum - item.minimum) / (CURVE_POINTS - 1)
    return [round(item.minimum + step * index, 6) for index in range(CURVE_POINTS)]


def what_if(waiter: KitchenClient, rest: dict, item: Ingredient) -> tuple[list, list[float]]:
    """Vary `item` across its range, the `rest` of the order fixed: the values and their dishes."""
    values = sweep_values(item)
    orders = [{**rest, item.name: value} for value in values]
    return values, waiter.predict_batch(orders).predictions


def random_value(item: Ingredient, dice: random.Random):
    """A value for `item` drawn anywhere on the menu's range (or among its choices)."""
    if item.choices:
        return dice.choice(item.choices)
    if item.kind is bool:
        return dice.random() < 0.5
    if item.kind is int:
        return dice.randint(int(item.minimum), int(item.maximum))
    return round(dice.uniform(item.minimum, item.maximum), 3)


def sample_orders(count: int = SAMPLE_ORDERS, seed: int = SAMPLE_SEED) -> list[dict]:
    """`count` made-up orders spread over the menu's ranges, the same for a given seed."""
    dice = random.Random(seed)
    return [{item.name: random_value(item, dice) for item in ingredients()} for _ in range(count)]


def importances(waiter: KitchenClient) -> tuple[dict[str, float], str]:
    """How much each ingredient matters, and the version of the model that was asked.

    Take sample orders, then for each ingredient make a copy where that ingredient's values are
    shuffled between the orders (so it no longer matches the rest of its order). The more the
    dishes change, the more the model relies on that ingredient. Everything goes in ONE batch:
    the original orders first, then one shuffled copy per ingredient.
    """
    originals = sample_orders()
    dice = random.Random(SAMPLE_SEED)
    batch = list(originals)
    for item in ingredients():
        shuffled = [order[item.name] for order in originals]
        dice.shuffle(shuffled)
        batch += [
            {**order, item.name: value} for order, value in zip(originals, shuffled, strict=True)
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
