"""Two commands for a fresh machine, with nothing but Python installed:

    python3 run.py up      install the project, then open the lab, the kitchen and the shop window
    python3 run.py test    install the project, then run its tests

Both create `.venv/` on first use (with uv when it is there, otherwise uv is installed into
`.venv` by pip) and install this project into it. Anything after the command is passed on:
`python3 run.py up --kitchen-port 8080`, `python3 run.py test -k kitchen`.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent
VENV = PROJECT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
COMMAND = "{{ cookiecutter.package_name }}"
MINIMUM_PYTHON = ({{ cookiecutter.python_version.replace(".", ", ") }})


def run(*command) -> int:
    print("$", " ".join(str(part) for part in command), flush=True)
    process = subprocess.Popen([str(part) for part in command], cwd=PROJECT)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            pass  # Ctrl-C reached the command too: wait while it closes what it opened


def must(*command) -> None:
    if run(*command) != 0:
        sys.exit(f"This step failed: {' '.join(str(part) for part in command)}")


def install() -> None:
    """Create .venv if needed and install the project (with its test and notebook tools)."""
    if not PYTHON.exists():
        must(sys.executable, "-m", "venv", VENV)
    uv = shutil.which("uv") or BIN / "uv"
    if not Path(uv).exists():
        must(PYTHON, "-m", "pip", "install", "--quiet", "uv")
    must(uv, "pip", "install", "--python", PYTHON, "--quiet", "-e", ".[dev]")


def main() -> None:
    if sys.version_info < MINIMUM_PYTHON:
        wanted = ".".join(map(str, MINIMUM_PYTHON))
        sys.exit(f"This project needs Python {wanted} or newer; this is {sys.version.split()[0]}.")
    if len(sys.argv) < 2 or sys.argv[1] not in ("up", "test"):
        sys.exit(__doc__)
    command, rest = sys.argv[1], sys.argv[2:]
    install()
    if command == "up":
        sys.exit(run(BIN / COMMAND, "up", *rest))
    sys.exit(run(PYTHON, "-m", "pytest", *rest))


if __name__ == "__main__":
    main()
