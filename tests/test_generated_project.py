"""Baked projects really work: installed in a fresh environment, tested, linted and run.

These tests take minutes (each installs a project and runs its suite): `-m "not slow"` skips them.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from .conftest import TEMPLATE

pytestmark = pytest.mark.slow

# One variant per use case and per language, both editions, the Docker files once. The light
# tests (notebooks, kitchen, shop window, lab, CLI, ...) run in every variant; each heavy layer of
# the suite (its pytest marker) runs in exactly one variant, where it proves what it proves once.
VARIANTS = [
    {"use_case": "crop_yield", "language": "en", "edition": "instructor"},
    {"use_case": "crop_yield", "language": "fr", "edition": "student"},
    {"use_case": "house_prices", "language": "en", "edition": "student", "docker": "yes"},
    {"use_case": "house_prices", "language": "fr", "edition": "instructor"},
]
HEAVY_LAYERS = {
    # A thousand fuzzed orders per route (schemathesis), and the serving benchmark.
    "slow": VARIANTS[0],
    # A real PostgreSQL under the class server, and the teacher's leaderboard notebook against it.
    "classserver": VARIANTS[0],
    # The shop window in a real headless Chromium (a screenshot is kept).
    "browser": VARIANTS[2],
    # A JVM and ~480 MB of pyspark: installed with `--extra spark`, and its tests must then run
    # (REQUIRE_SPARK=1 turns a skip into a failure).
    "spark": VARIANTS[3],
    # The offline classroom round trip: a ~330 MB wheelhouse, then an install with no network.
    "offline": VARIANTS[1],
}
# The types differ with the use case (the menu, the data) and the language (the words): mypy
# checks one variant of each (about a minute each); deptry, which takes a second, checks all.
TYPE_CHECKED = [VARIANTS[0], VARIANTS[3]]
LEADERBOARD = Path(__file__).resolve().parents[1] / "notebooks" / "leaderboard.ipynb"


def label(answers: dict) -> str:
    return "-".join(answers.values())


def project_environment() -> dict[str, str]:
    """The environment a baked project runs in: this one, with our tools (uv) on PATH."""
    tools = os.path.dirname(sys.executable)
    return {**os.environ, "PATH": tools + os.pathsep + os.environ.get("PATH", "")}


def layers_of(answers: dict) -> tuple[list[str], dict[str, str], list[str]]:
    """The pytest options, environment and `run.py` extras of one variant's heavy layers."""
    others = [layer for layer, variant in HEAVY_LAYERS.items() if variant != answers]
    others.append("offline")  # run on its own, after the suite (below)
    environment, extras = project_environment(), []
    if HEAVY_LAYERS["classserver"] == answers:
        environment["LEADERBOARD_NOTEBOOK"] = str(LEADERBOARD)
    if HEAVY_LAYERS["spark"] == answers:
        environment["REQUIRE_SPARK"] = "1"
        extras = ["--extra", "spark"]
    marker = " and ".join(f"not {layer}" for layer in dict.fromkeys(others))
    return ["-m", marker], environment, extras


def installed_versions(project) -> dict[str, str]:
    """Every distribution in the project's .venv, by canonical name, with its version."""
    python = project.path / ".venv" / "bin" / "python"
    listing = (
        "import importlib.metadata as m, json; "
        "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
    )
    shown = subprocess.run([python, "-c", listing], capture_output=True, text=True, check=True)
    return {canonical(name): version for name, version in json.loads(shown.stdout).items()}


def locked_versions(project, extras: list[str]) -> dict[str, str]:
    """What uv.lock says this machine gets from `run.py test` (markers evaluated here)."""
    uv = shutil.which("uv", path=project_environment()["PATH"])
    export = [uv, "export", "--locked", "--quiet", "--format", "requirements-txt", "--no-hashes"]
    export += ["--no-emit-project", "--no-header", "--no-annotate", "--extra", "class"]
    exported = subprocess.run(
        [*export, "--group", "dev", *extras], cwd=project.path, capture_output=True, text=True
    )
    assert exported.returncode == 0, exported.stderr
    python = project.path / ".venv" / "bin" / "python"
    evaluate = (
        "import sys, json; from packaging.requirements import Requirement as R; "
        "rs = [R(line) for line in sys.stdin.read().splitlines() if line.strip()]; "
        "print(json.dumps({r.name: str(r.specifier)[2:] for r in rs"
        " if r.marker is None or r.marker.evaluate()}))"
    )
    chosen = subprocess.run(
        [python, "-c", evaluate], input=exported.stdout, capture_output=True, text=True, check=True
    )
    return {canonical(name): version for name, version in json.loads(chosen.stdout).items()}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# Checked in one variant: the project's pytest settings are the same in all.
DEPRECATION_CHECKED = VARIANTS[2]


def assert_own_deprecations_fail(project) -> None:
    """A function of the project that raises a DeprecationWarning makes its test fail."""
    package = project.path / "src" / project.package
    (package / "old_recipe.py").write_text(
        "import warnings\n\n\ndef cook():\n"
        '    warnings.warn("cook() is deprecated", DeprecationWarning, stacklevel=2)\n'
    )
    test = project.path / "tests" / "test_old_recipe.py"
    test.write_text(
        f"from {project.package}.old_recipe import cook\n\n\ndef test_cook():\n    cook()\n"
    )
    try:
        done = subprocess.run(
            [
                project.path / ".venv" / "bin" / "python",
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                test,
            ],
            cwd=project.path,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        test.unlink()
        (package / "old_recipe.py").unlink()
    assert done.returncode == 1, done.stdout[-2000:]
    assert "DeprecationWarning: cook() is deprecated" in done.stdout, done.stdout[-2000:]


def keep_durations(name: str, output: str) -> None:
    """Keep a variant's slowest tests (pytest's --durations table) where CI keeps its artifacts."""
    folder = os.environ.get("TEST_ARTIFACTS")
    table = output.partition("slowest 20 durations")[2]
    if folder and table:
        (Path(folder) / f"durations-{name}.txt").write_text(table, encoding="utf-8")


# Installed by `python -m venv` (pip; setuptools on 3.11) or by run.py when the machine has no uv.
NOT_FROM_THE_LOCK = {"pip", "setuptools", "uv"}


@pytest.mark.parametrize("answers", VARIANTS, ids=label)
def test_baked_project_passes_its_own_tests_and_lint(answers, bake):
    """It installs exactly its lock with the README's test command, passes every test of its
    layers and is lint-clean."""
    project = bake(**answers)
    layers, environment, extras = layers_of(answers)
    timings = ["--durations", "20"]
    result = subprocess.run(
        [
            sys.executable,
            "run.py",
            "test",
            *extras,
            "-q",
            "-p",
            "no:cacheprovider",
            *timings,
            *layers,
        ],
        cwd=project.path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=2400,
    )
    keep_durations(label(answers), result.stdout)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"\d+ passed", summary) and "failed" not in summary, summary
    # Two bakes a month apart install the same versions: exactly those of the lock.
    installed = installed_versions(project)
    installed.pop(canonical(project.answers.get("project_slug", "ml-restaurant")), None)
    for extra in NOT_FROM_THE_LOCK:
        installed.pop(extra, None)
    assert installed == locked_versions(project, extras)
    tools = project.path / ".venv" / "bin"
    checks = [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["deptry", "src"]]
    if answers in TYPE_CHECKED:
        checks.append(["mypy"])  # [tool.mypy] in the project's pyproject.toml
    for tool, *arguments in checks:
        checked = subprocess.run(
            [tools / tool, *arguments], cwd=project.path, capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    if answers == DEPRECATION_CHECKED:
        assert_own_deprecations_fail(project)
    if HEAVY_LAYERS["offline"] == answers:
        offline = subprocess.run(
            [sys.executable, "run.py", "test", "-q", "-p", "no:cacheprovider", "-m", "offline"],
            cwd=project.path,
            env=project_environment(),
            capture_output=True,
            text=True,
            timeout=2400,
        )
        assert offline.returncode == 0, offline.stdout[-4000:] + offline.stderr[-2000:]
        assert "1 passed" in offline.stdout.strip().splitlines()[-1], offline.stdout[-2000:]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Could a server open this port now? (The same question as the project's processes.)"""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Output:
    """Collects a process's output lines in the background, so we can wait for one."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self.collect, daemon=True)
        self.reader.start()

    def collect(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def saw(self, words: str) -> bool:
        return any(words in line for line in self.lines)

    def wait_for(self, words: str, seconds: float) -> None:
        """Return once `words` appear in the output; fail if the process ends or time runs out."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.saw(words):
                return
            if self.process.poll() is not None:
                self.reader.join(timeout=5)  # read what the process wrote before it ended
                if self.saw(words):
                    return
                break
            time.sleep(0.5)
        raise AssertionError(f"never saw {words!r}:\n" + "".join(self.lines[-60:]))


def processes_under(pid: int) -> dict[int, str]:
    """Every process started, directly or not, by process `pid`, with its command (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError, ValueError):  # may end while we look
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, parents = {}, [pid]
    while parents:
        for child in children.get(parents.pop(), []):
            with contextlib.suppress(OSError):
                command = Path(f"/proc/{child}/cmdline").read_bytes()
                found[child] = command.replace(b"\0", b" ").decode()
            parents.append(child)
    return found


def is_alive(pid: int) -> bool:
    """Does process `pid` still run? (A zombie has ended: it only waits to be counted.)"""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def start_command(command: list[str], cwd: Path) -> tuple[subprocess.Popen, Output]:
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=project_environment(),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal gives each command
    )
    return process, Output(process)


def port_options(ports: dict[str, int]) -> list[str]:
    return [word for part, port in ports.items() for word in (f"--{part}-port", str(port))]


def close_and_check(process, output, ports, number: int, whole_group: bool) -> None:
    """Send `number` to the process alone (a stop button, `kill PID`) or to its whole group
    (Ctrl-C in a terminal); every process under it must end within 10 s, the ports be free."""
    started = processes_under(process.pid)
    asked = time.monotonic()
    try:
        if whole_group:
            os.killpg(process.pid, number)
        else:
            os.kill(process.pid, number)
        process.wait(timeout=60)
        seconds = time.monotonic() - asked
        lingering = {pid: command for pid, command in started.items() if is_alive(pid)}
        assert not lingering, f"still running after it closed: {lingering}"
        assert seconds <= 10, f"closing took {seconds:.1f} s"
    finally:
        for pid in [process.pid, *started]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    output.wait_for("Closing the restaurant", seconds=5)
    for part, port in ports.items():
        assert port_is_free(port), f"the {part} still listens on {port}"


def order_a_dish(kitchen: str) -> dict:
    order = {
        "soil_type": "loam",
        "seed_type": "hybrid",
        "water_mm": 600.0,
        "temperature_c": 22.0,
        "fertilizer_kg_ha": 120.0,
    }
    return httpx.post(f"{kitchen}/predict", json=order, timeout=10).json()


def test_up_opens_lab_kitchen_and_shop_window_then_closes_them(bake):
    """From a fresh bake, `python3 run.py up` installs, trains, serves a real prediction
    through the kitchen, shows the shop window and the lab; SIGINT sent to the run.py process
    alone closes all of it, and so does Ctrl-C (SIGINT to its whole group) the next time."""
    project = bake()
    ports = {"lab": free_port(), "kitchen": free_port(), "shop": free_port()}
    process, output = start_command(
        [sys.executable, "run.py", "up", *port_options(ports)], project.path
    )
    try:
        output.wait_for("The restaurant is open", seconds=900)
        dish = order_a_dish(f"http://127.0.0.1:{ports['kitchen']}")
        assert 2 < dish["prediction"] < 20 and dish["unit"] == "t/ha", dish
        assert dish["model_version"] == "1"

        shop = f"http://127.0.0.1:{ports['shop']}"
        assert httpx.get(f"{shop}/_stcore/health", timeout=10).text == "ok"
        assert "<html" in httpx.get(shop, timeout=10).text.lower()

        lab = f"http://127.0.0.1:{ports['lab']}"
        alias = httpx.get(
            f"{lab}/api/2.0/mlflow/registered-models/alias",
            params={"name": project.package, "alias": "champion"},
            timeout=10,
        )
        assert alias.json()["model_version"]["version"] == "1"

        # The lab is MLflow's server without its GenAI job runners (about 1.5 GB saved).
        running = list(processes_under(process.pid).values())
        assert any("mlflow server" in command for command in running), running
        assert not [command for command in running if "huey" in command]
    finally:
        close_and_check(process, output, ports, signal.SIGINT, whole_group=False)

    process, output = start_command(
        [sys.executable, "run.py", "up", *port_options(ports)], project.path
    )
    output.wait_for("The restaurant is open", seconds=600)
    close_and_check(process, output, ports, signal.SIGINT, whole_group=True)


def test_demo_passes_port_options_on_and_closes_on_sigterm(tmp_path):
    """`python3 run.py demo` takes up's port options beside cookiecutter's answers, whether it
    bakes demo/ or reuses it; SIGTERM to its own process closes everything; a taken port is
    refused with the option that moves it."""
    template = tmp_path / "template"
    ignore = shutil.ignore_patterns(".venv", "demo", "site", ".git", "__pycache__", "*.pyc")
    shutil.copytree(TEMPLATE, template, ignore=ignore)
    ports = {"lab": free_port(), "kitchen": free_port(), "shop": free_port()}
    demo = [sys.executable, "run.py", "demo", "language=en", *port_options(ports)]
    process, output = start_command(demo, template)
    try:
        output.wait_for("The restaurant is open", seconds=1200)
        assert order_a_dish(f"http://127.0.0.1:{ports['kitchen']}")["model_version"] == "1"
    finally:
        close_and_check(process, output, ports, signal.SIGTERM, whole_group=False)

    ports = {"lab": free_port(), "kitchen": free_port(), "shop": free_port()}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = {**ports, "kitchen": taken.getsockname()[1]}
        refused = subprocess.run(
            [sys.executable, "run.py", "demo", *port_options(busy)],
            cwd=template,
            env=project_environment(),
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert refused.returncode != 0
    assert f"Port {busy['kitchen']}" in refused.stderr and "--kitchen-port" in refused.stderr

    process, output = start_command([*demo[:3], *port_options(ports)], template)
    try:
        output.wait_for("Reusing", seconds=60)
        output.wait_for("The restaurant is open", seconds=600)
        assert order_a_dish(f"http://127.0.0.1:{ports['kitchen']}")["model_version"] == "1"
    finally:
        close_and_check(process, output, ports, signal.SIGTERM, whole_group=False)
