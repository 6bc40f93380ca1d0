"""The notebooks run top to bottom, against a lab book of their own."""

import contextlib
import os
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from {{ cookiecutter.package_name }} import processes
from {{ cookiecutter.package_name }}.settings import Settings

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
    fresh_settings.setenv("KITCHEN_URL", f"http://127.0.0.1:{processes.free_port()}")
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


@pytest.mark.parametrize("path", list(notebook_cases()))  # pytest 10 wants a collection
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


# --- The pages a learner opens, with no network -------------------------------------------

NAMED = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


@contextlib.contextmanager
def serving(server: processes.Server, seconds: float = 300):
    """Open `server` (its own process group), yield its address, close it after."""
    processes.open_server(server, seconds)
    try:
        yield server.url
    finally:
        processes.stop([server])


@pytest.fixture
def lab_ui(tmp_path):
    """MLflow's web page, served as `lab` serves it, on a free loopback port."""
    settings = Settings(
        mlflow_tracking_uri=f"sqlite:///{(tmp_path / 'mlflow.db').as_posix()}",
        artifacts_dir=tmp_path / "mlruns",
    )
    with serving(processes.lab(settings, port=processes.free_port())) as url:
        yield url + "/", {}


@pytest.fixture
def jupyter_ui():
    """JupyterLab on a free loopback port, opened on notebook 01 as a learner would open it."""
    port, token = processes.free_port(), "offline-check"
    url = f"http://{processes.LOOPBACK}:{port}"
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ip={processes.LOOPBACK}"]
    command += [f"--port={port}", f"--IdentityProvider.token={token}"]
    command.append(f"--ServerApp.root_dir={NOTEBOOKS[0].parent}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI runs as root; a learner does not
    jupyter = processes.Server("Jupyter", command, f"{url}/api/status?token={token}", url)
    with serving(jupyter):
        yield f"{url}/lab/tree/{NOTEBOOKS[0].name}", {"token": token}


@pytest.fixture
def shop_ui(tmp_path):
    """The shop window's page, served as `shop` serves it (its kitchen need not be open)."""
    settings = Settings(mlflow_tracking_uri=f"sqlite:///{(tmp_path / 'mlflow.db').as_posix()}")
    kitchen_url = f"http://{processes.LOOPBACK}:{processes.free_port()}"
    with serving(processes.shop(settings, kitchen_url, port=processes.free_port())) as url:
        yield url + "/", {}


@pytest.mark.parametrize("page", ["lab_ui", "jupyter_ui", "shop_ui"])
def test_lab_pages_load_nothing_from_outside(page, request):
    """The pages a learner opens (MLflow's, Jupyter's, the shop window's) name only assets of
    their own server, and each answers: they work in a room without internet
    (docs/troubleshooting.md)."""
    address, params = request.getfixturevalue(page)
    html = httpx.get(address, params=params, timeout=60)
    assert html.status_code == 200
    named = [link for link in NAMED.findall(html.text) if not link.startswith("data:")]
    assert named, "the page names no script or style at all"
    for link in named:
        asset = urljoin(str(html.url), link)
        assert urlsplit(asset).hostname == processes.LOOPBACK, f"{page} loads {asset}"
        assert httpx.get(asset, params=params, timeout=60).status_code == 200, asset
