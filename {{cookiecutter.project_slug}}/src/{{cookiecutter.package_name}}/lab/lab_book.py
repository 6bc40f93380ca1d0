"""Upkeep of a local lab book (the SQLite file `mlflow.db`), outside the reading path.

A teacher may replace the file under running servers (restore a backup, copy a class's book in).
MLflow keeps its connections to the old file open and would go on reading it, silently: the
registry calls `reconnect_if_replaced` before each question it asks.
"""

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
