"""Catering: large order tables written from the generator, and scored on Spark.

The table tests need no Spark. The tests marked `spark` start a real Spark in local mode (a JVM,
some seconds) and are skipped when pyspark is not installed.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import {{ cookiecutter.package_name }}.catering.banquet as banquet_module
import {{ cookiecutter.package_name }}.catering.tables as tables
from {{ cookiecutter.package_name }}.catering.banquet import (
    PREDICTION,
    fetch_checked_champion,
    score_table,
)
from {{ cookiecutter.package_name }}.catering.tables import TableProblem, write_orders
from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.data import make_dataset
from {{ cookiecutter.package_name }}.menu import FEATURES, TARGET

from .test_kitchen import PLANTED, plant_champion

SPARK_MASTER = "local[2]"


@pytest.fixture(autouse=True)
def in_english(fresh_settings):
    """The messages are checked in English, whatever the workshop's language."""
    fresh_settings.setenv("LANGUAGE", "en")


def read_table(path) -> pd.DataFrame:
    return pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)


def refusal(arguments: list[str], capsys) -> str:
    """Run the command line, expect it to stop, and return what it said."""
    with pytest.raises(SystemExit) as stopped:
        main(arguments)
    assert stopped.value.code not in (0, None)
    message = str(stopped.value.code) if isinstance(stopped.value.code, str) else ""
    said = message + capsys.readouterr().err
    assert "Traceback" not in said
    return said


# --- make-data ---


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_same_seed_writes_the_same_bytes(tmp_path, suffix):
    """It writes byte-identical files for the same rows and seed."""
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    main(["make-data", "--rows", "1500", "--seed", "3", str(first)])
    main(["make-data", "--rows", "1500", "--seed", "3", str(second)])
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_small_table_is_the_generators_own(tmp_path, suffix):
    """It holds the menu's columns only, with the values the lab's generator draws."""
    path = tmp_path / f"orders{suffix}"
    write_orders(path, rows=500, seed=11)
    expected = make_dataset(500, seed=11)[FEATURES]
    pd.testing.assert_frame_equal(read_table(path), expected, check_dtype=False)


def test_with_target_adds_the_true_outcome(tmp_path):
    """It adds the target as the last column only when asked."""
    path = tmp_path / "orders.csv"
    write_orders(path, rows=200, seed=5, with_target=True)
    assert list(read_table(path).columns) == [*FEATURES, TARGET]


def test_large_tables_are_written_in_chunks_with_seeds_of_their_own(tmp_path, monkeypatch):
    """It writes chunk after chunk; every chunk is new data, and CSV and Parquet agree."""
    monkeypatch.setattr(tables, "CHUNK_ROWS", 400)
    csv, parquet = tmp_path / "orders.csv", tmp_path / "orders.parquet"
    write_orders(csv, rows=1000, seed=9)
    write_orders(parquet, rows=1000, seed=9)
    written = read_table(csv)
    pd.testing.assert_frame_equal(written, read_table(parquet), check_dtype=False)
    assert len(written) == 1000
    first_chunk = make_dataset(400, seed=9)[FEATURES]
    pd.testing.assert_frame_equal(written.head(400), first_chunk, check_dtype=False)
    assert not written.iloc[400:800].reset_index(drop=True).equals(first_chunk)


def test_another_seed_writes_another_table(tmp_path):
    """It draws new orders when the seed changes."""
    write_orders(tmp_path / "a.csv", rows=300, seed=1)
    write_orders(tmp_path / "b.csv", rows=300, seed=2)
    assert (tmp_path / "a.csv").read_bytes() != (tmp_path / "b.csv").read_bytes()


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
{%- if cookiecutter.language == "fr" %}
        (["--rows", "0"], "doit valoir entre 1 et"),
        (["--rows", "ten"], "n'est pas un nombre entier"),
        (["--rows", "20000001"], "doit valoir entre 1 et"),
        (["--seed", "-1"], "doit valoir au moins 0"),
{%- else %}
        (["--rows", "0"], "must be between 1 and"),
        (["--rows", "ten"], "is not a whole number"),
        (["--rows", "20000001"], "must be between 1 and"),
        (["--seed", "-1"], "must be at least 0"),
{%- endif %}
    ],
)
def test_make_data_refuses_bad_numbers_in_words(tmp_path, arguments, words, capsys):
    """It refuses a row count or a seed out of bounds, saying what is allowed."""
    said = refusal(["make-data", *arguments, str(tmp_path / "orders.csv")], capsys)
    assert words in said


@pytest.mark.parametrize("name", ["orders.xlsx", "orders", "orders.json"])
def test_make_data_refuses_an_unknown_format(tmp_path, name, capsys):
    """It names the formats it writes instead of guessing one."""
    said = refusal(["make-data", "--rows", "10", str(tmp_path / name)], capsys)
    assert ".csv, .parquet" in said
    assert not (tmp_path / name).exists()


def test_make_data_keeps_an_existing_file_unless_forced(tmp_path, capsys):
    """It never replaces a file by surprise; --force replaces it."""
    path = tmp_path / "orders.csv"
    path.write_text("precious\n")
    assert "--force" in refusal(["make-data", "--rows", "10", str(path)], capsys)
    assert path.read_text() == "precious\n"
    main(["make-data", "--rows", "10", "--force", str(path)])
    assert len(read_table(path)) == 10


def test_make_data_refuses_a_missing_folder(tmp_path, capsys):
    """It says the folder is missing rather than failing halfway."""
    said = refusal(["make-data", "--rows", "10", str(tmp_path / "nowhere" / "o.csv")], capsys)
    assert "does not exist" in said


# --- score-batch: refusals found before Spark starts ---


@pytest.fixture
def orders_csv(tmp_path):
    path = tmp_path / "orders.csv"
    write_orders(path, rows=2000, seed=21, with_target=True)
    return path


def test_score_batch_refuses_a_missing_table(tmp_path, capsys):
    """It says there is no table, and how to make one."""
    arguments = ["score-batch", str(tmp_path / "none.csv"), str(tmp_path / "out.parquet")]
    assert "make-data" in refusal(arguments, capsys)


def test_score_batch_refuses_an_unknown_format(tmp_path, capsys):
    """It reads CSV and Parquet only, and says so."""
    table = tmp_path / "orders.txt"
    table.write_text("a,b\n1,2\n")
    said = refusal(["score-batch", str(table), str(tmp_path / "out.parquet")], capsys)
    assert ".csv, .parquet" in said


def test_score_batch_names_missing_and_unknown_columns(tmp_path, capsys):
    """It lists the menu columns that are missing and the ones it does not know."""
    table = tmp_path / "orders.csv"
    make_dataset(20)[FEATURES[1:]].assign(colour="red").to_csv(table, index=False)
    said = refusal(["score-batch", str(table), str(tmp_path / "out.parquet")], capsys)
    assert FEATURES[0] in said and "colour" in said


def test_score_batch_names_columns_of_the_wrong_type(tmp_path, capsys):
    """A Parquet column of text where the menu wants numbers is refused, by name."""
    table = tmp_path / "orders.parquet"
    orders = make_dataset(20)[FEATURES]
    number = next(name for name in FEATURES if pd.api.types.is_float_dtype(orders[name]))
    orders.astype({number: str}).to_parquet(table)
    said = refusal(["score-batch", str(table), str(tmp_path / "out.parquet")], capsys)
    assert number in said and "wrong kind" in said


@pytest.mark.parametrize("output", ["out.csv", "orders.csv"])
def test_score_batch_refuses_an_output_it_cannot_write(orders_csv, output, capsys):
    """It writes Parquet only, and never over the table it reads."""
    said = refusal(["score-batch", str(orders_csv), str(orders_csv.parent / output)], capsys)
    assert ".parquet" in said or "another name" in said


def test_score_batch_keeps_an_existing_output_unless_forced(orders_csv, capsys):
    """It never replaces earlier dishes by surprise."""
    output = orders_csv.parent / "dishes.parquet"
    output.mkdir()
    assert "--force" in refusal(["score-batch", str(orders_csv), str(output)], capsys)


def test_score_batch_refuses_an_unknown_master(orders_csv, capsys):
    """It names the Spark masters it accepts."""
    arguments = ["score-batch", str(orders_csv), str(orders_csv.parent / "d.parquet")]
    said = refusal([*arguments, "--master", "local[0]"], capsys)
    assert "local[*]" in said


def test_score_batch_without_spark_says_how_to_add_it(orders_csv, monkeypatch, capsys):
    """Without pyspark, it says which extra to install instead of failing on an import."""
    monkeypatch.setattr(banquet_module, "spark_is_installed", lambda: False)
    said = refusal(["score-batch", str(orders_csv), str(orders_csv.parent / "d.parquet")], capsys)
    assert '.[spark]"' in said


@pytest.mark.parametrize("log_model", PLANTED)
def test_planted_champion_is_refused_before_spark_sees_it(log_model, empty_lab, tmp_path):
    """The champion is opened with the kitchen's own check first: a model that would run code
    is refused in words, unopened, and no Spark worker ever receives it."""
    marker = tmp_path / "code-ran"
    plant_champion(empty_lab, lambda: log_model(marker))
    with pytest.raises(TableProblem) as refused:
        fetch_checked_champion(empty_lab, tmp_path / "model")
    assert "does not trust" in str(refused.value)
    assert not marker.exists()


# --- score-batch on a real Spark, local mode ---


@pytest.fixture(scope="module")
def banquet(settings, tmp_path_factory):
    """The 2,000-row table scored once on Spark (local[2]) with the test lab's champion."""
    from {{ cookiecutter.package_name }}.catering.banquet import spark_is_installed

    if not spark_is_installed():
        return None  # the tests below skip (or fail, under REQUIRE_SPARK=1) on their own
    folder = tmp_path_factory.mktemp("banquet")
    orders = folder / "orders.csv"
    write_orders(orders, rows=2000, seed=21, with_target=True)
    output = folder / "dishes.parquet"
    score_table(settings, orders, output, master=SPARK_MASTER)
    return orders, pd.read_parquet(output)


@pytest.mark.spark
def test_spark_predictions_equal_the_models_own(needs_spark, banquet, settings):
    """Every row's Spark prediction equals MLflow's in-process pyfunc within 1e-9 (relative),
    and the input columns (target included) come back unchanged."""
    import mlflow

    from {{ cookiecutter.package_name }}.lab.registry import model_uri

    orders, dishes = banquet
    assert len(dishes) == 2000
    pd.testing.assert_frame_equal(
        dishes.drop(columns=PREDICTION), pd.read_csv(orders), check_dtype=False
    )
    mlflow.set_tracking_uri(settings.mlflow_tracking_uri)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_ALLOW_PICKLE_DESERIALIZATION", "true")  # our own test model
        model = mlflow.pyfunc.load_model(model_uri(settings))
    expected = model.predict(dishes[FEATURES])
    np.testing.assert_allclose(dishes[PREDICTION], expected, rtol=1e-9, atol=0)


@pytest.mark.spark
def test_spark_predictions_equal_the_kitchens(needs_spark, banquet, settings):
    """A sample of rows gets the same dish from the kitchen's batch as from Spark."""
    from {{ cookiecutter.package_name }}.kitchen.model import load
    from {{ cookiecutter.package_name }}.lab.registry import find_champion
    from {{ cookiecutter.package_name }}.menu import Order

    _, dishes = banquet
    sample = dishes.sample(200, random_state=0)
    rows = sample[FEATURES].to_dict("records")
    orders = [Order.model_validate(row) for row in rows]  # as the kitchen gets them
    kitchen = load(settings, find_champion(settings))
    np.testing.assert_allclose(sample[PREDICTION], kitchen.predict(orders), rtol=1e-9, atol=0)


@pytest.mark.spark
def test_spark_scores_parquet_and_says_what_it_does(needs_spark, settings, tmp_path, capsys):
    """From Parquet too, through the command line, with a line per step and the figures."""
    orders = tmp_path / "orders.parquet"
    write_orders(orders, rows=300, seed=4)
    output = tmp_path / "dishes.parquet"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("{{ cookiecutter.package_name }}.cli.get_settings", lambda: settings)
        main(["score-batch", str(orders), str(output), "--master", SPARK_MASTER])
    said = capsys.readouterr().out
    for words in ("checking it with the kitchen's rules", "Cooking 300 orders", "Served 300"):
        assert words in said
    assert len(pd.read_parquet(output)) == 300


@pytest.mark.spark
def test_spark_refuses_orders_outside_the_menu(
    needs_spark, settings, tmp_path, monkeypatch, capsys
):
    """Unreadable or out-of-range cells are counted per column and the table is refused."""
    orders = make_dataset(50)[FEATURES]
    number = next(name for name in FEATURES if pd.api.types.is_float_dtype(orders[name]))
    orders[number] = orders[number].astype(object)
    orders.loc[:2, number] = "lots"  # unreadable
    orders.loc[3, number] = 1e9  # far outside the menu's range
    table = tmp_path / "orders.csv"
    orders.to_csv(table, index=False)
    monkeypatch.setattr("{{ cookiecutter.package_name }}.cli.get_settings", lambda: settings)
    arguments = ["score-batch", str(table), str(tmp_path / "d.parquet"), "--master", SPARK_MASTER]
    said = refusal(arguments, capsys)
    assert f"{number} (4)" in said
    assert not (tmp_path / "d.parquet").exists()


@pytest.mark.spark
def test_spark_without_a_champion_says_how_to_get_one(needs_spark, empty_lab, orders_csv, capsys):
    """With no champion in the lab, it says to train one, before starting Spark."""
    with pytest.raises(TableProblem) as refused:
        score_table(empty_lab, orders_csv, orders_csv.parent / "d.parquet", SPARK_MASTER)
    assert "train" in str(refused.value)


BENCHMARK = Path(__file__).parents[1] / "benchmarks" / "batch_scoring.py"


@pytest.mark.spark
def test_batch_benchmark_prints_its_table(needs_spark):
    """With tiny sizes, it times all three ways and prints rows per second and the growth."""
    result = subprocess.run(
        [sys.executable, BENCHMARK, "--sizes", "500", "1500"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = result.stdout
    for way in ("pandas, in process", "kitchen, /predict/batch", "spark local[2]"):
        rows = [line for line in table.splitlines() if line.startswith(way)]
        assert len(rows) == 2, table  # one line of speeds, one of seconds
        assert rows[0].endswith("x"), rows[0]  # the growth column
