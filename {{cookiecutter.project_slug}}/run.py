"""Two commands for a fresh machine, with nothing but Python installed:

    python3 run.py up      install the project, then open the lab, the kitchen and the shop window
    python3 run.py test    install the project, then run its tests

Both create `.venv/` on first use (with uv when it is there, otherwise uv is installed into
`.venv` by pip) and install this project into it. Anything after the command is passed on:
`python3 run.py up --kitchen-port 8080`, `python3 run.py test -k kitchen`.

For a classroom without internet, prepare a wheelhouse (a folder of every package) beforehand,
on a machine with the same system and Python as the learners', then install from it offline:

    python3 run.py wheelhouse [DIR]          download every package into DIR (default: wheelhouse)
    python3 run.py up --offline DIR          install from DIR only, no network, then open it all
    python3 run.py test --offline DIR        the same, then run the tests

Options after `wheelhouse DIR` go to `pip download` (e.g. `--platform win_amd64 --python-version
3.11 --only-binary=:all:` to prepare for another system).
"""

import contextlib
import os
import shutil
import signal
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
    """Run `command` until it ends; Ctrl-C or SIGTERM is passed on to it, then waited for."""
    print("$", " ".join(str(part) for part in command), flush=True)
    process = subprocess.Popen([str(part) for part in command], cwd=PROJECT)
    return wait_passing_signals_on(process)


def wait_passing_signals_on(process: subprocess.Popen) -> int:
    """Wait for `process`, passing on to it each Ctrl-C or SIGTERM this one receives.

    Ctrl-C in a terminal reaches both processes; a stop button or `kill PID` reaches only this
    one, and the command must hear it too to close what it opened. (The command ignores a
    repeat while it closes, so hearing it twice does no harm.)
    """

    def pass_on(number, frame) -> None:
        with contextlib.suppress(OSError, ValueError):  # gone already; Windows refuses SIGINT
            process.send_signal(number)

    before = {number: signal.signal(number, pass_on) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        return process.wait()
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def must(*command) -> None:
    if run(*command) != 0:
        sys.exit(f"This step failed: {' '.join(str(part) for part in command)}")


def install(wheelhouse: Path | None = None) -> None:
    """Create .venv if needed and install the project (with its test and notebook tools).

    With a wheelhouse, every package comes from that folder and nothing from the network.
    """
    offline = ["--no-index", "--find-links", str(wheelhouse)] if wheelhouse else []
    if not PYTHON.exists():
        must(sys.executable, "-m", "venv", VENV)
    uv = shutil.which("uv") or BIN / "uv"
    if not Path(uv).exists():
        must(PYTHON, "-m", "pip", "install", "--quiet", *offline, "uv")
    if wheelhouse:
        offline.insert(0, "--offline")  # uv: no network at all, not even to check its cache
    must(uv, "pip", "install", "--python", PYTHON, "--quiet", *offline, "-e", ".[dev]")


# --- Offline classrooms --------------------------------------------------------------------------
# What a wheelhouse must hold: the project's packages (with the test and notebook tools), what
# builds the project itself (hatchling, and editables for `-e`), and uv, which install() adds
# when the machine has none.
BUILD_TOOLS = ["hatchling>=1.25", "editables", "uv"]


def make_wheelhouse(folder: Path, pip_options: list[str]) -> int:
    """Download every package the project needs into `folder`, for an offline install later."""
    if not PYTHON.exists():
        must(sys.executable, "-m", "venv", VENV)  # a pip of our own: some systems lack one
    folder.mkdir(parents=True, exist_ok=True)
    download = [PYTHON, "-m", "pip", "download", "--quiet", "--dest", folder, *pip_options]
    must(*download, ".[dev]")
    must(*download, *BUILD_TOOLS)
    count = len(list(folder.iterdir()))
    size = sum(path.stat().st_size for path in folder.iterdir()) / 1e6
    print(f"The wheelhouse {folder} holds {count} files ({size:.0f} MB). In the classroom:")
    print(f"    python3 run.py up --offline {folder}")
    return 0


def offline_folder(rest: list[str]) -> tuple[Path | None, list[str]]:
    """Take `--offline DIR` out of the arguments; return the folder and the other arguments."""
    if "--offline" not in rest:
        return None, rest
    at = rest.index("--offline")
    if at + 1 >= len(rest):
        sys.exit("--offline needs the wheelhouse folder: python3 run.py up --offline wheelhouse")
    folder = Path(rest[at + 1]).resolve()
    if not folder.is_dir() or not any(folder.iterdir()):
        sys.exit(
            f"The wheelhouse {folder} is missing or empty. Prepare it beforehand, with network: "
            "python3 run.py wheelhouse"
        )
    return folder, rest[:at] + rest[at + 2 :]


def main() -> None:
    if sys.version_info < MINIMUM_PYTHON:
        wanted = ".".join(map(str, MINIMUM_PYTHON))
        sys.exit(f"This project needs Python {wanted} or newer; this is {sys.version.split()[0]}.")
    if len(sys.argv) < 2 or sys.argv[1] not in ("up", "test", "wheelhouse"):
        sys.exit(__doc__)
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "wheelhouse":
        folder = Path(rest[0] if rest and not rest[0].startswith("-") else "wheelhouse")
        options = rest[1:] if rest and not rest[0].startswith("-") else rest
        sys.exit(make_wheelhouse(folder.resolve(), options))
    wheelhouse, rest = offline_folder(rest)
    install(wheelhouse)
    if command == "up":
        sys.exit(run(BIN / COMMAND, "up", *rest))
    sys.exit(run(PYTHON, "-m", "pytest", *rest))


if __name__ == "__main__":
    main()
