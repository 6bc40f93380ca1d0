"""The notebooks run top to bottom, against a lab book of their own."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from {{ cookiecutter.package_name }}.settings import mlflow_server_environment

from .conftest import free_port

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
# The banquet notebook runs Apache Spark: only where the `spark` extra is installed.
SPARK_NOTEBOOKS = {"06_banquet"}
EDITION = "{{ cookiecutter.edition }}"
# What the first exercise's "not done yet" says, in the project's language.
NOT_DONE_YET = "{{ "L'exercice 1 n'est pas encore fait" if cookiecutter.language == "fr" else "Exercise 1 is not done yet" }}"
THIS_CELL = "{{ "cette cellule" if cookiecutter.language == "fr" else "this cell" }}"


@pytest.fixture
def private_lab(tmp_path, fresh_settings):
    """Point the notebook's kernel at a lab book in a temporary folder."""
    fresh_settings.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{(tmp_path / 'mlflow.db').as_posix()}")
    fresh_settings.setenv("ARTIFACTS_DIR", str(tmp_path / "mlruns"))
    fresh_settings.setenv("MPLBACKEND", "Agg")
    # Nobody listens there: the kitchen and shop notebooks must open (and close) their own.
    fresh_settings.setenv("KITCHEN_URL", f"http://127.0.0.1:{free_port()}")
    return tmp_path


def execute(notebook, path: Path):
    """Run `notebook` (read from `path`) in place: each cell gets its outputs."""
    # Run from the notebooks' folder, as a learner would in Jupyter.
    folder = {"metadata": {"path": str(path.parent)}}
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources=folder).execute()
    return notebook


def failed_cell(notebook):
    """The one cell whose output is an error."""
    [cell] = [
        cell
        for cell in notebook.cells
        if any(output.get("output_type") == "error" for output in cell.get("outputs", []))
    ]
    return cell


def test_there_is_at_least_one_notebook():
    """It ships the lab's notebooks."""
    assert NOTEBOOKS


def notebook_cases():
    for path in NOTEBOOKS:
        marks = [pytest.mark.spark] if path.stem in SPARK_NOTEBOOKS else []
        yield pytest.param(path, marks=marks, id=path.stem)


@pytest.mark.parametrize("path", notebook_cases())
def test_notebook_runs(path, private_lab, request):
    """Instructor edition: it runs to the end and its self-check passes.
    Student edition: it stops only on a friendly "exercise not done yet"."""
    if path.stem in SPARK_NOTEBOOKS:
        request.getfixturevalue("needs_spark")
    has_exercise = "ExerciseNotDone" in path.read_text() or "✏️" in path.read_text()
    notebook = nbformat.read(path, as_version=4)
    if EDITION == "instructor" or not has_exercise:
        execute(notebook, path)
        shown = [output for output in notebook.cells[-1].outputs if "data" in output]
        self_check = shown[-1]["data"]["text/plain"]
        assert self_check.startswith("✅"), self_check
    else:
        with pytest.raises(CellExecutionError) as stopped:
            execute(notebook, path)
        assert stopped.value.ename == "ExerciseNotDone"
        # It stops in the cell the learner must edit, and says so, naming the exercise.
        cell = failed_cell(notebook)
        assert "...  # ✏️" in cell.source or "raise ExerciseNotDone(1)" in cell.source
        assert NOT_DONE_YET in stopped.value.evalue and THIS_CELL in stopped.value.evalue


# --- The pages a learner opens in the lab, with no network ------------------------------------

LOOPBACK = "127.0.0.1"
NAMED = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


@contextlib.contextmanager
def server(command: list[str], ready: str, environment: dict | None = None, seconds=300):
    """Start a server in its own process group; yield once `ready` answers; stop it after."""
    process = subprocess.Popen(
        command,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(ready, timeout=5).status_code == 200:
                    break
            time.sleep(0.5)
        else:
            pytest.fail(f"{command[2]} did not answer {ready} within {seconds} s")
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


@pytest.fixture
def lab_ui(tmp_path):
    """MLflow's web page, served by `mlflow server` on a free loopback port, as the lab does."""
    port = free_port()
    command = [sys.executable, "-m", "mlflow", "server", "--host", LOOPBACK, "--port", str(port)]
    store = ["--backend-store-uri", f"sqlite:///{(tmp_path / 'mlflow.db').as_posix()}"]
    url = f"http://{LOOPBACK}:{port}"
    with server([*command, *store, "--workers", "1"], f"{url}/health", mlflow_server_environment()):
        yield url + "/", {}


@pytest.fixture
def jupyter_ui():
    """JupyterLab on a free loopback port, opened on notebook 01 as a learner would open it."""
    port, token = free_port(), "offline-check"
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip", LOOPBACK]
    options = [f"--port={port}", f"--IdentityProvider.token={token}"]
    options.append(f"--ServerApp.root_dir={NOTEBOOKS[0].parent}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.append("--allow-root")  # CI runs as root; a learner does not
    url = f"http://{LOOPBACK}:{port}"
    with server([*command, *options], f"{url}/api/status?token={token}"):
        yield f"{url}/lab/tree/{NOTEBOOKS[0].name}", {"token": token}


@pytest.mark.parametrize("page", ["lab_ui", "jupyter_ui"])
def test_lab_pages_load_nothing_from_outside(page, request):
    """The pages a learner opens (MLflow's, Jupyter's) name only assets of their own server,
    and each answers: they work in a room without internet (docs/troubleshooting.md)."""
    address, params = request.getfixturevalue(page)
    html = httpx.get(address, params=params, timeout=60)
    assert html.status_code == 200
    named = [link for link in NAMED.findall(html.text) if not link.startswith("data:")]
    assert named, "the page names no script or style at all"
    for link in named:
        asset = urljoin(str(html.url), link)
        assert urlsplit(asset).hostname == LOOPBACK, f"{page} loads {asset}"
        assert httpx.get(asset, params=params, timeout=60).status_code == 200, asset
