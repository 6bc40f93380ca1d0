"""The lab: training writes a full run in the lab book and promotes only a better model."""

import mlflow
from mlflow import MlflowClient

from {{ cookiecutter.package_name }}.lab.registry import find_champion
from {{ cookiecutter.package_name }}.lab.train import Recipe, train

from .conftest import QUICK_RECIPE, settings_in


def test_training_logs_params_metrics_and_model(tmp_path):
    """It records the ingredients, the results and a skops model with its signature."""
    settings = settings_in(tmp_path)
    result = train(settings, QUICK_RECIPE)
    run = MlflowClient(settings.mlflow_tracking_uri).get_run(result.run_id)
    assert run.data.params["learning_rate"] == str(QUICK_RECIPE.learning_rate)
    assert {"rmse", "mae", "r2"} <= run.data.metrics.keys()
    assert result.metrics["r2"] > 0.5
    model = mlflow.models.get_model_info(f"runs:/{result.run_id}/model")
    assert model.flavors["sklearn"]["serialization_format"] == "skops"
    assert model.signature is not None and model.saved_input_example_info is not None


def test_first_model_becomes_champion(tmp_path):
    """It gives the very first model the champion alias."""
    settings = settings_in(tmp_path)
    result = train(settings, QUICK_RECIPE)
    assert result.promoted
    assert find_champion(settings).version == result.version


def test_worse_model_becomes_challenger(tmp_path):
    """It keeps the champion when a new model does worse, and calls the newcomer challenger."""
    settings = settings_in(tmp_path)
    first = train(settings, QUICK_RECIPE)
    worse = train(settings, Recipe(max_iter=2, learning_rate=0.01, rows=600))
    assert not worse.promoted
    assert find_champion(settings).version == first.version
    client = MlflowClient(settings.mlflow_tracking_uri)
    challenger = client.get_model_version_by_alias(settings.model_name, "challenger")
    assert str(challenger.version) == worse.version


def test_no_champion_in_an_empty_lab(empty_lab):
    """It answers None, not an error, when nothing is registered yet."""
    assert find_champion(empty_lab) is None
