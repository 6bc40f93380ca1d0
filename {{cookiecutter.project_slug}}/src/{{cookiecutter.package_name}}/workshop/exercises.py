"""Exercises and self-checks for the notebooks.

A self-check looks at real state (the lab book, the registry, the kitchen) and says one of three
things: passed, not done yet, or not quite, with a hint. It never prints the expected answer.
"""

from {{ cookiecutter.package_name }}.messages import say


class ExerciseNotDone(Exception):
    """Raised by an exercise the learner has not filled in yet (student edition)."""

    def __init__(self, number: int):
        super().__init__(say("exercise_not_done", number=number))


def answer_given(value, number: int):
    """Return `value`, or stop with a friendly message if it is still the `...` placeholder."""
    if value is Ellipsis:
        raise ExerciseNotDone(number)
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
