"""Finish the baked project: drop the parts not chosen, build the notebooks, say what's next.

Runs inside the new project folder. Like the pre-generation hook, it receives the answers as
JSON literals (`|tojson`) so that nothing a person typed can run as code.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

ANSWERS = json.loads({{ cookiecutter | tojson | tojson }})
PROJECT = Path.cwd()

# Answers that are kept in the project, so it can later be re-baked or updated (cruft, replay).
SAVED_ANSWERS = (
    "project_name", "project_slug", "package_name", "use_case", "language", "edition",
    "docker", "ci_workflow", "python_version",
)

OPTIONAL_PARTS = {
    "docker": [
        "compose.yaml", "compose.scaled.yaml", "docker", ".dockerignore",
        "tests/test_kitchen_image.py", "tests/test_pass.py",
    ],
    "ci_workflow": [".github"],
}

PLACEHOLDER_COMMENT = {
    "en": "✏️ your turn: replace ... with your answer",
    "fr": "✏️ à vous : remplacez ... par votre réponse",
}


def remove_unselected_parts():
    for option, paths in OPTIONAL_PARTS.items():
        if ANSWERS[option] == "yes":
            continue
        for relative in paths:
            path = PROJECT / relative
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()


def save_answers():
    answers = {key: ANSWERS[key] for key in SAVED_ANSWERS}
    answers["_template"] = ANSWERS.get("_template", "")
    text = json.dumps(answers, indent=2, ensure_ascii=False) + "\n"
    (PROJECT / ".cookiecutter.json").write_text(text, encoding="utf-8")


# --- Notebooks ---------------------------------------------------------------------------------
# Each notebook has one source in jupytext's "percent" format (notebooks/_sources/NN_name.py):
#   "# %% [markdown] lang=\"en\"" starts a markdown cell in one language (lines start with "# "),
#   "# %%" starts a code cell shared by both languages,
#   "# BEGIN SOLUTION" ... "# END SOLUTION" surround an exercise's answer,
#   "__PACKAGE__" stands for the project's package name.
# The bake keeps the chosen language, and in the student edition replaces each answer: a one-line
# answer "name = value" becomes "name = ...", a longer one keeps its names as "name = ..." and
# raises a friendly "not done yet" error.

CELL_START = re.compile(r"^# %%(?P<rest>.*)$")


def split_cells(source):
    """Yield (kind, language, lines) for each cell of a percent-format source."""
    kind, language, lines = None, None, []
    for line in source.splitlines():
        start = CELL_START.match(line)
        if start:
            if kind:
                yield kind, language, lines
            rest = start.group("rest")
            kind = "markdown" if "[markdown]" in rest else "code"
            found = re.search(r'lang="(\w+)"', rest)
            language = found.group(1) if found else None
            lines = []
        elif kind:
            lines.append(line)
    if kind:
        yield kind, language, lines


def markdown_text(lines):
    text = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines)
    return text.strip("\n")


def student_version(lines, exercise_number):
    """Replace each solution block with a placeholder the learner fills in."""
    result, answer, inside = [], [], False
    for line in lines:
        marker = line.strip()
        if marker == "# BEGIN SOLUTION":
            inside, answer = True, []
        elif marker == "# END SOLUTION":
            inside = False
            result.extend(placeholder_for(answer, exercise_number))
        elif inside:
            answer.append(line)
        else:
            result.append(line)
    return result


def without_markers(lines):
    """Keep the answers (instructor edition), dropping only the marker lines."""
    return [line for line in lines if line.strip() not in ("# BEGIN SOLUTION", "# END SOLUTION")]


def placeholder_for(answer, exercise_number):
    indent = re.match(r"\s*", answer[0]).group(0) if answer else ""
    one_line = re.match(r"^(\s*[A-Za-z_][\w.]*\s*=)\s*\S", answer[0]) if len(answer) == 1 else None
    if one_line:
        comment = PLACEHOLDER_COMMENT[ANSWERS["language"]]
        return [f"{one_line.group(1)} ...  # {comment}"]
    # The names the answer defines stay defined (as `...`), so later cells still read (and lint)
    # as code; the import may follow other lines of the cell, hence the noqa.
    package = ANSWERS["package_name"]
    names = re.findall(rf"^{indent}([A-Za-z_]\w*)\s*=[^=]", "\n".join(answer), re.MULTILINE)
    return [
        *(f"{indent}{name} = ..." for name in dict.fromkeys(names)),
        f"{indent}from {package}.workshop import ExerciseNotDone  # noqa: E402",
        "",
        f"{indent}raise ExerciseNotDone({exercise_number})",
    ]


def build_notebook(source_path, student=None):
    language = ANSWERS["language"]
    if student is None:
        student = ANSWERS["edition"] == "student"
    cells, exercises = [], 0
    source = source_path.read_text(encoding="utf-8").replace("__PACKAGE__", ANSWERS["package_name"])
    for kind, cell_language, lines in split_cells(source):
        if cell_language not in (None, language):
            continue
        if kind == "markdown":
            cells.append({"cell_type": "markdown", "metadata": {}, "source": markdown_text(lines)})
            continue
        if any(line.strip() == "# BEGIN SOLUTION" for line in lines):
            exercises += 1
            lines = student_version(lines, exercises) if student else without_markers(lines)
        code = "\n".join(lines).strip("\n")
        cells.append(
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
             "source": code}
        )
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write_notebook(notebook, target):
    for number, cell in enumerate(notebook["cells"]):
        cell["id"] = f"cell-{number}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", "utf-8")


def build_notebooks():
    """Write the chosen edition's notebooks; for a student edition, the solved ones too, where
    `checkpoint` reads them (every other file it puts back comes from the first git commit)."""
    sources = PROJECT / "notebooks" / "_sources"
    for source_path in sorted(sources.glob("*.py")):
        name = f"{source_path.stem}.ipynb"
        write_notebook(build_notebook(source_path), PROJECT / "notebooks" / name)
        if ANSWERS["edition"] == "student":
            write_notebook(build_notebook(source_path, student=False), SOLUTIONS / name)
    shutil.rmtree(sources)


SOLUTIONS = PROJECT / ".workshop" / "solutions"


# --- Git ----------------------------------------------------------------------------------------
# The project starts as a git repository with one commit, so a learner's first change shows as a
# diff and `cruft update` can later apply the template's changes. Nothing here may stop the bake:
# without git, or when git fails, one line says so and the project is still complete.

# Used for the first commit only, and only when git knows no name or e-mail (a fresh machine):
# it is passed on that one command line, never written to any git config.
TEMPLATE_AUTHOR = {"user.name": "ML Restaurant template", "user.email": "template@localhost"}

GIT_SKIPPED = {
    "en": "(git: {reason}; the project is complete, but not a git repository yet.)",
    "fr": "(git : {reason} ; le projet est complet, mais n'est pas encore un dépôt git.)",
}
GIT_REASONS = {
    "missing": {"en": "not installed", "fr": "non installé"},
    "inside": {
        "en": "the folder is already inside a git repository, left as it is",
        "fr": "le dossier est déjà dans un dépôt git, laissé tel quel",
    },
    "failed": {"en": "'{command}' failed", "fr": "« {command} » a échoué"},
}


def git(*arguments, check=True):
    return subprocess.run(
        ["git", *arguments], cwd=PROJECT, capture_output=True, text=True, check=check, timeout=60
    )


def author_options():
    """`-c user.name=... -c user.email=...` for what git does not know yet, else nothing."""
    options = []
    for key, value in TEMPLATE_AUTHOR.items():
        if not git("config", "--get", key, check=False).stdout.strip():
            options += ["-c", f"{key}={value}"]
    return options


def make_first_commit():
    """Turn the project into a git repository holding one commit of every baked file."""
    language = ANSWERS["language"]
    if shutil.which("git") is None:
        return GIT_REASONS["missing"][language]
    if git("rev-parse", "--is-inside-work-tree", check=False).returncode == 0:
        return GIT_REASONS["inside"][language]
    commit = [*author_options(), "-c", "commit.gpgsign=false", "commit", "--quiet",
              "--no-verify", "-m", "Baked from the ML Restaurant template"]
    steps = [
        ("init", ["init", "--quiet"]),
        # The branch is "main", whatever this git's own default is.
        ("symbolic-ref", ["symbolic-ref", "HEAD", "refs/heads/main"]),
        ("add", ["add", "--all"]),
        ("commit", commit),
    ]
    for name, step in steps:
        try:
            git(*step)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            shutil.rmtree(PROJECT / ".git", ignore_errors=True)  # no half-made repository left
            return GIT_REASONS["failed"][language].format(command=f"git {name}")
    return None


def print_next_steps():
    slug, package = ANSWERS["project_slug"], ANSWERS["package_name"]
    if ANSWERS["language"] == "fr":
        lines = [
            f"\nLe projet {slug} est prêt. Pour ouvrir le laboratoire, la cuisine et la vitrine :",
            f"    cd {slug}",
            "    python3 run.py up",
            "Pour lancer ses tests :  python3 run.py test",
            f"Toutes les commandes :   {package} --help (après la première commande)\n",
        ]
    else:
        lines = [
            f"\nYour project {slug} is ready. To open the lab, the kitchen and the shop window:",
            f"    cd {slug}",
            "    python3 run.py up",
            "To run its tests:  python3 run.py test",
            f"Every command:     {package} --help (after the first command)\n",
        ]
    print("\n".join(lines))


def main():
    remove_unselected_parts()
    save_answers()
    build_notebooks()
    problem = make_first_commit()
    if problem:
        print(GIT_SKIPPED[ANSWERS["language"]].format(reason=problem))
    print_next_steps()


if __name__ == "__main__":
    main()
