"""Self-checks that look at the lab book, the registry, the kitchen and the shop window
themselves, not at a variable the learner could set. Each says passed, not done yet, or not
quite with a hint, in the workshop's language, and never prints the expected answer.

On a class server, each result (which check, its status, when: never the answer) is also noted
on the learner's report card for the teacher's board (`@recorded`, see classroom.py).
"""

import difflib
import json
import math

import httpx
import mlflow

from {{ cookiecutter.package_name }}.data import make_dataset
from {{ cookiecutter.package_name }}.lab.registry import find_champion
from {{ cookiecutter.package_name }}.menu import TARGET, example_order, ingredients
from {{ cookiecutter.package_name }}.messages import number, say
from {{ cookiecutter.package_name }}.settings import Settings
from {{ cookiecutter.package_name }}.workshop.classroom import recorded
from {{ cookiecutter.package_name }}.workshop.exercises import (
    LEARNING_RATES,
    CheckResult,
    not_done,
    passed,
    written,
    wrong,
)

# A model that explains less than half of the outcome's variation has learnt too little: every
# learning rate in the range asked for does far better (r2 0.75 at 0.01, 0.93 at 0.1).
WEAK_R2 = 0.5


def latest_run_named(settings: Settings, run_name: str):
    """Return the newest run with that name as a one-row table (empty if there is none)."""
    mlflow.set_tracking_uri(settings.mlflow_tracking_uri)
    return mlflow.search_runs(
        experiment_names=[settings.experiment_name],
        filter_string=f"tags.mlflow.runName = '{run_name}'",
        order_by=["start_time DESC"],
        max_results=1,
    )


def as_number(text) -> float | None:
    """A parameter as MLflow stores it (text), read back as a number; None if it is not one."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def outside_rates(rates: list[float]) -> list[float]:
    low, high = LEARNING_RATES
    return [rate for rate in rates if not low <= rate <= high]


def range_words() -> dict[str, str]:
    return {"low": written(LEARNING_RATES[0]), "high": written(LEARNING_RATES[1])}


# --- 01: the first experiment ------------------------------------------------------------------


@recorded("01_first_experiment")
def check_first_experiment(settings: Settings, run_name: str = "first-experiment") -> CheckResult:
    """Notebook 01: the run exists, with a learning rate in the range asked for, its metrics
    logged, and a model that explains most of the outcome."""
    runs = latest_run_named(settings, run_name)
    if runs.empty:
        return not_done(say("first_run_missing"), say("first_run_hint"))
    run = runs.iloc[0]
    rate_text = run.get("params.learning_rate")
    rate = as_number(rate_text)
    if rate_text is not None and rate is None:
        what = say("first_run_rate_unreadable", shown=written(rate_text))
        return wrong(what, say("answer_decimal_comma_hint"))
    rmse, r2 = run.get("metrics.rmse"), run.get("metrics.r2")
    if rmse is None or math.isnan(rmse):
        if run.get("status") == "FAILED":
            return not_done(say("first_run_failed"), say("first_run_failed_hint"))
        return not_done(say("first_run_no_metric"), say("first_run_metric_hint"))
    if rate is not None and outside_rates([rate]):
        what = say("first_run_rate_outside", shown=written(rate), **range_words())
        return wrong(what, say("first_run_rate_outside_hint"))
    if r2 is None or math.isnan(r2):
        # An older run without r2: guessing the average for every row has an error equal to
        # the target's spread.
        r2 = 0.0 if rmse >= make_dataset()[TARGET].std() else 1.0
    if r2 < WEAK_R2:
        return wrong(say("first_run_weak"), say("first_run_weak_hint", **range_words()))
    return passed(say("first_run_ok"))


# --- 02: the tray of formulas ------------------------------------------------------------------


@recorded("02_compare_formulas")
def check_formulas_compared(
    settings: Settings, chosen_run_id, parent_name: str = "compare-formulas"
) -> CheckResult:
    """Notebook 02: a tray of 3+ scored formulas, all with rates in range, and the best chosen."""
    parent = latest_run_named(settings, parent_name)
    if parent.empty:
        return not_done(say("compare_missing"), say("compare_missing_hint"))
    children = mlflow.search_runs(
        experiment_names=[settings.experiment_name],
        filter_string=f"tags.mlflow.parentRunId = '{parent.run_id.iloc[0]}'",
    )
    scored = (
        children.dropna(subset=["metrics.rmse"]) if "metrics.rmse" in children else children[:0]
    )
    if len(scored) < 3:
        return not_done(say("compare_few_runs"), say("compare_few_runs_hint"))
    rates = [as_number(text) for text in scored.get("params.learning_rate", [])]
    outside = outside_rates([rate for rate in rates if rate is not None])
    if outside:
        shown = ", ".join(sorted({written(rate) for rate in outside}))
        what = say("compare_rates_outside", shown=shown, **range_words())
        return wrong(what, say("compare_rates_outside_hint"))
    if chosen_run_id is None or chosen_run_id is Ellipsis:
        return not_done(say("compare_not_chosen"), say("compare_not_chosen_hint"))
    if not isinstance(chosen_run_id, str):
        what = say("compare_not_an_id", shown=written(chosen_run_id))
        return wrong(what, say("compare_not_an_id_hint"))
    if chosen_run_id not in set(scored["run_id"]):
        return wrong(say("compare_not_in_tray"), say("compare_not_in_tray_hint"))
    best = scored.loc[scored["metrics.rmse"].idxmin(), "run_id"]
    if chosen_run_id != best:
        return wrong(say("compare_wrong_choice"), say("compare_wrong_choice_hint"))
    return passed(say("compare_ok", runs=len(scored)))


# --- 03: the registry --------------------------------------------------------------------------


def near_misses(wanted: str, aliases) -> list[str]:
    """Aliases that look like a typo of `wanted` ("Champion", "champoin")."""
    lowered = {alias.lower(): alias for alias in aliases}
    return [lowered[close] for close in difflib.get_close_matches(wanted, lowered, cutoff=0.75)]


@recorded("03_registry")
def check_registry(settings: Settings) -> CheckResult:
    """Notebook 03: champion and challenger aliases are set, on two versions in the right
    order, and an MLflow Project run is in the lab book."""
    client = mlflow.MlflowClient(tracking_uri=settings.mlflow_tracking_uri)
    try:
        aliases = client.get_registered_model(settings.model_name).aliases
    except mlflow.exceptions.MlflowException:
        aliases = {}
    for alias, missing in ((settings.champion_alias, "champion"), ("challenger", "challenger")):
        if alias in aliases:
            continue
        for typo in near_misses(alias, aliases):
            what = say("registry_alias_typo", found=typo, alias=alias)
            return wrong(what, say("registry_alias_typo_hint", alias=alias))
        return not_done(say(f"registry_no_{missing}"), say(f"registry_no_{missing}_hint"))
    if aliases[settings.champion_alias] == aliases["challenger"]:
        return wrong(say("registry_same_version"), say("registry_same_version_hint"))

    def score(alias):
        run_id = client.get_model_version(settings.model_name, aliases[alias]).run_id
        return client.get_run(run_id).data.metrics.get("rmse", math.inf)

    if score(settings.champion_alias) > score("challenger"):
        return wrong(say("registry_order_wrong"), say("registry_order_hint"))
    project_runs = mlflow.search_runs(
        experiment_names=[settings.experiment_name],
        filter_string="tags.mlflow.source.type = 'PROJECT'",
        max_results=1,
    )
    if project_runs.empty:
        return not_done(say("registry_no_project_run"), say("registry_project_hint"))
    return passed(say("registry_ok", version=aliases[settings.champion_alias]))


# --- 04: the kitchen ---------------------------------------------------------------------------


def stream_answers(kitchen_url: str, order: dict) -> dict:
    """Send one order on the kitchen's WebSocket and return its answer."""
    from websockets.sync.client import connect

    address = kitchen_url.replace("http", "ws", 1) + "/ws/predict"
    with connect(address, open_timeout=5, close_timeout=2) as stream:
        stream.send(json.dumps(order))
        return json.loads(stream.recv(timeout=10))


def bad_orders(order: dict) -> list[dict]:
    """Two orders the menu refuses: a field that is not on it, a number far above its range."""
    numbers = [(item.name, item.maximum) for item in ingredients() if item.maximum is not None]
    name, most = numbers[0]
    return [{**order, "extra": 1}, {**order, name: most * 10}]


@recorded("04_kitchen")
def check_kitchen(settings: Settings, kitchen_url) -> CheckResult:
    """Notebook 04: the kitchen answers, cooks with the registry's champion, refuses orders
    that break the menu, and answers on its WebSocket stream."""
    if not isinstance(kitchen_url, str) or not kitchen_url.startswith(("http://", "https://")):
        what = say("kitchen_check_bad_address", shown=written(kitchen_url))
        return not_done(what, say("kitchen_check_bad_address_hint"))
    kitchen_url = kitchen_url.rstrip("/")
    order = example_order().model_dump(mode="json")
    try:
        ready = httpx.get(f"{kitchen_url}/health/ready", timeout=5)
        refused = [
            httpx.post(f"{kitchen_url}/predict", json=bad, timeout=5) for bad in bad_orders(order)
        ]
    except httpx.HTTPError:
        return not_done(say("kitchen_check_closed"), say("kitchen_check_closed_hint"))
    if ready.status_code != 200:
        return not_done(say("kitchen_check_closed"), say("kitchen_check_closed_hint"))
    champion = find_champion(settings)
    if champion is None or ready.json().get("model_version") != champion.version:
        return wrong(say("kitchen_check_other_model"), say("kitchen_check_other_model_hint"))
    if any(answer.status_code != 422 for answer in refused):
        return wrong(say("kitchen_check_accepts_bad"), say("kitchen_check_accepts_bad_hint"))
    try:
        streamed = stream_answers(kitchen_url, order)
    except (OSError, TimeoutError, ValueError):  # refused, closed or not JSON: all "broken"
        streamed = {}
    if "prediction" not in streamed:
        return wrong(say("kitchen_check_stream_broken"), say("kitchen_check_stream_hint"))
    return passed(say("kitchen_check_ok", version=champion.version))


# --- 05: the shop window -----------------------------------------------------------------------


@recorded("05_shop_window")
def check_shop(shop_url: str, page) -> CheckResult:
    """Notebook 05: the shop window is open, and its page showed a dish cooked by the kitchen."""
    try:
        healthy = httpx.get(f"{shop_url}/_stcore/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        healthy = False
    if not healthy:
        return not_done(say("shop_check_closed"), say("shop_check_closed_hint"))
    if page is None or page is Ellipsis:
        return not_done(say("shop_check_not_sent"), say("shop_check_not_sent_hint"))
    if not hasattr(page, "metric"):  # the button itself: `.click()` without `.run()`
        what = say("page_not_run", name="page", shown=written(page))
        return not_done(what, say("page_not_run_hint"))
    if len(page.error):
        return wrong(say("shop_check_error"), say("shop_check_error_hint"))
    if not len(page.metric):
        return not_done(say("shop_check_not_sent"), say("shop_check_not_sent_hint"))
    return passed(say("shop_check_ok"))


# --- 06: the banquet ---------------------------------------------------------------------------


@recorded("06_banquet")
def check_banquet(dishes, column: str, pipeline, rows: int, tasted: int) -> CheckResult:
    """Notebook 06: every order got its dish, and `tasted` dishes cooked again here with the
    champion are Spark's to within one part in a billion."""
    import numpy as np

    from {{ cookiecutter.package_name }}.menu import FEATURES

    if dishes is None or column not in getattr(dishes, "columns", ()):
        return not_done(say("banquet_check_not_run"), say("banquet_check_missing_hint"))
    if len(dishes) != rows:
        what = say("banquet_check_missing", count=number(len(dishes)), rows=number(rows))
        return wrong(what, say("banquet_check_missing_hint"))
    sample = dishes.sample(min(tasted, len(dishes)), random_state=0)
    cooked_here = pipeline.predict(sample[FEATURES])
    if not np.allclose(sample[column], cooked_here, rtol=1e-9, atol=0):
        return wrong(say("banquet_check_differs"), say("banquet_check_differs_hint"))
    return passed(say("banquet_check_ok", tasted=tasted))


# --- 07: the tasting panel ---------------------------------------------------------------------


@recorded("07_tasting_panel")
def check_tasting_panel(settings: Settings, kitchen_url: str, landing) -> CheckResult:
    """Notebook 07: the order book holds orders with their harvest, the champion is a
    challenger trained on them and promoted, the kitchen cooks with it, and the customer who
    kept ordering during the swap lost no order and got a dish of the new champion."""
    from {{ cookiecutter.package_name }}.workshop.seasons import SeasonProblem, read_orders
    from {{ cookiecutter.package_name }}.workshop.tasting import ORDER_BOOK, TRAINED_ON, Landing

    try:
        orders = read_orders(settings)
    except SeasonProblem:
        orders = None
    if orders is None or orders.empty:
        return not_done(say("tasting_no_orders"), say("tasting_no_orders_hint"))
    if orders[TARGET].isna().all():
        return not_done(say("tasting_no_harvest"), say("tasting_no_harvest_hint"))
    champion = find_champion(settings)
    if champion is None:
        return not_done(say("registry_no_champion"), say("tasting_not_promoted_hint"))
    run = mlflow.MlflowClient(settings.mlflow_tracking_uri).get_run(champion.run_id)
    if run.data.tags.get(TRAINED_ON) != ORDER_BOOK:
        return not_done(say("tasting_not_promoted"), say("tasting_not_promoted_hint"))
    if not isinstance(landing, Landing) or not landing.sent:
        return not_done(say("tasting_no_landing"), say("tasting_no_landing_hint"))
    if landing.failed:
        what = say("tasting_failed_orders", failed=landing.failed, sent=landing.sent)
        return wrong(what, say("tasting_failed_orders_hint"))
    if champion.version not in landing.versions:
        what = say("tasting_new_chef_unseen", version=champion.version)
        return wrong(what, say("tasting_new_chef_unseen_hint"))
    try:
        ready = httpx.get(f"{str(kitchen_url).rstrip('/')}/health/ready", timeout=5)
        served = ready.json().get("model_version") if ready.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return not_done(say("kitchen_check_closed"), say("kitchen_check_closed_hint"))
    if served != champion.version:
        what = say("tasting_kitchen_other", served=served, version=champion.version)
        hint = say("tasting_kitchen_other_hint", seconds=written(settings.champion_poll_seconds))
        return wrong(what, hint)
    rows = int(run.data.params.get("rows", 0))
    return passed(say("tasting_ok", version=champion.version, rows=rows, sent=landing.sent))
