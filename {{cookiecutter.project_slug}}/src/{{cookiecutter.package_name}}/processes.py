"""Starting, waiting for and stopping the restaurant's servers: the one place that does it.

The command line, the checkpoints, the notebooks' helpers and the tests all open the lab, the
kitchen and the shop window through here, so each is started the same way everywhere: on
127.0.0.1 unless told otherwise, in a process group of its own (closing it closes the helper
processes it started too), waited for with a deadline, and stopped politely, then firmly.
"""

import functools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import Settings, mlflow_server_environment

LOOPBACK = "127.0.0.1"
SHOP_PAGE = Path(__file__).parent / "shop" / "app.py"
BOARD_PAGE = Path(__file__).parent / "workshop" / "board.py"  # the teacher's class board
# How long a server may take to close after being asked, before it is made to.
STOP_SECONDS = 8
KILL_SECONDS = 2  # how long the system may take to end a process made to stop
POSIX = os.name != "nt"  # Windows has no process groups to signal


class ServerDidNotStart(RuntimeError):
    """A server did not answer in time, or stopped while starting; str() says so in words."""


# --- Ports ----------------------------------------------------------------------------------


def free_port(host: str = LOOPBACK) -> int:
    """A port nobody uses right now: the system picks one when asked for port 0."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """Could a server open this port now? Ask the system by trying to bind it."""
    with socket.socket() as probe:
        if POSIX:  # as uvicorn does: a port only in TIME_WAIT still counts as free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


# --- The three parts: how each one is started ---------------------------------------------


def as_arguments(options: dict[str, str]) -> list[str]:
    """Turn {"--port": "8000"} into ["--port", "8000"]."""
    return [part for option, value in options.items() for part in (option, value)]


def lab_command(settings: Settings, host: str, port: int) -> list[str]:
    options = {
        "--backend-store-uri": settings.mlflow_tracking_uri,
        "--artifacts-destination": settings.artifacts_dir.resolve().as_uri(),
        "--host": host,
        "--port": str(port),
        "--workers": "1",  # one person's lab book: MLflow's default of 4 only costs memory
    }
    return [sys.executable, "-m", "mlflow", "server", *as_arguments(options)]


def kitchen_command(host: str, port: int, workers: int = 1) -> list[str]:
    app = "{{ cookiecutter.package_name }}.kitchen.app:create_app"
    # Each worker is a process with its own copy of the model: more throughput, more memory.
    options = {"--host": host, "--port": str(port), "--workers": str(workers)}
    return [sys.executable, "-m", "uvicorn", app, "--factory", *as_arguments(options)]


def shop_command(host: str, port: int) -> list[str]:
    return streamlit_command(SHOP_PAGE, host, port)


def board_command(host: str, port: int) -> list[str]:
    return streamlit_command(BOARD_PAGE, host, port)


def streamlit_command(page: Path, host: str, port: int) -> list[str]:
    options = {
        "--server.address": host,
        "--server.port": str(port),
        "--server.headless": "true",
        "--browser.gatherUsageStats": "false",  # no usage statistics sent
        "--client.showErrorDetails": "none",  # the page says what went wrong, in words
    }
    return [sys.executable, "-m", "streamlit", "run", str(page), *as_arguments(options)]


@dataclass
class Server:
    """A server run as a process of its own: what starts it, where it answers, and the process."""

    name: str  # said in messages: "the kitchen did not start..."
    command: list[str]
    health_url: str  # answers 200 once the server is ready
    url: str  # what a person opens
    environment: dict[str, str] | None = None  # None: this process's own
    process: subprocess.Popen | None = None


def lab(settings: Settings, host: str = LOOPBACK, port: int | None = None) -> Server:
    """The lab book (MLflow's server), without the GenAI job runners it does not need."""
    url = f"http://{host}:{port or settings.lab_port}"
    command = lab_command(settings, host, port or settings.lab_port)
    name = say("doctor_part_lab", settings.language)
    return Server(name, command, f"{url}/health", url, mlflow_server_environment())


def kitchen(settings: Settings, host: str = LOOPBACK, port: int | None = None, workers: int = 1):
    """The kitchen (FastAPI under uvicorn); ready once it holds a champion."""
    url = f"http://{host}:{port or settings.kitchen_port}"
    command = kitchen_command(host, port or settings.kitchen_port, workers)
    name = say("doctor_part_kitchen", settings.language)
    return Server(name, command, f"{url}/health/ready", f"{url}/docs")


def shop(settings: Settings, kitchen_url: str, host: str = LOOPBACK, port: int | None = None):
    """The shop window (Streamlit), whose waiter carries the orders to `kitchen_url`."""
    url = f"http://{host}:{port or settings.shop_port}"
    command = shop_command(host, port or settings.shop_port)
    # The page runs in its own Python: it learns the kitchen's address and the language here.
    environment = {**os.environ, "KITCHEN_URL": kitchen_url, "LANGUAGE": settings.language}
    name = say("doctor_part_shop", settings.language)
    return Server(name, command, f"{url}/_stcore/health", url, environment)


def board(settings: Settings, server_url: str, host: str = LOOPBACK, port: int | None = None):
    """The teacher's class board (Streamlit), which reads the class server at `server_url`."""
    url = f"http://{host}:{port or settings.board_port}"
    command = board_command(host, port or settings.board_port)
    environment = {**os.environ, "CLASS_SERVER_URL": server_url, "LANGUAGE": settings.language}
    name = say("board_name", settings.language)
    return Server(name, command, f"{url}/_stcore/health", url, environment)


# --- Starting, waiting, stopping ------------------------------------------------------------


def start(server: Server, environment: dict[str, str] | None = None, quiet: bool = False):
    """Start `server` in a process group of its own (environment: given, else the server's).

    Its own group, so that stopping it also stops the helper processes it starts (the lab's
    MLflow runs uvicorn under it), and so that a Ctrl-C typed in the terminal reaches only
    the command that started it, which then closes everything in order.
    """
    output = subprocess.DEVNULL if quiet else None
    server.process = subprocess.Popen(
        server.command,
        env=environment if environment is not None else server.environment,
        stdout=output,
        stderr=output,
        start_new_session=POSIX,
    )
    return server


def answers(url: str) -> bool:
    """Is something answering 200 at `url`?"""
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def wait_until_answers(url: str, seconds: float, alive=lambda: True) -> bool:
    """Ask `url` until it answers 200 (True), `alive()` turns False, or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while alive() and time.monotonic() < deadline:
        if answers(url):
            return True
        time.sleep(0.3)
    return False


def is_running(server: Server) -> bool:
    return server.process is not None and server.process.poll() is None


def wait_until_healthy(servers: list[Server], seconds: float) -> Server | None:
    """Wait for every server to answer, all within `seconds`; return the first that did not."""
    deadline = time.monotonic() + seconds
    for server in servers:
        left = deadline - time.monotonic()
        if not wait_until_answers(server.health_url, left, functools.partial(is_running, server)):
            return server
    return None


def signal_group(process: subprocess.Popen, number: int) -> None:
    try:
        if POSIX:
            os.killpg(process.pid, number)
        elif number == signal.SIGTERM:
            process.terminate()
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass  # already gone


def group_is_gone(process: subprocess.Popen) -> bool:
    if process.poll() is None:
        return False
    if not POSIX:
        return True
    try:
        os.killpg(process.pid, 0)  # signal 0 only asks "is anyone of the group left?"
    except (ProcessLookupError, PermissionError):
        return True
    return False


def stop(servers: list[Server], seconds: float = STOP_SECONDS) -> None:
    """Ask every server's group to close, wait at most `seconds`, then end what lingers.

    Once a group is gone, nothing of it holds a port any more.
    """
    started = [server.process for server in servers if server.process is not None]
    for process in started:
        signal_group(process, signal.SIGTERM)
    wait_until_gone(started, seconds)
    lingering = [process for process in started if not group_is_gone(process)]
    for process in lingering:
        signal_group(process, signal.SIGKILL)
    wait_until_gone(lingering, KILL_SECONDS)  # the system closes their ports as they end


def wait_until_gone(started: list[subprocess.Popen], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for process in started:
        while not group_is_gone(process) and time.monotonic() < deadline:
            time.sleep(0.05)


def open_server(server: Server, seconds: float) -> Server:
    """Start `server` quietly and wait until it answers; raise ServerDidNotStart if it does not."""
    start(server, quiet=True)
    if wait_until_healthy([server], seconds) is not None:
        stop([server])
        raise ServerDidNotStart(say("server_did_not_start", name=server.name, seconds=seconds))
    return server


# --- A server in a thread of this process -------------------------------------------------


class ServerThread:
    """An ASGI app (the kitchen) served by uvicorn in a thread of this process, on a free port.

    Cheaper than a second Python: the notebooks, the checkpoints and the tests use it. Use it
    as `with ServerThread(app) as url:`, or call start() and stop() yourself.
    """

    def __init__(self, app, name: str = "", port: int | None = None, log_level: str = "warning"):
        import uvicorn  # only those who serve in a thread pay for importing it

        self.name = name or say("doctor_part_kitchen")
        self.port = port or free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        config = uvicorn.Config(app, host=LOOPBACK, port=self.port, log_level=log_level)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self, seconds: float = 60) -> str:
        """Start serving; return the URL once uvicorn listens, or raise ServerDidNotStart."""
        self.thread.start()
        deadline = time.monotonic() + seconds
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServerDidNotStart(
                    say("server_did_not_start", name=self.name, seconds=seconds)
                )
            time.sleep(0.1)
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(timeout=STOP_SECONDS)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *problem) -> None:
        self.stop()
