"""Workshop helpers: exercises and self-checks, the doctor, checkpoints, the class server."""

from {{ cookiecutter.package_name }}.workshop.exercises import ExerciseNotDone, NotQuite, answer_given

__all__ = ["ExerciseNotDone", "NotQuite", "answer_given"]
