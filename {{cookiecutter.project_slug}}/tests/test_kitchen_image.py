"""The kitchen's image carries only what serving needs, and that is enough to serve.

No Docker engine is needed: the test installs the kitchen image's packages
(docker/kitchen-requirements.txt, the project itself without its other dependencies) into a
fresh environment, as the Dockerfile's `kitchen` stage does, and serves the champion from it,
the lab being a real MLflow server on a loopback port.
"""

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from mlflow import MlflowClient

from {{ cookiecutter.package_name }}.menu import example_order
from {{ cookiecutter.package_name }}.processes import free_port

pytestmark = pytest.mark.kitchen_image

PROJECT = Path(__file__).resolve().parents[1]
REQUIREMENTS = PROJECT / "docker" / "kitchen-requirements.txt"
PACKAGE = "{{ cookiecutter.package_name }}"


def uv() -> str:
    found = shutil.which("uv") or Path(sys.executable).parent / "uv"
    if not Path(found).exists():
        pytest.fail("uv builds the kitchen's environment: `python3 run.py test` installs it")
    return str(found)


@pytest.fixture(scope="module")
def kitchen_python(tmp_path_factory) -> Path:
    """A Python environment holding exactly what the kitchen image holds."""
    venv = tmp_path_factory.mktemp("kitchen-image") / "venv"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # As the Dockerfile does: every version from uv.lock, exported as constraints.
    locked = venv.parent / "locked.txt"
    export = ["export", "--locked", "--quiet", "--no-dev", "--no-emit-project", "--no-hashes"]
    steps = [
        [*export, "--project", str(PROJECT), "--output-file", str(locked)],
        ["venv", "--quiet", "--python", sys.executable, str(venv)],
        ["pip", "install", "--quiet", "--python", str(python), "--no-deps", str(PROJECT)],
        ["pip", "install", "--quiet", "--python", str(python), "-r", str(REQUIREMENTS)]
        + ["-c", str(locked)],
    ]
    for step in steps:
        subprocess.run([uv(), *step], check=True, capture_output=True, timeout=600)
    return python


@pytest.fixture(scope="module")
def lab_server(settings):
    """The test session's lab book, served over HTTP as the compose `lab` service serves it."""
    port = free_port()
    options = {
        "--backend-store-uri": settings.mlflow_tracking_uri,
        "--host": "127.0.0.1",
        "--port": str(port),
        "--workers": "1",
    }
    command = [sys.executable, "-m", "mlflow", "server", *(p for o in options.items() for p in o)]
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **OWN_PROCESS_GROUP
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/health", server, seconds=STARTUP_SECONDS)
        yield url
    finally:
        stop(server)


# Servers start in seconds on a quiet machine; a shared 2-core one under load needs minutes.
STARTUP_SECONDS = 600
# `mlflow server` runs its web server as a child process: stopping must reach the whole group.
OWN_PROCESS_GROUP = {"start_new_session": True} if os.name == "posix" else {}


def stop(process: subprocess.Popen) -> None:
    """Stop a server and the processes it started."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    else:
        process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def wait_for(url: str, process: subprocess.Popen, seconds: float, log: Path | None = None) -> None:
    """Return once `url` answers 200; fail if the process stops or time runs out."""
    said = log.read_text()[-3000:] if log else ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        said = log.read_text()[-3000:] if log else ""
        assert process.poll() is None, f"the server behind {url} stopped:\n{said}"
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer 200 within {seconds} s:\n{said}")


def test_the_kitchen_image_holds_no_shop_window_nor_mlflow_server(kitchen_python):
    """It leaves Streamlit, Jupyter, MLflow's server (Flask, SQL stores) and pandas (the
    rush_hour wing cooks with numpy) out of the kitchen."""
    for module in ("streamlit", "jupyterlab", "flask", "sqlalchemy", "pandas"):
        found = subprocess.run([kitchen_python, "-c", f"import {module}"], capture_output=True)
        assert found.returncode != 0, f"{module} is in the kitchen's image"


def test_the_kitchen_image_serves_the_champion(kitchen_python, lab_server, settings, tmp_path):
    """It serves the champion, fetched from the lab over HTTP, with only its own packages, and
    writes the order in its order book."""
    champion = MlflowClient(settings.mlflow_tracking_uri).get_model_version_by_alias(
        settings.model_name, settings.champion_alias
    )
    port = free_port()
    environment = {
        **os.environ,
        "MLFLOW_TRACKING_URI": lab_server,
        "MODEL_NAME": settings.model_name,
        "CHAMPION_ALIAS": settings.champion_alias,
    }
    app = f"{PACKAGE}.kitchen.app:create_app"
    command = [kitchen_python, "-m", "uvicorn", app, "--factory", "--port", str(port)]
    log = tmp_path / "kitchen.log"
    # Started away from the project folder, so that no .env of the project is read.
    with log.open("w") as output:
        kitchen = subprocess.Popen(
            command,
            env=environment,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
            **OWN_PROCESS_GROUP,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/health/ready", kitchen, seconds=STARTUP_SECONDS, log=log)
        order = example_order().model_dump(mode="json")
        dish = httpx.post(f"{url}/predict", json=order, timeout=30)
        assert dish.status_code == 200, dish.text
        assert isinstance(dish.json()["prediction"], float)
        assert dish.json()["model_version"] == str(champion.version)
    finally:
        stop(kitchen)
    # Its order book is Python's own sqlite3: the lab is a server, so the book is orders.db in
    # the folder the kitchen runs from, and it holds the order (written at the latest when the
    # kitchen closed).
    with contextlib.closing(sqlite3.connect(tmp_path / "orders.db")) as book:
        written = book.execute("SELECT model_version, prediction FROM orders").fetchall()
    assert written == [(str(champion.version), dish.json()["prediction"])]
