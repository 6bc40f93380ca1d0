"""Time one variant's full instructor sequence of notebooks, as a class would run it.

    python3 benchmarks/notebook_timing.py                      bake crop_yield/en, install, time
    python3 benchmarks/notebook_timing.py --use-case house_prices --language fr
    python3 benchmarks/notebook_timing.py --project /path/to/baked/instructor/project

The notebooks run one after the other against one private lab book (as a learner's would),
each in a fresh kernel; the kitchen and shop window they need are started by the notebooks
themselves. Prints the seconds per notebook, the slowest cells, and the number of exercises and
self-checks in each. Target: the whole sequence in 120 s or less on 2 cores.
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
import json, os, re, socket, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

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
report = []
for path in sorted(Path("notebooks").glob("*.ipynb")):
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": "notebooks"}})
    cell_seconds = []
    with client.setup_kernel():
        kernel_ready = time.perf_counter() - started
        for index, cell in enumerate(notebook.cells):
            before = time.perf_counter()
            client.execute_cell(cell, index)
            cell_seconds.append((time.perf_counter() - before, index))
    markdown = " ".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    report.append({
        "notebook": path.stem,
        "seconds": time.perf_counter() - started,
        "kernel": kernel_ready,
        "slowest": sorted(cell_seconds, reverse=True)[:3],
        "exercises": len(re.findall(r"\*\*Exerci[cs]e \d+\.\*\*", markdown)),
        "self_checks": sum(bool(re.search(r"\bcheck_\w+\(", source)) for source in code),
    })
print(json.dumps(report))
"""


def run(*command, cwd=None, capture=False) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        check=True,
        text=True,
        capture_output=capture,
    )
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
        capture=True,
    )
    project = next(folder.iterdir())
    # Installing is not timed: only one harmless test runs, to build .venv.
    run(
        sys.executable,
        "run.py",
        "test",
        "-q",
        "-k",
        "at_least_one_notebook",
        cwd=project,
        capture=True,
    )
    return project


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--use-case", default="crop_yield")
    options.add_argument("--language", default="en")
    options.add_argument("--project", type=Path, help="an installed, baked instructor project")
    args = options.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        project = args.project or bake_and_install(args.use_case, args.language, scratch / "bake")
        (scratch / "lab").mkdir()
        output = run(
            project / ".venv" / "bin" / "python",
            "-c",
            TIMER,
            scratch / "lab",
            cwd=project,
            capture=True,
        )
    report = json.loads(output.strip().splitlines()[-1])

    print(
        f"{'notebook':<24}{'seconds':>8}{'kernel':>8}{'exercises':>11}{'self-checks':>13}"
        "   slowest cells (s, index)"
    )
    for row in report:
        slowest = ", ".join(f"{seconds:.1f}s #{index}" for seconds, index in row["slowest"])
        print(
            f"{row['notebook']:<24}{row['seconds']:>8.1f}{row['kernel']:>8.1f}"
            f"{row['exercises']:>11}{row['self_checks']:>13}   {slowest}"
        )
    total = sum(row["seconds"] for row in report)
    verdict = "within" if total <= TARGET_SECONDS else "OVER"
    print(f"{'total':<24}{total:>8.1f}   ({verdict} the {TARGET_SECONDS} s target)")


if __name__ == "__main__":
    main()
