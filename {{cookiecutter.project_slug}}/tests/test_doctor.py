"""The doctor: each check looks at the real thing and says what to fix, in words."""

import base64
import os
import socket
import subprocess
import sys
import time

import pytest
from mlflow import MlflowClient

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.processes import free_port
from {{ cookiecutter.package_name }}.settings import Settings, without_password
from {{ cookiecutter.package_name }}.workshop import doctor

from .conftest import QuietHandler, pretend_server

COMMAND = "{{ cookiecutter.package_name }}"


def private_environment(settings: Settings, **more: str) -> dict[str, str]:
    """Environment variables that point a doctor at `settings`' lab and at free ports."""
    return {
        "MLFLOW_TRACKING_URI": settings.mlflow_tracking_uri,
        "ARTIFACTS_DIR": str(settings.artifacts_dir),
        "LAB_PORT": str(free_port()),
        "KITCHEN_PORT": str(free_port()),
        "SHOP_PORT": str(free_port()),
        "LANGUAGE": "en",
        **more,
    }


@pytest.fixture
def english(fresh_settings):
    """Have the doctor speak English, whatever language the project was baked in."""
    fresh_settings.setenv("LANGUAGE", "en")
    return fresh_settings


def test_healthy_project_passes_as_a_real_command(settings):
    """It exits 0 from the real command line when Python, packages, ports, lab and champion
    are all fine, and names the champion's version."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", COMMAND, "doctor"],
        env={**os.environ, **private_environment(settings)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert sum(line.startswith("✅") for line in lines) == 7, result.stdout
    assert not any(line.startswith(("❌", "⚠️")) for line in lines), result.stdout
    assert "Version 1 of" in result.stdout
    assert lines[-1] == say("doctor_verdict_ok", "en")
    print(f"doctor took {seconds:.1f} s")  # shown with -s; the suite's timing note uses it


def test_taken_port_fails_with_its_remedy(settings, fresh_settings, capsys):
    """It fails the kitchen's port when another program holds it, and says how to move."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for name, value in private_environment(settings, KITCHEN_PORT=str(port)).items():
            fresh_settings.setenv(name, value)
        with pytest.raises(SystemExit) as stopped:
            main(["doctor"])
    assert stopped.value.code == 1
    shown = capsys.readouterr().out
    assert f"❌ Port {port}, meant for the kitchen, is taken by another program." in shown
    assert f"`{COMMAND} up --kitchen-port <port>`" in shown
    assert say("doctor_verdict_bad", "en", count=1) in shown


def test_port_held_by_a_running_part_names_that_part(kitchen_url, english):
    """It says the kitchen seems to run there when the shop's port is the kitchen's."""
    port = int(kitchen_url.rsplit(":", 1)[1])
    finding = doctor.check_port("shop", port)
    assert finding.failed
    assert "the kitchen seems to be running there" in finding.seen
    # On its own port, an open kitchen is most likely the learner's own: a warning, not a failure.
    same = doctor.check_port("kitchen", port)
    assert same.status == doctor.WARNING and "already open" in same.seen


def test_empty_lab_reports_no_champion_with_the_train_remedy(empty_lab, english):
    """It warns that no champion exists yet, and gives `train` as the remedy."""
    never_written = doctor.check_champion(empty_lab)
    MlflowClient(empty_lab.mlflow_tracking_uri).search_experiments()  # the lab book now exists
    written_but_empty = doctor.check_champion(empty_lab)
    for finding in (never_written, written_but_empty):
        assert finding.status == doctor.WARNING
        assert f"`{COMMAND} train`" in finding.remedy


def test_no_champion_is_a_warning_so_the_verdict_stays_ready(empty_lab, fresh_settings, capsys):
    """It exits 0 on a fresh project: having no champion before part 1 is normal."""
    environment = private_environment(empty_lab)
    for name, value in environment.items():
        fresh_settings.setenv(name, value)
    with pytest.raises(SystemExit) as stopped:
        main(["doctor"])
    shown = capsys.readouterr().out
    assert stopped.value.code == 0, shown
    assert say("doctor_no_champion", "en") in shown


def test_lab_server_down_is_reported_unreachable(tmp_path, english):
    """It says nobody answers at the lab's address, how to open it, and skips the champion."""
    uri = f"http://127.0.0.1:{free_port()}"
    findings = list(doctor.examine(Settings(mlflow_tracking_uri=uri, language="en")))
    lab, champion = findings[-2], findings[-1]
    assert lab.failed and lab.seen == say("doctor_lab_unreachable", "en", uri=uri)
    assert f"`{COMMAND} lab`" in lab.remedy
    assert champion.failed and champion.seen == say("doctor_champion_skipped", "en")


def test_damaged_lab_book_is_reported_in_words(damaged_lab, english):
    """It fails a lab book that SQLite cannot read, with what to do, and no SQL."""
    finding = doctor.check_champion(damaged_lab)
    assert finding.failed
    assert finding.seen == say("lab_book_damaged", "en", uri=damaged_lab.mlflow_tracking_uri)
    assert "SELECT" not in finding.seen + finding.remedy


def test_read_only_lab_folder_is_reported(tmp_path):
    """It fails a local lab book whose folder does not exist (so cannot be written)."""
    missing = tmp_path / "nowhere" / "mlflow.db"
    finding = doctor.check_lab(Settings(mlflow_tracking_uri=f"sqlite:///{missing.as_posix()}"))
    assert finding.failed and "MLFLOW_TRACKING_URI" in finding.remedy


ACCOUNT = ("ada", "lovelace-42")


@pytest.fixture
def locked_lab_server():
    """A stand-in for a class server with basic auth: /health is open, the API wants a login.

    (A real `mlflow server --app-name basic-auth` needs the extra Flask-WTF package; this
    answers exactly what the doctor asks, as MLflow's auth app does.)
    """
    expected = "Basic " + base64.b64encode(":".join(ACCOUNT).encode()).decode()

    class Locked(QuietHandler):
        def do_GET(self):
            if self.path == "/health":
                self.reply(200, b"OK")
            elif self.headers.get("Authorization") == expected:
                self.reply(200, b'{"experiments": []}')
            else:
                self.reply(401, b"You are not authenticated.")

        def reply(self, status, body):
            self.send_response(status)
            if status == 401:
                self.send_header("WWW-Authenticate", 'Basic realm="mlflow"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with pretend_server(Locked) as url:
        yield url


@pytest.mark.parametrize(
    ("login", "key"),
    [
        (None, "doctor_lab_login_needed"),
        (("ada", "wrong"), "doctor_lab_login_refused"),
        (ACCOUNT, "doctor_lab_server_ok"),
    ],
    ids=["no login", "wrong password", "right login"],
)
def test_class_server_login_is_reported_in_words(locked_lab_server, login, key, english):
    """It tells a missing login from a refused one, and passes with the right account."""
    name, password = login or ("", "")
    settings = Settings(
        mlflow_tracking_uri=locked_lab_server,
        mlflow_tracking_username=name,
        mlflow_tracking_password=password,
        language="en",
    )
    finding = doctor.check_lab(settings)
    assert finding.seen == say(key, "en", uri=locked_lab_server)
    assert finding.failed == (key != "doctor_lab_server_ok")
    if finding.failed:
        assert "MLFLOW_TRACKING_USERNAME" in finding.remedy


def test_old_python_is_refused_with_the_version_needed(english):
    """It fails a Python older than the project's floor and names the version to install."""
    finding = doctor.check_python((3, 8, 10))
    assert finding.failed and "3.8.10" in finding.seen
    assert ".".join(map(str, doctor.MINIMUM_PYTHON)) in finding.remedy


def test_packages_are_listed_with_their_versions():
    """It finds every dependency of the project installed, with its version."""
    finding = doctor.check_packages()
    assert finding.status == doctor.PASSED
    assert "mlflow " in finding.seen and "scikit-learn " in finding.seen


@pytest.mark.parametrize(
    "uri",
    ["http://ada:s3cret-word@127.0.0.1:{port}", "postgresql://ada:s3cret-word@db.invalid/lab"],
    ids=["unreachable server", "unknown kind"],
)
def test_a_tracking_uri_is_named_without_its_password(uri, english):
    """It names the lab book's address in its findings with the password masked."""
    uri = uri.format(port=free_port())
    finding = doctor.check_lab(Settings(mlflow_tracking_uri=uri, language="en"))
    shown = str(finding)
    assert "s3cret-word" not in shown
    assert without_password(uri) in shown
