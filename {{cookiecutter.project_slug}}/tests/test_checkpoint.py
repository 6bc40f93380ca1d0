"""Checkpoints: a stuck project is brought to the end of part N, the learner's work kept aside.

The checkpoints run on a copy of this project (its code, notebooks and `.workshop/`), made a git
repository whose first commit holds them as the bake does, with the copy's own package first on
the path, so a test never touches the project being tested.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import mlflow
import pytest
from streamlit.testing.v1 import AppTest

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.lab.registry import find_champion
from {{ cookiecutter.package_name }}.menu import example_order
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.processes import Server, free_port, start, stop, wait_until_healthy
from {{ cookiecutter.package_name }}.settings import Settings
from {{ cookiecutter.package_name }}.workshop import checkpoint
from {{ cookiecutter.package_name }}.workshop.seasons import read_orders
from {{ cookiecutter.package_name }}.workshop.tasting import ORDER_BOOK, TRAINED_ON

from .conftest import SHOP_TIMEOUT

PACKAGE = "{{ cookiecutter.package_name }}"
PROJECT = Path(__file__).resolve().parents[1]
KITCHEN_FILE = f"src/{PACKAGE}/kitchen/routes.py"
SHOP_FILE = f"src/{PACKAGE}/shop/client.py"
NOTEBOOK = "notebooks/04_kitchen.ipynb"
BROKEN = "\nthis line is not Python: the learner was half-way through an edit\n"
# Git, told who commits, as the bake tells it on a fresh machine.
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@localhost"]
GIT += ["-c", "commit.gpgsign=false"]


def git(folder: Path, *arguments: str) -> None:
    subprocess.run([*GIT, *arguments], cwd=folder, check=True, capture_output=True)


def copy_of_project(folder: Path, commit: bool = True) -> Path:
    """Copy what a checkpoint reads and writes, and commit it first, as the bake does."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed: checkpoints restore from the first git commit")
    copy = folder / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("src", "notebooks", ".workshop"):  # .workshop/: a student bake's only
        if (PROJECT / part).is_dir():
            shutil.copytree(PROJECT / part, copy / part, ignore=ignore)
    shutil.copy(PROJECT / "pyproject.toml", copy / "pyproject.toml")
    git(copy, "init", "--quiet")
    if commit:
        git(copy, "add", "--all")
        git(copy, "commit", "--quiet", "--no-verify", "-m", "Baked")
    return copy


def workshop_version(relative: str) -> bytes:
    """What the workshop wants at `relative`: the baked file, or the solved notebook."""
    if checkpoint.SOLVED_NOTEBOOKS is not None and relative.startswith("notebooks/"):
        return (PROJECT / checkpoint.SOLVED_NOTEBOOKS / Path(relative).name).read_bytes()
    return (PROJECT / relative).read_bytes()


def half_done(copy: Path) -> dict[str, str]:
    """Break a kitchen file, a shop file and a notebook as a learner might; add a file of
    their own. Return what the learner's files held."""
    edits = {}
    for relative in (KITCHEN_FILE, SHOP_FILE, NOTEBOOK):
        path = copy / relative
        path.write_text(path.read_text(encoding="utf-8") + BROKEN, encoding="utf-8")
        edits[relative] = path.read_text(encoding="utf-8")
    (copy / "notebooks" / "my_notes.py").write_text("# mine, not the workshop's\n")
    return edits


def environment_for(copy: Path, settings: Settings) -> dict[str, str]:
    """Run the copy's own package, in English, against `settings`' lab book."""
    return {
        **os.environ,
        "PYTHONPATH": str(copy / "src"),
        "MLFLOW_TRACKING_URI": settings.mlflow_tracking_uri,
        "ARTIFACTS_DIR": str(settings.artifacts_dir),
        "LANGUAGE": "en",
    }


def run_checkpoint(copy: Path, settings: Settings, part: int) -> subprocess.CompletedProcess:
    """Run `checkpoint N` from the real command line, in the copy."""
    return subprocess.run(
        [sys.executable, "-m", PACKAGE, "checkpoint", str(part)],
        cwd=copy,
        env=environment_for(copy, settings),
        capture_output=True,
        text=True,
        timeout=600,
    )


def backups_in(copy: Path) -> list[Path]:
    folder = copy / "backups"
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def live_kitchen_of(settings):
    """Start the kitchen of a copy with the real command, return its URL; stop it after."""
    started = []

    def open_kitchen(copy: Path) -> str:
        port = free_port()
        command = [sys.executable, "-m", PACKAGE, "kitchen", "--port", str(port)]
        url = f"http://127.0.0.1:{port}"
        kitchen = Server("kitchen", command, f"{url}/health/ready", url)
        started.append(start(kitchen, environment_for(copy, settings), quiet=True))
        assert wait_until_healthy([kitchen], 120) is None, "the copy's kitchen did not open"
        return url

    yield open_kitchen
    stop(started)


# --- Restoring files (no server needed) -------------------------------------------------------


def test_restore_backs_up_changed_files_then_leaves_added_files_alone(tmp_path):
    """It keeps the learner's changed files in a dated backup folder, intact, puts the
    workshop's back, never touches a file the learner added, and a second run finds nothing
    to do."""
    copy = copy_of_project(tmp_path)
    edits = half_done(copy)
    first = checkpoint.restore(copy, 3, "20250101-090000")
    assert set(edits) <= set(first.backed_up)
    assert first.backup_folder == Path("backups/checkpoint-3-20250101-090000")
    for relative, text in edits.items():
        assert (copy / first.backup_folder / relative).read_text(encoding="utf-8") == text
        assert (copy / relative).read_bytes() == workshop_version(relative)
    assert (copy / "notebooks" / "my_notes.py").read_text() == "# mine, not the workshop's\n"
    again = checkpoint.restore(copy, 3, "20250101-090500")
    assert again.backed_up == again.restored == []
    assert backups_in(copy) == [copy / first.backup_folder]


def test_restore_reads_the_first_commit_even_after_the_learner_commits(tmp_path):
    """It puts back the bake's version of a file the learner broke and then committed."""
    copy = copy_of_project(tmp_path)
    half_done(copy)
    git(copy, "commit", "--quiet", "--all", "--no-verify", "-m", "my half-done kitchen")
    restored = checkpoint.restore(copy, 2, "now")
    assert KITCHEN_FILE in restored.restored
    assert (copy / KITCHEN_FILE).read_bytes() == workshop_version(KITCHEN_FILE)


def test_each_part_restores_only_its_own_files(tmp_path):
    """It leaves the kitchen and shop files alone at checkpoint 1, and the shop's at 2."""
    copy = copy_of_project(tmp_path)
    half_done(copy)
    assert KITCHEN_FILE not in checkpoint.restore(copy, 1, "one").restored
    second = checkpoint.restore(copy, 2, "two")
    assert KITCHEN_FILE in second.restored and NOTEBOOK in second.restored
    assert SHOP_FILE not in second.restored
    third = checkpoint.restore(copy, 3, "three")
    assert SHOP_FILE in third.restored and KITCHEN_FILE not in third.restored


def as_jupyter_saves_it_after_running(path: Path) -> None:
    """Rewrite a notebook as Jupyter does once it has run: outputs, counts, widget state,
    sources line by line, its own indentation. Nothing the learner wrote changes."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["metadata"]["widgets"] = {"state": {}}
    for number, cell in enumerate(notebook["cells"], start=1):
        cell["source"] = cell["source"].splitlines(keepends=True)
        if cell["cell_type"] == "code":
            cell["execution_count"] = number
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ran\n"]}]
            cell["metadata"]["execution"] = {"iopub.status.busy": "2025-01-01T09:00:00Z"}
    path.write_text(json.dumps(notebook, indent=2), encoding="utf-8")


def test_untouched_or_only_run_notebooks_are_not_called_the_learners(tmp_path):
    """It backs up nothing when the learner only ran the bake's notebooks (or never opened
    them), and leaves each notebook as the workshop wants it."""
    copy = copy_of_project(tmp_path)
    run = copy / NOTEBOOK
    as_jupyter_saves_it_after_running(run)
    result = checkpoint.restore(copy, 3, "now")
    assert result.backed_up == [], result.backed_up
    assert not backups_in(copy)
    for number in ("01_first_experiment", "04_kitchen", "05_shop_window"):
        relative = f"notebooks/{number}.ipynb"
        assert checkpoint.as_committed(relative, (copy / relative).read_bytes()) == (
            checkpoint.as_committed(relative, workshop_version(relative))
        )


def test_a_changed_notebook_is_the_learners_even_once_run(tmp_path):
    """It backs up a notebook in which the learner changed a cell, whatever Jupyter added."""
    copy = copy_of_project(tmp_path)
    notebook = copy / NOTEBOOK
    as_jupyter_saves_it_after_running(notebook)
    edited = json.loads(notebook.read_text(encoding="utf-8"))
    edited["cells"][-1]["source"].append("\nprint('my own line')\n")
    notebook.write_text(json.dumps(edited, indent=2), encoding="utf-8")
    result = checkpoint.restore(copy, 2, "now")
    assert result.backed_up == [NOTEBOOK]
    assert "my own line" in (copy / result.backup_folder / NOTEBOOK).read_text(encoding="utf-8")


def test_a_file_linked_out_of_the_project_is_reported_and_left_alone(tmp_path, capsys):
    """It never writes through a symbolic link to a file outside the project: the outside file
    and the link stay as they are, it says so, and the other files are restored."""
    copy = copy_of_project(tmp_path)
    outside = tmp_path / "outside.py"
    outside.write_text("# someone else's file\n", encoding="utf-8")
    linked = copy / f"src/{PACKAGE}/lab/train.py"
    linked.unlink()
    linked.symlink_to(outside)
    edits = half_done(copy)
    result = checkpoint.restore(copy, 2, "now")
    assert outside.read_text(encoding="utf-8") == "# someone else's file\n"
    assert linked.is_symlink()
    assert result.left_alone == [f"src/{PACKAGE}/lab/train.py"]
    assert KITCHEN_FILE in result.restored and KITCHEN_FILE in result.backed_up
    assert (copy / result.backup_folder / KITCHEN_FILE).read_text() == edits[KITCHEN_FILE]
    checkpoint.report_files(result, copy)
    assert say("checkpoint_left_alone", count=1) in capsys.readouterr().out


def test_a_backups_folder_linked_out_of_the_project_receives_nothing(tmp_path):
    """It writes no backup through a `backups` link that leaves the project, and so leaves the
    learner's changed files as they are; the files it need not back up are restored."""
    copy = copy_of_project(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (copy / "backups").symlink_to(outside, target_is_directory=True)
    edits = half_done(copy)
    lab_file = copy / f"src/{PACKAGE}/lab/registry.py"
    lab_file.unlink()  # missing: nothing of the learner's to keep, so restored
    result = checkpoint.restore(copy, 3, "now")
    assert list(outside.iterdir()) == []
    assert set(edits) <= set(result.left_alone)
    for relative, text in edits.items():
        assert (copy / relative).read_text(encoding="utf-8") == text
    assert f"src/{PACKAGE}/lab/registry.py" in result.restored
    assert lab_file.read_bytes() == workshop_version(f"src/{PACKAGE}/lab/registry.py")


@pytest.mark.parametrize(
    ("history", "reason"),
    [
        ("no repository", "checkpoint_no_first_commit"),
        ("no commit", "checkpoint_no_first_commit"),
        ("no git installed", "checkpoint_git_missing"),
    ],
)
def test_without_git_history_it_says_so_and_changes_nothing(tmp_path, monkeypatch, history, reason):
    """It refuses in words, naming the first commit and what to do, and writes nothing, when
    the project has no git repository of its own, no commit in it, or no git to read it."""
    copy = copy_of_project(tmp_path, commit=history != "no commit")
    if history == "no repository":
        shutil.rmtree(copy / ".git")
    if history == "no git installed":
        monkeypatch.setenv("PATH", str(tmp_path / "a folder without git"))
    edits = half_done(copy)
    with pytest.raises(checkpoint.CheckpointError) as refused:
        checkpoint.restore(copy, 2, "now")
    assert str(refused.value) == say("checkpoint_no_git", reason=say(reason))
    assert (copy / KITCHEN_FILE).read_text(encoding="utf-8") == edits[KITCHEN_FILE]
    assert not backups_in(copy)


@pytest.mark.skipif(
    checkpoint.SOLVED_NOTEBOOKS is None,
    reason="the instructor edition's notebooks are the solved ones",
)
def test_missing_solved_notebook_is_said_and_nothing_changes(tmp_path):
    """It refuses in words, naming the missing solved notebook, and writes nothing."""
    copy = copy_of_project(tmp_path)
    edits = half_done(copy)
    missing = copy / checkpoint.SOLVED_NOTEBOOKS / Path(NOTEBOOK).name
    missing.unlink()
    with pytest.raises(checkpoint.CheckpointError) as refused:
        checkpoint.restore(copy, 2, "now")
    assert str(refused.value) == say("checkpoint_no_solutions", path=missing)
    assert (copy / KITCHEN_FILE).read_text(encoding="utf-8") == edits[KITCHEN_FILE]
    assert not backups_in(copy)


@pytest.mark.parametrize("given", ["0", "5", "two", "-1"])
def test_part_outside_one_to_four_is_refused_in_words(given, capsys):
    """It exits 2 and names the four parts one may choose."""
    with pytest.raises(SystemExit) as stopped:
        main(["checkpoint", given])
    assert stopped.value.code == 2
    assert say("checkpoint_bad_part", given=given) in capsys.readouterr().err


# --- The real command, each part proven for real -------------------------------------------
# Each starts Python again, imports MLflow and proves a part by running it: about a minute
# apiece on two cores, hence the slow layer.


@pytest.mark.slow
def test_checkpoint_1_from_a_fresh_project_trains_a_champion(tmp_path, empty_lab):
    """From a fresh project and an empty lab book, it registers a champion; a second run
    backs nothing up."""
    copy = copy_of_project(tmp_path)
    first = run_checkpoint(copy, empty_lab, 1)
    assert first.returncode == 0, first.stdout + first.stderr
    assert find_champion(empty_lab) is not None
    kept = backups_in(copy)
    again = run_checkpoint(copy, empty_lab, 1)
    assert again.returncode == 0, again.stdout + again.stderr
    assert say("checkpoint_nothing_backed_up", "en") in again.stdout
    assert backups_in(copy) == kept


@pytest.mark.slow
def test_checkpoint_2_repairs_a_broken_kitchen(tmp_path, settings, live_kitchen_of):
    """From a half-done project, it backs up the learner's kitchen file and notebook, and the
    restored kitchen answers /predict with the champion's version. (A second run finding
    nothing to back up is shown by test_checkpoint_1 and test_restore.)"""
    copy = copy_of_project(tmp_path)
    edits = half_done(copy)
    result = run_checkpoint(copy, settings, 2)
    assert result.returncode == 0, result.stdout + result.stderr
    [backup] = backups_in(copy)
    assert str(backup) in result.stdout
    for relative in (KITCHEN_FILE, NOTEBOOK):
        assert (backup / relative).read_text(encoding="utf-8") == edits[relative]
    assert (copy / SHOP_FILE).read_text(encoding="utf-8") == edits[SHOP_FILE]  # part 3's
    kitchen = live_kitchen_of(copy)
    order = example_order().model_dump(mode="json")
    dish = httpx.post(f"{kitchen}/predict", json=order, timeout=10)
    assert dish.status_code == 200
    assert dish.json()["model_version"] == find_champion(settings).version


@pytest.mark.slow
def test_checkpoint_3_repairs_the_shop_window(tmp_path, settings, kitchen_url, fresh_settings):
    """From a half-done project, it restores the shop window, whose page then shows a dish
    cooked by a live kitchen."""
    copy = copy_of_project(tmp_path)
    edits = half_done(copy)
    result = run_checkpoint(copy, settings, 3)
    assert result.returncode == 0, result.stdout + result.stderr
    [backup] = backups_in(copy)
    assert (backup / SHOP_FILE).read_text(encoding="utf-8") == edits[SHOP_FILE]
    assert (copy / SHOP_FILE).read_bytes() == workshop_version(SHOP_FILE)
    fresh_settings.setenv("KITCHEN_URL", kitchen_url)
    fresh_settings.setenv("LANGUAGE", "en")
    page_file = copy / "src" / PACKAGE / "shop" / "app.py"
    page = AppTest.from_file(str(page_file), default_timeout=SHOP_TIMEOUT).run()
    page.button[0].click().run()
    assert not page.exception and not page.error
    [dish] = page.metric
    assert float(dish.value.split()[0].replace(",", "")) > 0


@pytest.mark.slow
def test_checkpoint_4_closes_the_loop(tmp_path, empty_lab):
    """From a half-done project and an empty lab book, it restores the order book and notebook
    07, sends a season through the restored kitchen, harvests it, and promotes the challenger
    trained on it once the jury's rule passes: the champion is a model of the order book."""
    copy = copy_of_project(tmp_path)
    book = copy / f"src/{PACKAGE}/order_book/book.py"
    book.write_text(book.read_text(encoding="utf-8") + BROKEN, encoding="utf-8")
    result = run_checkpoint(copy, empty_lab, 4)
    assert result.returncode == 0, result.stdout + result.stderr
    [backup] = backups_in(copy)
    kept = backup / f"src/{PACKAGE}/order_book/book.py"
    assert kept.read_text(encoding="utf-8").endswith(BROKEN)
    champion = find_champion(empty_lab)
    told = say("checkpoint_loop_promoted", "en", orders=checkpoint.LOOP_ORDERS, version="2")
    assert champion.version == "2" and told in result.stdout, result.stdout
    run = mlflow.MlflowClient(empty_lab.mlflow_tracking_uri).get_run(champion.run_id)
    assert run.data.tags[TRAINED_ON] == ORDER_BOOK
    orders = read_orders(empty_lab)
    assert len(orders) >= checkpoint.LOOP_ORDERS and orders["model_version"].eq("1").any()
