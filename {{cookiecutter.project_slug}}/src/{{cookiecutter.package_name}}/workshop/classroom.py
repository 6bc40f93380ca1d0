{%- set fr = cookiecutter.language == "fr" -%}
"""The class as the class server knows it: each learner's report card, and the leaderboard.

A learner's **report card** is an experiment on the class server named
`<package>-self-checks-<account>`, that the learner's own account creates the first time one of
their self-checks runs. MLflow gives an experiment's creator MANAGE and everybody else the class
server's default permission, READ: only its owner can write on it; the teacher and classmates
can only read it. Each self-check writes one tag on it, `check.<notebook>` = `<status> <time>`:
which check, passed / not_done / wrong, and when. Never the answer, never the hint: those stay
in the notebook.

The teacher's board (`board.py`) reads every card and every run in a few requests to MLflow's
REST API, with the admin account. Both sides talk HTTP themselves (httpx) with short time
limits: MLflow's own client retries a silent server for minutes, and neither a self-check nor a
live board may hang that long.

Alone on a laptop (no class account), nothing is recorded anywhere: the notebook already shows
the result to the only person who would read it.
"""

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import Settings, get_settings
from {{ cookiecutter.package_name }}.workshop.exercises import CheckResult

CARD_PREFIX = "{{ cookiecutter.package_name }}-self-checks-"
CHECK_TAG = "check."
STATUSES = ("passed", "not_done", "wrong")
OWNER = "tags.mlflow.user"  # the account a run was logged with (set by MLflow's client)
API = "/api/2.0/mlflow"
PAGE = 1000  # experiments or runs per request
MOST_PAGES = 50  # a class of 30 has a few hundred runs: this bound is never reached in class

# The board's columns, in the notebooks' order: one self-check per notebook, named after it.
CHECK_TITLES = {
    "01_first_experiment": "{{ '01 · Première expérience' if fr else '01 · First experiment' }}",
    "02_compare_formulas": "{{ '02 · Comparer les formules' if fr else '02 · Compare formulas' }}",
    "03_registry": "{{ '03 · Le registre' if fr else '03 · The registry' }}",
    "04_kitchen": "{{ '04 · La cuisine' if fr else '04 · The kitchen' }}",
    "05_shop_window": "{{ '05 · La vitrine' if fr else '05 · The shop window' }}",
    "06_banquet": "{{ '06 · Le banquet' if fr else '06 · The banquet' }}",
    "07_tasting_panel": "{{ '07 · Le jury de dégustation' if fr else '07 · The tasting panel' }}",
}


def card_name(username: str) -> str:
    return CARD_PREFIX + username


class ClassServer:
    """A few calls of MLflow's REST API, with one account and a time limit for each call."""

    def __init__(self, url: str, account: tuple[str, str], seconds: float):
        self.http = httpx.Client(base_url=url.rstrip("/") + API, auth=account, timeout=seconds)

    def get(self, path: str, **params) -> dict:
        answer = self.http.get(path, params=params)
        answer.raise_for_status()
        return answer.json()

    def post(self, path: str, body: dict) -> dict:
        answer = self.http.post(path, json=body)
        answer.raise_for_status()
        return answer.json()

    def pages(self, path: str, body: dict, items: str) -> list[dict]:
        """Every item of a paged search (`experiments` or `runs`), page after page."""
        found, token = [], None
        for _ in range(MOST_PAGES):
            more: dict[str, str] = {"page_token": token} if token else {}
            answer = self.post(path, {**body, "max_results": PAGE, **more})
            found += answer.get(items, [])
            token = answer.get("next_page_token")
            if not token:
                break
        return found

    def __enter__(self):
        return self

    def __exit__(self, *problem) -> None:
        self.http.close()


# --- The learner's side: writing a self-check's result on their own card -------------------


def class_account(settings: Settings) -> tuple[str, str] | None:
    """The learner's account when they work on a class server, else None (alone on a laptop)."""
    username, password = settings.mlflow_tracking_username, settings.mlflow_tracking_password
    on_a_server = settings.mlflow_tracking_uri.startswith(("http://", "https://"))
    if not (username and password and on_a_server):
        return None
    return username, password.get_secret_value()


# The card's experiment id, found once per server and account (it never changes).
known_cards: dict[tuple[str, str], str] = {}


def find_or_make_card(server: ClassServer, username: str) -> str:
    """The id of the learner's card; made (so owned) by the learner's account if there is none."""
    name = card_name(username)
    answer = server.http.get("/experiments/get-by-name", params={"experiment_name": name})
    if answer.status_code == 200:
        return answer.json()["experiment"]["experiment_id"]
    if answer.status_code != 404:  # 404: no card yet; anything else is a real problem
        answer.raise_for_status()
    tags = {
        "mlflow.note.content": say("card_description", learner=username),
        "workshop.report_card": username,
    }
    body = {"name": name, "tags": [{"key": key, "value": value} for key, value in tags.items()]}
    return server.post("/experiments/create", body)["experiment_id"]


def write_on_card(settings: Settings, account: tuple[str, str], check: str, status: str) -> None:
    """Set `check.<check>` = `<status> <now>` on the learner's card (raises if it cannot)."""
    username = account[0]
    where = (settings.mlflow_tracking_uri, username)
    moment = datetime.now(UTC).isoformat(timespec="seconds")
    seconds = settings.self_check_timeout_seconds
    with ClassServer(settings.mlflow_tracking_uri, account, seconds) as server:
        card = known_cards.pop(where, None) or find_or_make_card(server, username)
        tag = {"experiment_id": card, "key": CHECK_TAG + check, "value": f"{status} {moment}"}
        server.post("/experiments/set-experiment-tag", tag)
        known_cards[where] = card  # kept only once a write worked (a card may be deleted)


def record(settings: Settings, check: str, result: CheckResult) -> CheckResult:
    """Note `result` on the learner's card when on a class server; return what to show.

    The check has answered before anything is sent: whatever happens on the way (no server,
    a slow one, a refusal), the learner sees their result, with one calm line if it did not
    reach the board.
    """
    account = class_account(settings)
    if account is None:
        return result
    try:
        write_on_card(settings, account, check, result.status)
    except Exception:  # whatever it is: nothing on the way to the board may break a check
        return CheckResult(result.status, f"{result.message}\n{say('card_not_recorded')}")
    return result


def recorded(check: str):
    """Decorate a self-check so that its result is also noted on the learner's card.

    `check` names the column on the teacher's board: the notebook's file name. The settings
    used are the ones the check was given, else the project's.
    """

    def decorate(self_check):
        @functools.wraps(self_check)
        def check_and_record(*args, **kwargs) -> CheckResult:
            result = self_check(*args, **kwargs)
            given = [value for value in (*args, *kwargs.values()) if isinstance(value, Settings)]
            return record(given[0] if given else get_settings(), check, result)

        check_and_record.check_name = check
        return check_and_record

    return decorate


# --- The teacher's side: reading the whole class -------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One cell of the board: a check's latest result for one learner, and when it came."""

    status: str  # "passed", "not_done" or "wrong"
    at: datetime  # UTC


@dataclass(frozen=True)
class Standing:
    """One line of the leaderboard."""

    rank: int
    learner: str
    score: float
    run_id: str


@dataclass(frozen=True)
class ClassView:
    """What the board shows, read at one moment."""

    learners: list[str]
    checks: list[str]  # column keys, in order
    marks: dict[str, dict[str, Mark]]  # learner -> check -> mark
    leaderboard: list[Standing]
    read_at: datetime


def is_card(experiment: dict) -> bool:
    return experiment["name"].startswith(CARD_PREFIX)


def marks_on(card: dict) -> dict[str, Mark]:
    """The marks written on one card (experiment JSON); anything unreadable is left out."""
    marks = {}
    for tag in card.get("tags", []):
        if not tag["key"].startswith(CHECK_TAG):
            continue
        status, _, moment = tag.get("value", "").partition(" ")
        try:
            at = datetime.fromisoformat(moment)
        except ValueError:
            continue
        if status in STATUSES:
            marks[tag["key"].removeprefix(CHECK_TAG)] = Mark(status, at)
    return marks


def as_row(run: dict) -> dict:
    """A run of the REST API as one flat row, named as `mlflow.search_runs` names columns."""
    data = run.get("data", {})
    row = {"run_id": run["info"]["run_id"]}
    row.update({f"metrics.{item['key']}": item["value"] for item in data.get("metrics", [])})
    row.update({f"tags.{item['key']}": item["value"] for item in data.get("tags", [])})
    return row


def as_score(value) -> float | None:
    """A metric's value as a number, or None when there is none (missing, NaN, not a number)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def rank_learners(runs: Iterable[Mapping], metric: str = "rmse") -> list[Standing]:
    """Each learner's best run (lowest `metric`), best learner first.

    `runs` are rows named like `mlflow.search_runs`' columns (`run_id`, `metrics.<name>`,
    `tags.mlflow.user`). A learner who tried ten formulas is judged on their best, not their
    average: in the lab, trying is free. Runs without the metric or an owner (a run that
    crashed halfway) cannot be ranked and are left out; equal scores go by name.
    """
    best: dict[str, tuple[float, str]] = {}
    for run in runs:
        owner, score = run.get(OWNER), as_score(run.get(f"metrics.{metric}"))
        if not isinstance(owner, str) or not owner or score is None:
            continue
        if owner not in best or score < best[owner][0]:
            best[owner] = (score, run["run_id"])
    ordered = sorted(best.items(), key=lambda item: (item[1][0], item[0]))
    return [
        Standing(rank, learner, score, run_id)
        for rank, (learner, (score, run_id)) in enumerate(ordered, start=1)
    ]


def learner_accounts(server: ClassServer) -> list[str]:
    """Every learner's account (admins left out), so the board shows who has not started.

    An older MLflow without this admin call: the board then shows who has written something.
    """
    try:
        users = server.get("/users/list").get("users", [])
    except httpx.HTTPStatusError:
        return []
    return [user["username"] for user in users if not user.get("is_admin")]


def read_class(url: str, admin: tuple[str, str], seconds: float, metric: str = "rmse") -> ClassView:
    """Read every card, every run and every account from the class server (admin account)."""
    active = {"view_type": "ACTIVE_ONLY"}
    with ClassServer(url, admin, seconds) as server:
        experiments = server.pages("/experiments/search", active, "experiments")
        cards = {e["name"].removeprefix(CARD_PREFIX): e for e in experiments if is_card(e)}
        labs = [e["experiment_id"] for e in experiments if not is_card(e)]
        search = {"experiment_ids": labs, "run_view_type": "ACTIVE_ONLY"}
        runs = server.pages("/runs/search", search, "runs") if labs else []
        accounts = learner_accounts(server)
    marks = {learner: marks_on(card) for learner, card in cards.items()}
    leaderboard = rank_learners((as_row(run) for run in runs), metric)
    learners = sorted({*accounts, *marks, *(standing.learner for standing in leaderboard)})
    found = {check for learner_marks in marks.values() for check in learner_marks}
    checks = [*CHECK_TITLES, *sorted(found - set(CHECK_TITLES))]
    return ClassView(learners, checks, marks, leaderboard, datetime.now(UTC))
