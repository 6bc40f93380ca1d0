"""The seasons: `season N` sends a season's orders to a real kitchen over HTTP, which writes
them in its order book; `harvest --season N` then gives each its true outcome. Every argument
is checked, and every refusal is said in words."""

import numpy as np
import pandas as pd
import pytest
from pydantic import SecretStr

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.data import expected_{{ "yield" if cookiecutter.use_case == "crop_yield" else "price" }} as expected
from {{ cookiecutter.package_name }}.data import make_dataset
from {{ cookiecutter.package_name }}.kitchen.app import create_app
from {{ cookiecutter.package_name }}.menu import FEATURES, TARGET
from {{ cookiecutter.package_name }}.order_book.store import open_store
from {{ cookiecutter.package_name }}.processes import ServerThread, free_port
from {{ cookiecutter.package_name }}.workshop.seasons import (
    SEASON_SEED,
    SeasonProblem,
    harvest,
    read_orders,
    simulate_season,
)

# argparse's words, and the numbers it refuses, are said in the bake's language (cli.py); the
# sentences of the seasons follow the LANGUAGE setting, English here.
{%- if cookiecutter.language == "fr" %}
AT_LEAST = "{given} doit valoir au moins {least}"
REQUIRED = "ces arguments sont obligatoires :"
{%- else %}
AT_LEAST = "{given} must be at least {least}"
REQUIRED = "the following arguments are required:"
{%- endif %}


@pytest.fixture
def book(settings, tmp_path, fresh_settings):
    """The session's lab book with an order book of the test's own, for the kitchen and for
    the command line alike (through the environment, as a learner's .env would)."""
    uri = f"sqlite:///{(tmp_path / 'orders.db').as_posix()}"
    for name, value in {
        "MLFLOW_TRACKING_URI": settings.mlflow_tracking_uri,
        "ARTIFACTS_DIR": str(settings.artifacts_dir),
        "ORDER_BOOK_URI": uri,
        "LANGUAGE": "en",
    }.items():
        fresh_settings.setenv(name, value)
    return settings.model_copy(update={"order_book_uri": SecretStr(uri)})


@pytest.fixture
def kitchen(book):
    """A real kitchen, served by uvicorn on a free port, writing in the test's order book."""
    with ServerThread(create_app(book)) as url:
        yield url


def refused(capsys, *arguments) -> str:
    """What the command line says when it refuses `arguments` (it must exit non-zero)."""
    with pytest.raises(SystemExit) as stopped:
        main(list(arguments))
    assert stopped.value.code not in (0, None)
    told, code = capsys.readouterr(), stopped.value.code
    return told.err + told.out + (code if isinstance(code, str) else "")


# --- Every argument is checked ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["season", "3"], "3' is not a season of the world: choose one of (1, 2)"),
        (["season", "two"], "'two' is not a season of the world"),
        (["season", "2", "--orders", "0"], AT_LEAST.format(given=0, least=1)),
        (["season", "2", "--orders", "many"], "'many'"),
        (["season", "2", "--seed", "-1"], AT_LEAST.format(given=-1, least=0)),
        (["season", "2", "--kitchen-url", "127.0.0.1:8000"], "is not the address of a kitchen"),
        (["harvest"], REQUIRED + " --season"),
        (["harvest", "--season", "0"], "'0' is not a season of the world"),
    ],
)
def test_arguments_that_cannot_be_right_are_refused_in_words(arguments, words, capsys, book):
    """It stops before sending anything, and says what is wrong with what was typed."""
    assert words in refused(capsys, *arguments)


def test_a_season_too_long_is_refused_in_words(capsys, book):
    """It refuses more orders than a season holds, naming the most."""
    assert "a season has between 1 and 100,000 orders" in refused(
        capsys, "season", "2", "--orders", "100001"
    )


def test_a_closed_kitchen_is_said_with_what_to_start(capsys, book):
    """It says nobody answers, and which command opens the kitchen."""
    closed = f"http://127.0.0.1:{free_port()}"
    said = refused(capsys, "season", "2", "--orders", "5", "--kitchen-url", closed)
    assert "The kitchen is closed: nobody answers at" in said and " kitchen`" in said


def test_harvesting_an_empty_book_says_what_to_do_first(capsys, book):
    """It says the book holds no order yet, and how to send a season."""
    said = refused(capsys, "harvest", "--season", "2")
    assert "so there is nothing to harvest" in said and "season 2`" in said


def test_the_functions_refuse_what_the_command_line_would(book):
    """The notebook calls them directly: they refuse the same values, in words."""
    with pytest.raises(SeasonProblem, match="not a season of the world"):
        simulate_season(book, 7, 10)
    with pytest.raises(SeasonProblem, match="between 1 and 100,000"):
        simulate_season(book, 2, 0)
    with pytest.raises(SeasonProblem, match="not a seed"):
        harvest(book, 2, seed=-3)


# --- A season through the kitchen, then its harvest -------------------------------------------


def assert_noise_around_the_formula(outcomes, orders: pd.DataFrame, season: int) -> None:
    """The outcomes are the season's formula for these orders, plus the documented noise."""
    formula = np.asarray(expected(orders[FEATURES], season=season))
    {%- if cookiecutter.use_case == "crop_yield" %}
    noise = outcomes - np.clip(formula, 0, None)
    assert abs(noise.mean()) < 0.15 and 0.35 < noise.std() < 0.65  # about N(0, 0.5 t/ha)
    {%- else %}
    noise = np.log(outcomes / formula)
    assert abs(noise.mean()) < 0.03 and 0.05 < noise.std() < 0.11  # about ±8 %
    {%- endif %}
    other = np.asarray(expected(orders[FEATURES], season=3 - season))
    assert np.abs(outcomes - other).mean() > np.abs(outcomes - formula).mean()  # not the other


def test_a_season_is_cooked_and_written_in_the_order_book(kitchen, book, capsys):
    """`season 2 --orders 300` sends season 2's orders (drawn by the data generator) to the
    kitchen, which writes each one, with its dish, in its order book."""
    main(["season", "2", "--orders", "300", "--kitchen-url", kitchen])
    said = capsys.readouterr().out
    assert "Season 2: 300 orders cooked by model version 1" in said
    assert "The order book holds 300 orders of this model" in said
    orders = read_orders(book)
    drawn = make_dataset(300, SEASON_SEED, season=2)[FEATURES]
    pd.testing.assert_frame_equal(orders[FEATURES].reset_index(drop=True), drawn)
    assert orders["prediction"].notna().all() and orders[TARGET].isna().all()
    assert set(orders["model_version"]) == {"1"}


def test_the_harvest_writes_each_season_formula_once(kitchen, book, capsys):
    """`harvest --season 2` gives every order its true outcome, from season 2's formula and
    the seeded noise: the same seed, the same outcomes; a second harvest finds nothing left."""
    simulate_season(book, 2, 200, kitchen_url=kitchen)
    main(["harvest", "--season", "2"])
    assert "Harvest of season 2: 200 orders got their true outcome" in capsys.readouterr().out
    outcomes = read_orders(book)[TARGET].to_numpy()
    assert_noise_around_the_formula(outcomes, make_dataset(200, SEASON_SEED, season=2), season=2)
    main(["harvest", "--season", "2"])
    assert "Harvest of season 2: 0 orders got their true outcome" in capsys.readouterr().out
    assert np.array_equal(read_orders(book)[TARGET].to_numpy(), outcomes)

    store = open_store(book)  # the same orders again, harvested again: the same outcomes
    store.write_outcomes([(None, row_id) for row_id in read_orders(book).index.tolist()])
    store.close()
    harvest(book, 2)
    assert np.array_equal(read_orders(book)[TARGET].to_numpy(), outcomes)


def test_season_one_is_harvested_with_the_lab_formula(kitchen, book):
    """A season-1 harvest gives what the lab's own table gives those orders, within noise."""
    simulate_season(book, 1, 200, kitchen_url=kitchen)
    done = harvest(book, 1)
    assert (done.season, done.harvested, done.in_book) == (1, 200, 200)
    outcomes = read_orders(book)[TARGET].to_numpy()
    assert_noise_around_the_formula(outcomes, make_dataset(200, SEASON_SEED, season=1), season=1)
