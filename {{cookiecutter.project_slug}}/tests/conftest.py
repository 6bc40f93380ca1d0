"""Fixtures shared by the tests: a private lab book, a trained champion, a running kitchen,
and the shop window's pages."""

import contextlib
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import streamlit as st
from fastapi.testclient import TestClient
from mlflow import MlflowClient
from streamlit.testing.v1 import AppTest

import {{ cookiecutter.package_name }}.shop as shop_package
from {{ cookiecutter.package_name }}.kitchen.app import create_app
from {{ cookiecutter.package_name }}.lab.train import Recipe, train
from {{ cookiecutter.package_name }}.processes import ServerThread
from {{ cookiecutter.package_name }}.settings import Settings, get_settings
from {{ cookiecutter.package_name }}.shop.client import KitchenClient

# Small and quick, yet a real model: enough for tests that need one.
QUICK_RECIPE = Recipe(max_iter=40, rows=600)


def settings_in(folder) -> Settings:
    """Settings whose lab book lives in `folder`, never in the project's own mlflow.db."""
    return Settings(
        mlflow_tracking_uri=f"sqlite:///{(folder / 'mlflow.db').as_posix()}",
        artifacts_dir=folder / "mlruns",
        language="en",
    )


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    """A lab book of its own for the test session, with one champion trained in it."""
    settings = settings_in(tmp_path_factory.mktemp("lab"))
    train(settings, QUICK_RECIPE)
    return settings


def two_versions(settings: Settings) -> MlflowClient:
    """Train a champion (version 1) and a weaker challenger (version 2) in `settings`' lab."""
    train(settings, QUICK_RECIPE)
    train(settings, Recipe(max_iter=3, learning_rate=0.05, rows=600))
    return MlflowClient(settings.mlflow_tracking_uri)


@pytest.fixture
def empty_lab(tmp_path) -> Settings:
    """Settings pointing at a lab book that holds no model at all."""
    return settings_in(tmp_path)


@pytest.fixture
def damaged_lab(tmp_path) -> Settings:
    """Settings pointing at a lab book that is no database: SQLite's header, then noise (a
    half-copied backup looks like this)."""
    settings = settings_in(tmp_path)
    noise = bytes(range(256)) * 64
    (tmp_path / "mlflow.db").write_bytes(b"SQLite format 3\x00" + noise)
    return settings


@pytest.fixture(scope="session", params=[True, False], ids=["rush_hour", "plain"])
def rush_hour(request) -> bool:
    """Each kitchen test runs twice: with the advanced wing (the default), and without it."""
    return request.param


@pytest.fixture(scope="session")
def kitchen_for(rush_hour):
    """Return a function that builds a kitchen on `settings`, with or without the wing."""

    def build(settings: Settings):
        return create_app(settings.model_copy(update={"rush_hour": rush_hour}))

    return build


@pytest.fixture(scope="session")
def client(settings, kitchen_for):
    """A test client of the kitchen; `with` runs its lifespan, so the champion is loaded."""
    with TestClient(kitchen_for(settings)) as client:
        yield client


def serving(settings: Settings) -> ServerThread:
    """A kitchen served by uvicorn in a thread, on a free loopback port: `with` it for its URL."""
    return ServerThread(create_app(settings))


@pytest.fixture(scope="session")
def kitchen_url(settings):
    """A real kitchen, served by uvicorn on a free loopback port for the whole session."""
    with serving(settings) as url:
        yield url


@pytest.fixture
def fresh_settings(monkeypatch):
    """Let a test change environment variables and have get_settings() read them again."""
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def skip_or_fail(reason: str, required_by: str) -> None:
    """A tool the test needs is missing: skip, or fail when the environment variable
    `required_by` is "1" (CI sets it, so a missing install step cannot hide as a skip)."""
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{reason}; {required_by}=1 asks for this test to run")
    pytest.skip(reason)


# --- Catering (batch scoring on Spark) ---


@pytest.fixture
def needs_spark():
    """Skip when pyspark is not installed; fail instead under REQUIRE_SPARK=1 (as in CI)."""
    from {{ cookiecutter.package_name }}.catering.banquet import spark_is_installed

    if not spark_is_installed():
        reason = 'pyspark is not installed (add it with `uv pip install -e ".[spark]"`)'
        skip_or_fail(reason, required_by="REQUIRE_SPARK")


# --- The shop window ---

# Found by path, not imported: importing the page would run it outside Streamlit.
SHOP_APP = Path(shop_package.__file__).parent / "app.py"
# The first run imports pandas, pydantic and friends: Streamlit's default of 3 s is too short
# on a busy 2-core machine.
SHOP_TIMEOUT = 60


@pytest.fixture
def shop_for(fresh_settings):
    """Return a function that opens one page of the shop with orders sent to `url`."""

    def open_page(url: str, page: str | None = None, **settings) -> AppTest:
        st.cache_data.clear()  # what a page keeps between reruns is not kept between tests
        fresh_settings.setenv("KITCHEN_URL", url)
        for name, value in settings.items():
            fresh_settings.setenv(name.upper(), str(value))
        app = AppTest.from_file(str(SHOP_APP), default_timeout=SHOP_TIMEOUT).run()
        if page:
            app.switch_page(f"screens/{page}.py").run()
        return app

    return open_page


@pytest.fixture
def batch_calls(monkeypatch):
    """Record every batch the shop sends (the orders go on to the real kitchen)."""
    calls = []
    send = KitchenClient.predict_batch

    def record(self, orders):
        calls.append(orders)
        return send(self, orders)

    monkeypatch.setattr(KitchenClient, "predict_batch", record)
    return calls


class QuietHandler(BaseHTTPRequestHandler):
    """The base of a stand-in server's answers: it writes no log line into the test output."""

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def pretend_server(handler: type[BaseHTTPRequestHandler]):
    """Serve `handler` on a free loopback port, in a thread; yield its URL, then close it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)  # port 0: the system picks a free one
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def slow_kitchen_url():
    """A pretend kitchen that takes 3 s to answer anything."""

    class Slow(QuietHandler):
        def do_POST(self):
            time.sleep(3)
            self.send_response(200)
            self.end_headers()

        do_GET = do_POST

    with pretend_server(Slow) as url:
        yield url
