"""Exercises and self-checks for the notebooks.

An exercise's cell checks its own answer as soon as it runs: still `...`, it stops with
"not done yet" (`ExerciseNotDone`); impossible as written (a decimal comma, a value outside the
range asked for), it stops with what is wrong and a hint (`NotQuite`). Either way the error shows
under the very cell the learner must edit.

A self-check, at the end of a notebook, looks at real state (the lab book, the registry, the
kitchen) and says one of three things: passed, not done yet, or not quite, with a hint. Neither
ever prints the expected answer.
"""

import re

from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import get_settings


class ExerciseNotDone(Exception):
    """Raised in the cell of an exercise the learner has not filled in yet (student edition).

    With `name`, the cell still holds `name = ...`; without, a `raise ExerciseNotDone(n)` line.
    """

    def __init__(self, number: int, name: str | None = None):
        if name:
            super().__init__(say("exercise_placeholder_left", number=number, name=name))
        else:
            super().__init__(say("exercise_not_done", number=number))


class NotQuite(Exception):
    """Raised in an exercise's cell when its answer cannot be right as written."""

    def __init__(self, number: int, problem: str, hint: str):
        super().__init__(say("exercise_not_quite", number=number, problem=problem, hint=hint))


def answer_given(value, number: int, name: str | None = None):
    """Return `value`, or stop with a friendly message if it is still the `...` placeholder."""
    if value is Ellipsis:
        raise ExerciseNotDone(number, name)
    return value


class CheckResult:
    """The outcome of a self-check: shown as one sentence in the notebook."""

    def __init__(self, status: str, message: str):
        self.status = status  # "passed", "not_done" or "wrong"
        self.message = message

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def __repr__(self) -> str:
        return self.message


def passed(what: str) -> CheckResult:
    return CheckResult("passed", say("check_passed", what=what))


def not_done(what: str, hint: str) -> CheckResult:
    return CheckResult("not_done", say("check_not_done", what=what, hint=hint))


def wrong(what: str, hint: str) -> CheckResult:
    return CheckResult("wrong", say("check_wrong", what=what, hint=hint))


# --- The answers, checked in the exercise's own cell -------------------------------------------

LEARNING_RATES = (0.01, 0.5)  # the range the notebooks ask for
DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")


def written(value) -> str:
    """A learner's value as the notebook shows it: numbers in the language's way, others short."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = f"{value:g}"
        return text.replace(".", ",") if get_settings().language == "fr" else text
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def not_quite(number: int, problem: str, hint: str | None = None, **values) -> NotQuite:
    """The error for an answer with `problem` (a message key); its hint is `<problem>_hint`."""
    return NotQuite(number, say(problem, **values), say(hint or f"{problem}_hint", **values))


def rate_problem(value, name: str) -> tuple[str, str] | None:
    """Why `value` cannot be a learning rate the notebooks ask for (message keys), or None."""
    # `0,1` is valid Python: a tuple of two whole numbers. Nobody means that as a rate.
    comma = isinstance(value, tuple) and len(value) == 2 and all(type(v) is int for v in value)
    if comma or (isinstance(value, str) and DECIMAL_COMMA.match(value)):
        return "answer_decimal_comma", "answer_decimal_comma_hint"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "answer_not_number", "answer_not_number_hint"
    low, high = LEARNING_RATES
    if not low <= value <= high:
        return "answer_out_of_range", "answer_out_of_range_hint"
    return None


def checked_learning_rate(value, number: int, name: str = "learning_rate") -> float:
    """One learning rate, between 0.01 and 0.5."""
    problem = rate_problem(answer_given(value, number, name), name)
    if problem:
        low, high = (written(limit) for limit in LEARNING_RATES)
        raise not_quite(number, *problem, name=name, shown=written(value), low=low, high=high)
    return float(value)


def checked_learning_rates(values, number: int, name: str = "learning_rates") -> list[float]:
    """A list of at least two learning rates, each between 0.01 and 0.5."""
    values = answer_given(values, number, name)
    if not isinstance(values, list | tuple):
        raise not_quite(number, "answer_not_list", name=name, shown=written(values))
    # [0,03, 0,1] reads as four whole numbers: 0 is never a learning rate.
    if any(type(value) is int and value == 0 for value in values):
        shown = written(values)
        raise not_quite(number, "answer_decimal_comma", name=name, shown=shown)
    for position, value in enumerate(values):
        checked_learning_rate(value, number, name=f"{name}[{position}]")
    if len(values) < 2:
        raise not_quite(number, "answer_too_few", name=name, least=2)
    return [float(value) for value in values]


def checked_order_by(value, number: int, name: str = "best_first") -> list[str]:
    """An `order_by` list for `mlflow.search_runs`: items like "metrics.<name> ASC|DESC"."""
    value = answer_given(value, number, name)
    if not isinstance(value, list) or not value:
        raise not_quite(number, "answer_not_list", name=name, shown=written(value))
    checked = []
    for item in value:
        if not isinstance(item, str):
            raise not_quite(number, "order_by_not_text", name=name, shown=written(item))
        column, _, direction = item.strip().rpartition(" ")
        if direction.upper() not in ("ASC", "DESC"):
            raise not_quite(number, "order_by_direction", shown=written(item))
        if not column.startswith("metrics."):
            raise not_quite(number, "order_by_no_prefix", shown=written(item))
        checked.append(f"{column} {direction.upper()}")
    return checked


def checked_champion_uri(value, settings, number: int, name: str = "champion_uri") -> str:
    """The champion's address in the registry, by its alias."""
    from {{ cookiecutter.package_name }}.lab.registry import model_uri

    value = answer_given(value, number, name)
    if callable(value):
        raise not_quite(number, "uri_not_called", name=name)
    if not isinstance(value, str) or not value.startswith("models:/"):
        raise not_quite(number, "uri_not_model", name=name, shown=written(value))
    if value != model_uri(settings):
        key = "uri_other_alias" if "@" in value else "uri_pinned"
        raise not_quite(number, key, name=name, shown=written(value))
    return value


def checked_models(number: int, **models) -> None:
    """Each named value is a model that can predict."""
    for name, model in models.items():
        if not hasattr(answer_given(model, number, name), "predict"):
            raise not_quite(number, "model_not_model", name=name, shown=written(model))


def checked_dish(response, number: int, name: str = "response") -> dict:
    """The kitchen's answer to one order: 200 and a dish, or why not."""
    import httpx

    response = answer_given(response, number, name)
    if not isinstance(response, httpx.Response):
        shown = written(response)
        raise not_quite(number, "response_not_response", name=name, shown=shown)
    status = response.status_code
    if status in (307, 308, 404):  # "/predict/" is redirected, "/predicts" is not found
        raise not_quite(number, "response_status_404", status=status)
    if status == 405:
        raise not_quite(number, "response_status_405", status=status)
    if status == 422:
        fields = refused_fields(response)
        raise not_quite(number, "response_status_422", status=status, fields=fields)
    if status != 200:
        raise not_quite(number, "response_status_other", status=status)
    return response.json()


def refused_fields(response) -> str:
    """The fields a kitchen's 422 answer names, without their "body." prefix."""
    try:
        problems = response.json()["detail"]
        return ", ".join(str(problem["field"]).removeprefix("body.") for problem in problems)
    except (ValueError, KeyError, TypeError):
        return "?"


def checked_batch(batch, rows: int, number: int, name: str = "batch") -> dict:
    """The kitchen's JSON answer to a batch of `rows` orders."""
    import httpx

    batch = answer_given(batch, number, name)
    if isinstance(batch, httpx.Response):
        raise not_quite(number, "batch_is_response", name=name)
    if not isinstance(batch, dict) or "predictions" not in batch:
        raise not_quite(number, "batch_refused", name=name, shown=written(batch))
    if len(batch["predictions"]) != rows:
        count = len(batch["predictions"])
        raise not_quite(number, "batch_wrong_length", name=name, count=count, rows=rows)
    return batch


def checked_page(page, number: int, name: str = "page"):
    """The shop window's page after the click, run again (an AppTest)."""
    from streamlit.testing.v1 import AppTest

    page = answer_given(page, number, name)
    if isinstance(page, AppTest):
        return page
    key = "page_not_run" if hasattr(page, "run") else "page_not_page"
    raise not_quite(number, key, name=name, shown=written(page))


def checked_item(value, choices: list, number: int, name: str, among: str):
    """One item of the list `choices` (called `among` in the notebook)."""
    value = answer_given(value, number, name)
    if any(value is choice for choice in choices):
        return value
    key = "item_by_name" if isinstance(value, str) else "item_not_in_list"
    if isinstance(value, list):
        key = "item_whole_list"
    raise not_quite(number, key, "item_hint", name=name, among=among, shown=written(value))


def checked_drifted(value, drift, number: int, name: str = "most_drifted") -> str:
    """The name of the ingredient at the top of the drift table (`drift`, one row each)."""
    import difflib

    value = answer_given(value, number, name)
    names = list(drift.index)
    if not isinstance(value, str):
        raise not_quite(number, "drifted_not_text", name=name, shown=written(value))
    if value not in names:
        close = difflib.get_close_matches(value.strip().lower(), names, n=1, cutoff=0.6)
        if close:
            raise not_quite(number, "drifted_typo", name=name, shown=written(value), close=close[0])
        raise not_quite(number, "drifted_not_on_menu", name=name, shown=written(value))
    if value != names[0]:
        raise not_quite(number, "drifted_not_most", name=name, shown=written(value))
    return value


IMPROVEMENTS = (0.001, 0.5)  # what the jury's rule may ask: from 0.1 % to half of the error


def checked_improvement(value, number: int, name: str = "improvement") -> float:
    """How much lower (a share, 0.05 for 5 %) the challenger's error must be than the
    champion's."""
    value = answer_given(value, number, name)
    comma = isinstance(value, tuple) and len(value) == 2 and all(type(v) is int for v in value)
    if comma or (isinstance(value, str) and DECIMAL_COMMA.match(value)):
        raise not_quite(number, "answer_decimal_comma", name=name, shown=written(value))
    if isinstance(value, str) and value.strip().endswith("%"):
        raise not_quite(number, "improvement_percent", name=name, shown=written(value))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise not_quite(number, "answer_not_number", name=name, shown=written(value))
    low, high = IMPROVEMENTS
    if not low <= value <= high:
        key = "improvement_as_percent" if 1 <= value <= 100 else "improvement_out_of_range"
        shown, limits = written(value), {"low": written(low), "high": written(high)}
        raise not_quite(number, key, name=name, shown=shown, share=written(value / 100), **limits)
    return float(value)
