{%- set fr = cookiecutter.language == "fr" -%}
"""The tasting panel's tools (notebook 07, and `checkpoint 4`): how far the orders drifted, a
challenger trained on the harvest, the jury's rule, and a customer who keeps ordering while
the champion changes.
"""

import threading
import time
import warnings
from dataclasses import dataclass, field

import httpx
import mlflow
import numpy as np
import pandas as pd
import skops.io
from mlflow import MlflowClient
from mlflow.models import MetricThreshold, infer_signature

from {{ cookiecutter.package_name }}.data import make_dataset, split
from {{ cookiecutter.package_name }}.lab.registry import CHALLENGER, find_champion
from {{ cookiecutter.package_name }}.lab.train import (
    PIP_REQUIREMENTS,
    Recipe,
    build_pipeline,
    evaluate,
    open_lab_book,
)
from {{ cookiecutter.package_name }}.menu import FEATURES, TARGET, example_order, ingredients
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import Settings

TRAINED_ON = "trained_on"  # the tag that tells a challenger of the tasting panel from the lab's
ORDER_BOOK = "order_book"
SHARE_FLOOR = 1e-4  # a share of 0 would make the logarithm infinite
BINS = 10
JURY_METRIC = "root_mean_squared_error"  # the name mlflow.models.evaluate gives the rmse


# --- How far the orders drifted ----------------------------------------------------------------


def shares(training: pd.Series, live: pd.Series, item) -> tuple[np.ndarray, np.ndarray]:
    """The share of each table in each bin: a category, or a tenth of the training's range."""
    if item.choices or item.kind is bool:
        bins = sorted(set(training) | set(live), key=str)
        counts = [[(column == value).mean() for value in bins] for column in (training, live)]
        return np.array(counts[0]), np.array(counts[1])
    edges = np.unique(np.quantile(training, np.linspace(0, 1, BINS + 1)))
    edges[0], edges[-1] = -np.inf, np.inf  # a live order beyond the training's range still counts
    before, after = (np.histogram(column, edges)[0] / len(column) for column in (training, live))
    return before, after


def stability_index(training: pd.Series, live: pd.Series, item) -> float:
    """The population stability index: 0 when both tables spread alike; above 0.25, a shift."""
    before, after = (np.clip(share, SHARE_FLOOR, None) for share in shares(training, live, item))
    return float(np.sum((after - before) * np.log(after / before)))


def drift_table(training: pd.DataFrame, live: pd.DataFrame) -> pd.DataFrame:
    """One row per ingredient: its index, and its mean (or commonest choice) in each table."""
    rows = []
    for item in ingredients():
        before, after = training[item.name], live[item.name]
        typical: list[str] | list[float]
        if item.choices or item.kind is bool:
            typical = [str(column.mode().iloc[0]) for column in (before, after)]
        else:
            typical = [round(float(column.mean()), 1) for column in (before, after)]
        psi = stability_index(before, after, item)
        rows.append({"ingredient": item.name, "psi": psi, "lab": typical[0], "live": typical[1]})
    return pd.DataFrame(rows).set_index("ingredient").sort_values("psi", ascending=False)


def training_table(settings: Settings, version: str | None = None) -> pd.DataFrame:
    """The table a model version was trained on, remade from the rows and seed its run logged
    (the lab's data is generated, so the lab book is enough to make it again)."""
    client = MlflowClient(settings.mlflow_tracking_uri)
    if version is None:
        champion = find_champion(settings)
        if champion is None:
            raise LookupError(say("no_champion"))
        version = champion.version
    run_id = client.get_model_version(settings.model_name, version).run_id
    assert run_id, "every version of this registry was logged from a run"
    run = client.get_run(run_id)
    params = run.data.params
    rows, seed = int(params.get("rows", Recipe.rows)), int(params.get("seed", Recipe.seed))
    return make_dataset(rows, seed)


# --- A challenger, trained on the harvest -----------------------------------------------------


def harvested(orders: pd.DataFrame) -> pd.DataFrame:
    """The orders of the book that have their true outcome: fresh data, as the lab's table."""
    return orders.dropna(subset=[TARGET])[[*FEATURES, TARGET]].reset_index(drop=True)


def register_challenger(
    settings: Settings, pipeline, features: pd.DataFrame, target: pd.Series, recipe: Recipe
) -> str:
    """Log the fitted pipeline as the lab logs a model, register it, and give it the
    `challenger` alias (never `champion`: the jury decides that). Return its version."""
    open_lab_book(settings)
    # MLflow warns that integer columns cannot hold missing values: the menu forbids them.
    with warnings.catch_warnings(action="ignore", category=UserWarning):
        signature = infer_signature(features.head(50), pipeline.predict(features.head(50)))
    with mlflow.start_run(run_name="challenger from the order book"):
        mlflow.set_tag(TRAINED_ON, ORDER_BOOK)
        mlflow.log_params({**vars(recipe), "rows": len(features)})
        mlflow.log_metrics(evaluate(pipeline, features, target))  # on its own training rows
        info = mlflow.sklearn.log_model(
            pipeline,
            name="model",
            serialization_format="skops",
            skops_trusted_types=skops.io.get_untrusted_types(data=skops.io.dumps(pipeline)),
            signature=signature,
            input_example=features.head(3),
            pip_requirements=PIP_REQUIREMENTS,
            registered_model_name=settings.model_name,
        )
    version = str(info.registered_model_version)
    MlflowClient(settings.mlflow_tracking_uri).set_registered_model_alias(
        settings.model_name, CHALLENGER, version
    )
    return version


def train_challenger(settings: Settings, fresh: pd.DataFrame, recipe: Recipe | None = None):
    """Fit the lab's pipeline on the fresh table's training part; register it as challenger.
    Return its version and the held-out part, on which the jury tastes both models."""
    recipe = recipe or Recipe()
    train_x, test_x, train_y, test_y = split(fresh, seed=recipe.seed)
    pipeline = build_pipeline(recipe).fit(train_x, train_y)
    version = register_challenger(settings, pipeline, train_x, train_y, recipe)
    return version, test_x.assign(**{TARGET: test_y})


# --- The jury ---------------------------------------------------------------------------------


IMPROVEMENT = 0.05  # the jury's rule in `checkpoint 4`, as notebook 07's solution writes it


def promotion_rule(improvement: float = IMPROVEMENT) -> dict[str, MetricThreshold]:
    """The challenger's rmse must be lower than the champion's by at least `improvement` of
    the champion's (0.05: 5 % lower)."""
    threshold = MetricThreshold(min_relative_change=float(improvement), greater_is_better=False)
    return {JURY_METRIC: threshold}


def tasted(pipeline, held_out: pd.DataFrame, run_name: str):
    """One model's dishes of the held-out table, judged by mlflow.models.evaluate in a run."""
    dishes = held_out.assign(prediction=pipeline.predict(held_out[FEATURES]))
    with mlflow.start_run(run_name=run_name, nested=True):
        return mlflow.models.evaluate(
            data=dishes,
            predictions="prediction",
            targets=TARGET,
            model_type="regressor",
            evaluator_config={"log_model_explainability": False},
        )


def promote(settings: Settings, version: str) -> None:
    """Move the `champion` alias onto `version`: the kitchen serves it at its next look."""
    client = MlflowClient(settings.mlflow_tracking_uri)
    client.set_registered_model_alias(settings.model_name, settings.champion_alias, version)
    aliases = client.get_registered_model(settings.model_name).aliases
    if aliases.get(CHALLENGER) == version:  # it challenges nobody any more
        client.delete_registered_model_alias(settings.model_name, CHALLENGER)


# --- Watching it land: a customer who keeps ordering -----------------------------------------


@dataclass
class Landing:
    """What a customer saw while the champion changed: orders, failures, versions."""

    sent: int = 0
    failed: int = 0
    versions: list[str] = field(default_factory=list)  # each version, in the order first seen

    def __repr__(self) -> str:
        seen = " → ".join(self.versions) or "-"
        {%- if fr %}
        return f"commandes : {self.sent}, en échec : {self.failed}, versions : {seen}"
        {%- else %}
        return f"orders: {self.sent}, failed: {self.failed}, versions: {seen}"
        {%- endif %}


class KeepOrdering:
    """`with KeepOrdering(kitchen_url) as landing:` one customer orders again and again, in a
    thread, until the block ends; `landing` counts what they got."""

    def __init__(self, kitchen_url: str, pause_seconds: float = 0.01):
        self.url = f"{kitchen_url.rstrip('/')}/predict"
        self.pause_seconds = pause_seconds
        self.landing = Landing()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.order_again_and_again, daemon=True)

    def order_again_and_again(self) -> None:
        order = example_order().model_dump(mode="json")
        with httpx.Client(timeout=10) as client:
            while not self.stopping.is_set():
                self.landing.sent += 1
                try:
                    answer = client.post(self.url, json=order)
                    version = answer.json()["model_version"] if answer.status_code == 200 else None
                except (httpx.HTTPError, ValueError, KeyError):
                    version = None
                if version is None:
                    self.landing.failed += 1
                elif version not in self.landing.versions:
                    self.landing.versions.append(version)
                time.sleep(self.pause_seconds)

    def __enter__(self) -> Landing:
        self.thread.start()
        return self.landing

    def __exit__(self, *_) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)


def wait_until_served(kitchen_url: str, version: str, seconds: float = 30) -> bool:
    """Has the kitchen started cooking with `version` within `seconds`?"""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            ready = httpx.get(f"{kitchen_url.rstrip('/')}/health/ready", timeout=5)
            if ready.status_code == 200 and ready.json().get("model_version") == version:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False
