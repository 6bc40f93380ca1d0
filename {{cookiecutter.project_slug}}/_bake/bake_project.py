"""Finish a freshly baked project: drop the parts not chosen, save the answers, build the
notebooks, make the first git commit, and say what to do next.

`hooks/post_gen_project.py` calls `finish(project, answers)` with the answers decoded from JSON,
so nothing a person typed is ever run as code; the template's tests call each step directly.
"""

import json
import shutil
import subprocess
from pathlib import Path

from bake_notebooks import build_notebooks

# (question, answer) -> what the project does not need when that is the answer.
UNSELECTED_PARTS = {
    ("docker", "no"): [
        *("compose.yaml", "compose.scaled.yaml", "docker", ".dockerignore"),
        *("tests/test_kitchen_image.py", "tests/test_pass.py"),
    ],
    ("ci_workflow", "no"): [".github/workflows", ".github/dependabot.yml"],
    # The instructor's notebooks are the solutions already: nothing to keep aside for them.
    ("edition", "instructor"): [".workshop"],
}

# Answers kept in the project, so it can later be re-baked or updated (cruft, replay).
SAVED_ANSWERS = (
    *("project_name", "project_slug", "package_name"),
    *("use_case", "language", "edition", "docker", "ci_workflow", "python_version"),
)


def remove_unselected_parts(project: Path, answers: dict) -> None:
    for (question, answer), paths in UNSELECTED_PARTS.items():
        if answers[question] != answer:
            continue
        for relative in paths:
            path = project / relative
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()


def save_answers(project: Path, answers: dict) -> None:
    saved = {key: answers[key] for key in SAVED_ANSWERS}
    saved["_template"] = answers.get("_template", "")
    text = json.dumps(saved, indent=2, ensure_ascii=False) + "\n"
    (project / ".cookiecutter.json").write_text(text, encoding="utf-8")


# --- Git ----------------------------------------------------------------------------------------
# The project starts as a git repository with one commit, so a learner's first change shows as a
# diff, `checkpoint N` can put the baked code back, and `cruft update` can later apply the
# template's changes. Nothing here may stop the bake: without git, or when git fails, one line
# says so and the project is still complete.

# Used for the first commit only, and only when git knows no name or e-mail (a fresh machine):
# it is passed on that one command line, never written to any git config.
TEMPLATE_AUTHOR = {"user.name": "ML Restaurant template", "user.email": "template@localhost"}
FIRST_COMMIT_MESSAGE = "Baked from the ML Restaurant template"

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


def git(project: Path, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *arguments], cwd=project, capture_output=True, text=True, check=check, timeout=60
    )


def author_options(project: Path) -> list[str]:
    """`-c user.name=... -c user.email=...` for what git does not know yet, else nothing."""
    options = []
    for key, value in TEMPLATE_AUTHOR.items():
        if not git(project, "config", "--get", key, check=False).stdout.strip():
            options += ["-c", f"{key}={value}"]
    return options


def make_first_commit(project: Path, language: str) -> str | None:
    """Make the project a git repository holding one commit of every baked file.

    Return None when done, else the reason it was not, in `language`."""
    if shutil.which("git") is None:
        return GIT_REASONS["missing"][language]
    if git(project, "rev-parse", "--is-inside-work-tree", check=False).returncode == 0:
        return GIT_REASONS["inside"][language]
    unsigned = [*author_options(project), "-c", "commit.gpgsign=false"]
    commit = [*unsigned, "commit", "--quiet", "--no-verify", "-m", FIRST_COMMIT_MESSAGE]
    steps = [
        ("init", ["init", "--quiet"]),
        # The branch is "main", whatever this git's own default is.
        ("symbolic-ref", ["symbolic-ref", "HEAD", "refs/heads/main"]),
        ("add", ["add", "--all"]),
        ("commit", commit),
    ]
    for name, step in steps:
        try:
            git(project, *step)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            shutil.rmtree(project / ".git", ignore_errors=True)  # no half-made repository left
            return GIT_REASONS["failed"][language].format(command=f"git {name}")
    return None


# --- Last words ---------------------------------------------------------------------------------


def next_steps(answers: dict) -> str:
    slug, package = answers["project_slug"], answers["package_name"]
    if answers["language"] == "fr":
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
    return "\n".join(lines)


def finish(project: Path, answers: dict) -> None:
    """Every step, in order; the first commit comes last, so it holds what the others wrote."""
    remove_unselected_parts(project, answers)
    save_answers(project, answers)
    build_notebooks(project, answers)
    problem = make_first_commit(project, answers["language"])
    if problem:
        print(GIT_SKIPPED[answers["language"]].format(reason=problem))
    print(next_steps(answers))
