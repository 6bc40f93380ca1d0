"""Time one variant's full instructor sequence of notebooks, as a class would run it.

    python3 benchmarks/notebook_timing.py                      bake crop_yield/en, install, time
    python3 benchmarks/notebook_timing.py --use-case house_prices --language fr
    python3 benchmarks/notebook_timing.py --project /path/to/baked/instructor/project

The notebooks run one after the other against one private lab book (as a learner's would),
each in a fresh kernel; the kitchen and shop window they need are started by the notebooks
themselves. Prints the seconds per notebook, the slowest cells, and the number of exercises and
self-checks in each. Target: the whole sequence in 120 s or less on 2 cores.

The banquet (06) runs Apache Spark: where the project lacks the `spark` extra it is skipped, as
the project's own tests skip it; to time it, install the extra in a baked project
(`uv pip install -e ".[spark]"`) and pass that project with --project. A notebook that stops on
an error is reported with its cell and the error, and the others are still timed.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 120

# Runs inside the baked project's own environment (nbclient lives there, not here).
TIMER = r"""
import importlib.util, json, os, re, socket, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

# As the project's tests/test_notebooks.py: the banquet needs the `spark` extra.
SPARK_NOTEBOOKS = {"06_banquet"}

lab = Path(sys.argv[1])
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    nobody = probe.getsockname()[1]
os.environ.update(
    MLFLOW_TRACKING_URI=f"sqlite:///{(lab / 'mlflow.db').as_posix()}",
    ARTIFACTS_DIR=str(lab / "mlruns"),
    MPLBACKEND="Agg",
    KITCHEN_URL=f"http://127.0.0.1:{nobody}",
)


def timed(notebook):
    # Each cell's seconds; where a cell raises, the row also says which cell and why.
    started = time.perf_counter()
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": "notebooks"}})
    row = {"slowest": []}
    with client.setup_kernel():
        row["kernel"] = time.perf_counter() - started
        for index, cell in enumerate(notebook.cells):
            before = time.perf_counter()
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                reason = (error.evalue or "").strip().splitlines()[:1]
                row["stopped"] = f"cell #{index}, {error.ename}: {' '.join(reason)}"[:160]
                break
            finally:
                row["slowest"].append((time.perf_counter() - before, index))
    row["seconds"] = time.perf_counter() - started
    row["slowest"] = sorted(row["slowest"], reverse=True)[:3]
    return row


report = []
for path in sorted(Path("notebooks").glob("*.ipynb")):
    row = {"notebook": path.stem}
    notebook = nbformat.read(path, as_version=4)
    if path.stem in SPARK_NOTEBOOKS and importlib.util.find_spec("pyspark") is None:
        row["skipped"] = "pyspark is not installed (the spark extra)"
    else:
        row.update(timed(notebook))
    markdown = " ".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    row["exercises"] = len(re.findall(r"\*\*Exerci[cs]e \d+\.\*\*", markdown))
    row["self_checks"] = sum(bool(re.search(r"\bcheck_\w+\(", source)) for source in code)
    report.append(row)
print(json.dumps(report))
"""


def run(*command, cwd=None) -> str:
    """Run `command` and return what it printed; if it fails, say so with its own last words."""
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, text=True, capture_output=True
    )
    if result.returncode != 0:
        last_words = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        step = " ".join(Path(str(part)).name for part in command[:2])
        sys.exit(f"`{step}` failed (exit {result.returncode}):\n{last_words}")
    return result.stdout


def bake_and_install(use_case: str, language: str, folder: Path) -> Path:
    """Bake the instructor edition and install it (its run.py builds .venv)."""
    cookiecutter = TEMPLATE / ".venv" / "bin" / "cookiecutter"
    run(
        cookiecutter,
        "--no-input",
        "-o",
        folder,
        TEMPLATE,
        f"use_case={use_case}",
        f"language={language}",
        "edition=instructor",
    )
    project = next(folder.iterdir())
    # Installing is not timed: only one harmless test runs, to build .venv.
    run(sys.executable, "run.py", "test", "-q", "-k", "at_least_one_notebook", cwd=project)
    return project


def print_report(report: list[dict]) -> bool:
    """Print the table and the verdict; True when every notebook that ran reached its end."""
    print(
        f"{'notebook':<24}{'seconds':>8}{'kernel':>8}{'exercises':>11}{'self-checks':>13}"
        "   slowest cells (s, index)"
    )
    for row in report:
        counts = f"{row['exercises']:>11}{row['self_checks']:>13}"
        if "skipped" in row:
            print(f"{row['notebook']:<24}{'-':>8}{'-':>8}{counts}   skipped: {row['skipped']}")
            continue
        slowest = ", ".join(f"{seconds:.1f}s #{index}" for seconds, index in row["slowest"])
        print(
            f"{row['notebook']:<24}{row['seconds']:>8.1f}{row['kernel']:>8.1f}{counts}   {slowest}"
        )
        if "stopped" in row:
            print(f"{'':<24}STOPPED at {row['stopped']}")

    finished = [row for row in report if "seconds" in row and "stopped" not in row]
    total = sum(row["seconds"] for row in finished)
    verdict = "within" if total <= TARGET_SECONDS else "OVER"
    print(
        f"{'total':<24}{total:>8.1f}   ({verdict} the {TARGET_SECONDS} s target, "
        f"{len(finished)} of {len(report)} notebooks)"
    )
    for row in report:
        if "skipped" in row or "stopped" in row:
            print(
                f"Not in the total: {row['notebook']} "
                f"({'skipped' if 'skipped' in row else 'stopped on an error'})."
            )
    return all("stopped" not in row for row in report)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--use-case", default="crop_yield")
    options.add_argument("--language", default="en")
    options.add_argument("--project", type=Path, help="an installed, baked instructor project")
    args = options.parse_args()
    if args.project and not (args.project / ".venv" / "bin" / "python").exists():
        sys.exit(f"{args.project} has no .venv: install it first (`python3 run.py test` in it).")

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        project = args.project or bake_and_install(args.use_case, args.language, scratch / "bake")
        (scratch / "lab").mkdir()
        python = project / ".venv" / "bin" / "python"
        output = run(python, "-c", TIMER, scratch / "lab", cwd=project)
    report = json.loads(output.strip().splitlines()[-1])
    if not print_report(report):
        sys.exit(1)


if __name__ == "__main__":
    main()
