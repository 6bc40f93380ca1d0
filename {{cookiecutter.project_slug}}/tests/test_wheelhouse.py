"""An offline classroom: a wheelhouse prepared beforehand installs the project with no network.

It downloads every package of uv.lock (about 210 files, 330 MB) and installs them again: minutes.
So it runs only when asked by name: `python3 run.py test -m offline`.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from {{ cookiecutter.package_name }}.processes import free_port

pytestmark = [pytest.mark.slow, pytest.mark.offline]

PACKAGE = "{{ cookiecutter.package_name }}"
PROJECT = Path(__file__).resolve().parents[1]


def frozen_versions(text: str) -> dict[str, str]:
    """pip freeze's `name==version` lines as {canonical name: version}."""
    found = re.findall(r"^([A-Za-z0-9][\w.-]*)==(\S+)$", text, re.MULTILINE)
    return {canonicalize_name(name): version for name, version in found}


def locked_here(requirements: str) -> dict[str, str]:
    """The lock's requirements (with hashes) that apply to this Python and this system."""
    chosen = {}
    for line in requirements.splitlines():
        if line[:1].isalnum():  # a requirement; its hashes follow on indented lines
            requirement = Requirement(line.rstrip(" \\"))
            if requirement.marker is None or requirement.marker.evaluate():
                version = str(requirement.specifier).removeprefix("==")
                chosen[canonicalize_name(requirement.name)] = version
    return chosen


def lock_version(name: str) -> str:
    """The version uv.lock gives the package `name` (one version for it on every Python)."""
    packages = tomllib.loads((PROJECT / "uv.lock").read_text(encoding="utf-8"))["package"]
    versions = {package["version"] for package in packages if package["name"] == name}
    assert len(versions) == 1, versions
    return versions.pop()


@pytest.fixture(autouse=True)
def only_when_asked(request):
    if "offline" not in (request.config.option.markexpr or ""):
        pytest.skip("builds a wheelhouse of ~300 MB (minutes): run it with -m offline")


def copy_of_project(folder: Path) -> Path:
    """What a learner receives: the project's files, without any environment or lab book."""
    copy = folder / "project"
    environments = [".venv", ".git", "__pycache__", "*.pyc", ".*_cache", ".hypothesis"]
    lab_books = ["mlflow.db", "mlruns", "mlartifacts", "wheelhouse", "backups", ".class-server"]
    shutil.copytree(PROJECT, copy, ignore=shutil.ignore_patterns(*environments, *lab_books))
    return copy


def no_network(folder: Path) -> dict[str, str]:
    """An environment where any attempt to reach an index fails: no index, no config, no
    cache, uv's offline mode, and a proxy that nobody answers."""
    dead = f"http://127.0.0.1:{free_port()}"
    return {
        "HOME": str(folder / "home"),
        "PATH": os.pathsep.join(["/usr/bin", "/bin"]),  # no uv here: run.py installs its own
        "PIP_NO_INDEX": "1",
        "PIP_CONFIG_FILE": os.devnull,
        "UV_OFFLINE": "1",
        "UV_NO_CONFIG": "1",
        "UV_CACHE_DIR": str(folder / "empty-cache"),
        "HTTP_PROXY": dead,
        "HTTPS_PROXY": dead,
        "ALL_PROXY": dead,
    }


def run(command: list, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.mark.skipif(os.name == "nt", reason="the no-network environment is written for POSIX")
def test_project_installs_from_a_wheelhouse_without_network(tmp_path):
    """It downloads a wheelhouse with `run.py wheelhouse`, then a fresh .venv installs from it
    alone (`run.py test --offline`), collects the tests and imports every part."""
    copy, wheels = copy_of_project(tmp_path), tmp_path / "wheels"
    started = time.monotonic()
    made = run([sys.executable, "run.py", "wheelhouse", wheels], copy, dict(os.environ))
    download_seconds = time.monotonic() - started
    files = [path for path in wheels.iterdir() if path.name != "requirements.txt"]
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    assert f"holds {len(files)} files" in made.stdout
    for needed in ("mlflow", "hatchling", "editables", "uv"):
        assert any(path.name.lower().startswith(f"{needed}-") for path in files), needed
    # The list of what to install is the lock's, written beside the files.
    locked = locked_here((wheels / "requirements.txt").read_text(encoding="utf-8"))
    assert locked["mlflow"] == lock_version("mlflow")

    shutil.rmtree(copy / ".venv")  # a learner's machine: nothing installed yet
    started = time.monotonic()
    offline = no_network(tmp_path)
    run([sys.executable, "run.py", "test", "--offline", wheels, "--co", "-q"], copy, offline)
    install_seconds = time.monotonic() - started

    python = copy / ".venv" / "bin" / "python"
    parts = f"{PACKAGE}.kitchen.app, {PACKAGE}.shop.client, {PACKAGE}.lab.train"
    shown = run([python, "-c", f"import {parts}; print({PACKAGE}.__file__)"], copy, offline)
    assert Path(shown.stdout.strip()).is_relative_to(copy)
    # Installed exactly as locked: each package of the list at its version, nothing more.
    uv = copy / ".venv" / "bin" / "uv"  # run.py installed it: this PATH has none
    frozen = run([uv, "pip", "freeze", "--python", python], copy, offline)
    installed = frozen_versions(frozen.stdout)
    for tool in ("pip", "setuptools", "uv"):  # the environment's own, and run.py's uv
        installed.pop(tool, None)
    assert installed == locked
    print(
        f"wheelhouse: {len(files)} files, {megabytes:.0f} MB, downloaded in "
        f"{download_seconds:.0f} s; offline install in {install_seconds:.0f} s"
    )
