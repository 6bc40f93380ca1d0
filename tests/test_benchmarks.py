"""The template's benchmarks report what they measured, even when part of it cannot run.

The notebook timing is driven for real against a small stand-in project: three tiny notebooks
(one runs, one stops on an error, one needs Spark) and a `.venv/bin/python` that is the
template's own Python (it has nbclient and a kernel, and no pyspark).
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .conftest import TEMPLATE

NOTEBOOK_TIMING = TEMPLATE / "benchmarks" / "notebook_timing.py"


def write_notebook(folder: Path, name: str, *sources: str) -> None:
    cells = [new_markdown_cell("**Exercise 1.** Run the cell.")]
    cells += [new_code_cell(source) for source in sources]
    nbformat.write(new_notebook(cells=cells), folder / f"{name}.ipynb")


def stand_in_project(folder: Path) -> Path:
    """A folder shaped like an installed bake, as far as the timing script looks."""
    notebooks = folder / "notebooks"
    notebooks.mkdir(parents=True)
    write_notebook(
        notebooks,
        "01_runs",
        "total = 1 + 1",
        "def check_sum(value):\n    return value == 2\ncheck_sum(total)",
    )
    write_notebook(notebooks, "02_stops", "x = 1", "raise ValueError('the oven is cold')", "y = 2")
    write_notebook(notebooks, "06_banquet", "import pyspark")
    python = folder / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    return folder


def test_notebook_timing_times_the_others_when_one_stops_or_needs_spark(tmp_path):
    """A notebook that raises is reported with its cell and error; the banquet is skipped
    without pyspark; the total counts only the notebooks that reached their end."""
    assert importlib.util.find_spec("pyspark") is None, "this test expects no pyspark here"
    project = stand_in_project(tmp_path / "project")
    timing = subprocess.run(
        [sys.executable, NOTEBOOK_TIMING, "--project", project],
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = timing.stdout.splitlines()
    assert timing.returncode == 1, timing.stderr  # a notebook stopped: the run is not a success
    assert "Traceback" not in timing.stdout + timing.stderr

    [runs] = [line for line in lines if line.startswith("01_runs")]
    seconds, kernel, exercises, self_checks = runs.split()[1:5]
    assert 0 < float(kernel) < float(seconds) and (exercises, self_checks) == ("1", "1")

    [stops] = [line for line in lines if line.startswith("02_stops")]
    assert "#2" in stops  # the slowest cells listed are those that ran: 0, 1 and 2, not 3
    assert "#3" not in stops
    assert "STOPPED at cell #2, ValueError: the oven is cold" in timing.stdout

    [banquet] = [line for line in lines if line.startswith("06_banquet")]
    assert "skipped: pyspark is not installed" in banquet

    [total] = [line for line in lines if line.startswith("total")]
    assert float(total.split()[1]) == float(seconds)
    assert "1 of 3 notebooks" in total
    assert "Not in the total: 02_stops (stopped on an error)." in lines
    assert "Not in the total: 06_banquet (skipped)." in lines


def test_notebook_timing_says_when_the_project_is_not_installed(tmp_path):
    """A --project without its .venv gets a sentence, not a traceback."""
    (tmp_path / "notebooks").mkdir()
    timing = subprocess.run(
        [sys.executable, NOTEBOOK_TIMING, "--project", tmp_path],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert timing.returncode == 1
    assert timing.stderr.strip() == f"{tmp_path} has no .venv: install it first " + (
        "(`python3 run.py test` in it)."
    )
