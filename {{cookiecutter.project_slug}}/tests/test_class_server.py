"""The class server: a real PostgreSQL, the real command, real learners' accounts.

The tests marked `classserver` start PostgreSQL from its own binaries in a temporary folder on
a free loopback port, then `{{ cookiecutter.package_name }} class-server` on another, and check what a class
relies on: strangers are refused, learners cannot touch each other's work, a learner's
training lands on the server, each learner's self-checks land on their own report card, and the
teacher's board shows them with the leaderboard. Without PostgreSQL they are skipped
(REQUIRE_POSTGRES=1 makes that a failure instead, as in the template's CI).
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from mlflow import MlflowClient
from streamlit.testing.v1 import AppTest

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.data import make_dataset
from {{ cookiecutter.package_name }}.menu import TARGET
from {{ cookiecutter.package_name }}.messages import number, say
from {{ cookiecutter.package_name }}.processes import Server, free_port, start, stop, wait_until_healthy
from {{ cookiecutter.package_name }}.settings import Settings, get_settings
from {{ cookiecutter.package_name }}.workshop import checks, classroom
from {{ cookiecutter.package_name }}.workshop.class_server import (
    ClassServerProblem,
    allowed_hosts,
    host_names,
    read_roster,
)
from {{ cookiecutter.package_name }}.workshop.exercises import CheckResult

from .conftest import QuietHandler, pretend_server, skip_or_fail


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


# --- Self-check results: nothing leaves a laptop, and a missing server never breaks a check --


@pytest.fixture
def counting_server_url():
    """A pretend class server that answers 404 to everything and notes each path it is asked."""
    asked = []

    class Counting(QuietHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_POST = do_GET

    with pretend_server(Counting) as url:
        yield url, asked


def test_without_a_class_account_a_self_check_sends_nothing(counting_server_url, fresh_settings):
    """Alone on a laptop nothing is sent; with an account, the same result is sent."""
    fresh_settings.setenv("LANGUAGE", "en")
    for name in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
        fresh_settings.delenv(name, raising=False)
    url, asked = counting_server_url
    result = CheckResult("passed", "✅ fine")
    alone = Settings(mlflow_tracking_uri=url)
    assert classroom.record(alone, "06_banquet", result) is result
    assert asked == []
    account = {"mlflow_tracking_username": "alice", "mlflow_tracking_password": ALICE_PASSWORD}
    learner = Settings(mlflow_tracking_uri=url, **account)
    told = classroom.record(learner, "06_banquet", result)
    card = f"{PACKAGE}-self-checks-alice"
    assert asked == [  # it looked for Alice's card, then tried to make it
        f"/api/2.0/mlflow/experiments/get-by-name?experiment_name={card}",
        "/api/2.0/mlflow/experiments/create",
    ]
    assert told.status == "passed"
    assert told.message == f"✅ fine\n{say('card_not_recorded')}"  # answered 404: not taken


def test_a_self_check_answers_calmly_when_the_class_server_is_away(
    fresh_settings, slow_kitchen_url
):
    """Nobody listening, or a server slower than the time limit: the check gives its own
    answer in time, with one calm line saying the board did not get it."""
    fresh_settings.setenv("LANGUAGE", "en")
    fresh_settings.setenv("MLFLOW_TRACKING_USERNAME", "alice")
    fresh_settings.setenv("MLFLOW_TRACKING_PASSWORD", ALICE_PASSWORD)
    fresh_settings.setenv("SELF_CHECK_TIMEOUT_SECONDS", "0.5")
    closed_shop = f"http://127.0.0.1:{free_port()}"
    for server in (f"http://127.0.0.1:{free_port()}", slow_kitchen_url):
        get_settings.cache_clear()
        fresh_settings.setenv("MLFLOW_TRACKING_URI", server)
        started = time.monotonic()
        result = checks.check_shop(closed_shop, None)
        assert time.monotonic() - started < 10, server
        assert result.status == "not_done"
        closed = {"what": say("shop_check_closed"), "hint": say("shop_check_closed_hint")}
        own = say("check_not_done", **closed)
        assert result.message == f"{own}\n{say('card_not_recorded')}"


def test_every_self_check_has_its_column_on_the_board():
    """Each recorded self-check is named after its notebook and has a title on the board."""
    names = [value.check_name for value in vars(checks).values() if hasattr(value, "check_name")]
    assert len(names) >= 6 and len(set(names)) == len(names)
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    assert all((notebooks / f"{name}.ipynb").is_file() for name in names), names
    assert set(names) <= set(classroom.CHECK_TITLES)


def test_the_board_command_needs_the_admin_password(fresh_settings):
    """Without CLASS_ADMIN_PASSWORD it stops before starting anything, and says what to set."""
    fresh_settings.delenv("CLASS_ADMIN_PASSWORD", raising=False)
    fresh_settings.setenv("LANGUAGE", "en")
    with pytest.raises(SystemExit) as stopped:
        main(["board", "--port", str(free_port())])
    assert stopped.value.code == say("board_no_admin_password")


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


# --- The teacher's board: each learner's self-checks on their own report card ---------------

# Found by path, not imported: importing the page would run it outside Streamlit.
BOARD_PAGE = Path(classroom.__file__).parent / "board.py"
# The board's first run imports pandas and reads the server, which checks the admin's password
# (slow on purpose): Streamlit's default of 3 s is far too short on a busy machine.
BOARD_TIMEOUT = 180


class Echo:
    """A stand-in for the champion in notebook 06's check: it cooks what the table says, plus
    `shift` (0: every dish matches, the check passes; 1: none does, the check says not quite)."""

    def __init__(self, dishes, shift: float = 0.0):
        self.dishes, self.shift = dishes, shift

    def predict(self, orders):
        return self.dishes.loc[orders.index, "dish"].to_numpy() + self.shift


def become_learner(monkeypatch, class_server, username: str) -> None:
    """Make this process a learner of the class server, as the three lines of a .env would."""
    get_settings.cache_clear()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", class_server["url"])
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", username)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", password_of(class_server, username))
    monkeypatch.setenv("SELF_CHECK_TIMEOUT_SECONDS", str(TIMEOUT))
    monkeypatch.setenv("LANGUAGE", "en")


@pytest.fixture(scope="module")
def checked(trained):
    """Alice's notebook 06 check says "not quite", then passes; her notebook 05 check is not
    done (no shop window open); Bob's notebook 06 check says "not quite". Yields the server
    and what each learner's notebook showed."""
    dishes = make_dataset(rows=40)
    dishes["dish"] = dishes[TARGET]
    closed_shop = f"http://127.0.0.1:{free_port()}"
    shown = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        become_learner(monkeypatch, trained, "alice")
        checks.check_banquet(dishes, "dish", Echo(dishes, shift=1), rows=40, tasted=5)
        shown["alice", "06"] = checks.check_banquet(dishes, "dish", Echo(dishes), 40, 5)
        shown["alice", "05"] = checks.check_shop(closed_shop, None)
        become_learner(monkeypatch, trained, "bob")
        shown["bob", "06"] = checks.check_banquet(dishes, "dish", Echo(dishes, 1), 40, 5)
    get_settings.cache_clear()
    return {**trained, "shown": shown}


def card_of(class_server, username: str) -> dict[str, str]:
    """A learner's report card as the teacher reads it: its id and its tags."""
    with httpx.Client(base_url=class_server["url"], auth=ADMIN, timeout=TIMEOUT) as teacher:
        answer = teacher.get(
            "/api/2.0/mlflow/experiments/get-by-name",
            params={"experiment_name": f"{PACKAGE}-self-checks-{username}"},
        )
    assert answer.status_code == 200, answer.text
    experiment = answer.json()["experiment"]
    return {"id": experiment["experiment_id"], **{t["key"]: t["value"] for t in experiment["tags"]}}


def marks_of(card: dict[str, str]) -> dict[str, str]:
    """{check: status} of a card; each value must be exactly a status and a recent time."""
    marks = {}
    for key, value in card.items():
        if key.startswith("check."):
            status, moment = value.split(" ")  # two words: nothing else is ever written
            assert abs(datetime.now(UTC) - datetime.fromisoformat(moment)) < timedelta(hours=1)
            marks[key.removeprefix("check.")] = status
    return marks


@pytest.mark.classserver
def test_each_learner_records_self_checks_on_their_own_card(checked):
    """Each learner's checks land on their own card, the latest result of each check with its
    time; the notebook showed the check's own answer and hint, and the card holds neither."""
    alice = card_of(checked, "alice")
    assert marks_of(alice) == {"06_banquet": "passed", "05_shop_window": "not_done"}
    bob = card_of(checked, "bob")
    assert marks_of(bob) == {"06_banquet": "wrong"}
    shown = checked["shown"]
    assert shown["alice", "06"].passed and shown["bob", "06"].status == "wrong"
    hint = say("banquet_check_differs_hint", "en")
    assert hint in shown["bob", "06"].message and "class board" not in shown["bob", "06"].message
    assert not any(hint in value or value in hint for value in bob.values())


@pytest.mark.classserver
def test_a_learner_cannot_write_on_another_learners_card(checked):
    """Bob may read Alice's card, but writing a result on it, renaming it, deleting it or
    making another card in her name is refused; her card is as her checks left it."""
    before = card_of(checked, "alice")
    with as_learner(checked, "bob") as bob:
        look = bob.get("/api/2.0/mlflow/experiments/get", params={"experiment_id": before["id"]})
        assert look.status_code == 200
        forged = {"experiment_id": before["id"], "key": "check.06_banquet", "value": "wrong x"}
        refused = {
            "write a result on Alice's card": ("experiments/set-experiment-tag", forged),
            "rename it": ("experiments/update", {"experiment_id": before["id"], "new_name": "x"}),
            "delete it": ("experiments/delete", {"experiment_id": before["id"]}),
        }
        for attempt, (path, body) in refused.items():
            assert bob.post(f"/api/2.0/mlflow/{path}", json=body).status_code == 403, attempt
        twin = bob.post(
            "/api/2.0/mlflow/experiments/create", json={"name": f"{PACKAGE}-self-checks-alice"}
        )
        assert twin.status_code == 400 and "RESOURCE_ALREADY_EXISTS" in twin.text
    assert card_of(checked, "alice") == before


def open_board(fresh_settings, class_server) -> AppTest:
    fresh_settings.setenv("CLASS_SERVER_URL", class_server["url"])
    fresh_settings.setenv("CLASS_ADMIN_USERNAME", ADMIN[0])
    fresh_settings.setenv("CLASS_ADMIN_PASSWORD", ADMIN[1])
    return AppTest.from_file(str(BOARD_PAGE), default_timeout=BOARD_TIMEOUT).run()


@pytest.mark.classserver
def test_the_board_shows_every_learner_and_the_leaderboard(checked, fresh_settings, monkeypatch):
    """The teacher's page shows each learner's latest result per check (Carol, who has done
    nothing, too) and the leaderboard ranked by each learner's best rmse."""
    page = open_board(fresh_settings, checked)
    assert not page.exception and not page.error and not page.warning
    grid, ranking = (table.value for table in page.table)
    titles = classroom.CHECK_TITLES
    banquet, shop = grid[titles["06_banquet"]], grid[titles["05_shop_window"]]
    assert list(grid.index[:3]) == ["alice", "bob", "carol"]
    assert [banquet.iloc[n][0] for n in range(3)] == ["✅", "❌", "·"]
    assert [shop.iloc[n][0] for n in range(3)] == ["⏳", "·", "·"]
    assert banquet.iloc[3] == "1 / 3" and shop.iloc[3] == "0 / 3"  # the line of who passed
    first = grid[titles["01_first_experiment"]]
    assert set(first.iloc[:3]) == {"·"}  # nobody ran notebook 01's check

    best = best_scores(admin_client(checked["url"], monkeypatch))
    podium = sorted(best, key=best.get)
    assert list(ranking.iloc[:, 0]) == podium
    assert list(ranking.iloc[:, 1]) == [number(best[name], 3) for name in podium]


@pytest.mark.classserver
def test_the_board_in_a_real_browser(checked, tmp_path, capsys):
    """`board` opens the page in a real headless Chromium with both learners' results and the
    leaderboard; the screenshot is kept (in TEST_ARTIFACTS when set)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from .test_shop_browser import open_chromium, screenshot_path

    browser = open_chromium(tmp_path)  # skipped without Chromium (REQUIRE_BROWSER=1 fails)
    port = free_port()
    command = [sys.executable, "-m", PACKAGE, "board", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    board = Server("board", [*command, "--server", checked["url"]], f"{url}/_stcore/health", url)
    teacher = {"CLASS_ADMIN_USERNAME": ADMIN[0], "CLASS_ADMIN_PASSWORD": ADMIN[1]}
    teacher["LANGUAGE"] = "{{ cookiecutter.language }}"  # the page's numbers, as its words
    start(board, clean_environment(**teacher), quiet=True)  # the command, as the teacher types it
    try:
        assert wait_until_healthy([board], BOARD_TIMEOUT) is None, "the board did not start"
        browser.set_window_size(1280, 720)  # a projector's shape
        browser.get(url)

        def drawn(driver) -> bool:
            tables = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stTable"]')
            text = " ".join(table.text for table in tables)
            return len(tables) == 2 and all(word in text for word in ("alice", "bob", "✅", "❌"))

        WebDriverWait(browser, BOARD_TIMEOUT).until(drawn)
        time.sleep(1)  # let the fonts and the layout settle before the picture
        path = screenshot_path(tmp_path, "class-board.png")
        browser.save_screenshot(str(path))
    finally:
        browser.quit()
        stop([board], seconds=30)  # the command closes its Streamlit first, then itself
    assert port_is_free(port), "the board still listens after its command was stopped"
    assert path.stat().st_size > 10_000
    with capsys.disabled():  # shown even when pytest captures output
        print(f"\nclass board with two learners; screenshot: {path}")
