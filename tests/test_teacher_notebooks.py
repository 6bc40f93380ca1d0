"""The teacher's notebooks (notebooks/) run from top to bottom.

The rehearsal bakes, installs and runs a whole project, so it belongs to the slow layer. The
leaderboard needs a class server with learners' runs: the baked project's own class-server
tests execute it (see test_generated_project.py), and here it is only checked for shape.
"""

import json

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import TEMPLATE

NOTEBOOKS = TEMPLATE / "notebooks"


@pytest.mark.parametrize("name", ["rehearsal.ipynb", "leaderboard.ipynb"])
def test_teacher_notebooks_are_committed_without_outputs(name):
    """It keeps the notebooks clean: no outputs, no execution counts, explanations in markdown."""
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(book)
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)
    assert sum(cell.cell_type == "markdown" for cell in book.cells) >= len(code)


@pytest.mark.slow
def test_rehearsal_bakes_installs_and_serves_a_whole_project(tmp_path, monkeypatch):
    """It bakes the template, installs the project, trains, cooks one order in the kitchen,
    opens the shop window and orders through its client, then closes everything."""
    monkeypatch.setenv("REHEARSAL_DIR", str(tmp_path))
    book = nbformat.read(NOTEBOOKS / "rehearsal.ipynb", as_version=4)
    NotebookClient(book, timeout=900, kernel_name="python3").execute(cwd=str(NOTEBOOKS))
    timings = json.loads((tmp_path / "rehearsal.json").read_text(encoding="utf-8"))
    steps = ["bake", "install", "lab: train", "kitchen: open and cook"]
    assert list(timings) == [*steps, "shop window: open and order", "close"]
    assert all(seconds >= 0 for seconds in timings.values())
