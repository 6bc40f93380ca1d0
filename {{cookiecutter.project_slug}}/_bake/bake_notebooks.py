"""Build the lab's notebooks from their single sources, in the chosen language and edition.

Each notebook has one source in jupytext's "percent" format (`notebooks/_sources/NN_name.py`):

- `# %% [markdown] lang="en"` starts a markdown cell in one language (its lines start with "# "),
- `# %%` starts a code cell, shared by both languages; a line of it that ends with
  `# lang="fr"` is kept in that language only (the words a learner reads: prints, plot labels),
- `# BEGIN SOLUTION` ... `# END SOLUTION` surround an exercise's answer,
- `__PACKAGE__` stands for the project's package name.

The instructor edition keeps the answers. The student edition replaces each one with a
placeholder (see `placeholder_for`), and keeps the solved notebooks in `.workshop/solutions/`:
`checkpoint N` takes everything else from the bake's first git commit, but not those.
"""

import json
import re
import shutil
from pathlib import Path

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
CELL_START = re.compile(r"^# %%(?P<rest>.*)$")
LINE_LANGUAGE = re.compile(r'\s+# lang="(?P<language>\w+)"$')
SOLUTIONS = Path(".workshop") / "solutions"

PLACEHOLDER_COMMENT = {
    "en": "✏️ your turn: replace ... with your answer",
    "fr": "✏️ à vous : remplacez ... par votre réponse",
}


def split_cells(source: str):
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


def markdown_text(lines: list[str]) -> str:
    """The markdown of a cell whose lines are written as comments."""
    text = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines)
    return text.strip("\n")


def in_language(lines: list[str], language: str) -> list[str]:
    """The code lines of one language: unmarked lines, and the marked ones of `language`."""
    kept = []
    for line in lines:
        marked = LINE_LANGUAGE.search(line)
        if not marked:
            kept.append(line)
        elif marked.group("language") == language:
            kept.append(line[: marked.start()])
    return kept


def has_exercise(lines: list[str]) -> bool:
    return any(line.strip() == BEGIN for line in lines)


def without_markers(lines: list[str]) -> list[str]:
    """The solved cell (instructor edition): only the marker lines go."""
    return [line for line in lines if line.strip() not in (BEGIN, END)]


def student_version(lines: list[str], exercise: int, answers: dict) -> list[str]:
    """The cell with each answer replaced by the placeholder the learner fills in."""
    result, answer, inside = [], [], False
    for line in lines:
        marker = line.strip()
        if marker == BEGIN:
            inside, answer = True, []
        elif marker == END:
            inside = False
            result.extend(placeholder_for(answer, exercise, answers))
        elif inside:
            answer.append(line)
        else:
            result.append(line)
    return result


def placeholder_for(answer: list[str], exercise: int, answers: dict) -> list[str]:
    """A one-line answer `name = value` becomes `name = ...`; a longer one keeps its names as
    `name = ...` and raises a friendly "not done yet" error."""
    indent = re.match(r"\s*", answer[0]).group(0) if answer else ""
    one_line = re.match(r"^(\s*[A-Za-z_][\w.]*\s*=)\s*\S", answer[0]) if len(answer) == 1 else None
    if one_line:
        comment = PLACEHOLDER_COMMENT[answers["language"]]
        return [f"{one_line.group(1)} ...  # {comment}"]
    # The names the answer defines stay defined (as `...`), so later cells still read (and lint)
    # as code; the import may follow other lines of the cell, hence the noqa.
    names = re.findall(rf"^{indent}([A-Za-z_]\w*)\s*=[^=]", "\n".join(answer), re.MULTILINE)
    return [
        *(f"{indent}{name} = ..." for name in dict.fromkeys(names)),
        f"{indent}from {answers['package_name']}.workshop import ExerciseNotDone  # noqa: E402",
        "",
        f"{indent}raise ExerciseNotDone({exercise})",
    ]


def code_cell(source: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": source,
    }


def build_notebook(source: str, answers: dict, solved: bool) -> dict:
    """The notebook of one source: the answers' language, solved or with placeholders."""
    cells, exercises = [], 0
    source = source.replace("__PACKAGE__", answers["package_name"])
    for kind, language, lines in split_cells(source):
        if language not in (None, answers["language"]):
            continue
        if kind == "markdown":
            cells.append({"cell_type": "markdown", "metadata": {}, "source": markdown_text(lines)})
            continue
        lines = in_language(lines, answers["language"])
        if has_exercise(lines):
            exercises += 1
            lines = without_markers(lines) if solved else student_version(lines, exercises, answers)
        cells.append(code_cell("\n".join(lines).strip("\n")))
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    metadata = {"kernelspec": kernel, "language_info": {"name": "python"}}
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def write_notebook(notebook: dict, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", "utf-8")


def build_notebooks(project: Path, answers: dict) -> list[Path]:
    """Write the edition's notebooks (and a student's solved ones), then drop the sources."""
    sources = project / "notebooks" / "_sources"
    student = answers["edition"] == "student"
    written = []
    for source_path in sorted(sources.glob("*.py")):
        source, name = source_path.read_text(encoding="utf-8"), f"{source_path.stem}.ipynb"
        written.append(project / "notebooks" / name)
        write_notebook(build_notebook(source, answers, solved=not student), written[-1])
        if student:
            written.append(project / SOLUTIONS / name)
            write_notebook(build_notebook(source, answers, solved=True), written[-1])
    shutil.rmtree(sources)
    return written
