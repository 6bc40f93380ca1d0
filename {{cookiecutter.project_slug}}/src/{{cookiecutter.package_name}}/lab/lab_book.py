"""Upkeep of a local lab book (the SQLite file `mlflow.db`), outside the reading path.

A teacher may replace the file under running servers (restore a backup, copy a class's book in).
MLflow keeps its connections to the old file open and would go on reading it, silently: the
registry calls `reconnect_if_replaced` before each question it asks.

The file may also be damaged (a half-copied backup, a disk that filled up): MLflow then answers
with raw SQL. `damage` tells it first, so the commands can say it in words.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

SEEN: dict[str, tuple[int, int]] = {}  # lab book URI -> (device, inode) of the file last seen


def reconnect_if_replaced(uri: str) -> None:
    """A local lab book replaced on disk (restored, copied over) would still be read through
    MLflow's open connections to the old file: close them, so the next question opens the new."""
    path = Path(uri.removeprefix("sqlite:///"))
    if not uri.startswith("sqlite:///") or not path.is_file():
        return
    now = (path.stat().st_dev, path.stat().st_ino)
    if SEEN.setdefault(uri, now) != now:
        SEEN[uri] = now
        from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as Models
        from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore as Runs

        for store in (Models, Runs):  # MLflow keeps one engine per URI, in `_engine_map`
            if engine := store._engine_map.get(uri):
                engine.dispose()


def damage(uri: str) -> str | None:
    """SQLite's reason when the local lab book at `uri` cannot be read as a database; None when
    it can, when it does not exist yet, or when the lab book is a server."""
    path = Path(uri.removeprefix("sqlite:///"))
    if not uri.startswith("sqlite:///") or not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as book:
            book.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads every header
    except sqlite3.OperationalError:  # busy or locked for a moment: not damage
        return None
    except sqlite3.DatabaseError as reason:  # "file is not a database", "malformed"...
        return str(reason)
    return None
