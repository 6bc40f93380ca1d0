"""The order book's shelf: one table of orders, in SQLite (the default) or in PostgreSQL.

The table `orders` has one row per order the kitchen cooked: a number (`id`, in the order the
rows were written), when it was cooked (`ordered_at`, UTC), which model cooked it (`model`, its
registered name, and `model_version`), the dish (`prediction`), every field of the order, and
its true outcome (`{{ cookiecutter.package_name }} harvest` writes it; empty until then). Nothing
about who ordered: no address, no name, no header of the request.

SQLite is Python's own `sqlite3`, so the kitchen's image needs nothing more. PostgreSQL (a class
server's, or a team's) needs the driver psycopg, which comes with the `class` extra.
"""

import contextlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from {{ cookiecutter.package_name }}.menu import FEATURES, TARGET, ingredients
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import PROJECT_ROOT, Settings, without_password

SQLITE = "sqlite:///"
POSTGRES = ("postgresql://", "postgres://")
FILE_NAME = "orders.db"
WAIT_SECONDS = 2  # for a lock held by another writer, or a slow server: then that write fails
WRITTEN = ["ordered_at", "model", "model_version", "prediction", *FEATURES]  # by the kitchen
# Rows in one INSERT. The writer's thread shares the cores with the kitchen: many rows to a
# statement cost it about half the CPU of one statement a row. (SQLite before 3.32 takes at most
# 999 values in one statement.)
ROWS_A_STATEMENT = 999 // len(WRITTEN)


class StoreProblem(Exception):
    """The order book cannot be opened or read; str() says why, in words."""


def book_address(settings: Settings) -> str:
    """ORDER_BOOK_URI if set; else `orders.db` beside the lab book when the lab book is a
    SQLite file, or in the project's folder when the lab book is a server."""
    if settings.order_book_uri is not None:
        return settings.order_book_uri.get_secret_value()
    lab_book = settings.mlflow_tracking_uri
    local = lab_book.startswith(SQLITE)
    folder = (PROJECT_ROOT / lab_book.removeprefix(SQLITE)).parent if local else PROJECT_ROOT
    return SQLITE + (folder / FILE_NAME).as_posix()


def open_store(settings: Settings) -> "Store":
    """The store the settings name (nothing is opened yet: that happens at the first use)."""
    address = book_address(settings)
    named = {"address": address, "model": settings.model_name, "language": settings.language}
    if address.startswith(SQLITE):
        return SqliteStore(**named)
    if address.startswith(POSTGRES):
        return PostgresStore(**named)
    raise StoreProblem(say("order_book_bad_uri", settings.language, uri=without_password(address)))


def moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class Store:
    """What both shelves share: the table, and the few questions asked of it."""

    mark = "?"  # how a value's place is written in a statement
    types = {str: "TEXT", bool: "BOOLEAN", int: "INTEGER", float: "REAL"}
    first_columns = "id INTEGER PRIMARY KEY AUTOINCREMENT, ordered_at TEXT NOT NULL"

    def __init__(self, address: str, model: str, language: str):
        self.address = address
        self.model = model
        self.language = language  # of what it says
        self.connection = None

    def named(self) -> str:
        """Its name in words: the order book at <address> (the address without its password)."""
        return say("order_book_named", self.language, address=without_password(self.address))

    def connect(self):
        raise NotImplementedError

    def when(self, seconds: float):
        return moment(seconds).isoformat()  # SQLite keeps a time as text

    def transaction(self, connection):
        return connection  # sqlite3: `with connection` commits, or rolls back on an error

    def opened(self):
        """The connection, opened (and the table made) on first use, or again after a failure."""
        if self.connection is None:
            connection = self.connect()
            try:
                self.create(connection)
            except Exception:
                connection.close()
                raise
            self.connection = connection
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None

    def create(self, connection) -> None:
        kinds = {item.name: str if item.choices else item.kind for item in ingredients()}
        columns = [self.first_columns, "model TEXT NOT NULL", "model_version TEXT NOT NULL"]
        columns.append(f"prediction {self.types[float]} NOT NULL")
        columns += [f"{name} {self.types[kinds[name]]} NOT NULL" for name in FEATURES]
        columns.append(f"{TARGET} {self.types[float]}")  # the outcome: empty until the harvest
        with self.transaction(connection):  # committed, or rolled back on an error
            connection.execute(f"CREATE TABLE IF NOT EXISTS orders ({', '.join(columns)})")
            connection.execute("CREATE INDEX IF NOT EXISTS orders_of_model ON orders (model, id)")

    @contextlib.contextmanager
    def cursor(self):
        """A cursor in one transaction (committed, or rolled back on an error). After any
        failure the connection is dropped, so the next use opens a new one (the store may be
        back)."""
        try:
            connection = self.opened()
            with self.transaction(connection):
                yield connection.cursor()
        except Exception:
            self.close()
            raise

    def run(self, statement: str, values=(), many: bool = False) -> list[tuple]:
        """Run one statement in a transaction; return its rows."""
        with self.cursor() as cursor:
            if many:
                cursor.executemany(statement, values)
                return []
            cursor.execute(statement, values)
            return cursor.fetchall() if cursor.description else []

    def write(self, rows: list[tuple]) -> None:
        """Append `rows`, each with the values of WRITTEN (`ordered_at` as `when` gives it), in
        one transaction, ROWS_A_STATEMENT rows to an INSERT."""
        one_row = "(" + ", ".join([self.mark] * len(WRITTEN)) + ")"
        with self.cursor() as cursor:
            for start in range(0, len(rows), ROWS_A_STATEMENT):
                part = rows[start : start + ROWS_A_STATEMENT]
                places = ", ".join([one_row] * len(part))
                values = [value for row in part for value in row]
                cursor.execute(f"INSERT INTO orders ({', '.join(WRITTEN)}) VALUES {places}", values)

    def trim(self, keep: int) -> None:
        """Drop this model's oldest orders beyond the newest `keep`."""
        newest_dropped = (
            f"SELECT id FROM orders WHERE model = {self.mark} ORDER BY id DESC "
            f"LIMIT 1 OFFSET {int(keep)}"
        )
        where = f"model = {self.mark} AND id <= ({newest_dropped})"
        self.run(f"DELETE FROM orders WHERE {where}", (self.model, self.model))

    def count(self) -> int:
        statement = f"SELECT COUNT(*) FROM orders WHERE model = {self.mark}"
        [(count,)] = self.run(statement, (self.model,))
        return count

    def read(self) -> tuple[list[str], list[tuple]]:
        """Every order of this model, oldest first: the column names, and the rows."""
        columns = ["id", *WRITTEN, TARGET]
        rows = self.run(
            f"SELECT {', '.join(columns)} FROM orders WHERE model = {self.mark} ORDER BY id",
            (self.model,),
        )
        return columns, rows

    def without_outcome(self) -> list[tuple]:
        """The id and the fields of each order of this model still waiting for its outcome."""
        columns = ", ".join(["id", *FEATURES])
        where = f"model = {self.mark} AND {TARGET} IS NULL"
        return self.run(f"SELECT {columns} FROM orders WHERE {where} ORDER BY id", (self.model,))

    def write_outcomes(self, outcomes: list[tuple[float, int]]) -> None:
        """Write each (outcome, id)."""
        statement = f"UPDATE orders SET {TARGET} = {self.mark} WHERE id = {self.mark}"
        self.run(statement, outcomes, many=True)


class SqliteStore(Store):
    """A file, next to the lab book by default. Several kitchens may write to it at once."""

    def path(self) -> Path:
        return PROJECT_ROOT / self.address.removeprefix(SQLITE)  # an absolute path stays one

    def connect(self):
        path = self.path()
        if not path.parent.is_dir():  # SQLite would only say "unable to open database file"
            raise StoreProblem(say("order_book_no_folder", self.language, folder=path.parent))
        connection = sqlite3.connect(path, timeout=WAIT_SECONDS)
        try:
            # Write-ahead log: a reader (a notebook, the harvest) never blocks the kitchen.
            connection.execute("PRAGMA journal_mode=WAL")
        except Exception:
            connection.close()
            raise
        return connection


class PostgresStore(Store):
    """A table in a PostgreSQL database: a class server's, or a team's."""

    mark = "%s"
    types = {str: "TEXT", bool: "BOOLEAN", int: "INTEGER", float: "DOUBLE PRECISION"}
    first_columns = (
        "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ordered_at TIMESTAMPTZ NOT NULL"
    )

    def when(self, seconds: float):
        return moment(seconds)

    def transaction(self, connection):
        return connection.transaction()  # (psycopg's `with connection` would also close it)

    def connect(self):
        try:
            import psycopg
        except ImportError:
            raise StoreProblem(say("order_book_no_driver", self.language)) from None
        # No statement may hold the writer for long: a stuck server fails the batch instead.
        timeout = f"-c statement_timeout={WAIT_SECONDS * 1000}"
        return psycopg.connect(
            self.address, autocommit=True, connect_timeout=WAIT_SECONDS, options=timeout
        )
