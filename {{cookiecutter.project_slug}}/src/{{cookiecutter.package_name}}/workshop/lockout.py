"""The class server's door: an account is locked for a while after repeated wrong passwords.

MLflow's basic-auth app asks one function whether a request's login is good (its setting
`authorization_function`). The class server points it at `authenticate` below, which asks
MLflow's own check and keeps a ledger of failures in CLASS_STATE_DIR/logins.db, one file that
every worker of the server shares. After CLASS_LOGIN_ATTEMPTS wrong passwords for one account
within 15 minutes, that account is refused for CLASS_LOGIN_LOCK_MINUTES, even with the right
password, and its password is not even checked (so guessing costs the server nothing). Once the
lock is over, one more wrong password locks it again. Each lock is said in the teacher's
terminal. Names that are no account are counted the same way, so a guesser learns nothing.
"""

import math
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from {{ cookiecutter.package_name }}.messages import number, say
from {{ cookiecutter.package_name }}.settings import get_settings

WINDOW_SECONDS = 15 * 60  # failures older than this are forgotten
LEDGER = "logins.db"


class Ledger:
    """The failed logins of the last minutes, per account name."""

    def __init__(self, path: Path):
        self.path = path

    def connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("CREATE TABLE IF NOT EXISTS failures (username TEXT, at REAL)")
        return connection

    def locked_until(self, username: str, attempts: int, lock_seconds: float, now: float):
        """When the account's lock ends (a time), or None when it is not locked."""
        with closing(self.connect()) as connection:
            recent = connection.execute(
                "SELECT at FROM failures WHERE username = ? AND at > ? ORDER BY at DESC LIMIT ?",
                (username, now - WINDOW_SECONDS, attempts),
            ).fetchall()
        if len(recent) < attempts:
            return None
        until = recent[0][0] + lock_seconds  # the lock runs from the latest failure
        return until if until > now else None

    def record_failure(self, username: str, now: float) -> None:
        with closing(self.connect()) as connection, connection:
            connection.execute("DELETE FROM failures WHERE at <= ?", (now - WINDOW_SECONDS,))
            connection.execute("INSERT INTO failures VALUES (?, ?)", (username, now))

    def forget(self, username: str) -> None:
        """A good login wipes the account's slate."""
        with closing(self.connect()) as connection, connection:
            connection.execute("DELETE FROM failures WHERE username = ?", (username,))


def minutes_of(seconds: float) -> str:
    """Whole minutes, rounded up, as the language writes them."""
    return number(max(1, math.ceil(seconds / 60)))


def locked_answer(seconds_left: float):
    """401 with the reason in words: MLflow's client shows it, and does not retry a 401."""
    from flask import make_response

    answer = make_response(say("class_login_locked_answer", minutes=minutes_of(seconds_left)), 401)
    answer.headers["WWW-Authenticate"] = 'Basic realm="mlflow"'
    answer.headers["Retry-After"] = str(math.ceil(seconds_left))
    return answer


def authenticate():
    """MLflow's basic-auth check, behind a lock that closes after repeated failures."""
    from flask import Response, request
    from mlflow.server.auth import authenticate_request_basic_auth

    credentials = request.authorization
    if credentials is None or not credentials.username:
        return authenticate_request_basic_auth()  # no login given: MLflow asks for one
    settings = get_settings()
    ledger = Ledger(settings.class_state_dir / LEDGER)
    attempts, lock_seconds = settings.class_login_attempts, settings.class_login_lock_minutes * 60
    name, now = credentials.username[:200], time.time()
    until = ledger.locked_until(name, attempts, lock_seconds, now)
    if until:
        return locked_answer(until - now)
    answer = authenticate_request_basic_auth()
    if not isinstance(answer, Response):
        ledger.forget(name)
        return answer
    ledger.record_failure(name, now)
    if ledger.locked_until(name, attempts, lock_seconds, now):
        shown = "".join(letter if letter.isprintable() else "?" for letter in name[:64])
        minutes = minutes_of(lock_seconds)
        print(say("class_login_locked", name=shown, attempts=attempts, minutes=minutes), flush=True)
        return locked_answer(lock_seconds)
    return answer
