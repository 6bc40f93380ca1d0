"""The class server: a real PostgreSQL, the real command, real learners' accounts.

The tests marked `classserver` start PostgreSQL from its own binaries in a temporary folder on
a free loopback port, then `{{ cookiecutter.package_name }} class-server` on another, and check what a class
relies on: strangers are refused, learners cannot touch each other's work, and a learner's
training lands on the server. Without PostgreSQL they are skipped (REQUIRE_POSTGRES=1 makes
that a failure instead, as in the template's CI).
"""

import contextlib
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from mlflow import MlflowClient

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.settings import Settings
from {{ cookiecutter.package_name }}.workshop.class_server import (
    ClassServerProblem,
    allowed_hosts,
    host_names,
    read_roster,
)

from .conftest import free_port, skip_or_fail


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


PACKAGE = "{{ cookiecutter.package_name }}"
ADMIN = ("teacher", secrets.token_urlsafe(16))
ALICE_PASSWORD = "alice-has-a-long-password"
# Each request checks a password (PBKDF2, slow on purpose): on a busy shared machine one
# request has been seen to take more than 30 s.
TIMEOUT = 120


# --- Without a database: the checks that come first ------------------------------------------


def test_without_a_database_it_says_how_to_get_postgresql(fresh_settings, tmp_path):
    """It stops before starting anything and explains how to install or point to PostgreSQL."""
    fresh_settings.delenv("CLASS_DATABASE_URI", raising=False)
    fresh_settings.setenv("LANGUAGE", "en")
    roster = tmp_path / "roster.csv"
    roster.write_text("username\nalice\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        main(["class-server", "--roster", str(roster), "--port", str(free_port())])
    words = str(stopped.value.code)
    assert "CLASS_DATABASE_URI" in words and "apt install postgresql" in words


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("name\nalice\n", "no 'username' column"),
        ("username\n", "names no learner"),
        ("username\nal ice\n", "Line 2"),
        ("username\nalice\nALICE\n", "already listed"),
        ("username,password\nalice,short\n", "shorter than 12"),
    ],
)
def test_a_bad_roster_is_refused_with_its_line(content, words, tmp_path, fresh_settings):
    """It names what is wrong in the roster, and where."""
    fresh_settings.setenv("LANGUAGE", "en")
    roster = tmp_path / "roster.csv"
    roster.write_text(content, encoding="utf-8")
    with pytest.raises(ClassServerProblem, match=words):
        read_roster(roster)


def test_a_roster_without_passwords_gets_generated_ones(tmp_path):
    """It makes up a long random password for each learner the roster gives none."""
    roster = tmp_path / "roster.csv"
    roster.write_text("username,password\nalice,\nbob,\n", encoding="utf-8")
    alice, bob = read_roster(roster)
    assert alice.generated and bob.generated
    assert len(alice.password) >= 12 and alice.password != bob.password


def test_a_wildcard_host_is_refused(fresh_settings):
    """It never lets '*' through as an allowed host."""
    fresh_settings.setenv("LANGUAGE", "en")
    with pytest.raises(ClassServerProblem, match="not accepted"):
        host_names("127.0.0.1", "192.168.1.20,*")


def test_a_local_server_accepts_only_loopback_names():
    """Bound to 127.0.0.1, it accepts 127.0.0.1 and localhost, each with its port."""
    assert allowed_hosts(host_names("127.0.0.1", ""), 5050) == [
        "127.0.0.1:5050",
        "127.0.0.1",
        "localhost:5050",
        "localhost",
    ]


def test_a_learners_experiment_and_model_carry_their_account_name(monkeypatch):
    """With a class server account, the default names get the account; chosen names stay."""
    for name in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
        monkeypatch.setenv(name, "")  # remembered, so both are put back as they were after
        monkeypatch.delenv(name)
    learner = Settings(mlflow_tracking_username="alice", mlflow_tracking_password="a-secret-1234")
    assert learner.experiment_name == learner.model_name == f"{PACKAGE}-alice"
    chosen = Settings(mlflow_tracking_username="alice", model_name="shared")
    assert chosen.model_name == "shared"
    assert Settings().model_name == PACKAGE  # alone on a laptop: the plain name

    learner.lend_credentials_to_mlflow()  # MLflow reads the account from the environment only
    assert os.environ["MLFLOW_TRACKING_USERNAME"] == "alice"
    assert os.environ["MLFLOW_TRACKING_PASSWORD"] == "a-secret-1234"


# --- A real PostgreSQL -----------------------------------------------------------------------


def postgres_binaries() -> Path | None:
    """The folder of PostgreSQL's server programs: on PATH, or where Debian puts them."""
    found = shutil.which("pg_ctl")
    if found:  # often a link into PostgreSQL's own folder, which holds its other programs
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return candidates[-1].parent if candidates else None


def as_database_owner(command: list, folder: Path) -> list:
    """PostgreSQL refuses to run as root: then run it as the `postgres` system user."""
    if os.name == "nt" or os.geteuid() != 0:
        return [str(part) for part in command]
    shutil.chown(folder, user="postgres")
    for path in folder.rglob("*"):
        shutil.chown(path, user="postgres")
    return ["runuser", "-u", "postgres", "--", *(str(part) for part in command)]


def run_quietly(command: list, **options) -> None:
    # Generous: on a busy shared machine one training (imports included) can take minutes.
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **options)
    assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL of our own in a temporary folder, on a free loopback port; yields its URI."""
    binaries = postgres_binaries()
    if binaries is None:
        reason = "PostgreSQL is not installed (no pg_ctl on PATH nor in /usr/lib/postgresql)"
        skip_or_fail(reason, required_by="REQUIRE_POSTGRES")
    folder = Path(tempfile.mkdtemp(prefix="class-postgres-"))
    password, port = secrets.token_urlsafe(16), free_port()
    (folder / "password").write_text(password, encoding="utf-8")
    data = folder / "data"
    initdb = [binaries / "initdb", "-D", data, "-U", "postgres", "--pwfile", folder / "password"]
    run_quietly(as_database_owner([*initdb, "-A", "scram-sha-256", "-E", "UTF8"], folder))
    listen = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder}"
    pg_ctl = [binaries / "pg_ctl", "-D", data, "-l", folder / "log", "-w", "-t", "60"]
    run_quietly(as_database_owner([*pg_ctl, "-o", listen, "start"], folder))
    try:
        createdb = [binaries / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "postgres"]
        as_text = [str(part) for part in createdb]
        run_quietly([*as_text, "mlflow"], env={**os.environ, "PGPASSWORD": password})
        yield f"postgresql://postgres:{password}@127.0.0.1:{port}/mlflow"
    finally:
        subprocess.run(as_database_owner([*pg_ctl, "-m", "fast", "stop"], folder), timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


# --- The class server, started by its real command -------------------------------------------


def clean_environment(**values) -> dict[str, str]:
    """This environment without anybody's MLflow or class settings, plus `values`."""
    ours = ("MLFLOW_", "CLASS_")
    kept = {name: value for name, value in os.environ.items() if not name.startswith(ours)}
    return {**kept, "LANGUAGE": "en", **values}


@pytest.fixture(scope="module")
def class_server(postgres, tmp_path_factory):
    """`{{ cookiecutter.package_name }} class-server` for two learners; yields its URL and the state folder."""
    folder = tmp_path_factory.mktemp("class")
    roster = folder / "roster.csv"
    roster.write_text(
        f"username,password\nalice,{ALICE_PASSWORD}\nbob,\ncarol,\n", encoding="utf-8"
    )
    port = free_port()
    environment = clean_environment(
        CLASS_DATABASE_URI=postgres,
        CLASS_ADMIN_USERNAME=ADMIN[0],
        CLASS_ADMIN_PASSWORD=ADMIN[1],
        CLASS_STATE_DIR=str(folder / "state"),
        CLASS_LOGIN_LOCK_MINUTES="0.5",  # the lockout test waits for the lock to end
    )
    command = [sys.executable, "-m", PACKAGE, "class-server", "--roster", roster]
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [*map(str, command), "--port", str(port), "--workers", "1", "--wait", "600"],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: Ctrl-C reaches MLflow's workers too
    )
    try:
        wait_for_words(folder / "server.log", "MLFLOW_TRACKING_URI=http", server, seconds=660)
        yield {
            "url": f"http://127.0.0.1:{port}",
            "port": port,
            "state": folder / "state",
            "log": folder / "server.log",
        }
    finally:
        # SIGTERM closes it like Ctrl-C does; SIGINT may be ignored when the tests themselves
        # run in the background (a shell's background jobs inherit an ignored SIGINT).
        with contextlib.suppress(ProcessLookupError):  # unless it already stopped by itself
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=120)
        log.close()
    assert "Closing the class server" in (folder / "server.log").read_text(encoding="utf-8")
    assert port_is_free(port), "the class server still listens after closing"


def wait_for_words(path: Path, words: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = path.read_text(encoding="utf-8", errors="replace")
        if words in text:
            return
        if process.poll() is not None:
            break
        time.sleep(0.5)
    pytest.fail(f"the class server never said {words!r}:\n{path.read_text()[-4000:]}")


def password_of(class_server, username: str) -> str:
    with (class_server["state"] / "passwords.csv").open(encoding="utf-8") as file:
        return {row["username"]: row["password"] for row in csv.DictReader(file)}[username]


def train_as(class_server, username: str, folder: Path, *options: str, via_dotenv=False) -> None:
    """Train like a learner: three values in .env (or the shell) and `{{ cookiecutter.package_name }} train`."""
    account = {
        "MLFLOW_TRACKING_URI": class_server["url"],
        "MLFLOW_TRACKING_USERNAME": username,
        "MLFLOW_TRACKING_PASSWORD": password_of(class_server, username),
    }
    folder.mkdir(exist_ok=True)
    # A project folder of the learner's own: settings find it by its pyproject.toml.
    (folder / "pyproject.toml").write_text("[project]\nname = 'learner'\n", encoding="utf-8")
    environment = clean_environment()
    if via_dotenv:
        lines = "".join(f"{name}={value}\n" for name, value in account.items())
        (folder / ".env").write_text(lines, encoding="utf-8")
    else:
        environment.update(account)
    command = [sys.executable, "-m", PACKAGE, "train", "--rows", "400", *options]
    run_quietly(command, cwd=folder, env=environment)


@pytest.fixture(scope="module")
def trained(class_server, tmp_path_factory):
    """Alice trains twice (through her .env), Bob once (through his shell)."""
    alice, bob = tmp_path_factory.mktemp("alice"), tmp_path_factory.mktemp("bob")
    train_as(class_server, "alice", alice, "--max-iter", "30", via_dotenv=True)
    train_as(class_server, "alice", alice, "--max-iter", "3", "--learning-rate", "0.05")
    train_as(class_server, "bob", bob, "--max-iter", "20")
    return class_server


def as_learner(class_server, username: str) -> httpx.Client:
    auth = (username, password_of(class_server, username))
    return httpx.Client(base_url=class_server["url"], auth=auth, timeout=TIMEOUT)


@pytest.mark.classserver
def test_the_class_server_keeps_generated_passwords_private(class_server):
    """It writes the accounts' passwords to a file only the teacher may read."""
    passwords = class_server["state"] / "passwords.csv"
    assert passwords.stat().st_mode & 0o077 == 0
    assert password_of(class_server, "alice") == ALICE_PASSWORD
    assert len(password_of(class_server, "bob")) >= 12


@pytest.mark.classserver
def test_a_request_without_an_account_is_refused(class_server):
    """It answers 401 to a request without credentials, and to a wrong password."""
    search = f"{class_server['url']}/api/2.0/mlflow/experiments/search?max_results=1"
    for account, status in ((None, 401), (("alice", "not-her-password"), 401)):
        assert httpx.get(search, auth=account, timeout=TIMEOUT).status_code == status
    assert httpx.get(search, auth=("alice", ALICE_PASSWORD), timeout=TIMEOUT).status_code == 200


@pytest.mark.classserver
def test_repeated_wrong_passwords_lock_the_account_until_the_lock_ends(class_server):
    """Five wrong passwords lock Carol's account: then even her right password is refused,
    in words, and the teacher's terminal says so; nobody else is locked; the lock ends by
    itself. A name that is no account locks the same way (a guesser learns nothing)."""
    search = f"{class_server['url']}/api/2.0/mlflow/experiments/search?max_results=1"
    carol = ("carol", password_of(class_server, "carol"))
    guesses = [
        httpx.get(search, auth=("carol", f"guess-number-{n}"), timeout=TIMEOUT) for n in range(30)
    ]  # bounded: 30 requests, to this machine only
    assert [answer.status_code for answer in guesses] == [401] * 30
    locked = ["locked" in answer.text for answer in guesses]
    assert locked == [False] * 4 + [True] * 26, locked  # the fifth wrong password locks
    refused = httpx.get(search, auth=carol, timeout=TIMEOUT)
    assert refused.status_code == 401 and "try again in 1 min" in refused.text
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 30
    assert httpx.get(search, auth=("alice", ALICE_PASSWORD), timeout=TIMEOUT).status_code == 200
    told = class_server["log"].read_text(encoding="utf-8")
    assert "The account 'carol' got 5 wrong passwords: it is locked for 1 min" in told
    strangers = [httpx.get(search, auth=("mallory", "x" * 12), timeout=TIMEOUT) for _ in range(6)]
    assert ["locked" in answer.text for answer in strangers] == [False] * 4 + [True] * 2
    time.sleep(wait + 1)
    assert httpx.get(search, auth=carol, timeout=TIMEOUT).status_code == 200


@pytest.mark.classserver
def test_a_foreign_host_header_is_refused(class_server):
    """It refuses a request addressed to a name it does not serve (DNS rebinding)."""
    search = f"{class_server['url']}/api/2.0/mlflow/experiments/search?max_results=1"
    foreign = {"Host": f"attacker.example:{class_server['port']}"}
    answer = httpx.get(search, headers=foreign, auth=("alice", ALICE_PASSWORD), timeout=TIMEOUT)
    assert answer.status_code == 403


@pytest.mark.classserver
def test_a_write_from_a_foreign_web_page_is_refused(class_server):
    """It refuses a change sent by a page of another site (cross-site request)."""
    create = f"{class_server['url']}/api/2.0/mlflow/experiments/create"
    answer = httpx.post(
        create,
        json={"name": "from-elsewhere"},
        headers={"Origin": "http://attacker.example"},
        auth=("alice", ALICE_PASSWORD),
        timeout=TIMEOUT,
    )
    assert answer.status_code == 403


def admin_client(url: str, monkeypatch) -> MlflowClient:
    """An MLflow client logged in as the teacher (MLflow reads the account from the env)."""
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", ADMIN[0])
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", ADMIN[1])
    return MlflowClient(url)


def best_scores(client: MlflowClient) -> dict[str, float]:
    """Each learner's lowest RMSE, read from the server's runs."""
    best = {}
    for learner in ("alice", "bob"):
        experiment = client.get_experiment_by_name(f"{PACKAGE}-{learner}")
        runs = client.search_runs([experiment.experiment_id])
        best[learner] = min(run.data.metrics["rmse"] for run in runs)
    return best


@pytest.mark.classserver
def test_a_learner_logs_runs_and_registers_a_model(trained, monkeypatch):
    """Each learner's training lands in their own experiment and model, under their name."""
    client = admin_client(trained["url"], monkeypatch)
    for learner, runs in (("alice", 2), ("bob", 1)):
        experiment = client.get_experiment_by_name(f"{PACKAGE}-{learner}")
        found = client.search_runs([experiment.experiment_id])
        assert len(found) == runs
        assert {run.data.tags["mlflow.user"] for run in found} == {learner}
        champion = client.get_model_version_by_alias(f"{PACKAGE}-{learner}", "champion")
        assert champion.run_id in {run.info.run_id for run in found}


@pytest.mark.classserver
def test_a_learner_cannot_change_another_learners_model_or_experiment(trained):
    """Bob may look at Alice's work, but changing it is refused with 403."""
    with as_learner(trained, "alice") as alice:
        experiment = alice.get(
            "/api/2.0/mlflow/experiments/get-by-name",
            params={"experiment_name": f"{PACKAGE}-alice"},
        ).json()["experiment"]
    model = f"{PACKAGE}-alice"
    with as_learner(trained, "bob") as bob:
        look = bob.get("/api/2.0/mlflow/registered-models/get", params={"name": model})
        assert look.status_code == 200
        attempts = {
            "move Alice's champion": (
                "/api/2.0/mlflow/registered-models/alias",
                {"name": model, "alias": "champion", "version": "2"},
            ),
            "rename Alice's model": (
                "/api/2.0/mlflow/registered-models/rename",
                {"name": model, "new_name": "taken-by-bob"},
            ),
            "rename Alice's experiment": (
                "/api/2.0/mlflow/experiments/update",
                {"experiment_id": experiment["experiment_id"], "new_name": "taken-by-bob"},
            ),
            "log a run in Alice's experiment": (
                "/api/2.0/mlflow/runs/create",
                {"experiment_id": experiment["experiment_id"]},
            ),
        }
        for attempt, (path, body) in attempts.items():
            assert bob.post(path, json=body).status_code == 403, attempt
    with as_learner(trained, "alice") as alice:
        version = alice.get(
            "/api/2.0/mlflow/registered-models/alias", params={"name": model, "alias": "champion"}
        ).json()["model_version"]["version"]
        assert version == "1"  # Alice's first, better run is still her champion


@pytest.mark.classserver
def test_the_leaderboard_notebook_ranks_every_learner(trained, tmp_path, monkeypatch):
    """The teacher's leaderboard notebook (given by LEADERBOARD_NOTEBOOK) ranks the learners
    by their best RMSE, as the server's own runs say, and draws the chart."""
    notebook = os.environ.get("LEADERBOARD_NOTEBOOK")
    if not notebook:
        pytest.skip("LEADERBOARD_NOTEBOOK is not set: the template's tests set it")
    import nbformat
    from nbclient import NotebookClient

    client = admin_client(trained["url"], monkeypatch)  # the notebook reads the same account
    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained["url"])
    monkeypatch.setenv("LEADERBOARD_DIR", str(tmp_path))
    book = nbformat.read(notebook, as_version=4)
    NotebookClient(book, timeout=300, kernel_name="python3").execute(cwd=str(tmp_path))

    ranking = json.loads((tmp_path / "leaderboard.json").read_text(encoding="utf-8"))
    best = best_scores(client)
    assert [row["learner"] for row in ranking] == sorted(best, key=best.get)
    assert [row["rmse"] for row in ranking] == pytest.approx(sorted(best.values()))
    assert (tmp_path / "leaderboard.png").stat().st_size > 1000
