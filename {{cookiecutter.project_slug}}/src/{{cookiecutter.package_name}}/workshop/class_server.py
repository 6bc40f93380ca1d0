"""The class server: one shared lab book for the whole class, with an account per learner.

The teacher runs `{{ cookiecutter.package_name }} class-server --roster roster.csv`. It starts MLflow's tracking
server on PostgreSQL (a real database: thirty learners writing at once would queue behind
SQLite's single lock) with MLflow's basic authentication switched on, then creates one account
per line of the roster. Everyone may read every experiment and model (to learn from each
other); only the learner who created an experiment or a model may change it.

Secrets (database password, admin password) come from the environment only. The server's
own files live in CLASS_STATE_DIR (`.class-server/`, git-ignored); the auth configuration is
written to a private temporary folder and removed when the server stops.
"""

import configparser
import contextlib
import csv
import importlib.util
import os
import re
import secrets
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import Settings, mlflow_server_environment
from {{ cookiecutter.package_name }}.workshop.lockout import minutes_of

MINIMUM_PASSWORD = 12  # MLflow refuses shorter passwords
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,63}")
LOOPBACK_NAMES = ("127.0.0.1", "localhost")
PASSWORDS_FILE = "passwords.csv"


class ClassServerProblem(Exception):
    """Something the teacher must fix before the class server can open; said in words."""


@dataclass(frozen=True)
class Learner:
    username: str
    password: str
    generated: bool  # True when the roster gave no password and one was made up here


# --- The roster ------------------------------------------------------------------------------


def make_password() -> str:
    """A random password of 16 URL-safe characters (easy to copy into a .env file)."""
    return secrets.token_urlsafe(12)


def read_roster(path: Path) -> list[Learner]:
    """Read `username[,password]` lines; a missing password is generated.

    The file needs a header line naming its columns; `username` is required, `password`
    optional (empty cells get a generated password too).
    """
    if not path.is_file():
        raise ClassServerProblem(say("class_roster_missing", path=path))
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        columns = [name.strip().lower() for name in reader.fieldnames or []]
        rows = list(reader)
    if "username" not in columns:
        raise ClassServerProblem(say("class_roster_no_username", path=path))
    learners, seen = [], set[str]()
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        cells = {key.strip().lower(): (value or "").strip() for key, value in row.items() if key}
        learners.append(check_learner(cells, line, seen))
    if not learners:
        raise ClassServerProblem(say("class_roster_empty", path=path))
    return learners


def check_learner(cells: dict[str, str], line: int, seen: set[str]) -> Learner:
    username, password = cells.get("username", ""), cells.get("password", "")
    if not USERNAME.fullmatch(username):
        raise ClassServerProblem(say("class_roster_bad_username", line=line, name=username))
    if username.lower() in seen:
        raise ClassServerProblem(say("class_roster_duplicate", line=line, name=username))
    seen.add(username.lower())
    if password and len(password) < MINIMUM_PASSWORD:
        raise ClassServerProblem(
            say("class_roster_short_password", line=line, name=username, size=MINIMUM_PASSWORD)
        )
    return Learner(username, password or make_password(), generated=not password)


# --- What must be there before starting ------------------------------------------------------


def check_database(settings: Settings) -> str:
    """Return the class database URI, or explain how to get PostgreSQL and point at it."""
    if settings.class_database_uri is None:
        raise ClassServerProblem(say("class_no_database"))
    uri = settings.class_database_uri.get_secret_value()
    scheme = uri.split("://", 1)[0]
    if not scheme.startswith("postgresql"):
        raise ClassServerProblem(say("class_not_postgres", scheme=scheme))
    if scheme == "postgresql":  # name the driver the class extra installs (psycopg 3), so the
        uri = "postgresql+psycopg://" + uri.split("://", 1)[1]  # SQLAlchemy version won't matter
    try:  # the same question MLflow's database layer will ask: is the driver installed?
        make_url(uri).get_dialect().import_dbapi()
    except ImportError as missing:
        raise ClassServerProblem(say("class_no_driver", driver=missing.name)) from None
    if importlib.util.find_spec("flask_wtf") is None:  # MLflow's login pages need it
        raise ClassServerProblem(say("class_no_driver", driver="flask-wtf"))
    return uri


def check_admin_password(settings: Settings) -> str:
    password = settings.class_admin_password
    if password is None or len(password.get_secret_value()) < MINIMUM_PASSWORD:
        raise ClassServerProblem(say("class_admin_password", size=MINIMUM_PASSWORD))
    return password.get_secret_value()


# --- Who may reach the server ----------------------------------------------------------------


def this_machines_address() -> str | None:
    """The address other machines on the network use for this one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a documentation address: only picks a route
            return probe.getsockname()[0]
        except OSError:
            return None


def host_names(host: str, extra: str) -> list[str]:
    """The names learners may type to reach the server: loopback, plus the network's when
    the server listens beyond this machine, plus the teacher's own list."""
    names = list(LOOPBACK_NAMES)
    for name in (part.strip() for part in extra.split(",")):  # the teacher's own, first
        if "*" in name:
            raise ClassServerProblem(say("class_no_wildcard"))
        if name:
            names.append(name)
    if host not in ("127.0.0.1", "localhost", "::1"):
        if host != "0.0.0.0":
            names.append(host)
        address = this_machines_address()
        names += [*([address] if address else []), socket.gethostname()]
    return list(dict.fromkeys(names))  # no duplicates, order kept


def allowed_hosts(names: list[str], port: int) -> list[str]:
    """Host headers the server accepts: each name with the port, and bare (for a proxy)."""
    return [entry for name in names for entry in (f"{name}:{port}", name)]


def allowed_origins(names: list[str], port: int) -> list[str]:
    """Web pages allowed to send changes to the server: its own pages, nothing else."""
    return [f"http://{name}:{port}" for name in names]


# --- Starting MLflow's server ----------------------------------------------------------------


def write_auth_config(settings: Settings, folder: Path) -> Path:
    """Write MLflow's auth configuration: everyone reads, creators manage their own things.

    No password goes into it: the admin password reaches MLflow through the environment.
    """
    if settings.class_auth_database_uri is not None:
        accounts = settings.class_auth_database_uri.get_secret_value()
    else:
        accounts = f"sqlite:///{(settings.class_state_dir / 'accounts.db').resolve().as_posix()}"
    config = configparser.ConfigParser()
    config["mlflow"] = {
        "default_permission": "READ",
        "database_uri": accounts,
        "admin_username": settings.class_admin_username,
        # MLflow's own password check, behind a lock after repeated failures (see lockout.py).
        "authorization_function": f"{__package__}.lockout:authenticate",
        "grant_default_workspace_access": "false",
        # Checking a password is slow on purpose (PBKDF2) and MLflow checks it on every request:
        # remembering a good one for a minute makes a class's many small requests ~3x cheaper.
        # (A changed password is then honoured within that minute.)
        "auth_cache_ttl_seconds": "60",
    }
    path = folder / "basic_auth.ini"
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
        config.write(file)
    return path


def artifacts_destination(settings: Settings) -> str:
    """Where the server keeps models and plots: an S3-compatible bucket, or a local folder."""
    if settings.class_artifacts_destination:
        return settings.class_artifacts_destination
    return (settings.class_state_dir / "artifacts").resolve().as_uri()


def server_command(settings: Settings, args, names: list[str]) -> list[str]:
    """The `mlflow server` command; the database URI (with its password) is not in it: a
    command line is visible to every user of the machine (`ps`), the environment is not."""
    options = {
        "--artifacts-destination": artifacts_destination(settings),
        "--host": args.host,
        "--port": str(args.port),
        "--workers": str(args.workers),
        "--app-name": "basic-auth",
        "--allowed-hosts": ",".join(allowed_hosts(names, args.port)),
        "--cors-allowed-origins": ",".join(allowed_origins(names, args.port)),
    }
    arguments = [part for option, value in options.items() for part in (option, value)]
    return [sys.executable, "-m", "mlflow", "server", *arguments]


def server_environment(
    settings: Settings, database: str, config: Path, admin_password: str
) -> dict[str, str]:
    secret_key = settings.class_secret_key
    return {
        **mlflow_server_environment(),  # this environment, GenAI job runners off
        "MLFLOW_BACKEND_STORE_URI": database,
        "MLFLOW_AUTH_CONFIG_PATH": str(config),
        "MLFLOW_AUTH_ADMIN_USERNAME": settings.class_admin_username,
        "MLFLOW_AUTH_ADMIN_PASSWORD": admin_password,
        # What the lock on logins (workshop/lockout.py, in the server's processes) reads.
        "CLASS_STATE_DIR": str(settings.class_state_dir.resolve()),
        "CLASS_LOGIN_ATTEMPTS": str(settings.class_login_attempts),
        "CLASS_LOGIN_LOCK_MINUTES": str(settings.class_login_lock_minutes),
        "LANGUAGE": settings.language,
        # Signs the web forms; a fresh random key only means logging in again after a restart.
        "MLFLOW_FLASK_SERVER_SECRET_KEY": (
            secret_key.get_secret_value() if secret_key else secrets.token_hex(32)
        ),
    }


# --- Accounts --------------------------------------------------------------------------------


def create_accounts(url: str, admin: tuple[str, str], learners: list[Learner]) -> dict:
    """Create each learner's account; return {"created": [...], "kept": [...]}.

    An account that already exists (the server was started before) is kept as it is, with
    its password: restarting the server never locks a learner out.
    """
    outcome: dict[str, list] = {"created": [], "kept": []}
    endpoint = f"{url}/api/2.0/mlflow/users/create"
    with httpx.Client(auth=admin, timeout=120) as client:  # a busy machine hashes slowly
        for learner in learners:
            answer = client.post(
                endpoint, json={"username": learner.username, "password": learner.password}
            )
            if answer.status_code == 200:
                outcome["created"].append(learner)
            elif "already exists" in answer.text:
                outcome["kept"].append(learner)
            else:
                raise ClassServerProblem(
                    say("class_account_failed", name=learner.username, status=answer.status_code)
                )
    return outcome


def save_passwords(folder: Path, learners: list[Learner]) -> Path:
    """Add the new accounts' passwords to a file only the teacher can read (git-ignored)."""
    path = folder / PASSWORDS_FILE
    known = {}
    if path.is_file():
        with path.open(newline="", encoding="utf-8") as file:
            known = {row["username"]: row["password"] for row in csv.DictReader(file)}
    known.update({learner.username: learner.password for learner in learners})
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["username", "password"])
        writer.writerows(sorted(known.items()))
    return path


def learner_address(host: str, port: int, names: list[str]) -> str:
    """The address to hand out to learners: the teacher's first name for it, else its IP."""
    if host in ("127.0.0.1", "localhost", "::1"):
        return f"http://127.0.0.1:{port}"
    network = [name for name in names if name not in LOOPBACK_NAMES]
    return f"http://{network[0] if network else host}:{port}"


# --- The command -----------------------------------------------------------------------------


def close_on_terminate(signal_number, frame) -> None:
    """A service manager's `kill` closes the server as cleanly as Ctrl-C does."""
    raise KeyboardInterrupt


def open_class_server(settings: Settings, args) -> None:
    """Check everything, start the server, create the accounts, serve until Ctrl-C."""
    from {{ cookiecutter.package_name }}.processes import Server as Part
    from {{ cookiecutter.package_name }}.processes import start, stop, wait_until_healthy

    database = check_database(settings)
    admin_password = check_admin_password(settings)
    learners = read_roster(Path(args.roster))
    names = host_names(args.host, args.allowed_hosts)
    settings.class_state_dir.mkdir(parents=True, exist_ok=True)
    settings.class_state_dir.chmod(0o700)  # accounts and passwords: for the teacher's eyes only
    # Where this command itself reaches the server (bound to every interface: via loopback).
    reach = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    local_url = f"http://{reach}:{args.port}"
    with tempfile.TemporaryDirectory(prefix="class-server-") as private:
        config = write_auth_config(settings, Path(private))
        command = server_command(settings, args, names)
        server = Part("class server", command, f"{local_url}/health", local_url)
        environment = server_environment(settings, database, config, admin_password)
        signal.signal(signal.SIGTERM, close_on_terminate)
        try:
            start(server, environment)
            if wait_until_healthy([server], args.wait):
                raise ClassServerProblem(say("class_server_failed"))
            admin = (settings.class_admin_username, admin_password)
            outcome = create_accounts(local_url, admin, learners)
            passwords = save_passwords(settings.class_state_dir, outcome["created"])
            print(
                say(
                    "class_server_open",
                    url=learner_address(args.host, args.port, names),
                    admin=settings.class_admin_username,
                    created=len(outcome["created"]),
                    kept=len(outcome["kept"]),
                    passwords=passwords,
                    hosts=", ".join(names),
                    attempts=settings.class_login_attempts,
                    minutes=minutes_of(settings.class_login_lock_minutes * 60),
                ),
                flush=True,
            )
            assert server.process is not None  # started above
            while server.process.poll() is None:
                time.sleep(1)
            raise ClassServerProblem(say("class_server_stopped"))
        except KeyboardInterrupt:
            print(say("class_server_closing"), flush=True)
        finally:
            with contextlib.suppress(KeyboardInterrupt):
                stop([server])
