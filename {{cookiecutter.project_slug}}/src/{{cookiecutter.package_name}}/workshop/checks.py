"""Self-checks that look at the lab book itself, not at a variable the learner could set."""

import math

import mlflow

from {{ cookiecutter.package_name }}.data import make_dataset
from {{ cookiecutter.package_name }}.menu import TARGET
from {{ cookiecutter.package_name }}.settings import Settings
from {{ cookiecutter.package_name }}.workshop.exercises import CheckResult, not_done, passed, wrong
from {{ cookiecutter.package_name }}.workshop.messages import say


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
