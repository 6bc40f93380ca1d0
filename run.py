"""Two commands for a fresh machine, with nothing but Python 3.11+ installed:

    python3 run.py demo    bake the default project into demo/, then open its lab, kitchen
                           and shop window (trains a first model on the way)
    python3 run.py test    run the template's tests (every option baked, projects installed
                           and run for real); pytest options may follow, e.g. -m "not slow"
    python3 run.py lint    check the template's own code with ruff (lint and format)
    python3 run.py docs    build the documentation site into site/ (mkdocs, strict)

Both create `.venv/` on first use and install the template's tools in it (with uv; uv itself
is installed into `.venv` by pip when it is not already on the machine).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent
VENV = TEMPLATE / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
DEMO = TEMPLATE / "demo"
DEFAULT_SLUG = "ml-restaurant"


def run(*command, cwd=TEMPLATE) -> int:
    print("$", " ".join(str(part) for part in command), flush=True)
    process = subprocess.Popen([str(part) for part in command], cwd=cwd)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            pass  # Ctrl-C reached the command too: wait while it closes what it opened


def must(*command) -> None:
    if run(*command) != 0:
        sys.exit(f"This step failed: {' '.join(str(part) for part in command)}")


def install() -> None:
    """Create .venv if needed and install the template's tools into it."""
    if not PYTHON.exists():
        must(sys.executable, "-m", "venv", VENV)
    uv = shutil.which("uv") or BIN / "uv"
    if not Path(uv).exists():
        must(PYTHON, "-m", "pip", "install", "--quiet", "uv")
    must(uv, "pip", "install", "--python", PYTHON, "--quiet", "-r", "pyproject.toml")


def demo(options: list[str]) -> int:
    """Bake the default project (once) and bring the whole restaurant up."""
    project = DEMO / DEFAULT_SLUG
    if project.exists():
        print(f"Reusing {project} (delete it to bake it again).")
    else:
        must(BIN / "cookiecutter", "--no-input", "--output-dir", DEMO, TEMPLATE, *options)
    return run(sys.executable, "run.py", "up", cwd=project)


def lint() -> int:
    """ruff on the template's own code (the baked project is linted after baking, by the tests)."""
    checked = run(BIN / "ruff", "check", ".")
    return run(BIN / "ruff", "format", "--check", ".") or checked


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - said in words to people with an older Python
        sys.exit(f"The template needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test", "lint", "docs"):
        sys.exit(__doc__)
    command, rest = sys.argv[1], sys.argv[2:]
    install()
    if command == "demo":
        sys.exit(demo(rest))
    if command == "lint":
        sys.exit(lint())
    if command == "docs":
        sys.exit(run(BIN / "mkdocs", "build", "--strict", *rest))
    sys.exit(run(PYTHON, "-m", "pytest", *rest))


if __name__ == "__main__":
    main()
