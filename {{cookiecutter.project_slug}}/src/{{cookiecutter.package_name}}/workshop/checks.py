"""Self-checks that look at the lab book itself, not at a variable the learner could set."""

import json
import math

import httpx
import mlflow

from {{ cookiecutter.package_name }}.data import make_dataset
from {{ cookiecutter.package_name }}.lab.registry import find_champion
from {{ cookiecutter.package_name }}.menu import TARGET, example_order
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import Settings
from {{ cookiecutter.package_name }}.workshop.exercises import CheckResult, not_done, passed, wrong


def check_first_experiment(settings: Settings, run_name: str = "first-experiment") -> CheckResult:
    """Notebook 01: a run with that name exists, logged rmse, and beats guessing the average."""
    mlflow.set_tracking_uri(settings.mlflow_tracking_uri)
    runs = mlflow.search_runs(
        experiment_names=[settings.experiment_name],
        filter_string=f"tags.mlflow.runName = '{run_name}'",
        order_by=["start_time DESC"],
        max_results=1,
    )
    if runs.empty:
        return not_done(say("first_run_missing"), say("first_run_hint"))
    rmse = runs.iloc[0].get("metrics.rmse")
    if rmse is None or math.isnan(rmse):
        return not_done(say("first_run_no_metric"), say("first_run_metric_hint"))
    # Guessing the average for every row has an error equal to the target's spread.
    if rmse >= make_dataset()[TARGET].std():
        return wrong(say("first_run_weak"), say("first_run_weak_hint"))
    return passed(say("first_run_ok"))


# --- The lab's notebooks (02 to 05) ----------------------------------------------------------


def latest_run_named(settings: Settings, run_name: str):
    """Return the newest run with that name as a one-row table (empty if there is none)."""
    mlflow.set_tracking_uri(settings.mlflow_tracking_uri)
    return mlflow.search_runs(
        experiment_names=[settings.experiment_name],
        filter_string=f"tags.mlflow.runName = '{run_name}'",
        order_by=["start_time DESC"],
        max_results=1,
    )


def check_formulas_compared(
    settings: Settings, chosen_run_id, parent_name: str = "compare-formulas"
) -> CheckResult:
    """Notebook 02: a comparison with 3+ scored formulas exists, and the best one was chosen."""
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
    if chosen_run_id in (None, Ellipsis):
        return not_done(say("compare_not_chosen"), say("compare_not_chosen_hint"))
    best = scored.loc[scored["metrics.rmse"].idxmin(), "run_id"]
    if chosen_run_id != best:
        return wrong(say("compare_wrong_choice"), say("compare_wrong_choice_hint"))
    return passed(say("compare_ok", runs=len(scored)))


def check_registry(settings: Settings) -> CheckResult:
    """Notebook 03: champion and challenger aliases are set, in the right order, and an
    MLflow Project run is in the lab book."""
    client = mlflow.MlflowClient(tracking_uri=settings.mlflow_tracking_uri)
    try:
        aliases = client.get_registered_model(settings.model_name).aliases
    except mlflow.exceptions.MlflowException:
        aliases = {}
    if settings.champion_alias not in aliases:
        return not_done(say("registry_no_champion"), say("registry_no_champion_hint"))
    if "challenger" not in aliases:
        return not_done(say("registry_no_challenger"), say("registry_no_challenger_hint"))

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


def stream_answers(kitchen_url: str, order: dict) -> dict:
    """Send one order on the kitchen's WebSocket and return its answer."""
    from websockets.sync.client import connect

    address = kitchen_url.replace("http", "ws", 1) + "/ws/predict"
    with connect(address, open_timeout=5, close_timeout=2) as stream:
        stream.send(json.dumps(order))
        return json.loads(stream.recv(timeout=10))


def check_kitchen(settings: Settings, kitchen_url: str) -> CheckResult:
    """Notebook 04: the kitchen answers, cooks with the registry's champion, refuses a bad order
    and answers on its WebSocket stream."""
    order = example_order().model_dump(mode="json")
    try:
        ready = httpx.get(f"{kitchen_url}/health/ready", timeout=5)
        refused = httpx.post(f"{kitchen_url}/predict", json={**order, "extra": 1}, timeout=5)
    except httpx.HTTPError:
        return not_done(say("kitchen_check_closed"), say("kitchen_check_closed_hint"))
    if ready.status_code != 200:
        return not_done(say("kitchen_check_closed"), say("kitchen_check_closed_hint"))
    champion = find_champion(settings)
    if champion is None or ready.json().get("model_version") != champion.version:
        return wrong(say("kitchen_check_other_model"), say("kitchen_check_other_model_hint"))
    if refused.status_code != 422:
        return wrong(say("kitchen_check_accepts_bad"), say("kitchen_check_accepts_bad_hint"))
    streamed = stream_answers(kitchen_url, order)
    if "prediction" not in streamed:
        return wrong(say("kitchen_check_stream_broken"), say("kitchen_check_stream_hint"))
    return passed(say("kitchen_check_ok", version=champion.version))


def check_shop(shop_url: str, page) -> CheckResult:
    """Notebook 05: the shop window is open, and its page showed a dish cooked by the kitchen."""
    try:
        healthy = httpx.get(f"{shop_url}/_stcore/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        healthy = False
    if not healthy:
        return not_done(say("shop_check_closed"), say("shop_check_closed_hint"))
    if page in (None, Ellipsis):
        return not_done(say("shop_check_not_sent"), say("shop_check_not_sent_hint"))
    if len(page.error):
        return wrong(say("shop_check_error"), say("shop_check_error_hint"))
    if not len(page.metric):
        return not_done(say("shop_check_not_sent"), say("shop_check_not_sent_hint"))
    return passed(say("shop_check_ok"))
