"""The command line: clear words for bad arguments and busy ports; every server command closes
all it opened when told to, by Ctrl-C or by a signal to its own process alone."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.processes import free_port, port_is_free, wait_until_answers

PACKAGE = "{{ cookiecutter.package_name }}"
# Where each part says it is ready.
HEALTH = {"lab": "/health", "kitchen": "/health/ready", "shop": "/_stcore/health"}
CLOSING_SECONDS = 10  # what a stop button or a service manager may fairly wait


@pytest.mark.parametrize("command", [["train"], ["lab"], ["up"], ["checkpoint", "1"]])
def test_a_damaged_lab_book_is_refused_in_words_before_mlflow_opens_it(
    command, damaged_lab, fresh_settings, capsys
):
    """Each command that opens the local lab book stops at once with the remedy in words,
    where MLflow would have answered in SQL; it leaves the file as it was."""
    fresh_settings.setenv("MLFLOW_TRACKING_URI", damaged_lab.mlflow_tracking_uri)
    book = Path(damaged_lab.mlflow_tracking_uri.removeprefix("sqlite:///"))
    before = book.read_bytes()
    with pytest.raises(SystemExit) as stopped:
        main(command)
    said = str(stopped.value.code)
    assert said == say("lab_book_damaged", uri=damaged_lab.mlflow_tracking_uri)
    assert "SELECT" not in said + capsys.readouterr().err
    assert book.read_bytes() == before


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
{%- if cookiecutter.language == "fr" %}
        (["train", "--learning-rate", "fast"], "'fast' n'est pas un nombre"),
        (["train", "--rows", "3"], "doit valoir entre 50"),
        (["kitchen", "--port", "70000"], "doit valoir entre 1 et 65535"),
        (["class-server"], "ces arguments sont obligatoires : --roster"),
        (["bake"], "choix inconnu : 'bake'"),
{%- else %}
        (["train", "--learning-rate", "fast"], "'fast' is not a number"),
        (["train", "--rows", "3"], "must be between 50"),
        (["kitchen", "--port", "70000"], "must be between 1 and 65535"),
        (["class-server"], "the following arguments are required: --roster"),
        (["bake"], "invalid choice: 'bake'"),
{%- endif %}
    ],
)
def test_bad_arguments_are_refused_in_words(arguments, words, capsys):
    """It exits with status 2 and says what is wrong with the argument."""
    with pytest.raises(SystemExit) as stopped:
        main(arguments)
    assert stopped.value.code == 2
    assert words in capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["kitchen"], "--port"),
        (["lab"], "--port"),
        # up checks every port first: the others are free ones, so the kitchen's is the taken one
        (["up", "--lab-port", str(free_port()), "--shop-port", str(free_port())], "--kitchen-port"),
    ],
)
def test_busy_port_is_refused_before_starting_with_the_option_to_use(command, option):
    """It refuses to start on a taken port and names the option that picks another."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as stopped:
            main([*command, option, str(port)])
    said = say("cli_port_taken", port=port, host="127.0.0.1", option=option)
    assert stopped.value.code == said


# --- Stopping: Ctrl-C, or a signal sent to the command's own process alone --------------------


def descendants(pid: int) -> list[int]:
    """Every process started, directly or not, by process `pid` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError, ValueError):  # may end while we look
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, parents = [], [pid]
    while parents:
        for child in children.get(parents.pop(), []):
            found.append(child)
            parents.append(child)
    return found


def is_alive(pid: int) -> bool:
    """Does process `pid` still run? (A zombie has ended: it only waits to be counted.)"""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def reading(settings) -> dict[str, str]:
    """The environment of a command that reads `settings`' lab book."""
    return {
        **os.environ,
        "MLFLOW_TRACKING_URI": settings.mlflow_tracking_uri,
        "ARTIFACTS_DIR": str(settings.artifacts_dir),
        "LANGUAGE": "en",
    }


def up_on(ports: dict[str, int]) -> list[str]:
    """`up`, with a port of its own for each part."""
    return ["up", *[f"--{part}-port={port}" for part, port in ports.items()]]


def open_parts(command: list[str], ports: dict[str, int], settings) -> subprocess.Popen:
    """Run a server command of the CLI against `settings`' lab book; wait until every part
    answers on its port."""
    process = subprocess.Popen(
        [sys.executable, "-m", PACKAGE, *command],
        env=reading(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a group of its own, as a terminal gives each command
    )
    for part, number in ports.items():
        url = f"http://127.0.0.1:{number}{HEALTH[part]}"
        if not wait_until_answers(url, 180, lambda: process.poll() is None):
            process.kill()
            raise AssertionError(f"the {part} of `{' '.join(command)}` did not open")
    return process


STOPPING = [
    ("kitchen", signal.SIGTERM, "pid"),
    pytest.param("kitchen", signal.SIGINT, "pid", marks=pytest.mark.slow),
    pytest.param("lab", signal.SIGTERM, "pid", marks=pytest.mark.slow),
    pytest.param("lab", signal.SIGINT, "pid", marks=pytest.mark.slow),
    pytest.param("shop", signal.SIGTERM, "pid", marks=pytest.mark.slow),
    pytest.param("shop", signal.SIGINT, "pid", marks=pytest.mark.slow),
    pytest.param("up", signal.SIGTERM, "pid", marks=pytest.mark.slow),
    pytest.param("up", signal.SIGINT, "pid", marks=pytest.mark.slow),
    pytest.param("up", signal.SIGINT, "group", marks=pytest.mark.slow),  # Ctrl-C in a terminal
]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the processes from /proc (Linux)")
@pytest.mark.parametrize(
    ("command", "number", "sent_to"),
    STOPPING,
    ids=lambda value: value.name if isinstance(value, signal.Signals) else str(value),
)
def test_a_signal_closes_every_process_of_the_command_and_frees_its_ports(
    command, number, sent_to, settings
):
    """It closes all the processes it started, within 10 s, and frees their ports, when
    SIGTERM or SIGINT reaches its own process alone (a stop button, `kill PID`), or Ctrl-C
    reaches its whole group (a terminal)."""
    parts = ["lab", "kitchen", "shop"] if command == "up" else [command]
    ports = {part: free_port() for part in parts}
    arguments = up_on(ports) if command == "up" else [command, "--port", str(ports[command])]
    process = open_parts(arguments, ports, settings)
    started = descendants(process.pid)
    try:
        assert started, "the command started no server process"
        asked = time.monotonic()
        if sent_to == "pid":
            os.kill(process.pid, number)
        else:
            os.killpg(process.pid, number)
        process.wait(timeout=60)
        seconds = time.monotonic() - asked
        lingering = [pid for pid in started if is_alive(pid)]
        assert not lingering, f"still running after the command ended: {lingering}"
        assert seconds <= CLOSING_SECONDS, f"closing took {seconds:.1f} s"
        taken = [port for port in ports.values() if not port_is_free(port)]
        assert not taken, f"ports still taken: {taken}"
    finally:
        for pid in [process.pid, *started]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


# --- `up` and its first champion ---------------------------------------------------------------

RESTAURANT = ("lab", "kitchen", "shop")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the processes from /proc (Linux)")
def test_up_trains_a_first_champion_in_a_python_that_then_ends(empty_lab):
    """On an empty lab book, `up` has a champion trained before it opens the restaurant, by a
    Python of its own: `up`, which then only watches its servers for hours, never carries
    scikit-learn nor numpy (about 300 MB with MLflow, measured by benchmarks/serving.py)."""
    from {{ cookiecutter.package_name }}.lab.registry import find_champion

    ports = {part: free_port() for part in RESTAURANT}
    process = open_parts(up_on(ports), ports, empty_lab)
    try:
        champion = find_champion(empty_lab)
        assert champion is not None and champion.version == "1"
        loaded = Path(f"/proc/{process.pid}/maps").read_text()  # every library `up` has open
        assert "/sklearn/" not in loaded and "/numpy/" not in loaded
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def wait_for_line(words: str, process: subprocess.Popen, seconds: float) -> None:
    """Read `process`' output until a line holds `words`; past `seconds`, kill it and fail."""
    assert process.stdout is not None
    deadline = threading.Timer(seconds, process.kill)  # ends the output, so the loop too
    deadline.start()
    try:
        if any(words in line for line in process.stdout):
            return
    finally:
        deadline.cancel()
    raise AssertionError(f"no line with {words!r} within {seconds} s")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the processes from /proc (Linux)")
def test_a_signal_while_up_trains_stops_the_training_too(empty_lab):
    """SIGTERM to `up` while its first champion trains: the training Python ends with it, within
    10 s, and `up` says it is closing, without a traceback; no server was started."""
    ports = {part: free_port() for part in RESTAURANT}
    process = subprocess.Popen(
        [sys.executable, "-m", PACKAGE, *up_on(ports)],
        env=reading(empty_lab),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for_line(say("cli_training_first", "en"), process, seconds=120)
        training = descendants(process.pid)
        assert training, "no Python trains the champion"
        asked = time.monotonic()
        os.kill(process.pid, signal.SIGTERM)
        said, _ = process.communicate(timeout=60)
        assert time.monotonic() - asked <= CLOSING_SECONDS
        assert not [pid for pid in training if is_alive(pid)]
        assert say("cli_closing", "en").strip() in said and "Traceback" not in said
        assert all(port_is_free(port) for port in ports.values())
    finally:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
