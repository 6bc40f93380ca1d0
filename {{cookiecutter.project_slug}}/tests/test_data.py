"""The lab's dataset: deterministic, inside the menu, following its formula."""

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.data import make_dataset, split
from {{ cookiecutter.package_name }}.menu import FEATURES, TARGET, Order, ingredients


def test_same_seed_gives_the_same_table():
    """It gives every learner the same numbers for the same seed."""
    pd.testing.assert_frame_equal(make_dataset(300, seed=7), make_dataset(300, seed=7))


def test_another_seed_gives_another_table():
    """It draws new rows when the seed changes."""
    assert not make_dataset(300, seed=1).equals(make_dataset(300, seed=2))


def test_columns_are_the_menu_and_the_target():
    """It has one column per menu field, then the target."""
    assert list(make_dataset(50).columns) == [*FEATURES, TARGET]


def test_every_row_is_a_valid_order():
    """It only draws values the kitchen would accept."""
    for row in make_dataset(200).drop(columns=TARGET).to_dict("records"):
        Order.model_validate(row)


def test_numbers_cover_the_menu_ranges():
    """It spreads each number across most of its allowed range."""
    table = make_dataset(2000)
    for item in ingredients():
        if item.minimum is not None and item.kind is not bool:
            spread = table[item.name].max() - table[item.name].min()
            assert spread > 0.8 * (item.maximum - item.minimum), item.name


def test_target_is_never_negative():
    """It never produces a negative outcome."""
    assert (make_dataset(2000)[TARGET] >= 0).all()


def test_split_keeps_a_quarter_aside():
    """It keeps 25 % of the rows for testing, and no target among the features."""
    train_x, test_x, train_y, test_y = split(make_dataset(400))
    assert (len(train_x), len(test_x)) == (300, 100)
    assert TARGET not in train_x.columns and len(test_y) == 100


def test_rows_must_be_positive():
    """It refuses to make an empty table, with a message in words."""
    with pytest.raises(ValueError, match="at least 1"):
        make_dataset(0)
