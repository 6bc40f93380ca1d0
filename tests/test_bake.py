"""Every combination of options bakes a complete, valid project."""

import json
import re
import tomllib

import nbformat
import pytest

from .conftest import CHOICES, TEMPLATE, Baked, bake_into, every_combination

COMBINATIONS = every_combination()

# The exact files of every baked project; {package} is the package name.
ALWAYS = {
    ".cookiecutter.json",
    "AGENTS.md",
    "CLAUDE.md",
    "GEMINI.md",
    ".github/copilot-instructions.md",
    ".devcontainer/devcontainer.json",
    ".env.example",
    ".gitattributes",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".streamlit/config.toml",
    "MLproject",
    "LICENSE",
    "Makefile",
    "README.md",
    "pyproject.toml",
    "run.py",
    "uv.lock",
    "benchmarks/batch_scoring.py",
    "benchmarks/serving.py",
    "notebooks/01_first_experiment.ipynb",
    "notebooks/02_compare_formulas.ipynb",
    "notebooks/03_registry.ipynb",
    "notebooks/04_kitchen.ipynb",
    "notebooks/05_shop_window.ipynb",
    "notebooks/06_banquet.ipynb",
    "notebooks/07_tasting_panel.ipynb",
    "src/{package}/__init__.py",
    "src/{package}/__main__.py",
    "src/{package}/cli.py",
    "src/{package}/data.py",
    "src/{package}/menu.py",
    "src/{package}/processes.py",
    "src/{package}/settings.py",
    "src/{package}/catering/__init__.py",
    "src/{package}/catering/banquet.py",
    "src/{package}/catering/tables.py",
    "src/{package}/lab/__init__.py",
    "src/{package}/lab/lab_book.py",
    "src/{package}/lab/registry.py",
    "src/{package}/lab/train.py",
    "src/{package}/kitchen/__init__.py",
    "src/{package}/kitchen/app.py",
    "src/{package}/kitchen/deps.py",
    "src/{package}/kitchen/model.py",
    "src/{package}/kitchen/refusals.py",
    "src/{package}/kitchen/routes.py",
    "src/{package}/kitchen/safety.py",
    "src/{package}/rush_hour/__init__.py",
    "src/{package}/rush_hour/batching.py",
    "src/{package}/rush_hour/encoder.py",
    "src/{package}/rush_hour/reader.py",
    "src/{package}/order_book/__init__.py",
    "src/{package}/order_book/book.py",
    "src/{package}/order_book/store.py",
    "src/{package}/shop/__init__.py",
    "src/{package}/shop/app.py",
    "src/{package}/shop/batch.py",
    "src/{package}/shop/client.py",
    "src/{package}/shop/explain.py",
    "src/{package}/shop/form.py",
    "src/{package}/shop/screens/batch.py",
    "src/{package}/shop/screens/model.py",
    "src/{package}/shop/screens/order.py",
    "src/{package}/shop/screens/what_if.py",
    "src/{package}/workshop/__init__.py",
    "src/{package}/workshop/board.py",
    "src/{package}/workshop/checkpoint.py",
    "src/{package}/workshop/checks.py",
    "src/{package}/workshop/doctor.py",
    "src/{package}/workshop/class_server.py",
    "src/{package}/workshop/classroom.py",
    "src/{package}/workshop/exercises.py",
    "src/{package}/workshop/lockout.py",
    "src/{package}/messages.py",
    "src/{package}/workshop/restaurant.py",
    "src/{package}/workshop/seasons.py",
    "src/{package}/workshop/tasting.py",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/test_benchmark.py",
    "tests/test_class_server.py",
    "tests/test_catering.py",
    "tests/test_cli.py",
    "tests/test_checkpoint.py",
    "tests/test_checks.py",
    "tests/test_data.py",
    "tests/test_doctor.py",
    "tests/test_devcontainer.py",
    "tests/test_kitchen.py",
    "tests/test_kitchen_live.py",
    "tests/test_kitchen_browser.py",
    "tests/test_lab.py",
    "tests/test_language.py",
    "tests/test_menu.py",
    "tests/test_mlproject.py",
    "tests/test_notebooks.py",
    "tests/test_order_book.py",
    "tests/test_processes.py",
    "tests/test_seasons.py",
    "tests/test_shop.py",
    "tests/test_shop_batch.py",
    "tests/test_shop_browser.py",
    "tests/test_wheelhouse.py",
}
# The student edition keeps its solved notebooks aside, for `checkpoint N` (the code it takes
# from the bake's first git commit); an instructor's notebooks are the solutions already.
NOTEBOOKS = sorted(path for path in ALWAYS if path.startswith("notebooks/"))
STUDENT_ONLY = {".workshop/README.md"} | {
    path.replace("notebooks/", ".workshop/solutions/", 1) for path in NOTEBOOKS
}
WITH_DOCKER = {
    ".dockerignore",
    "compose.yaml",
    "compose.scaled.yaml",
    "docker/Dockerfile",
    "docker/kitchen-requirements.txt",
    "docker/nginx.conf",
    "tests/test_kitchen_image.py",
    "tests/test_pass.py",
}
WITH_CI = {".github/workflows/ci.yml", ".github/dependabot.yml"}

# Jinja left unrendered; GitHub's own `${{ }}` expressions are meant to stay.
LEFTOVER_JINJA = re.compile(r"(?<!\$)\{\{|\{%|\{#")


def label(answers: dict) -> str:
    return "-".join(answers.values())


@pytest.fixture(scope="module")
def baked_projects(tmp_path_factory) -> list[Baked]:
    """Bake every combination once for the whole module."""
    return [bake_into(tmp_path_factory.mktemp(label(answers)), answers) for answers in COMBINATIONS]


def test_every_combination_gives_exactly_the_expected_files(baked_projects):
    """It writes the same core files every time, plus exactly the optional parts chosen."""
    for project in baked_projects:
        expected = {path.format(package=project.package) for path in ALWAYS}
        if project.answers["edition"] == "student":
            expected |= STUDENT_ONLY
        if project.answers["docker"] == "yes":
            expected |= WITH_DOCKER
        if project.answers["ci_workflow"] == "yes":
            expected |= WITH_CI
        assert project.files() == expected, label(project.answers)


def test_no_jinja_is_left_anywhere(baked_projects):
    """It renders every template expression: no stray braces reach the project."""
    for project in baked_projects:
        for relative in project.files():
            text = project.read(relative)
            assert not LEFTOVER_JINJA.search(text), f"{relative} in {label(project.answers)}"


def test_toml_json_and_notebooks_are_valid(baked_projects):
    """It writes TOML, JSON and notebooks that their own parsers accept."""
    for project in baked_projects:
        for relative in project.files():
            if relative.endswith(".toml"):
                tomllib.loads(project.read(relative))
            elif relative.endswith(".json"):
                json.loads(project.read(relative))
            elif relative.endswith(".ipynb"):
                notebook = nbformat.reads(project.read(relative), as_version=4)
                nbformat.validate(notebook)
                assert notebook.metadata.kernelspec.name == "python3"
                assert all(not cell.get("outputs") for cell in notebook.cells)


def test_python_files_compile(baked_projects):
    """It writes Python that compiles, whatever the answers."""
    for project in baked_projects:
        for relative in project.files():
            if relative.endswith(".py"):
                compile(project.read(relative), relative, "exec")


def test_answers_are_saved_for_later_updates(baked_projects):
    """It keeps the answers in .cookiecutter.json, so the project can be re-baked or updated."""
    for project in baked_projects:
        saved = json.loads(project.read(".cookiecutter.json"))
        assert {name: saved[name] for name in project.answers} == project.answers


def test_python_version_reaches_every_place_it_sets(baked_projects):
    """It puts the chosen Python version in run.py, the CI matrix, the image and the dev
    container, while requires-python covers every Python offered (one lock serves them all)."""
    oldest = CHOICES["python_version"][0]
    for project in baked_projects:
        version = project.answers["python_version"]
        pyproject = tomllib.loads(project.read("pyproject.toml"))
        assert pyproject["project"]["requires-python"] == f">={oldest}"
        assert f"MINIMUM_PYTHON = ({version.replace('.', ', ')})" in project.read("run.py")
        assert f"python:{version}-bookworm" in project.read(".devcontainer/devcontainer.json")
        if project.answers["ci_workflow"] == "yes":
            workflow = project.read(".github/workflows/ci.yml")
            assert re.search(rf'python-version: \["{re.escape(version)}"[,\]]', workflow)
        if project.answers["docker"] == "yes":
            assert f"FROM python:{version}." in project.read("docker/Dockerfile")


def test_notebooks_follow_language_and_edition(baked_projects):
    """It keeps only the chosen language, and hides the answers in the student edition."""
    for project in baked_projects:
        text = project.read("notebooks/01_first_experiment.ipynb")
        french = project.answers["language"] == "fr"
        assert ("Auto-vérification" in text) == french
        assert ("Self-check" in text) != french
        assert "BEGIN SOLUTION" not in text
        student = project.answers["edition"] == "student"
        assert ("learning_rate = 0.1" in text) != student
        assert ("learning_rate = ..." in text) == student


def test_each_edition_tells_coding_assistants_its_own_rules(baked_projects):
    """It asks an assistant to hint, not answer, in a student bake, and gives maintainers'
    conventions in an instructor bake; the other assistants' files point to AGENTS.md."""
    for project in baked_projects:
        rules = project.read("AGENTS.md")
        student = project.answers["edition"] == "student"
        french = project.answers["language"] == "fr"
        refusal = "Ne pas écrire la réponse" if french else "Do not write an exercise's answer"
        layout = "## Le plan" if french else "## The layout"
        assert (refusal in rules) == student, project.answers
        assert (layout in rules) != student, project.answers
        for pointer in ("CLAUDE.md", "GEMINI.md"):
            assert "[AGENTS.md](AGENTS.md)" in project.read(pointer)
        assert "[AGENTS.md](../AGENTS.md)" in project.read(".github/copilot-instructions.md")


def test_use_case_sets_the_menu(baked_projects):
    """It writes the menu of the chosen use case only."""
    for project in baked_projects:
        menu = project.read(f"src/{project.package}/menu.py")
        crop = project.answers["use_case"] == "crop_yield"
        assert ("soil_type" in menu) == crop
        assert ("area_m2" in menu) != crop


SOURCES = TEMPLATE / "{{cookiecutter.project_slug}}" / "notebooks" / "_sources"


def code_cells(project: Baked, notebook: str) -> list[str]:
    cells = nbformat.reads(project.read(notebook), as_version=4).cells
    return [cell.source for cell in cells if cell.cell_type == "code"]


# The student edition's "your turn" comment is the only words a code cell holds.
YOUR_TURN = re.compile(r"\.\.\.  # ✏️.*")


# A code line the sources keep for one language only (a print, a plot's label) ends like this.
LANGUAGE_LINE = re.compile(r'\s+# lang="\w+"$')


def language_lines() -> set[str]:
    """Every code line the sources keep for one language only, as a bake writes it."""
    return {
        LANGUAGE_LINE.sub("", line).strip()
        for source in SOURCES.glob("*.py")
        for line in source.read_text(encoding="utf-8").splitlines()
        if LANGUAGE_LINE.search(line)
    }


def code_without_words(project: Baked, notebook: str) -> list[str]:
    """The notebook's code cells without the words a learner reads in one language."""
    words = language_lines()
    return [
        "\n".join(line for line in cell.splitlines() if line.strip() not in words)
        for cell in (YOUR_TURN.sub("...", source) for source in code_cells(project, notebook))
    ]


def solution_lines() -> set[str]:
    """Every line written between the sources' solution markers."""
    lines, inside = set(), False
    for source in SOURCES.glob("*.py"):
        for line in source.read_text(encoding="utf-8").splitlines():
            marker = line.strip()
            if marker in ("# BEGIN SOLUTION", "# END SOLUTION"):
                inside = marker == "# BEGIN SOLUTION"
            elif inside and marker:
                lines.add(marker)
    return lines


def test_english_and_french_notebooks_have_the_same_code(baked_projects):
    """It renders the same code cells in both languages: only the words around them and the
    lines the sources mark for one language (prints, plot labels) change."""
    by_other_answers = {}
    for project in baked_projects:
        others = tuple(value for name, value in project.answers.items() if name != "language")
        by_other_answers.setdefault(others, []).append(project)
    for english, french in (pair for pair in by_other_answers.values() if len(pair) == 2):
        notebooks = sorted(name for name in english.files() if name.endswith(".ipynb"))
        assert notebooks == sorted(name for name in french.files() if name.endswith(".ipynb"))
        for notebook in notebooks:
            assert code_without_words(english, notebook) == code_without_words(french, notebook)


def test_student_notebooks_hold_no_solution_line(baked_projects):
    """It leaves no answer line in a student notebook, and every one in an instructor one."""
    answers = solution_lines()
    assert answers, "the sources hold no exercise at all"
    for project in baked_projects:
        # The learner's notebooks; a student's solved ones, kept for `checkpoint`, are apart.
        notebooks = [
            name
            for name in project.files()
            if name.startswith("notebooks/") and name.endswith(".ipynb")
        ]
        code = "\n".join(
            line.strip()
            for name in notebooks
            for cell in code_cells(project, name)
            for line in cell.splitlines()
        )
        given = {line for line in answers if line in code.splitlines()}
        if project.answers["edition"] == "student":
            assert not given, label(project.answers)
        else:
            assert given == answers, label(project.answers)


def test_student_bake_keeps_its_solved_notebooks_for_checkpoint(baked_projects):
    """It keeps, in the student edition only, each notebook solved: the instructor's own."""
    by_other_answers = {}
    for project in baked_projects:
        others = tuple(value for name, value in project.answers.items() if name != "edition")
        by_other_answers.setdefault(others, {})[project.answers["edition"]] = project
    for pair in by_other_answers.values():
        student, instructor = pair["student"], pair["instructor"]
        assert not (instructor.path / ".workshop").exists()
        for notebook in NOTEBOOKS:
            solved = student.read(notebook.replace("notebooks/", ".workshop/solutions/", 1))
            assert solved == instructor.read(notebook), label(student.answers)
        first = "notebooks/01_first_experiment.ipynb"
        assert student.read(first) != instructor.read(first)
