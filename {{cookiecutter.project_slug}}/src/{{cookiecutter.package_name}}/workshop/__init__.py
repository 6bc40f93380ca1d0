"""Workshop helpers: the message catalogue, exercises and self-checks."""

from {{ cookiecutter.package_name }}.workshop.exercises import ExerciseNotDone, answer_given
from {{ cookiecutter.package_name }}.workshop.messages import say

__all__ = ["ExerciseNotDone", "answer_given", "say"]
