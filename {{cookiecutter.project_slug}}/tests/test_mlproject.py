"""The MLproject entry point trains, logs and registers a model through `mlflow run`."""

import os
import subprocess
import sys
from pathlib import Path

import mlflow

PROJECT = Path(__file__).resolve().parents[1]


def test_mlflow_run_of_the_entry_point_registers_a_model(tmp_path):
    """`mlflow run . --env-manager local` logs an rmse and registers the champion."""
    tracking_uri = f"sqlite:///{(tmp_path / 'mlflow.db').as_posix()}"
    # A run or experiment chosen earlier in this process must not leak into the new run.
    inherited = {
        name: value for name, value in os.environ.items() if not name.startswith("MLFLOW_")
    }
    environment = {
        **inherited,
        "MLFLOW_TRACKING_URI": tracking_uri,
        "ARTIFACTS_DIR": str(tmp_path / "mlruns"),
        # The entry point starts `python`: this environment's one.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
    }
    options = ["--env-manager", "local", "--experiment-name", "{{ cookiecutter.package_name }}"]
    parameters = ["-P", "max_iter=20", "-P", "rows=500"]
    command = [sys.executable, "-m", "mlflow", "run", ".", *options, *parameters]
    subprocess.run(command, cwd=PROJECT, env=environment, check=True, timeout=300)

    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    [version] = client.search_model_versions("name = '{{ cookiecutter.package_name }}'")
    assert "rmse" in client.get_run(version.run_id).data.metrics
    champion = client.get_model_version_by_alias("{{ cookiecutter.package_name }}", "champion")
    assert champion.version == version.version
