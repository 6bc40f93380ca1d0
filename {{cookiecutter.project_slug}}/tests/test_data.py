"""The lab's dataset: deterministic, inside the menu, following its formula."""

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.data import make_dataset, split
from {{ cookiecutter.package_name }}.lab.train import Recipe, build_pipeline, evaluate
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


def test_season_one_is_the_labs_world():
    """It gives the same table for season 1 as without a season."""
    pd.testing.assert_frame_equal(make_dataset(300, seed=3), make_dataset(300, seed=3, season=1))


def moved(before: pd.Series, after: pd.Series) -> bool:
    """Did a column's spread move: a category's share by 10 points, or a mean by 10 %?"""
    if not pd.api.types.is_numeric_dtype(before):
        shares = before.value_counts(normalize=True) - after.value_counts(normalize=True)
        return shares.abs().max() > 0.1
    return abs(after.mean() - before.mean()) > 0.1 * abs(before.mean())


def test_season_two_orders_are_valid_but_look_different():
    """It draws season 2's orders inside the menu, from another spread than season 1's."""
    first, second = make_dataset(2000, seed=4), make_dataset(2000, seed=4, season=2)
    for row in second[FEATURES].head(200).to_dict("records"):
        Order.model_validate(row)
    drifted = [name for name in FEATURES if moved(first[name], second[name])]
    assert len(drifted) >= 2, drifted  # (rooms follow the area of a house)


def test_a_season_one_model_ages_in_season_two():
    """It makes a model trained on season 1 worse on season 2 than one retrained on season 2."""
    recipe = Recipe(max_iter=60)
    old = build_pipeline(recipe).fit(*split(make_dataset(1500, seed=1))[::2])
    fresh = build_pipeline(recipe).fit(*split(make_dataset(1500, seed=2, season=2))[::2])
    harvest = make_dataset(1000, seed=3, season=2)
    old_error = evaluate(old, harvest[FEATURES], harvest[TARGET])["rmse"]
    fresh_error = evaluate(fresh, harvest[FEATURES], harvest[TARGET])["rmse"]
    assert old_error > 1.2 * fresh_error, (old_error, fresh_error)


def test_unknown_season_is_refused_in_words():
    """It refuses a season the world does not have, naming the ones it has."""
    with pytest.raises(ValueError, match="season must be one of"):
        make_dataset(10, season=3)
