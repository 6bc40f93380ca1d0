"""One lock serves every bake: the baked project's uv.lock agrees with its pyproject.toml whatever
the answers, `python3 run.py lock` writes it back unchanged when nothing moved, and the template's
own tools are locked too. Every check here runs offline (`uv lock --check --offline`): the lock
holds all it needs."""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from .conftest import CHOICES, TEMPLATE, bake_into

UV = Path(sys.executable).parent / "uv"
PROJECT_LOCK = TEMPLATE / "{{cookiecutter.project_slug}}" / "uv.lock"
# No managed Python is ever downloaded: the template's own Python (3.11 or newer) resolves.
NO_DOWNLOADS = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}


def uv(*arguments, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [UV, *arguments], cwd=cwd, env=NO_DOWNLOADS, capture_output=True, text=True, timeout=300
    )


def lock_is_fresh(folder: Path) -> subprocess.CompletedProcess:
    """`uv lock --check`: does uv.lock still agree with pyproject.toml, without any network?"""
    return uv("lock", "--check", "--offline", "--python", sys.executable, cwd=folder)


@pytest.fixture(scope="module")
def bakes(tmp_path_factory) -> list:
    """One bake per Python offered, each with another project name and other answers."""
    names = ["ML Restaurant", "Ferme du Lac", "zz top 3", "Élevage Café"]
    return [
        bake_into(
            tmp_path_factory.mktemp(f"lock-{version}"),
            {"project_name": name, "python_version": version, "docker": ["no", "yes"][n % 2]},
        )
        for n, (name, version) in enumerate(zip(names, CHOICES["python_version"], strict=False))
    ]


def test_every_bake_carries_a_lock_that_agrees_with_its_pyproject(bakes):
    """It bakes a uv.lock that `uv lock --check` accepts, whatever the name and the Python."""
    assert len(bakes) == len(CHOICES["python_version"])
    for project in bakes:
        checked = lock_is_fresh(project.path)
        assert checked.returncode == 0, project.answers | {"uv": checked.stderr}
        packages = tomllib.loads(project.read("uv.lock"))["package"]
        own = [package["name"] for package in packages if "editable" in package["source"]]
        assert own == [project.path.name]


def test_lock_check_really_rejects_a_lock_that_no_longer_agrees(bakes, tmp_path):
    """It proves the check bites: a dependency added to pyproject.toml alone is refused."""
    project = tmp_path / "project"
    shutil.copytree(bakes[0].path, project, ignore=shutil.ignore_patterns(".git"))
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('    "httpx>=0.27",', '    "httpx>=0.27",\n    "rich",'))
    assert pyproject.read_text(encoding="utf-8") != text
    assert lock_is_fresh(project).returncode != 0


def test_lock_pins_one_version_of_each_package_and_never_mlflow_3_18_0(bakes):
    """It locks every dependency the project declares, and skips the mlflow release whose
    companion packages are missing on PyPI."""
    lock = tomllib.loads(bakes[0].read("uv.lock"))
    versions = {}
    for package in lock["package"]:
        versions.setdefault(package["name"], set()).add(package["version"])
    for name in ("mlflow", "mlflow-skinny", "mlflow-tracing"):
        assert versions[name] and "3.18.0" not in versions[name], versions[name]
    pyproject = tomllib.loads(bakes[0].read("pyproject.toml"))
    extras = pyproject["project"]["optional-dependencies"].values()
    declared = pyproject["project"]["dependencies"] + [line for extra in extras for line in extra]
    for requirement in declared:
        name = re.split(r"[\[<>=!~; ]", requirement)[0].lower()
        assert name in versions, name


def test_requires_python_is_the_oldest_python_offered(bakes):
    """It lets every Python the template offers use the same lock."""
    for project in bakes:
        pyproject = tomllib.loads(project.read("pyproject.toml"))
        assert pyproject["project"]["requires-python"] == f">={CHOICES['python_version'][0]}"
    assert tomllib.loads(PROJECT_LOCK.read_text(encoding="utf-8"))["requires-python"] == (
        f">={CHOICES['python_version'][0]}"
    )


def test_template_tools_are_locked_too():
    """It keeps the template's own tools in a lock of their own that agrees with pyproject.toml."""
    checked = lock_is_fresh(TEMPLATE)
    assert checked.returncode == 0, checked.stderr


# The template's files, without what running it leaves behind.
LEFT_BEHIND = shutil.ignore_patterns(
    ".git", ".venv", "demo", "site", "test-artifacts", "__pycache__", ".pytest_cache", ".ruff_cache"
)


def test_run_py_lock_writes_the_lock_back_unchanged_when_nothing_moved(tmp_path):
    """It bakes, locks and turns the lock back into the template's Jinja: with nothing to
    upgrade (offline), the template's lock comes out byte for byte as it went in."""
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template, ignore=LEFT_BEHIND)
    environment = {**NO_DOWNLOADS, "PATH": f"{UV.parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [sys.executable, "run.py", "lock", "--offline"],
        cwd=template,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "packages." in done.stdout
    written = template / "{{cookiecutter.project_slug}}" / "uv.lock"
    assert written.read_bytes() == PROJECT_LOCK.read_bytes()
    assert (template / "uv.lock").read_bytes() == (TEMPLATE / "uv.lock").read_bytes()
