"""A baked project takes the template's later changes with `cruft update` (docs/updating.md)."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import TEMPLATE

CRUFT = Path(sys.executable).parent / "cruft"
# The template's files, without what running it leaves behind.
LEFT_BEHIND = shutil.ignore_patterns(
    ".git", ".venv", "demo", "site", "test-artifacts", "__pycache__", ".pytest_cache", ".ruff_cache"
)
# Commits made here carry this identity, whatever git knows of the machine's user.
AUTHOR = ["-c", "user.name=Template test", "-c", "user.email=test@localhost"]

# About 7 s on an idle 2-core machine (three bakes and a patch): part of the quick suite.
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="cruft needs git")


def git(folder: Path, *arguments: str) -> str:
    done = subprocess.run(
        ["git", *AUTHOR, *arguments], cwd=folder, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def cruft(folder: Path, *arguments: str) -> None:
    done = subprocess.run(
        [CRUFT, *arguments], cwd=folder, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_cruft_update_brings_a_template_change_into_a_baked_project(tmp_path):
    """It bakes with cruft, changes the template, and `cruft update -y` carries the change over."""
    started = time.monotonic()
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template, ignore=LEFT_BEHIND)
    git(template, "init", "--quiet")
    git(template, "add", "--all")
    git(template, "commit", "--quiet", "-m", "The template as it is")

    cruft(tmp_path, "create", "--no-input", "--output-dir", str(tmp_path / "out"), str(template))
    project = tmp_path / "out" / "ml-restaurant"
    assert json.loads((project / ".cruft.json").read_text())["template"] == str(template)
    # The bake made the first commit; cruft then wrote .cruft.json, which the learner commits.
    git(project, "add", ".cruft.json")
    git(project, "commit", "--quiet", "-m", "Track the template's version")

    news = "A line added to the template after the bake."
    readme = template / "{{cookiecutter.project_slug}}" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + f"\n{news}\n", encoding="utf-8")
    git(template, "commit", "--quiet", "--all", "-m", "Tell every baked project something new")

    cruft(project, "update", "-y")
    assert news in (project / "README.md").read_text(encoding="utf-8")
    # Only the change arrived: no nested repository, no leftover of the comparison.
    changed = git(project, "status", "--porcelain").splitlines()
    assert sorted(line[3:] for line in changed) == [".cruft.json", "README.md"], changed
    print(f"cruft create + update took {time.monotonic() - started:.1f} s")
