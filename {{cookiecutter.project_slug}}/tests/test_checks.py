"""Every exercise and self-check of the notebooks, asked what a learner really gives them.

Each one meets: nothing done yet, a typical wrong answer, an answer outside the range asked
for, the learner's likely typo, and a right answer. Each says so in the workshop's language,
with a hint, and never prints the expected answer. The self-checks read real state: runs
trained and logged here, a real kitchen and shop window, pretend kitchens only to play the
broken ones. The banquet (06) has no exercise, so no typo of the learner's to meet. The
tasting panel (07) plays its whole loop in a lab book of its own: the session's champion stays.
"""

import contextlib
import functools
import json

import httpx
import mlflow
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from {{ cookiecutter.package_name }}.data import make_dataset, split
from {{ cookiecutter.package_name }}.kitchen.app import create_app
from {{ cookiecutter.package_name }}.lab.registry import find_champion, model_uri
from {{ cookiecutter.package_name }}.lab.train import Recipe, build_pipeline, evaluate, open_lab_book, train
from {{ cookiecutter.package_name }}.menu import FEATURES, TARGET, example_order, ingredients
from {{ cookiecutter.package_name }}.processes import ServerThread, free_port
from {{ cookiecutter.package_name }}.settings import get_settings
from {{ cookiecutter.package_name }}.workshop import checks
from {{ cookiecutter.package_name }}.workshop.exercises import (
    CheckResult,
    ExerciseNotDone,
    NotQuite,
    checked_batch,
    checked_champion_uri,
    checked_dish,
    checked_drifted,
    checked_improvement,
    checked_item,
    checked_learning_rate,
    checked_learning_rates,
    checked_models,
    checked_order_by,
    checked_page,
)
from {{ cookiecutter.package_name }}.workshop.restaurant import load_pipeline, open_shop
from {{ cookiecutter.package_name }}.workshop.seasons import harvest, read_orders, simulate_season
from {{ cookiecutter.package_name }}.workshop.tasting import (
    KeepOrdering,
    Landing,
    drift_table,
    harvested,
    promote,
    train_challenger,
    wait_until_served,
)

from .conftest import (
    QUICK_RECIPE,
    SHOP_APP,
    SHOP_TIMEOUT,
    QuietHandler,
    pretend_server,
    settings_in,
    two_versions,
)

HINT = {"en": "Hint:", "fr": "Indice :"}
NOT_DONE = {"en": "not done yet", "fr": "pas encore fait"}


@pytest.fixture(params=["en", "fr"])
def language(request, fresh_settings):
    """Run the test in each language of the workshop."""
    fresh_settings.setenv("LANGUAGE", request.param)
    return request.param


def refusal(check, *arguments, **options) -> str:
    """The sentence an exercise's check stops with (it must stop)."""
    with pytest.raises((ExerciseNotDone, NotQuite)) as stopped:
        check(*arguments, **options)
    return str(stopped.value)


def assert_hint(message: str, language: str, *words: str, answer: str = "") -> None:
    """The message has a hint in `language`, holds `words`, and not the `answer`."""
    assert HINT[language] in message, message
    for word in words:
        assert word in message, (word, message)
    assert not answer or answer not in message, message


# --- 01 and 02: learning rates -----------------------------------------------------------------

# answer -> (what the message must hold in English, in French); "0.1" is the notebook's answer.
RATE_ANSWERS = {
    "0.1": (["without quotes"], ["sans guillemets"]),  # typical: a number written as text
    0.0001: (["outside", "0.01 to 0.5"], ["hors de", "0,01 à 0,5"]),  # out of range
    (0, 1): (["decimals", "point"], ["décimales", "point"]),  # the French decimal comma, 0,1
    "0,1": (["decimals", "point"], ["décimales", "point"]),
}


@pytest.mark.parametrize("answer", RATE_ANSWERS, ids=str)
def test_learning_rate_that_cannot_be_right_is_refused_with_a_hint(answer, language):
    """It stops the exercise's cell with what is wrong and a hint, in the language."""
    english, french = RATE_ANSWERS[answer]
    message = refusal(checked_learning_rate, answer, 1)
    assert message.startswith("✏️")
    assert ("Exercise 1" if language == "en" else "Exercice 1") in message
    assert_hint(message, language, *(english if language == "en" else french))


def test_learning_rate_not_given_names_the_cell_and_the_name(language):
    """It says the exercise is not done, in this cell, and which name still waits."""
    message = refusal(checked_learning_rate, ..., 1)
    assert NOT_DONE[language] in message and "`learning_rate = ...`" in message
    assert ("in this cell" if language == "en" else "dans cette cellule") in message


@pytest.mark.parametrize("answer", [0.01, 0.1, 0.5, 1 / 4])
def test_learning_rate_in_range_is_taken(answer):
    """It returns a rate inside the range as a number."""
    assert checked_learning_rate(answer, 1) == answer


@pytest.mark.parametrize(
    ("answer", "english"),
    [
        (..., "not done yet"),
        (0.1, "should be a list"),  # typical: one rate, not a list
        ([0.03, 0.1, 0.9], "outside"),  # out of range
        ([0, 1, 0, 3], "decimals"),  # the typo: [0,1, 0,3] for [0.1, 0.3]
        ([0.1], "at least 2"),
    ],
    ids=["not-done", "not-a-list", "out-of-range", "decimal-comma", "one-rate"],
)
def test_list_of_learning_rates_that_cannot_be_right_is_refused(answer, english, language):
    """It refuses the tray's rates before a single formula is trained."""
    message = refusal(checked_learning_rates, answer, 1)
    if language == "en":
        assert english in message, message
    assert ("Exercise 1" if language == "en" else "xercice 1") in message


def test_list_of_learning_rates_in_range_is_taken():
    """It returns the rates as numbers."""
    assert checked_learning_rates([0.03, 0.1, 0.3], 1) == [0.03, 0.1, 0.3]


@pytest.mark.parametrize(
    ("answer", "english", "french"),
    [
        ("metrics.rmse ASC", "should be a list", "devrait être une liste"),  # typical
        (["rmse ASC"], "names no column", "ne nomme aucune colonne"),  # the typo
        (["metrics.rmse UP"], "ASC or DESC", "ASC ou DESC"),  # out of what sorting knows
    ],
)
def test_order_by_that_cannot_sort_is_refused(answer, english, french, language):
    """It says why the search cannot sort with it, without writing the sort wanted."""
    message = refusal(checked_order_by, answer, 2)
    assert_hint(
        message, language, english if language == "en" else french, answer='["metrics.rmse ASC"]'
    )


def test_order_by_is_taken_either_way():
    """It lets either direction through: the self-check judges the choice."""
    assert checked_order_by(["metrics.rmse asc"], 2) == ["metrics.rmse ASC"]
    assert checked_order_by(["metrics.rmse DESC"], 2) == ["metrics.rmse DESC"]
    assert "best_first = ..." in refusal(checked_order_by, ..., 2)


# --- 01: the first experiment, as notebook 01 runs it ------------------------------------------


def first_experiment(settings, learning_rate, max_iter=100, log_metrics=True):
    """Notebook 01's experiment cell, on a smaller table."""
    recipe = Recipe(learning_rate=learning_rate, max_iter=max_iter, rows=800)
    train_x, test_x, train_y, test_y = split(make_dataset(rows=800))
    open_lab_book(settings)
    with mlflow.start_run(run_name="first-experiment"):
        mlflow.log_params(vars(recipe))
        pipeline = build_pipeline(recipe).fit(train_x, train_y)
        if log_metrics:
            mlflow.log_metrics(evaluate(pipeline, test_x, test_y))


def in_both_languages(fresh_settings, check, *arguments) -> dict[str, CheckResult]:
    """The same check on the same state, said in English then in French."""
    said = {}
    for language in ("en", "fr"):
        fresh_settings.setenv("LANGUAGE", language)
        get_settings.cache_clear()
        said[language] = check(*arguments)
    return said


def assert_result(said: dict[str, CheckResult], status: str, english: str, answer: str = ""):
    for language, result in said.items():
        assert result.status == status, result.message
        if status != "passed":
            assert_hint(result.message, language, answer=answer)
    assert english in said["en"].message, said["en"].message


@pytest.fixture
def lab(tmp_path):
    """A lab book of the test's own, empty."""
    return settings_in(tmp_path)


def test_first_experiment_not_run_is_not_done(lab, fresh_settings):
    """It says no run is there yet, and which cell makes it."""
    said = in_both_languages(fresh_settings, checks.check_first_experiment, lab)
    assert_result(said, "not_done", "start_run")


def test_first_experiment_without_metrics_asks_for_them(lab, fresh_settings):
    """It asks for `log_metrics` when the run holds no results (a typical slip)."""
    first_experiment(lab, 0.1, max_iter=5, log_metrics=False)
    said = in_both_languages(fresh_settings, checks.check_first_experiment, lab)
    assert_result(said, "not_done", "log_metrics")


def test_first_experiment_with_a_tiny_learning_rate_is_not_passed(lab, fresh_settings):
    """It refuses learning rate 0.0001 (r2 near 0), naming the range the text asks for."""
    first_experiment(lab, 0.0001)
    said = in_both_languages(fresh_settings, checks.check_first_experiment, lab)
    assert_result(said, "wrong", "0.0001, outside the range exercise 1 asks for (0.01 to 0.5)")
    assert "0,0001" in said["fr"].message and "0,01 à 0,5" in said["fr"].message


def test_first_experiment_that_learnt_too_little_is_weak(lab, fresh_settings):
    """It says the model explains too little when a rate in range was given too few steps."""
    first_experiment(lab, 0.01, max_iter=3)
    said = in_both_languages(fresh_settings, checks.check_first_experiment, lab)
    assert_result(said, "wrong", "less than half")


def test_first_experiment_with_the_decimal_comma_points_at_the_point(lab, fresh_settings):
    """It reads the run the decimal comma left (learning rate "(0, 1)", failed) and says to
    write decimals with a point, not to log metrics."""
    open_lab_book(lab)
    with contextlib.suppress(TypeError), mlflow.start_run(run_name="first-experiment"):
        mlflow.log_params({"learning_rate": (0, 1)})
        raise TypeError("what sklearn raised")
    said = in_both_languages(fresh_settings, checks.check_first_experiment, lab)
    assert_result(said, "wrong", "point (3.5, not 3,5)")
    assert "log_metrics" not in said["en"].message


def test_first_experiment_done_right_passes(lab, fresh_settings):
    """It passes a run with a learning rate in range, its metrics and a good model."""
    first_experiment(lab, 0.1)
    said = in_both_languages(fresh_settings, checks.check_first_experiment, lab)
    assert_result(said, "passed", "first experiment is in the lab book")


# --- 02: the tray of formulas, as notebook 02 fills it -----------------------------------------


def tray(settings, rates, leaf_counts=(8,)) -> str:
    """Notebook 02's tray on a smaller table; return the parent run's id."""
    train_x, test_x, train_y, test_y = split(make_dataset(rows=600))
    open_lab_book(settings)
    with mlflow.start_run(run_name="compare-formulas") as parent:
        for rate in rates:
            for leaves in leaf_counts:
                recipe = Recipe(learning_rate=rate, max_leaf_nodes=leaves, max_iter=30, rows=600)
                with mlflow.start_run(run_name=f"lr={rate} leaves={leaves}", nested=True):
                    mlflow.log_params(vars(recipe))
                    pipeline = build_pipeline(recipe).fit(train_x, train_y)
                    mlflow.log_metrics(evaluate(pipeline, test_x, test_y))
    return parent.info.run_id


def sorted_tray(parent_id: str, order: str) -> pd.DataFrame:
    return mlflow.search_runs(
        filter_string=f"tags.mlflow.parentRunId = '{parent_id}'", order_by=[f"metrics.rmse {order}"]
    )


def test_tray_not_run_is_not_done(lab, fresh_settings):
    """It says the comparison is not there yet."""
    said = in_both_languages(fresh_settings, checks.check_formulas_compared, lab, ...)
    assert_result(said, "not_done", "compare-formulas")


def test_tray_of_two_formulas_is_too_small(lab, fresh_settings):
    """It asks for more formulas when the tray holds fewer than three."""
    tray(lab, [0.1, 0.3])
    said = in_both_languages(fresh_settings, checks.check_formulas_compared, lab, ...)
    assert_result(said, "not_done", "fewer than 3")


def test_tray_with_a_rate_out_of_range_is_not_passed(lab, fresh_settings):
    """It names the rates outside the range, even when the best one was picked."""
    parent_id = tray(lab, [0.001, 0.1, 0.3])
    best = sorted_tray(parent_id, "ASC")["run_id"].iloc[0]
    said = in_both_languages(fresh_settings, checks.check_formulas_compared, lab, best)
    assert_result(said, "wrong", "outside 0.01 to 0.5 (0.001)")


@pytest.fixture
def good_tray(lab) -> tuple:
    """A lab book holding a tray of three formulas; its parent run's id."""
    return lab, tray(lab, [0.03, 0.1, 0.3])


def test_worst_formula_chosen_is_wrong_and_the_sort_is_not_given(good_tray, fresh_settings):
    """It says the choice is not the lowest rmse, and does not write which sort gives it."""
    lab, parent_id = good_tray
    worst = sorted_tray(parent_id, "DESC")["run_id"].iloc[0]
    said = in_both_languages(fresh_settings, checks.check_formulas_compared, lab, worst)
    assert_result(said, "wrong", "lowest rmse", answer="ASC")


def test_whole_column_given_for_one_run_is_pointed_at(good_tray, fresh_settings):
    """It explains that one run's id is wanted when the whole `run_id` column is given."""
    lab, parent_id = good_tray
    column = sorted_tray(parent_id, "ASC")["run_id"]  # the typo: no `.iloc[0]`
    said = in_both_languages(fresh_settings, checks.check_formulas_compared, lab, column)
    assert_result(said, "wrong", "one run's id")


def test_run_from_outside_the_tray_is_not_taken(good_tray, fresh_settings):
    """It refuses a run that is not one of the tray's formulas."""
    lab, _ = good_tray
    outsider = checks.latest_run_named(lab, "compare-formulas")["run_id"].iloc[0]  # the parent
    said = in_both_languages(fresh_settings, checks.check_formulas_compared, lab, outsider)
    assert_result(said, "wrong", "not one of the tray's formulas")


def test_best_formula_chosen_passes(good_tray, fresh_settings):
    """It passes the run a query sorted first by lowest rmse."""
    lab, parent_id = good_tray
    best = sorted_tray(parent_id, "ASC")["run_id"].iloc[0]
    said = in_both_languages(fresh_settings, checks.check_formulas_compared, lab, best)
    assert_result(said, "passed", "3 formulas are compared")


# --- 03: the registry --------------------------------------------------------------------------


def test_champion_uri_that_is_not_the_champions_is_refused(language, settings):
    """It refuses the function itself, a pinned version and another address, with a hint."""
    words = {
        model_uri: ("the function `model_uri` itself", "la fonction `model_uri` elle-même"),
        model_uri(settings, version="1"): ("one fixed version", "une version fixée"),
        "champion": ("not an address", "pas une adresse"),
    }
    for answer, (english, french) in words.items():
        message = refusal(checked_champion_uri, answer, settings, 1)
        assert_hint(message, language, english if language == "en" else french)
        assert "model_uri(settings)" not in message
    assert "champion_uri = ..." in refusal(checked_champion_uri, ..., settings, 1)
    assert checked_champion_uri(model_uri(settings), settings, 1) == model_uri(settings)


def test_models_that_cannot_predict_are_refused(settings, language):
    """It names the value that is not a model, and takes models that predict."""
    champion = load_pipeline(settings)
    message = refusal(checked_models, 2, champion_pipeline=champion, pinned_pipeline="1")
    assert f"`pinned_pipeline` {'is' if language == 'en' else 'vaut'} '1'" in message
    not_done = refusal(checked_models, 2, champion_pipeline=champion, pinned_pipeline=...)
    assert "pinned_pipeline = ..." in not_done
    checked_models(2, champion_pipeline=champion, pinned_pipeline=champion)


@pytest.fixture
def registry(lab):
    """A lab book with two versions: 1 the champion, 2 the (weaker) challenger."""
    return lab, two_versions(lab)


def test_registry_without_a_champion_is_not_done(lab, fresh_settings):
    """It says no version holds the champion alias yet."""
    said = in_both_languages(fresh_settings, checks.check_registry, lab)
    assert_result(said, "not_done", "'champion' alias")


def test_champion_worse_than_its_challenger_is_wrong(registry, fresh_settings):
    """It sees the aliases swapped: the challenger scores better than the champion."""
    lab, client = registry
    client.set_registered_model_alias(lab.model_name, "champion", "2")
    client.set_registered_model_alias(lab.model_name, "challenger", "1")
    said = in_both_languages(fresh_settings, checks.check_registry, lab)
    assert_result(said, "wrong", "lower rmse than the champion")


def test_champion_and_challenger_on_one_version_is_wrong(registry, fresh_settings):
    """It refuses two aliases on the same version (nothing is compared then)."""
    lab, client = registry
    client.set_registered_model_alias(lab.model_name, "challenger", "1")
    said = in_both_languages(fresh_settings, checks.check_registry, lab)
    assert_result(said, "wrong", "the same version")


def test_alias_with_a_typo_is_named(registry, fresh_settings):
    """It names an alias that is almost 'champion', and the exact name the kitchen asks for."""
    lab, client = registry
    client.set_registered_model_alias(lab.model_name, "Champion", "1")
    client.delete_registered_model_alias(lab.model_name, "champion")
    said = in_both_languages(fresh_settings, checks.check_registry, lab)
    assert_result(said, "wrong", "an alias 'Champion', but the kitchen asks for exactly 'champion'")


def test_registry_without_a_project_run_is_not_done(registry, fresh_settings):
    """It asks for the MLflow Project run once the aliases are right."""
    lab, _ = registry
    said = in_both_languages(fresh_settings, checks.check_registry, lab)
    assert_result(said, "not_done", "MLflow Projects")


def test_registry_done_right_passes(registry, fresh_settings):
    """It passes once a run carries MLflow Projects' mark (the tag `mlflow run` writes)."""
    lab, _ = registry
    open_lab_book(lab)
    with mlflow.start_run(tags={"mlflow.source.type": "PROJECT"}):
        pass
    said = in_both_languages(fresh_settings, checks.check_registry, lab)
    assert_result(said, "passed", "version 1 is the champion")


# --- 04: the kitchen ---------------------------------------------------------------------------


def test_kitchen_answers_that_are_not_a_dish_are_explained(kitchen_url, language):
    """It tells a GET, a path with a typo and an order wrapped in another dictionary apart."""
    order = example_order().model_dump(mode="json")
    cases = {
        "405": httpx.get(f"{kitchen_url}/predict"),  # typical: GET for POST
        "404": httpx.post(f"{kitchen_url}/predicts", json=order),  # the typo
        "slash": httpx.post(f"{kitchen_url}/predict/", json=order),  # the other typo: redirected
        "422": httpx.post(f"{kitchen_url}/predict", json={"order": order}),
    }
    said = {case: refusal(checked_dish, response, 1) for case, response in cases.items()}
    for message in said.values():
        assert_hint(message, language, answer='http.post("/predict", json=order)')
    assert "POST" in said["405"]
    for typo in ("404", "slash"):
        assert ("not one of its routes" if language == "en" else "pas une de ses routes") in said[
            typo
        ]
    assert "soil_type" in said["422"] or FEATURES[0] in said["422"]
    assert "response = ..." in refusal(checked_dish, ..., 1)
    not_an_answer = refusal(checked_dish, order, 1)  # the order itself, never sent
    assert ("not the kitchen's answer" if language == "en" else "pas la réponse") in not_an_answer


def test_kitchen_dish_is_taken(kitchen_url):
    """It returns the dish of a 200."""
    dish = checked_dish(httpx.post(f"{kitchen_url}/predict", json=example_order().model_dump()), 1)
    assert "prediction" in dish


def test_batch_answers_that_are_not_fifty_dishes_are_explained(kitchen_url, language):
    """It tells the raw answer, a refused body and the wrong number of rows apart."""
    rows = make_dataset(rows=60)[FEATURES].to_dict(orient="records")
    post = functools.partial(httpx.post, f"{kitchen_url}/predict/batch")
    raw = post(json={"orders": rows[:50]})
    assert ".json()" in refusal(checked_batch, raw, 50, 2)  # typical: forgot .json()
    assert "`orders`" in refusal(checked_batch, post(json=rows[:50]).json(), 50, 2)  # the typo
    too_many = refusal(checked_batch, post(json={"orders": rows}).json(), 50, 2)  # out of range
    assert "60" in too_many and ".head(" in too_many
    assert "batch = ..." in refusal(checked_batch, ..., 50, 2)
    assert checked_batch(raw.json(), 50, 2)["predictions"]


def pretend_kitchen(version: str, accepts_everything: bool):
    """A kitchen that says it is ready with `version`; it cooks 200 for any order if asked."""

    class Pretend(QuietHandler):
        def do_GET(self):
            self.answer(200, json.dumps({"model_version": version}))

        def do_POST(self):
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.answer(200 if accepts_everything else 422, json.dumps({"detail": []}))

        def answer(self, status, body):
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

    return pretend_server(Pretend)


def test_closed_kitchen_is_not_done(settings, fresh_settings):
    """It says the kitchen does not answer, and which cell opens it."""
    closed = f"http://127.0.0.1:{free_port()}"
    said = in_both_languages(fresh_settings, checks.check_kitchen, settings, closed)
    assert_result(said, "not_done", "open_kitchen")


def test_kitchen_address_with_a_typo_is_pointed_at(settings, fresh_settings, kitchen_url):
    """It explains an address without http://, and forgives a slash at the end."""
    typo = kitchen_url.removeprefix("http://")
    said = in_both_languages(fresh_settings, checks.check_kitchen, settings, typo)
    assert_result(said, "not_done", "not the address of a kitchen")
    assert checks.check_kitchen(settings, kitchen_url + "/").passed


def test_kitchen_cooking_another_model_is_wrong(settings, fresh_settings):
    """It sees a kitchen ready with a version that is not the registry's champion."""
    with pretend_kitchen("999", accepts_everything=False) as url:
        said = in_both_languages(fresh_settings, checks.check_kitchen, settings, url)
    assert_result(said, "wrong", "another model than the registry's champion")


def test_kitchen_accepting_an_order_out_of_range_is_wrong(settings, fresh_settings):
    """It sees a kitchen that cooks a number far above the menu's range."""
    champion = find_champion(settings).version
    with pretend_kitchen(champion, accepts_everything=True) as url:
        said = in_both_languages(fresh_settings, checks.check_kitchen, settings, url)
    assert_result(said, "wrong", "out of its range")


def test_real_kitchen_passes(settings, kitchen_url, fresh_settings):
    """It passes the project's own kitchen: champion, refusals and stream."""
    said = in_both_languages(fresh_settings, checks.check_kitchen, settings, kitchen_url)
    assert_result(said, "passed", f"champion (version {find_champion(settings).version})")


# --- 05: the shop window -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop_url(settings, kitchen_url):
    """The real shop window, served by Streamlit on a free loopback port for this module."""
    shop = open_shop(settings, kitchen_url)
    yield shop.url
    shop.stop()


def page_for(kitchen: str, fresh_settings) -> AppTest:
    fresh_settings.setenv("KITCHEN_URL", kitchen)
    return AppTest.from_file(str(SHOP_APP), default_timeout=SHOP_TIMEOUT).run()


def test_page_answers_that_are_not_the_page_are_explained(kitchen_url, fresh_settings, language):
    """It tells the button (no `.run()`) and any other value from the page, and takes it."""
    page = page_for(kitchen_url, fresh_settings)
    assert ".run()" in refusal(checked_page, page.button[0].click(), 1)  # the typo
    assert f"`page` {'is' if language == 'en' else 'vaut'} 3" in refusal(checked_page, 3, 1)
    assert "page = ..." in refusal(checked_page, ..., 1)
    assert checked_page(page, 1) is page


def test_closed_shop_is_not_done(fresh_settings):
    """It says the shop window does not answer."""
    closed = f"http://127.0.0.1:{free_port()}"
    said = in_both_languages(fresh_settings, checks.check_shop, closed, None)
    assert_result(said, "not_done", "open_shop")


def test_shop_page_not_clicked_or_not_run_is_not_done(shop_url, kitchen_url, fresh_settings):
    """It says the page showed no dish yet, and that a button is not the page."""
    page = page_for(kitchen_url, fresh_settings)
    said = in_both_languages(fresh_settings, checks.check_shop, shop_url, page)
    assert_result(said, "not_done", "not shown a dish yet")
    button = page.button[0].click()
    said = in_both_languages(fresh_settings, checks.check_shop, shop_url, button)
    assert_result(said, "not_done", "the button, not the page", answer="click().run()")


def test_shop_page_showing_an_error_is_wrong(shop_url, fresh_settings):
    """It sees the page's error when the order went to a kitchen that is closed."""
    page = page_for(f"http://127.0.0.1:{free_port()}", fresh_settings).button[0].click().run()
    said = in_both_languages(fresh_settings, checks.check_shop, shop_url, page)
    assert_result(said, "wrong", "error")


def test_shop_page_with_a_dish_passes(shop_url, kitchen_url, fresh_settings):
    """It passes the page once it shows a dish cooked by the kitchen."""
    page = page_for(kitchen_url, fresh_settings).button[0].click().run()
    said = in_both_languages(fresh_settings, checks.check_shop, shop_url, page)
    assert_result(said, "passed", "shop window")


def test_sliding_ingredient_must_be_an_item_of_the_list(language):
    """It tells a name, the whole list and a foreign value from one item, and takes the item."""
    numbers = [item for item in ingredients() if item.maximum is not None]
    assert "`numbers[...]`" in refusal(
        checked_item, numbers[0].name, numbers, 2, "sliding", "numbers"
    )
    whole = refusal(checked_item, numbers, numbers, 2, "sliding", "numbers")
    assert ("whole list" if language == "en" else "liste entière") in whole
    assert "sliding = ..." in refusal(checked_item, ..., numbers, 2, "sliding", "numbers")
    assert checked_item(numbers[-1], numbers, 2, "sliding", "numbers") is numbers[-1]


# --- 06: the banquet ---------------------------------------------------------------------------


@pytest.fixture
def cooked(settings):
    """A table of 200 orders and their dishes, cooked by the champion here (as Spark does)."""
    pipeline = load_pipeline(settings)
    dishes = make_dataset(rows=200)[FEATURES]
    return dishes.assign(prediction=pipeline.predict(dishes)), pipeline


def test_banquet_not_served_is_not_done(cooked, fresh_settings):
    """It says the dishes are not there yet."""
    _, pipeline = cooked
    check = functools.partial(
        checks.check_banquet, None, "prediction", pipeline, rows=200, tasted=50
    )
    assert_result(in_both_languages(fresh_settings, check), "not_done", "not there yet")


def test_banquet_with_missing_dishes_is_wrong(cooked, fresh_settings):
    """It counts the dishes against the orders, in the language's number format."""
    dishes, pipeline = cooked
    check = functools.partial(
        checks.check_banquet, dishes, "prediction", pipeline, rows=20_000, tasted=50
    )
    said = in_both_languages(fresh_settings, check)
    assert_result(said, "wrong", "orders: 20,000, dishes: 200")
    assert "commandes : 20\N{NARROW NO-BREAK SPACE}000" in said["fr"].message


def test_banquet_with_other_dishes_is_wrong(cooked, fresh_settings):
    """It sees dishes that the champion would not have cooked."""
    dishes, pipeline = cooked
    other = dishes.assign(prediction=dishes["prediction"] * (1 + 1e-6))
    check = functools.partial(
        checks.check_banquet, other, "prediction", pipeline, rows=200, tasted=50
    )
    assert_result(in_both_languages(fresh_settings, check), "wrong", "differ from Spark's")


def test_banquet_served_right_passes(cooked, fresh_settings):
    """It passes every dish being there and the tasted ones being the champion's."""
    dishes, pipeline = cooked
    check = functools.partial(
        checks.check_banquet, dishes, "prediction", pipeline, rows=200, tasted=50
    )
    assert_result(in_both_languages(fresh_settings, check), "passed", "50 dishes cooked again")


# --- 07: the tasting panel ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def drift():
    """Season 2's orders against the lab's table, as notebook 07 compares them."""
    lab, season = make_dataset(rows=600), make_dataset(rows=600, seed=7, season=2)
    return drift_table(lab[FEATURES], season[FEATURES])


def test_most_drifted_that_is_not_the_top_row_is_refused(drift, language):
    """It tells the second row, a number, the outcome and a misspelt name apart, with a hint,
    and names the top row only when the learner misspelt that very name."""
    top, second = drift.index[0], drift.index[1]
    words = {
        second: ("another ingredient moved more", "un autre ingrédient a bougé davantage"),
        float(drift["psi"].max()): ("not the name of an ingredient", "pas le nom d'un ingrédient"),
        TARGET: ("no ingredient of the menu", "pas un ingrédient de la carte"),
    }
    for answer, (english, french) in words.items():
        message = refusal(checked_drifted, answer, drift, 1)
        assert_hint(message, language, english if language == "en" else french, answer=repr(top))
    typo = refusal(checked_drifted, f" {top.upper()}", drift, 1)  # the learner's likely typo
    assert_hint(typo, language, "Did you mean" if language == "en" else "Vouliez-vous dire")
    assert "most_drifted = ..." in refusal(checked_drifted, ..., drift, 1)
    assert checked_drifted(top, drift, 1) == top


@pytest.mark.parametrize(
    ("answer", "english", "french"),
    [
        (5, "a share, not a percentage", "une part, pas un pourcentage"),  # typical: 5 for 5 %
        ("5 %", "not a number", "pas un nombre"),
        ((0, 5), "decimals", "décimales"),  # the typo: 0,05 with the decimal comma
        (0.9, "outside the range", "hors de la plage"),  # out of range
        (True, "number", "nombre"),
    ],
    ids=["percent", "percent-text", "decimal-comma", "out-of-range", "not-a-number"],
)
def test_improvement_that_cannot_be_a_share_is_refused(answer, english, french, language):
    """It stops the jury's cell before any verdict, with what is wrong and a hint."""
    message = refusal(checked_improvement, answer, 2)
    assert ("Exercise 2" if language == "en" else "Exercice 2") in message
    assert_hint(message, language, english if language == "en" else french)


def test_improvement_given_as_a_share_is_taken():
    """Any share in the range is a rule the jury can apply; ... is not done yet."""
    assert checked_improvement(0.05, 2) == 0.05 and checked_improvement(0.001, 2) == 0.001
    assert "improvement = ..." in refusal(checked_improvement, ..., 2)


def said_both_ways(check, *arguments) -> dict[str, CheckResult]:
    """in_both_languages, for a fixture that lives longer than one test."""
    with pytest.MonkeyPatch.context() as patch:
        said = {}
        for language in ("en", "fr"):
            patch.setenv("LANGUAGE", language)
            get_settings.cache_clear()
            said[language] = check(*arguments)
    get_settings.cache_clear()
    return said


@pytest.fixture(scope="module")
def tasting_panel(tmp_path_factory):
    """Notebook 07 played step by step in a lab book and order book of its own, with what the
    self-check says after each step, in both languages."""
    settings = settings_in(tmp_path_factory.mktemp("loop"))
    train(settings, QUICK_RECIPE)
    said = {}
    with ServerThread(create_app(settings)) as kitchen:
        check = functools.partial(checks.check_tasting_panel, settings, kitchen)
        said["empty book"] = said_both_ways(check, None)
        simulate_season(settings, season=2, orders=200, kitchen_url=kitchen)
        said["no harvest"] = said_both_ways(check, None)
        harvest(settings, season=2)
        said["lab's champion"] = said_both_ways(check, None)
        new, _ = train_challenger(settings, harvested(read_orders(settings)), QUICK_RECIPE)
        promote(settings, new)
        said["nobody watched"] = said_both_ways(check, None)
        said["failed orders"] = said_both_ways(check, Landing(10, 2, ["1", new]))
        said["new chef unseen"] = said_both_ways(check, Landing(10, 0, ["1"]))
        with pretend_kitchen("1", accepts_everything=False) as stale:  # it never looked again
            stale_check = functools.partial(checks.check_tasting_panel, settings, stale)
            said["stale kitchen"] = said_both_ways(stale_check, Landing(10, 0, ["1", new]))
        with KeepOrdering(kitchen) as landing:
            assert httpx.post(f"{kitchen}/model/reload", timeout=60).status_code == 200
            assert wait_until_served(kitchen, new)
        said["closed loop"] = said_both_ways(check, landing)
    return said


@pytest.mark.parametrize(
    ("step", "english"),
    [
        ("empty book", "holds no order"),
        ("no harvest", "true outcome"),
        ("lab's champion", "still a model the lab trained"),
        ("nobody watched", "nobody watched the new champion land"),
    ],
)
def test_tasting_panel_half_done_is_not_done(tasting_panel, step, english):
    """Before each step of the loop is done, it says which one, and which cell does it."""
    assert_result(tasting_panel[step], "not_done", english)


@pytest.mark.parametrize(
    ("step", "english"),
    [
        ("failed orders", "2 of the 10 orders sent while the champion changed failed"),
        ("new chef unseen", "never got a dish cooked by the new champion"),
        ("stale kitchen", "cooks with version 1, not with the champion"),
    ],
)
def test_tasting_panel_swap_that_lost_orders_or_never_landed_is_wrong(tasting_panel, step, english):
    """It sees orders lost during the swap (a kitchen closed and reopened), a customer who
    never met the new chef, and a kitchen still cooking with the old one."""
    assert_result(tasting_panel[step], "wrong", english)


def test_tasting_panel_closed_loop_passes(tasting_panel):
    """It passes the promoted challenger, served by the kitchen, with no order lost."""
    assert_result(tasting_panel["closed loop"], "passed", "the loop is closed")
