"""`{{ cookiecutter.package_name }} doctor`: is this machine ready for the workshop? Says what to fix.

Each check is a short function that looks at one real thing (the Python running, the installed
packages, the three ports, the lab book, the champion) and returns a `Finding`. The doctor must
answer in a second or two, so it imports MLflow only for the last check, and only when the lab
book answered.
"""

import importlib.metadata
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from {{ cookiecutter.package_name }}.lab.lab_book import damage
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.processes import LOOPBACK, port_is_free
from {{ cookiecutter.package_name }}.settings import Settings, without_password

DISTRIBUTION = "{{ cookiecutter.project_slug }}"
MINIMUM_PYTHON = ({{ cookiecutter.python_version.replace(".", ", ") }})
PATIENCE_SECONDS = 3  # how long a check waits for a server before calling it unreachable

PASSED, WARNING, FAILED = "passed", "warning", "failed"
MARKS = {PASSED: "✅", WARNING: "⚠️ ", FAILED: "❌"}


@dataclass(frozen=True)
class Finding:
    """What one check saw, and what to do about it when it is not good news."""

    status: str  # PASSED, WARNING (worth knowing, not blocking) or FAILED
    seen: str
    remedy: str = ""

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    def __str__(self) -> str:
        line = f"{MARKS[self.status]} {self.seen}"
        return f"{line}\n     → {self.remedy}" if self.remedy else line


# --- Python and packages -----------------------------------------------------------------------


def check_python(version=sys.version_info) -> Finding:
    running = ".".join(map(str, version[:3]))
    wanted = ".".join(map(str, MINIMUM_PYTHON))
    if tuple(version[:2]) >= MINIMUM_PYTHON:
        return Finding(PASSED, say("doctor_python_ok", running=running, wanted=wanted))
    return Finding(
        FAILED,
        say("doctor_python_old", running=running, wanted=wanted),
        say("doctor_python_remedy", wanted=wanted),
    )


def project_requirements() -> list:
    """The project's own dependencies (not the `dev` extras), as packaging Requirements."""
    from packaging.requirements import Requirement  # comes with pip and MLflow

    listed = importlib.metadata.requires(DISTRIBUTION) or []
    requirements = [Requirement(text) for text in listed]
    return [wanted for wanted in requirements if not wanted.marker]


def top_level_modules(distribution: str) -> set[str]:
    """The names a distribution is imported by (scikit-learn -> sklearn), read from its files."""
    names = set()
    for file in importlib.metadata.distribution(distribution).files or []:
        if len(file.parts) == 1 and file.suffix == ".py":
            names.add(file.stem)  # a single module, like six.py
        elif len(file.parts) == 2 and file.name == "__init__.py":
            names.add(file.parts[0])  # a package
    return names


def importable(distribution: str) -> bool:
    """Can Python find the distribution's top-level modules (without importing them)?"""
    return all(importlib.util.find_spec(name) for name in top_level_modules(distribution))


def check_packages() -> Finding:
    try:
        requirements = project_requirements()
    except importlib.metadata.PackageNotFoundError:
        return Finding(FAILED, say("doctor_project_missing"), say("doctor_packages_remedy"))
    found, problems = [], []
    for wanted in requirements:
        try:
            version = importlib.metadata.version(wanted.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(say("doctor_package_missing", name=wanted.name))
            continue
        if not wanted.specifier.contains(version, prereleases=True):
            problems.append(
                say(
                    "doctor_package_version",
                    name=wanted.name,
                    version=version,
                    wanted=str(wanted.specifier),
                )
            )
        elif not importable(wanted.name):
            problems.append(say("doctor_package_broken", name=wanted.name, version=version))
        else:
            found.append(f"{wanted.name} {version}")
    if problems:
        return Finding(FAILED, "; ".join(problems), say("doctor_packages_remedy"))
    return Finding(PASSED, say("doctor_packages_ok", count=len(found), found=", ".join(found)))


# --- The three ports ---------------------------------------------------------------------------

# How each part says "I am here": the address to ask, and what part of the answer gives it away.
HEALTH = {
    "lab": ("/health", "OK"),
    "kitchen": ("/health/live", "{"),
    "shop": ("/_stcore/health", "ok"),
}
PART_NAMES = {
    "lab": "doctor_part_lab",
    "kitchen": "doctor_part_kitchen",
    "shop": "doctor_part_shop",
}


def who_answers(port: int) -> str | None:
    """Return which part of the restaurant answers on this port, if any."""
    for part, (path, sign) in HEALTH.items():
        try:
            answer = httpx.get(f"http://{LOOPBACK}:{port}{path}", timeout=1)
        except httpx.HTTPError:
            return None  # not HTTP at all, or too slow: nothing we know
        if answer.status_code == 200 and answer.text.startswith(sign):
            return part
    return None


def check_port(part: str, port: int) -> Finding:
    name = say(PART_NAMES[part])
    if port_is_free(port):
        return Finding(PASSED, say("doctor_port_free", part=name, port=port))
    option = f"--{part}-port"
    running = who_answers(port)
    if running == part:
        # Most likely this learner's own restaurant, already open: nothing is broken.
        return Finding(
            WARNING,
            say("doctor_port_same_part", part=name, port=port),
            say("doctor_port_same_part_remedy", option=option),
        )
    seen = (
        say("doctor_port_other_part", part=name, port=port, other=say(PART_NAMES[running]))
        if running
        else say("doctor_port_taken", part=name, port=port)
    )
    return Finding(FAILED, seen, say("doctor_port_remedy", option=option, port=port))


# --- The lab book (MLflow) ---------------------------------------------------------------------


def local_lab_file(uri: str) -> Path | None:
    """The file or folder of a local lab book (sqlite or file store), None for a server."""
    if uri.startswith("sqlite:///"):
        return Path(uri.removeprefix("sqlite:///"))
    if uri.startswith("file://"):
        return Path(urlsplit(uri).path)
    if "://" not in uri:
        return Path(uri)
    return None


def check_local_lab(path: Path) -> Finding:
    folder = path if path.is_dir() else path.parent
    writable = folder.is_dir() and os.access(folder, os.W_OK)
    if writable and (not path.is_file() or os.access(path, os.W_OK)):
        return Finding(PASSED, say("doctor_lab_local_ok", path=path))
    return Finding(
        FAILED, say("doctor_lab_local_readonly", path=path), say("doctor_lab_local_remedy")
    )


def server_remedy(uri: str) -> str:
    host = urlsplit(uri).hostname or ""
    if host in ("127.0.0.1", "localhost", "::1"):
        return say("doctor_lab_start_remedy")
    return say("doctor_lab_server_remedy")


def check_lab_server(uri: str, settings: Settings) -> Finding:
    base, shown = uri.rstrip("/"), without_password(uri)  # a URI is shown without its password
    try:
        health = httpx.get(f"{base}/health", timeout=PATIENCE_SECONDS)
    except httpx.HTTPError:
        return Finding(FAILED, say("doctor_lab_unreachable", uri=shown), server_remedy(uri))
    if health.status_code not in (200, 401):
        return Finding(
            FAILED, say("doctor_lab_odd", uri=shown, status=health.status_code), server_remedy(uri)
        )
    return check_lab_login(base, uri, settings)


def check_lab_login(base: str, uri: str, settings: Settings) -> Finding:
    """Ask the server for one experiment, with the login MLflow would send (if any)."""
    shown = without_password(uri)
    login = None
    if settings.mlflow_tracking_username:
        secret = settings.mlflow_tracking_password
        password = secret.get_secret_value() if secret else ""
        login = (settings.mlflow_tracking_username, password)
    try:
        answer = httpx.get(
            f"{base}/api/2.0/mlflow/experiments/search",
            params={"max_results": 1},
            auth=login,
            timeout=PATIENCE_SECONDS,
        )
    except httpx.HTTPError:
        return Finding(FAILED, say("doctor_lab_unreachable", uri=shown), server_remedy(uri))
    if answer.status_code == 401:
        key = "doctor_lab_login_refused" if login else "doctor_lab_login_needed"
        return Finding(FAILED, say(key, uri=shown), say("doctor_lab_login_remedy"))
    if answer.status_code == 403:
        forbidden = say("doctor_lab_forbidden", uri=shown)
        return Finding(FAILED, forbidden, say("doctor_lab_login_remedy"))
    if answer.status_code != 200:
        return Finding(
            FAILED, say("doctor_lab_odd", uri=shown, status=answer.status_code), server_remedy(uri)
        )
    return Finding(PASSED, say("doctor_lab_server_ok", uri=shown))


def check_lab(settings: Settings) -> Finding:
    uri = settings.mlflow_tracking_uri
    path = local_lab_file(uri)
    if path is not None:
        return check_local_lab(path)
    if urlsplit(uri).scheme in ("http", "https"):
        return check_lab_server(uri, settings)
    return Finding(WARNING, say("doctor_lab_unknown", uri=without_password(uri)))


# --- The champion ------------------------------------------------------------------------------


def check_champion(settings: Settings) -> Finding:
    """Is a model registered as champion? Not having one yet is normal before part 1.

    A warning, not a failure: on the morning of the workshop every fresh project has no champion,
    and `up` trains one by itself. The doctor must stay green for a machine that is ready.
    """
    path = local_lab_file(settings.mlflow_tracking_uri)
    if path is not None and not path.exists():
        # No lab book yet: nothing trained. Asking MLflow would create an empty one.
        return Finding(WARNING, say("doctor_no_champion"), say("doctor_no_champion_remedy"))
    if damage(settings.mlflow_tracking_uri):  # MLflow would answer in raw SQL
        return Finding(FAILED, say("lab_book_damaged", uri=settings.mlflow_tracking_uri))
    from {{ cookiecutter.package_name }}.lab.registry import find_champion  # imports MLflow: slow

    try:
        champion = find_champion(settings)
    except Exception as trouble:  # noqa: BLE001 - any failure here is reported, never raised
        reason = str(trouble).splitlines()[0][:200] if str(trouble) else type(trouble).__name__
        uri = settings.mlflow_tracking_uri  # MLflow's own words may name it, password and all
        reason = reason.replace(uri, without_password(uri))
        return Finding(
            FAILED, say("doctor_champion_error", reason=reason), say("doctor_lab_server_remedy")
        )
    if champion is None:
        return Finding(WARNING, say("doctor_no_champion"), say("doctor_no_champion_remedy"))
    return Finding(PASSED, say("doctor_champion_ok", version=champion.version, name=champion.name))


# --- All of it ---------------------------------------------------------------------------------


def examine(settings: Settings):
    """Run every check in turn; yield each finding as soon as it is known."""
    yield check_python()
    yield check_packages()
    for part, port in (
        ("lab", settings.lab_port),
        ("kitchen", settings.kitchen_port),
        ("shop", settings.shop_port),
    ):
        yield check_port(part, port)
    lab = check_lab(settings)
    yield lab
    if lab.failed:
        yield Finding(FAILED, say("doctor_champion_skipped"), lab.remedy)
    else:
        yield check_champion(settings)


def run_doctor(settings: Settings) -> int:
    """Print every finding, then a verdict; return the exit status (0: ready)."""
    print(say("doctor_title"), flush=True)
    findings = []
    for finding in examine(settings):
        print(finding, flush=True)
        findings.append(finding)
    failures = sum(finding.failed for finding in findings)
    print(say("doctor_verdict_bad", count=failures) if failures else say("doctor_verdict_ok"))
    return 1 if failures else 0
