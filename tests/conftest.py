"""Fixtures for the template's tests: bake a project with chosen answers, in a temporary folder."""

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]
PROMPTS = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
# Options offered as a list of choices; the first choice is the default.
CHOICES = {
    name: values
    for name, values in PROMPTS.items()
    if isinstance(values, list) and not name.startswith("_")
}


def every_combination() -> list[dict[str, str]]:
    """Every valid set of answers to the multiple-choice prompts."""
    names = list(CHOICES)
    return [
        dict(zip(names, values, strict=True)) for values in itertools.product(*CHOICES.values())
    ]


@dataclass
class Baked:
    """A project baked from the template."""

    path: Path
    answers: dict

    @property
    def package(self) -> str:
        return json.loads(self.read(".cookiecutter.json"))["package_name"]

    def read(self, relative: str) -> str:
        return (self.path / relative).read_text(encoding="utf-8")

    def files(self) -> set[str]:
        """Every file of the project, as paths relative to its folder (git's own files aside)."""
        return {
            path.relative_to(self.path).as_posix()
            for path in self.path.rglob("*")
            if path.is_file() and ".git" not in path.relative_to(self.path).parts
        }


def bake_into(output: Path, answers: dict) -> Baked:
    """Bake the template with `answers` (no prompts) into the folder `output`."""
    path = cookiecutter(str(TEMPLATE), no_input=True, extra_context=answers, output_dir=output)
    return Baked(Path(path), answers)


@pytest.fixture
def bake(tmp_path_factory):
    """Return a function that bakes the template with the given answers."""

    def bake_with(**answers) -> Baked:
        return bake_into(tmp_path_factory.mktemp("baked"), answers)

    return bake_with
