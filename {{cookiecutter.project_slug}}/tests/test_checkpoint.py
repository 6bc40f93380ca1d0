"""Checkpoints: a stuck project is brought to the end of part N, the learner's work kept aside.

The checkpoints run on a copy of this project (its code, notebooks and reference copies), with
the copy's own package first on the path, so a test never touches the project being tested.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.lab.registry import find_champion
from {{ cookiecutter.package_name }}.menu import example_order
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import Settings
from {{ cookiecutter.package_name }}.workshop import checkpoint

from .conftest import SHOP_TIMEOUT, free_port

PACKAGE = "{{ cookiecutter.package_name }}"
PROJECT = Path(__file__).resolve().parents[1]
KITCHEN_FILE = f"src/{PACKAGE}/kitchen/routes.py"
SHOP_FILE = f"src/{PACKAGE}/shop/client.py"
NOTEBOOK = "notebooks/04_kitchen.ipynb"
BROKEN = "\nthis line is not Python: the learner was half-way through an edit\n"


def copy_of_project(folder: Path) -> Path:
    """Copy what a checkpoint reads and writes: the code, the notebooks, the references."""
    copy = folder / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("src", "notebooks", ".workshop"):
        shutil.copytree(PROJECT / part, copy / part, ignore=ignore)
    shutil.copy(PROJECT / "pyproject.toml", copy / "pyproject.toml")
    return copy


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


def same_as_reference(copy: Path, relative: str) -> bool:
    reference = copy / ".workshop" / "reference" / relative
    return (copy / relative).read_bytes() == reference.read_bytes()


@pytest.fixture
def live_kitchen_of(settings):
    """Start the kitchen of a copy with uvicorn (the real command), return its URL."""
    started = []

    def start(copy: Path) -> str:
        port = free_port()
        command = [sys.executable, "-m", PACKAGE, "kitchen", "--port", str(port)]
        # A group of its own: the command starts uvicorn as a child, and both must be stopped.
        process = subprocess.Popen(
            command,
            cwd=copy,
            env=environment_for(copy, settings),
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                    return url
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise AssertionError("the copy's kitchen did not open within 120 s")

    yield start
    for process in started:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


# --- Restoring files (no server needed) -------------------------------------------------------


def test_restore_backs_up_changed_files_then_leaves_added_files_alone(tmp_path):
    """It keeps the learner's changed files in a dated backup folder, intact, puts the reference
    back, never touches a file the learner added, and a second run finds nothing to do."""
    copy = copy_of_project(tmp_path)
    edits = half_done(copy)
    first = checkpoint.restore(copy, 3, "20250101-090000")
    assert set(edits) <= set(first.backed_up)
    assert first.backup_folder == Path("backups/checkpoint-3-20250101-090000")
    for relative, text in edits.items():
        assert (copy / first.backup_folder / relative).read_text(encoding="utf-8") == text
        assert same_as_reference(copy, relative)
    assert (copy / "notebooks" / "my_notes.py").read_text() == "# mine, not the workshop's\n"
    again = checkpoint.restore(copy, 3, "20250101-090500")
    assert again.backed_up == again.restored == []
    assert backups_in(copy) == [copy / first.backup_folder]


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


def test_missing_reference_is_said_and_nothing_changes(tmp_path):
    """It refuses in words, and writes nothing, when the reference copies are gone."""
    copy = copy_of_project(tmp_path)
    edits = half_done(copy)
    shutil.rmtree(copy / ".workshop")
    with pytest.raises(checkpoint.CheckpointError, match=".workshop"):
        checkpoint.restore(copy, 2, "now")
    assert (copy / KITCHEN_FILE).read_text(encoding="utf-8") == edits[KITCHEN_FILE]
    assert not backups_in(copy)


@pytest.mark.parametrize("given", ["0", "4", "two", "-1"])
def test_part_outside_one_to_three_is_refused_in_words(given, capsys):
    """It exits 2 and names the three parts one may choose."""
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
    assert same_as_reference(copy, SHOP_FILE)
    fresh_settings.setenv("KITCHEN_URL", kitchen_url)
    fresh_settings.setenv("LANGUAGE", "en")
    page_file = copy / "src" / PACKAGE / "shop" / "app.py"
    page = AppTest.from_file(str(page_file), default_timeout=SHOP_TIMEOUT).run()
    page.button[0].click().run()
    assert not page.exception and not page.error
    [dish] = page.metric
    assert float(dish.value.split()[0].replace(",", "")) > 0
