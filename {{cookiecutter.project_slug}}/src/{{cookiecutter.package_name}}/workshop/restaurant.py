"""What the notebooks use to reach the rest of the restaurant: champion, kitchen, shop window.

A notebook must run unattended (in the tests, or when a learner clicks "Run all"), so anything
it starts here is on the loopback address, waited for with a deadline, and stopped at the end.
"""

import atexit
import os
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from {{ cookiecutter.package_name }}.cli import shop_command
from {{ cookiecutter.package_name }}.kitchen.app import create_app
from {{ cookiecutter.package_name }}.kitchen.safety import open_skops_file
from {{ cookiecutter.package_name }}.lab.registry import download_model, find_champion
from {{ cookiecutter.package_name }}.lab.train import Recipe, train
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import Settings

LOOPBACK = "127.0.0.1"
# A quick formula, used only when a notebook is run before the registry notebook (03).
QUICK_RECIPE = Recipe(max_iter=60)


def load_pipeline(settings: Settings, version: str | None = None):
    """Open a registered model: the champion (by its alias), or one fixed version.

    MLflow refuses to unpickle models by default; skops files are opened with the kitchen's own
    list of trusted types instead, exactly as the kitchen does.
    """
    with tempfile.TemporaryDirectory() as folder:
        model_dir = download_model(settings, version, Path(folder))
        return open_skops_file(model_dir / "model.skops")


def ensure_champion(settings: Settings) -> str:
    """Return the champion's version, training a quick one first if the registry has none."""
    champion = find_champion(settings)
    if champion is None:
        print(say("nb_training_champion", settings.language))
        train(settings, QUICK_RECIPE)
        champion = find_champion(settings)
    return champion.version


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    """Is something answering 200 at `url`?"""
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


class Server:
    """One part of the restaurant, opened by a notebook and closed when asked (or at exit)."""

    def __init__(self, name: str, url: str, close=None):
        self.name = name
        self.url = url
        self.close = close  # None when the part was already running: not ours to close
        atexit.register(self.stop)  # a notebook stopped half-way leaves nothing behind

    def stop(self) -> None:
        if self.close is not None:
            self.close()
            self.close = None

    def __repr__(self) -> str:
        return f"{self.name} at {self.url}"


def closer(process: subprocess.Popen):
    """Return a function that ends `process`: politely first, then firmly."""

    def close() -> None:
        if process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    return close


def start(name: str, command: list[str], health_url: str, environment: dict, seconds: float):
    """Start `command` and wait, at most `seconds`, until `health_url` answers."""
    process = subprocess.Popen(
        command,
        env={**os.environ, **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + seconds
    while not answers(health_url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait(timeout=5)
            raise RuntimeError(say("nb_server_did_not_start", name=name, seconds=seconds))
        time.sleep(0.3)
    return process


def open_kitchen(settings: Settings, seconds: float = 60) -> Server:
    """Use the kitchen at `settings.kitchen_url` if it is ready, else open one on a free port.

    The notebook's own kitchen runs in a thread of this Python process: the same app as
    `{{ cookiecutter.package_name }} kitchen`, reading the same lab book, without paying for a
    second Python to start.
    """
    if answers(f"{settings.kitchen_url}/health/ready"):
        return Server("kitchen", settings.kitchen_url)
    port = free_port()
    url = f"http://{LOOPBACK}:{port}"
    config = uvicorn.Config(create_app(settings), host=LOOPBACK, port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    def close() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    deadline = time.monotonic() + seconds
    while not answers(f"{url}/health/ready"):
        if not thread.is_alive() or time.monotonic() > deadline:
            close()
            raise RuntimeError(say("nb_server_did_not_start", name="kitchen", seconds=seconds))
        time.sleep(0.2)
    return Server("kitchen", url, close)


def open_shop(settings: Settings, kitchen_url: str, seconds: float = 60) -> Server:
    """Start a shop window on a free port whose waiter carries orders to `kitchen_url`."""
    port = free_port()
    url = f"http://{LOOPBACK}:{port}"
    environment = {"KITCHEN_URL": kitchen_url, "LANGUAGE": settings.language}
    command = shop_command(LOOPBACK, port)
    process = start("shop window", command, f"{url}/_stcore/health", environment, seconds)
    return Server("shop window", url, closer(process))
