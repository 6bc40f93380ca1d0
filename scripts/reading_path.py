"""Print the reading path of every baked variant: the files a learner reads, in order, and
how many lines each one has.

    .venv/bin/python scripts/reading_path.py        (from the template's folder)

The path itself is written once, in the baked README: the numbered list under the heading
"The reading path" ("Le chemin de lecture" in French). This script bakes each use case in
each language into a temporary folder, reads that list, counts lines (comments included) and
prints them beside the caps the project holds itself to. It informs; it never fails.
"""

import importlib.util
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]
HEADINGS = ("## The reading path", "## Le chemin de lecture")
STEP = re.compile(r"^\d+\.\s+`([^`]+)`")  # "3. `src/pkg/kitchen/app.py`: ..."
CAPS = {"kitchen": 250, "shop": 250, "lab": 200}
FILE_CAP = 150
TOTAL_CAP = 900


def reading_path(readme: str) -> list[str]:
    """The files listed, in order, under the reading path's heading of a README."""
    lines = readme.splitlines()
    start = next(number for number, line in enumerate(lines) if line.strip() in HEADINGS)
    path = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        step = STEP.match(line.strip())
        if step:
            path.append(step.group(1))
    return path


def part_of(relative: str) -> str:
    """`src/pkg/kitchen/app.py` belongs to the kitchen; `src/pkg/menu.py` to itself."""
    parts = Path(relative).parts
    return parts[2] if len(parts) > 3 else Path(relative).stem


def report(project: Path, title: str) -> None:
    counts = {
        relative: len((project / relative).read_text(encoding="utf-8").splitlines())
        for relative in reading_path((project / "README.md").read_text(encoding="utf-8"))
    }
    by_part = defaultdict(int)
    print(f"\n{title}")
    for relative, lines in counts.items():
        by_part[part_of(relative)] += lines
        over = "  (over the cap of one file)" if lines > FILE_CAP else ""
        print(f"  {lines:5d}  {relative}{over}")
    for part, lines in by_part.items():
        cap = CAPS.get(part)
        print(f"  {lines:5d}  = {part}" + (f" (cap {cap})" if cap else ""))
    print(f"  {sum(counts.values()):5d}  = the whole path (cap {TOTAL_CAP}), {len(counts)} files")


def main() -> int:
    if importlib.util.find_spec("cookiecutter") is None:  # it bakes, so it needs cookiecutter
        print("This Python has no cookiecutter: run it with the template's tools instead,")
        print("    python3 run.py lint        (once: creates .venv)")
        print("    .venv/bin/python scripts/reading_path.py")
        return 2
    with tempfile.TemporaryDirectory() as output:
        for use_case in ("crop_yield", "house_prices"):
            for language in ("en", "fr"):
                folder = Path(output) / f"{use_case}-{language}"
                bake = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(folder)]
                answers = [f"use_case={use_case}", f"language={language}"]
                subprocess.run([*bake, str(TEMPLATE), *answers], check=True, capture_output=True)
                [project] = folder.iterdir()
                report(project, f"{use_case}, {language}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
