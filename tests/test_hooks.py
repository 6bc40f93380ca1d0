"""The post-generation steps (`_bake/` in the project template), tested one by one.

`hooks/post_gen_project.py` only decodes the answers and calls `bake_project.finish`; the bakes of
test_bake.py run the whole chain, while these tests drive each step on a folder of their own.
"""

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from cookiecutter.utils import create_env_with_context

from .conftest import TEMPLATE

BAKE = TEMPLATE / "{{cookiecutter.project_slug}}" / "_bake"
SOURCES = TEMPLATE / "{{cookiecutter.project_slug}}" / "notebooks" / "_sources"
HOOK = TEMPLATE / "hooks" / "post_gen_project.py"
RUFF = Path(sys.executable).parent / "ruff"

sys.dont_write_bytecode = True  # keep the template folder free of __pycache__
sys.path.insert(0, str(BAKE))
import bake_notebooks  # noqa: E402
import bake_project  # noqa: E402

ANSWERS = {
    "project_name": "ML Restaurant",
    "project_slug": "ml-restaurant",
    "package_name": "ml_restaurant",
    "use_case": "crop_yield",
    "language": "en",
    "edition": "student",
    "docker": "no",
    "ci_workflow": "yes",
    "python_version": "3.12",
}

SOURCE = """\
# %% [markdown] lang="en"
# # Title
#
# **Exercise 1.** Pick a rate.

# %% [markdown] lang="fr"
# # Titre
#
# **Exercice 1.** Choisissez un taux.

# %%
from __PACKAGE__.data import make_dataset

# %%
# BEGIN SOLUTION
rate = 0.1
# END SOLUTION

# %%
table = make_dataset()
# BEGIN SOLUTION
orders = table.head(5)
batch = len(orders)
# END SOLUTION
print(batch)
"""


def answers(**changes) -> dict:
    return {**ANSWERS, **changes}


def cells(notebook: dict, kind: str) -> list[str]:
    return [cell["source"] for cell in notebook["cells"] if cell["cell_type"] == kind]


# --- Notebooks ---------------------------------------------------------------------------------


def test_cells_are_split_by_kind_and_language():
    """It reads each cell's kind and language from its `# %%` line."""
    found = [(kind, language) for kind, language, _ in bake_notebooks.split_cells(SOURCE)]
    assert found == [("markdown", "en"), ("markdown", "fr"), *[("code", None)] * 3]


@pytest.mark.parametrize(("language", "title"), [("en", "# Title"), ("fr", "# Titre")])
def test_notebook_keeps_only_the_chosen_language(language, title):
    """It keeps the markdown of the chosen language only, without the comment marks."""
    notebook = bake_notebooks.build_notebook(SOURCE, answers(language=language), solved=True)
    [markdown] = cells(notebook, "markdown")
    assert markdown.startswith(f"{title}\n\n**Exerci")


def test_package_name_replaces_its_stand_in():
    """It writes the project's package where the source says __PACKAGE__."""
    notebook = bake_notebooks.build_notebook(SOURCE, answers(package_name="farm_lab"), True)
    assert cells(notebook, "code")[0] == "from farm_lab.data import make_dataset"


def test_solved_notebook_keeps_answers_and_drops_markers():
    """It keeps every answer line in the solved notebook, and no marker line."""
    code = "\n".join(cells(bake_notebooks.build_notebook(SOURCE, ANSWERS, True), "code"))
    assert "rate = 0.1" in code and "batch = len(orders)" in code
    assert "SOLUTION" not in code


@pytest.mark.parametrize(
    ("language", "comment"), [("en", "your turn"), ("fr", "à vous")], ids=["en", "fr"]
)
def test_one_line_answer_becomes_a_placeholder_commented_in_the_language(language, comment):
    """It leaves `name = ...` where a one-line answer was, with a comment in the language."""
    notebook = bake_notebooks.build_notebook(SOURCE, answers(language=language), solved=False)
    placeholder = cells(notebook, "code")[1]
    assert placeholder.startswith("rate = ...  # ✏️ ") and comment in placeholder
    assert "0.1" not in placeholder


def test_longer_answer_keeps_its_names_and_raises_not_done():
    """It keeps the names a longer answer defines (as `...`) and raises ExerciseNotDone with
    the exercise's number in the notebook."""
    third = cells(bake_notebooks.build_notebook(SOURCE, ANSWERS, solved=False), "code")[2]
    lines = third.splitlines()
    assert lines[:3] == ["table = make_dataset()", "orders = ...", "batch = ..."]
    assert "raise ExerciseNotDone(2)" in lines
    assert "from ml_restaurant.workshop import ExerciseNotDone  # noqa: E402" in lines
    assert "head(5)" not in third and lines[-1] == "print(batch)"


@pytest.mark.parametrize("solved", [True, False], ids=["solved", "student"])
@pytest.mark.parametrize("source", sorted(SOURCES.glob("*.py")), ids=lambda path: path.stem)
def test_every_real_notebook_is_valid_and_its_code_compiles(source, solved):
    """It turns every source of the lab into a valid notebook whose code cells compile."""
    text = source.read_text(encoding="utf-8")
    for language in ("en", "fr"):
        notebook = bake_notebooks.build_notebook(text, answers(language=language), solved)
        nbformat.validate(nbformat.from_dict(notebook))
        for number, code in enumerate(cells(notebook, "code")):
            compile(code, f"{source.stem} cell {number}", "exec")


def copy_sources(project: Path) -> None:
    shutil.copytree(SOURCES, project / "notebooks" / "_sources")


def test_student_bake_writes_placeholders_and_keeps_solutions_aside(tmp_path):
    """It writes the student's notebooks, their solved twins in .workshop/solutions/, and
    removes the sources."""
    copy_sources(tmp_path)
    bake_notebooks.build_notebooks(tmp_path, ANSWERS)
    names = sorted(f"{source.stem}.ipynb" for source in SOURCES.glob("*.py"))
    assert sorted(path.name for path in (tmp_path / "notebooks").iterdir()) == names
    solutions = tmp_path / ".workshop" / "solutions"
    assert sorted(path.name for path in solutions.iterdir()) == names
    first = "01_first_experiment.ipynb"
    assert "learning_rate = ..." in (tmp_path / "notebooks" / first).read_text(encoding="utf-8")
    assert "learning_rate = 0.1" in (solutions / first).read_text(encoding="utf-8")


def test_instructor_bake_writes_solved_notebooks_only(tmp_path):
    """It writes solved notebooks, and nothing aside: they are the solutions already."""
    copy_sources(tmp_path)
    bake_notebooks.build_notebooks(tmp_path, answers(edition="instructor"))
    first = (tmp_path / "notebooks" / "01_first_experiment.ipynb").read_text(encoding="utf-8")
    assert "learning_rate = 0.1" in first
    assert not (tmp_path / ".workshop").exists()
    assert not (tmp_path / "notebooks" / "_sources").exists()


# --- Pruning and answers -----------------------------------------------------------------------

EVERY_OPTIONAL_PART = [path for paths in bake_project.UNSELECTED_PARTS.values() for path in paths]


def lay_out(project: Path) -> None:
    """Every optional part, as a file or a folder holding one."""
    for relative in EVERY_OPTIONAL_PART:
        path = project / relative
        if path.suffix:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("x\n", encoding="utf-8")
        else:
            (path / "inside").mkdir(parents=True)


@pytest.mark.parametrize(
    ("choices", "gone"),
    [
        ({"docker": "yes", "ci_workflow": "yes", "edition": "student"}, set()),
        ({"docker": "no", "ci_workflow": "yes", "edition": "student"}, {("docker", "no")}),
        (
            {"docker": "yes", "ci_workflow": "no", "edition": "instructor"},
            {("ci_workflow", "no"), ("edition", "instructor")},
        ),
    ],
    ids=["all-kept", "no-docker", "no-ci-instructor"],
)
def test_unselected_parts_go_and_chosen_ones_stay(tmp_path, choices, gone):
    """It removes exactly the files and folders of the parts not chosen."""
    lay_out(tmp_path)
    bake_project.remove_unselected_parts(tmp_path, answers(**choices))
    for reason, paths in bake_project.UNSELECTED_PARTS.items():
        for relative in paths:
            assert (tmp_path / relative).exists() == (reason not in gone), relative


def test_answers_are_saved_exactly_as_typed(tmp_path):
    """It saves the answers as JSON, quotes, braces and accents kept as typed."""
    odd = answers(project_name="O'Brien's \"Café\" {{ 7*7 }}\n", _template="gh:me/template")
    bake_project.save_answers(tmp_path, {**odd, "_output_dir": "/tmp/not-kept"})
    saved = json.loads((tmp_path / ".cookiecutter.json").read_text(encoding="utf-8"))
    assert saved == {key: odd[key] for key in [*bake_project.SAVED_ANSWERS, "_template"]}


def test_rendered_hook_holds_the_answers_as_one_string_literal():
    """It renders a hostile answer into a JSON string literal: no code of it can run."""
    hostile = 'x"); import os; os.system("touch /tmp/pwned"); ("'
    context = {"cookiecutter": answers(project_name=hostile, _copy_without_render=["a/*"])}
    rendered = create_env_with_context(context).from_string(HOOK.read_text()).render(**context)
    [assignment] = [
        node
        for node in ast.parse(rendered).body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ANSWERS"
    ]
    [literal] = assignment.value.args  # json.loads(<one argument>)
    assert isinstance(literal, ast.Constant) and isinstance(literal.value, str)
    assert json.loads(literal.value)["project_name"] == hostile


# --- Git ---------------------------------------------------------------------------------------


@pytest.fixture
def plain_git(tmp_path, monkeypatch):
    """git with no user settings at all, as on a fresh machine; return a project folder."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "README.md").write_text("# A project\n", encoding="utf-8")
    (project / "src" / "app.py").write_text("print('hi')\n", encoding="utf-8")
    return project


def git_output(project: Path, *arguments: str) -> str:
    done = subprocess.run(["git", *arguments], cwd=project, capture_output=True, text=True)
    return done.stdout.strip()


def test_first_commit_holds_every_file_on_main(plain_git):
    """It makes one commit of every file, on branch main, by the template when git knows no
    author, and writes that author into no config."""
    assert bake_project.make_first_commit(plain_git, "en") is None
    assert git_output(plain_git, "rev-list", "--count", "HEAD") == "1"
    assert git_output(plain_git, "branch", "--show-current") == "main"
    assert git_output(plain_git, "ls-files").splitlines() == ["README.md", "src/app.py"]
    assert git_output(plain_git, "log", "-1", "--format=%an") == "ML Restaurant template"
    assert git_output(plain_git, "status", "--porcelain") == ""
    assert "user." not in (plain_git / ".git" / "config").read_text(encoding="utf-8")


def test_first_commit_keeps_the_author_git_knows(plain_git, tmp_path):
    """It commits as the person git already knows, when it knows one."""
    (tmp_path / "no-gitconfig").write_text("[user]\n\tname = Ada\n\temail = ada@example.org\n")
    assert bake_project.make_first_commit(plain_git, "en") is None
    assert git_output(plain_git, "log", "-1", "--format=%an <%ae>") == "Ada <ada@example.org>"


@pytest.mark.parametrize(("language", "words"), [("en", "not installed"), ("fr", "non installé")])
def test_missing_git_is_said_and_the_project_stays(plain_git, monkeypatch, language, words):
    """It says, in the language, that git is missing, and changes nothing."""
    monkeypatch.setenv("PATH", str(plain_git / "no-tools-here"))
    assert bake_project.make_first_commit(plain_git, language) == words
    assert not (plain_git / ".git").exists()


def test_folder_inside_a_repository_is_left_as_it_is(plain_git):
    """It neither nests a repository nor commits into the one around the folder."""
    subprocess.run(["git", "init", "--quiet"], cwd=plain_git.parent, check=True)
    inner = plain_git / "inner"
    inner.mkdir()
    assert "already inside a git repository" in bake_project.make_first_commit(inner, "en")
    assert not (inner / ".git").exists()
    assert git_output(plain_git.parent, "rev-list", "--all") == ""


def test_a_failing_git_step_leaves_no_half_made_repository(plain_git, tmp_path, monkeypatch):
    """It names the step that failed and removes the repository it had begun."""
    tools = tmp_path / "tools"
    tools.mkdir()
    real = shutil.which("git")
    fake = tools / "git"
    fake.write_text(f'#!/bin/sh\nfor a; do [ "$a" = commit ] && exit 1; done\nexec {real} "$@"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:{Path(real).parent}")
    assert bake_project.make_first_commit(plain_git, "fr") == "« git commit » a échoué"
    assert not (plain_git / ".git").exists()


# --- Last words and the steps' own code --------------------------------------------------------


@pytest.mark.parametrize(("language", "words"), [("en", "is ready"), ("fr", "est prêt")])
def test_next_steps_are_said_in_the_language(language, words):
    """It names the folder and the two commands, in the project's language."""
    said = bake_project.next_steps(answers(language=language, project_slug="farm"))
    assert words in said and "cd farm" in said and "python3 run.py up" in said


@pytest.mark.parametrize("check", [["check"], ["format", "--check"]], ids=" ".join)
def test_steps_code_is_lint_clean(check):
    """It holds the steps to the template's own ruff rules (ruff skips the project folder)."""
    files = sorted(BAKE.glob("*.py"))
    config = ["--config", str(TEMPLATE / "pyproject.toml")]
    result = subprocess.run([RUFF, *check, *config, *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("language", "label"), [("en", '"rows"'), ("fr", '"lignes"')])
def test_code_lines_marked_for_a_language_are_kept_in_that_language_only(language, label):
    """It keeps a code line marked `# lang="xx"` in that language only, without the mark."""
    source = 'x = 1\naxis.set_xlabel("rows")  # lang="en"\naxis.set_xlabel("lignes")  # lang="fr"\n'
    notebook = bake_notebooks.build_notebook(f"# %%\n{source}", answers(language=language), True)
    assert cells(notebook, "code") == [f"x = 1\naxis.set_xlabel({label})"]


@pytest.mark.parametrize("source", sorted(SOURCES.glob("*.py")), ids=lambda path: path.stem)
def test_every_placeholder_stops_in_its_own_cell(source):
    """It follows every `name = ...` placeholder, in the same cell, with a check of `name`, and
    every longer exercise raises in its cell: "not done yet" shows under the cell to edit."""
    notebook = bake_notebooks.build_notebook(source.read_text(encoding="utf-8"), ANSWERS, False)
    for code in cells(notebook, "code"):
        for found in re.finditer(r"^(\w+) = \.\.\.  # ✏️.*$", code, re.MULTILINE):
            after = code[found.end() :]
            assert re.search(rf"\w+\([^)]*\b{found.group(1)}\b", after), code
        if "from ml_restaurant.workshop import ExerciseNotDone" in code:
            assert re.search(r"^raise ExerciseNotDone\(\d+\)$", code, re.MULTILINE), code
