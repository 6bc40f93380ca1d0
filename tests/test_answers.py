"""Answers are data, never code: odd or hostile answers bake a valid project or stop clearly."""

import subprocess
import sys
import tomllib
import uuid
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException

from .conftest import TEMPLATE

COOKIECUTTER = Path(sys.executable).parent / "cookiecutter"

# project name -> (folder, package) it must give.
ACCEPTED = {
    "O'Brien's \"Farm\"": ("o-brien-s-farm", "o_brien_s_farm"),
    "Élevage Café": ("elevage-cafe", "elevage_cafe"),
    "   Spaces   around  ": ("spaces-around", "spaces_around"),
    "农业 预测": ("nong-ye-yu-ce", "nong_ye_yu_ce"),
    "Back\\slash; DROP TABLE runs; --": (
        "back-slash-drop-table-runs",
        "back_slash_drop_table_runs",
    ),
}

# answers -> words the refusal must contain.
REFUSED = [
    ({"project_name": ""}, "empty"),
    ({"project_name": "2024 Harvest"}, "project_2024_harvest"),
    ({"project_name": "class"}, "keyword"),
    ({"project_name": "json"}, "would hide the Python module"),
    ({"project_name": "Farm", "package_name": "my-farm"}, "underscores"),
    ({"project_name": "x" * 200}, "limited to 50 characters"),
    # cookiecutter itself renders values given without prompts: this one arrives as "49".
    ({"project_name": "{{ 7*7 }}"}, "must start with a lowercase letter"),
]


@pytest.mark.parametrize("name", ACCEPTED)
def test_odd_name_bakes_a_valid_project(name, bake):
    """It derives a valid folder and package, and keeps the name exactly as typed."""
    project = bake(project_name=name)
    folder, package = ACCEPTED[name]
    assert project.path.name == folder and project.package == package
    pyproject = tomllib.loads(project.read("pyproject.toml"))
    assert pyproject["project"]["description"].startswith(name)
    for relative in project.files():
        if relative.endswith(".py"):
            compile(project.read(relative), relative, "exec")


@pytest.mark.parametrize(("answers", "words"), REFUSED, ids=lambda value: str(value)[:30])
def test_invalid_answer_is_refused_in_words(answers, words, bake, capfd):
    """It stops before writing anything and says what to type instead."""
    with pytest.raises(FailedHookException):
        bake(**answers)
    assert words in capfd.readouterr().err


def type_answers(name: str, output: Path) -> subprocess.CompletedProcess:
    """Run cookiecutter as a person would, typing `name` and accepting every default."""
    keystrokes = name + "\n" + "\n" * 10
    return subprocess.run(
        [COOKIECUTTER, "--output-dir", output, TEMPLATE],
        input=keystrokes,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("shape", ["Farm $(touch {marker}) {{{{ 7*7 }}}}", "`touch {marker}`"])
def test_shell_and_jinja_typed_at_the_prompt_stay_plain_text(shape, tmp_path):
    """It neither runs a command nor evaluates a template expression typed at the prompt."""
    marker = Path("/tmp") / f"pwned-{uuid.uuid4().hex[:6]}"  # short: names stop at 50 characters
    name = shape.format(marker=marker)
    result = type_answers(name, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    [project] = (tmp_path / "out").iterdir()
    assert "touch-tmp-pwned" in project.name
    assert "{{ 7*7 }}" not in name or project.name.endswith("-7-7")
    assert (project / "README.md").read_text(encoding="utf-8").startswith(f"# {name}")
    assert not marker.exists()


def test_refusal_at_the_prompt_leaves_no_folder(tmp_path):
    """It removes the half-made project when an answer is refused."""
    result = type_answers("123", tmp_path / "out")
    assert result.returncode != 0
    assert "project_123" in result.stdout + result.stderr
    assert not any((tmp_path / "out").glob("*"))
