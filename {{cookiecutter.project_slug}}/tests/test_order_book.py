"""The order book: every order the kitchen cooks is written down, off the request path, in a
real store (SQLite, or PostgreSQL under the `classserver` marker), bounded in size; and a store
that is full, locked, unwritable or dropped never fails nor holds up an order."""

import logging
import sqlite3
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from {{ cookiecutter.package_name }}.data import make_dataset
from {{ cookiecutter.package_name }}.kitchen.app import create_app
from {{ cookiecutter.package_name }}.menu import FEATURES, TARGET, example_order
from {{ cookiecutter.package_name }}.order_book import book as book_module
from {{ cookiecutter.package_name }}.order_book.store import (
    ROWS_A_STATEMENT,
    WRITTEN,
    book_address,
    open_store,
)
from {{ cookiecutter.package_name }}.processes import ServerThread
from {{ cookiecutter.package_name }}.settings import Settings

from .test_class_server import postgres  # noqa: F401 - the fixture: a PostgreSQL of our own

ORDER = example_order().model_dump()
# A batch the store writes in three INSERT statements, the last one short.
BIG_BATCH = 2 * ROWS_A_STATEMENT + 7
WAIT_SECONDS = 20  # for the clerk, who writes every half second, on a busy machine


def with_book(settings: Settings, uri: str, **more) -> Settings:
    """The session's lab book, with an order book of the test's own."""
    return settings.model_copy(update={"order_book_uri": SecretStr(uri), **more})


@pytest.fixture
def book_settings(settings, tmp_path) -> Settings:
    return with_book(settings, f"sqlite:///{(tmp_path / 'orders.db').as_posix()}")


def path_of(settings: Settings) -> Path:
    """The file of a SQLite order book."""
    return Path(book_address(settings).removeprefix("sqlite:///"))


def rows_when_ready(settings: Settings, count: int) -> list[dict]:
    """The model's rows of the book, once it holds `count` of them (or fail after a while)."""
    store = open_store(settings)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        columns, rows = store.read()
        if len(rows) >= count:
            store.close()
            return [dict(zip(columns, row, strict=True)) for row in rows]
        time.sleep(0.2)
    store.close()
    pytest.fail(f"the order book holds {len(rows)} orders, not {count}, after {WAIT_SECONDS} s")


def timed_orders(client, count: int) -> list[float]:
    """Send `count` orders one after the other; each must be cooked; return their seconds."""
    seconds = []
    for _ in range(count):
        started = time.perf_counter()
        answer = client.post("/predict", json=ORDER)
        seconds.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.text
    return seconds


# --- What is written, and where ----------------------------------------------------------------


def test_by_default_the_book_lies_beside_the_lab_book(settings, tmp_path):
    """It is orders.db in the lab book's folder, or in the project's when the lab is a server;
    ORDER_BOOK_URI moves it."""
    lab_folder = settings.mlflow_tracking_uri.removeprefix("sqlite:///").rsplit("/", 1)[0]
    assert book_address(settings) == f"sqlite:///{lab_folder}/orders.db"
    server = settings.model_copy(update={"mlflow_tracking_uri": "http://127.0.0.1:5000"})
    assert book_address(server).endswith("/orders.db")
    elsewhere = "postgresql://ann:secret@host/db"
    assert book_address(with_book(settings, elsewhere)) == elsewhere


def test_every_order_is_written_with_its_dish_version_and_time(book_settings, kitchen_for):
    """One order, a batch and a streamed order are each written once, with the dish the
    customer got, the model's name and version, and when; with the wing and without."""
    batch = make_dataset(rows=BIG_BATCH, seed=5)[FEATURES].to_dict(orient="records")
    started = time.time()
    with TestClient(kitchen_for(book_settings)) as client:
        one = client.post("/predict", json=ORDER).json()
        many = client.post("/predict/batch", json={"orders": batch}).json()
        with client.websocket_connect("/ws/predict") as stream:
            stream.send_json(ORDER)
            streamed = stream.receive_json()
        rows = rows_when_ready(book_settings, BIG_BATCH + 2)
    assert len(rows) == BIG_BATCH + 2
    assert [row["prediction"] for row in rows] == pytest.approx(
        [one["prediction"], *many["predictions"], streamed["prediction"]], rel=1e-12
    )
    assert [{name: row[name] for name in FEATURES} for row in rows[1:-1]] == batch
    assert {row["model"] for row in rows} == {book_settings.model_name}
    assert {row["model_version"] for row in rows} == {one["model_version"]}
    assert all(row[TARGET] is None for row in rows)  # the outcome waits for the harvest
    written = [row["ordered_at"] for row in rows]
    assert written == sorted(written)
    assert written[0] >= datetime.fromtimestamp(started, UTC).isoformat()


def test_the_book_holds_nothing_that_identifies_a_customer(book_settings):
    """Its only columns are the order's fields, the dish, the model, the time and the outcome:
    no address, no header, no name."""
    with TestClient(create_app(book_settings)) as client:
        client.post("/predict", json=ORDER, headers={"user-agent": "Ann's laptop"})
        rows_when_ready(book_settings, 1)
    database = sqlite3.connect(path_of(book_settings))
    columns = [column[1] for column in database.execute("PRAGMA table_info(orders)")]
    database.close()
    assert columns == ["id", *WRITTEN, TARGET]
    assert ["ordered_at", "model", "model_version", "prediction", *FEATURES] == WRITTEN


def test_the_book_keeps_only_the_newest_orders(settings, tmp_path):
    """With ORDER_BOOK_MAX_ROWS=50, after 120 orders it holds the newest 50 at closing, and
    never more than a tenth above the cap meanwhile."""
    path = tmp_path / "orders.db"
    small = with_book(settings, f"sqlite:///{path.as_posix()}", order_book_max_rows=50)
    batch = make_dataset(rows=10, seed=6)[FEATURES].to_dict(orient="records")
    with TestClient(create_app(small)) as client:
        for _ in range(12):
            assert client.post("/predict/batch", json={"orders": batch}).status_code == 200
            time.sleep(0.1)
        book = client.app.state.order_book
        deadline = time.monotonic() + WAIT_SECONDS
        while book.tally.written < 120 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert book.tally.written == 120
        assert open_store(small).count() <= 55
    database = sqlite3.connect(path)
    ids = [row[0] for row in database.execute("SELECT id FROM orders ORDER BY id")]
    database.close()
    assert ids == list(range(71, 121))


def test_without_the_order_book_nothing_is_written(settings, tmp_path):
    """ORDER_BOOK=false: no file is made, and the kitchen's menu (OpenAPI) is the same."""
    path = tmp_path / "orders.db"
    on = with_book(settings, f"sqlite:///{path.as_posix()}")
    off = on.model_copy(update={"order_book": False})
    with TestClient(create_app(off)) as client:
        assert client.post("/predict", json=ORDER).status_code == 200
        menu_without = client.get("/openapi.json").json()
        assert not hasattr(client.app.state, "order_book")
    assert not path.exists()
    with TestClient(create_app(on)) as client:
        assert client.get("/openapi.json").json() == menu_without


# --- A store that breaks never fails an order --------------------------------------------------


def test_an_order_book_that_cannot_be_made_fails_no_order(settings, tmp_path, caplog):
    """Where a file stands in place of the book's folder, and where a folder stands in place
    of the book itself: every order is cooked, and the kitchen's log says why in words."""
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "orders.db").mkdir()
    for where in ("a-file/orders.db", "orders.db"):
        broken = with_book(settings, f"sqlite:///{(tmp_path / where).as_posix()}")
        caplog.clear()
        with caplog.at_level(logging.WARNING), TestClient(create_app(broken)) as client:
            timed_orders(client, 20)
            book = client.app.state.order_book
            deadline = time.monotonic() + WAIT_SECONDS
            while not book.tally.lost and time.monotonic() < deadline:
                time.sleep(0.2)
            assert book.tally.lost > 0 and book.tally.written == 0
        assert "Orders are still cooked, but the order book at" in caplog.text, caplog.text


def test_a_bad_order_book_address_is_said_and_the_kitchen_cooks(settings, caplog):
    """ORDER_BOOK_URI that is neither SQLite nor PostgreSQL: said in words, no book, orders
    cooked."""
    wrong = with_book(settings, "mysql://ann:secret@host/orders")
    with caplog.at_level(logging.ERROR), TestClient(create_app(wrong)) as client:
        timed_orders(client, 3)
        assert client.app.state.order_book is None
    assert "is neither a SQLite file" in caplog.text and "mysql://ann:***@host" in caplog.text
    assert "secret" not in caplog.text


def test_a_full_waiting_line_drops_notes_never_orders(book_settings, monkeypatch):
    """While another program holds the book's lock, the clerk cannot write: the waiting line
    fills up (here 20 rows), later orders are counted as dropped, and every order is still
    cooked at once (not after the 2 s the clerk waits for the lock). Once the lock is gone,
    the book is written to again."""
    monkeypatch.setattr(book_module, "MOST_WAITING", 20)
    with TestClient(create_app(book_settings)) as client:
        timed_orders(client, 5)
        rows_when_ready(book_settings, 5)
        locker = sqlite3.connect(path_of(book_settings), isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")  # nobody else may write until the COMMIT
        try:
            seconds = timed_orders(client, 100)
            time.sleep(1)
            book = client.app.state.order_book
            assert book.tally.dropped > 0
        finally:
            locker.execute("COMMIT")
            locker.close()
        assert max(seconds) < 1.5, max(seconds)  # never the clerk's 2 s wait for the lock
        timed_orders(client, 5)
        deadline = time.monotonic() + WAIT_SECONDS
        while book.tally.written < 10 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert book.tally.written >= 10  # the first 5, and the 5 after the lock


def test_a_dropped_table_is_noticed_then_made_again(book_settings, monkeypatch, caplog):
    """Someone drops the table while the kitchen cooks: orders go on, the log says the book
    cannot be written, and at the next try the book makes its table again and carries on."""
    monkeypatch.setattr(book_module, "RETRY_SECONDS", 0.5)
    with caplog.at_level(logging.WARNING), TestClient(create_app(book_settings)) as client:
        timed_orders(client, 3)
        rows_when_ready(book_settings, 3)
        database = sqlite3.connect(path_of(book_settings))
        database.execute("DROP TABLE orders")
        database.commit()
        database.close()
        timed_orders(client, 10)
        book = client.app.state.order_book
        deadline = time.monotonic() + WAIT_SECONDS
        while not book.tally.lost and time.monotonic() < deadline:
            timed_orders(client, 1)
            time.sleep(0.1)
        assert book.tally.lost > 0
        time.sleep(1)
        timed_orders(client, 4)
        rows_when_ready(book_settings, 4)
    assert "cannot be written to" in caplog.text and "written down again" in caplog.text


def test_the_book_is_written_by_a_served_kitchen_too(book_settings):
    """Served by uvicorn (as `kitchen` and the notebooks serve it), 40 concurrent orders from
    eight customers are all written, and the kitchen closes with nothing left waiting."""
    with ServerThread(create_app(book_settings)) as url:

        def customer(_):
            with httpx.Client(base_url=url, timeout=30) as client:
                return [client.post("/predict", json=ORDER).status_code for _ in range(5)]

        with ThreadPoolExecutor(8) as customers:
            answers = [status for batch in customers.map(customer, range(8)) for status in batch]
        assert answers == [200] * 40
    assert len(rows_when_ready(book_settings, 40)) == 40


# --- PostgreSQL, the class server's database ---------------------------------------------------


@pytest.fixture
def postgres_book(postgres):  # noqa: F811 - the fixture imported above
    """A database of its own on the test PostgreSQL; yields its URI; dropped at the end."""
    psycopg = pytest.importorskip("psycopg", reason="the class extra brings psycopg")
    server = postgres.rsplit("/", 1)[0]
    name = f"orders_{int(time.time() * 1000)}"
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield f"{server}/{name}", postgres, name
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def admin_runs(admin_uri: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_uri, autocommit=True) as admin:
        admin.execute(statement)


@pytest.mark.classserver
def test_orders_are_written_to_postgresql(settings, postgres_book, kitchen_for):
    """ORDER_BOOK_URI=postgresql://...: the same rows land in PostgreSQL, with the wing and
    without, and the log never shows the database password."""
    uri, _, _ = postgres_book
    in_postgres = with_book(settings, uri)
    batch = make_dataset(rows=BIG_BATCH, seed=8)[FEATURES].to_dict(orient="records")
    with TestClient(kitchen_for(in_postgres)) as client:
        many = client.post("/predict/batch", json={"orders": batch}).json()
        rows = rows_when_ready(in_postgres, BIG_BATCH)
    assert [row["prediction"] for row in rows] == pytest.approx(many["predictions"], rel=1e-12)
    assert [{name: row[name] for name in FEATURES} for row in rows] == batch
    assert rows[0]["ordered_at"].tzinfo is not None  # a TIMESTAMPTZ, in UTC


@pytest.mark.classserver
def test_a_dropped_postgresql_database_fails_no_order(settings, postgres_book, monkeypatch, caplog):
    """The teacher drops the book's database while the kitchen cooks: every order is still
    cooked at once, the log says so without the password, and when the database is made
    again the book makes its table there and carries on."""
    monkeypatch.setattr(book_module, "RETRY_SECONDS", 0.5)
    uri, admin_uri, name = postgres_book
    in_postgres = with_book(settings, uri)
    with caplog.at_level(logging.WARNING), TestClient(create_app(in_postgres)) as client:
        timed_orders(client, 3)
        rows_when_ready(in_postgres, 3)
        admin_runs(admin_uri, f"DROP DATABASE {name} WITH (FORCE)")  # its connections are cut
        seconds = timed_orders(client, 30)
        book = client.app.state.order_book
        deadline = time.monotonic() + WAIT_SECONDS
        while not book.tally.lost and time.monotonic() < deadline:
            seconds += timed_orders(client, 1)
            time.sleep(0.1)
        assert book.tally.lost > 0
        assert statistics.median(seconds) < 0.5 and max(seconds) < 1.5, max(seconds)
        admin_runs(admin_uri, f"CREATE DATABASE {name}")
        time.sleep(1)
        timed_orders(client, 4)
        assert len(rows_when_ready(in_postgres, 4)) >= 4
    password = admin_uri.split(":")[2].split("@")[0]
    assert "cannot be written to" in caplog.text and "written down again" in caplog.text
    assert password not in caplog.text
