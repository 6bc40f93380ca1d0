"""The menu: what an order may hold, and how the kitchen and the shop read it."""

import json
import math

import pytest
from pydantic import ValidationError

from {{ cookiecutter.package_name }}.menu import FEATURES, Order, example_order, ingredients


def test_example_order_is_valid():
    """It offers an example order made of valid values."""
    assert example_order().model_dump().keys() == set(FEATURES)


def test_every_field_has_a_label_and_help():
    """It gives every field a label and a help text, which the shop window shows."""
    for item in ingredients():
        assert item.label and item.help, item.name


def test_numbers_have_a_range_and_categories_have_choices():
    """It bounds every number and lists every category, so forms and checks can follow."""
    for item in ingredients():
        assert item.choices or item.kind is bool or (item.minimum < item.maximum), item.name


def order_with(**changes) -> dict:
    return {**example_order().model_dump(), **changes}


def first_number():
    return next(item for item in ingredients() if item.minimum is not None)


def test_value_above_the_range_is_refused():
    """It refuses a number above the menu's maximum."""
    item = first_number()
    with pytest.raises(ValidationError, match=item.name):
        Order.model_validate(order_with(**{item.name: item.maximum + 1}))


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused(value):
    """It refuses NaN and infinities even where the range would not catch them."""
    with pytest.raises(ValidationError):
        Order.model_validate(order_with(**{first_number().name: value}))


def test_text_for_a_number_is_refused():
    """It refuses "600" (text) where a number is expected: types are strict."""
    item = first_number()
    as_json = json.dumps(order_with(**{item.name: str(item.example)}))
    with pytest.raises(ValidationError, match=item.name):
        Order.model_validate_json(as_json)


def test_unknown_field_is_refused():
    """It refuses fields the menu does not have."""
    with pytest.raises(ValidationError, match="extra"):
        Order.model_validate(order_with(secret_sauce=1))


def test_unknown_category_is_refused():
    """It refuses a category the menu does not list."""
    item = next(item for item in ingredients() if item.choices)
    with pytest.raises(ValidationError, match=item.name):
        Order.model_validate(order_with(**{item.name: "moon_rock"}))


def test_whole_numbers_accept_a_zero_fraction_only():
    """It takes 4.0 as 4 (JSON Schema calls it an integer) but refuses 4.5, "4" and true."""
    whole = [item for item in ingredients() if item.kind is int]
    if not whole:
        pytest.skip("this menu has no whole-number field")
    item = whole[0]
    value = int(item.example)
    accepted = Order.model_validate(order_with(**{item.name: float(value)}))
    assert getattr(accepted, item.name) == value
    for refused in (value + 0.5, str(value), True):
        with pytest.raises(ValidationError):
            Order.model_validate(order_with(**{item.name: refused}))
