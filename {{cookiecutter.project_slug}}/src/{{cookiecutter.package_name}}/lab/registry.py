"""The model registry: which model versions exist, and which one is the `champion`.

This is the only module that knows how MLflow names a registered model (`models:/name@alias`).
The kitchen asks it for the champion; the lab asks it to register and promote.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from {{ cookiecutter.package_name }}.lab.lab_book import reconnect_if_replaced
from {{ cookiecutter.package_name }}.settings import Settings

CHALLENGER = "challenger"
SCORE = "rmse"  # the lab's yardstick: lower is better


@dataclass(frozen=True)
class Champion:
    """The model version the kitchen serves, and the run that trained it."""

    name: str
    version: str
    alias: str
    run_id: str
    metrics: dict[str, float]
    trained_at: datetime  # when the lab's run that trained it started


def model_uri(settings: Settings, version: str | None = None) -> str:
    """Return `models:/name@champion`, or `models:/name/3` for one fixed version."""
    if version is not None:
        return f"models:/{settings.model_name}/{version}"
    return f"models:/{settings.model_name}@{settings.champion_alias}"


def find_champion(settings: Settings) -> Champion | None:
    """Return the current champion, or None when no model holds the alias yet."""
    reconnect_if_replaced(settings.mlflow_tracking_uri)
    client = MlflowClient(tracking_uri=settings.mlflow_tracking_uri)
    try:
        version = client.get_model_version_by_alias(settings.model_name, settings.champion_alias)
    except MlflowException as error:
        if error.error_code in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
            return None  # no such model, or no version holds the alias
        raise
    assert version.run_id, "every version of this registry was logged from a run"
    run = client.get_run(version.run_id)
    return Champion(
        name=version.name,
        version=str(version.version),
        alias=settings.champion_alias,
        run_id=version.run_id,
        metrics=dict(run.data.metrics),
        trained_at=datetime.fromtimestamp(run.info.start_time / 1000, UTC),  # ms since 1970
    )


def promote_if_better(settings: Settings, version: str, score: float) -> bool:
    """Give `version` the champion alias if it beats the champion (or there is none).

    Otherwise it becomes the `challenger`. Aliases move; version numbers never change, so the
    kitchen that serves `@champion` needs no new code when a better model arrives.
    """
    champion = find_champion(settings)
    beats_champion = champion is None or score < champion.metrics.get(SCORE, float("inf"))
    alias = settings.champion_alias if beats_champion else CHALLENGER
    client = MlflowClient(tracking_uri=settings.mlflow_tracking_uri)
    client.set_registered_model_alias(settings.model_name, alias, version)
    return beats_champion


def download_model(settings: Settings, version: str, destination: Path) -> Path:
    """Copy the files of one model version into the folder `destination`."""
    client = MlflowClient(tracking_uri=settings.mlflow_tracking_uri)
    # This lab's registry says where the files are (a `models:/` URI might ask another lab).
    files = client.get_model_version_download_uri(settings.model_name, version)
    local = mlflow.artifacts.download_artifacts(
        artifact_uri=files, dst_path=str(destination), tracking_uri=settings.mlflow_tracking_uri
    )
    return Path(local)
