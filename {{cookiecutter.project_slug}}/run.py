"""Two commands for a fresh machine, with nothing but Python installed:

    python3 run.py up      install the project, then open the lab, the kitchen and the shop window
    python3 run.py test    install the project, then run its tests

Both create `.venv/` on first use (with uv when it is there, otherwise uv is installed into
`.venv` by pip) and install this project into it. Anything after the command is passed on:
`python3 run.py up --kitchen-port 8080`, `python3 run.py test -k kitchen`.

Every package comes at the version written in uv.lock, the project's lock: the same on every
machine, this month and next. `--extra spark` adds an option (`python3 run.py test --extra spark
-m spark`).

For a classroom without internet, prepare a wheelhouse (a folder of every package) beforehand,
on a machine with the same system and Python as the learners', then install from it offline:

    python3 run.py wheelhouse [DIR]          download every locked package (default DIR: wheelhouse)
    python3 run.py up --offline DIR          install from DIR only, no network, then open it all
    python3 run.py test --offline DIR        the same, then run the tests

Options after `wheelhouse DIR` go to `pip download` (e.g. `--platform win_amd64 --python-version
3.11 --only-binary=:all:` to prepare for another system).
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


# --- Installing: exactly what uv.lock says -------------------------------------------------------
# The project itself, its notebooks' tools, the `class` extra (the class server's tests need it)
# and the groups of test and lint tools (`dev`). --inexact: what a learner added by hand stays.
LOCKED = ["--locked", "--extra", "class", "--group", "dev"]
OLDEST_UV = (0, 9)  # reads and writes this lock's format; pyproject.toml's [tool.uv] says the same


def version_of(uv: Path | str) -> tuple[int, ...]:
    shown = subprocess.run([str(uv), "--version"], capture_output=True, text=True).stdout
    numbers = shown.split()[1].split(".") if len(shown.split()) > 1 else []
    return tuple(int(part) for part in numbers if part.isdigit())


def find_uv(offline: list[str]) -> Path | str:
    """The machine's uv when it is recent enough, else one installed into .venv by pip."""
    found = shutil.which("uv")
    if found and version_of(found) >= OLDEST_UV:
        return found
    uv = BIN / ("uv.exe" if os.name == "nt" else "uv")
    if not uv.exists() or version_of(uv) < OLDEST_UV:
        wanted = "uv>=" + ".".join(map(str, OLDEST_UV))
        must(PYTHON, "-m", "pip", "install", "--quiet", *offline, wanted)
    return uv


def install(wheelhouse: Path | None = None, extras: tuple[str, ...] = ()) -> None:
    """Create .venv if needed and install into it exactly the packages of uv.lock.

    With a wheelhouse, every package comes from that folder and nothing from the network.
    """
    if not PYTHON.exists():
        must(sys.executable, "-m", "venv", VENV)
    offline = ["--no-index", "--find-links", str(wheelhouse)] if wheelhouse else []
    uv = find_uv(offline)
    chosen = [part for extra in extras for part in ("--extra", extra)]
    if not wheelhouse:
        # uv syncs .venv (the project's environment) with the lock; nothing is resolved again.
        must(uv, "sync", "--quiet", "--inexact", *LOCKED, *chosen)
        return
    # Offline, the lock's list of packages, written into the wheelhouse when it was made, is
    # installed from it alone; the wheels' hashes are checked against the lock's.
    requirements = wheelhouse / REQUIREMENTS
    if not same_lock(uv, requirements, chosen):
        sys.exit(
            f"The wheelhouse {wheelhouse} was made for another uv.lock (or other extras): make "
            "it again from this project, with network: python3 run.py wheelhouse"
        )
    options = ["--python", PYTHON, "--quiet", "--offline", *offline, "--no-deps"]
    must(uv, "pip", "install", *options, "--require-hashes", "-r", requirements)
    must(uv, "pip", "install", *options, "-e", ".")


# --- Offline classrooms --------------------------------------------------------------------------
# What a wheelhouse holds: every package of the lock that install() installs, with the list of
# them (REQUIREMENTS, exported from the lock with their hashes), what builds the project itself
# (hatchling, and editables for `-e`), and uv, which install() adds when the machine has none.
REQUIREMENTS = "requirements.txt"
BUILD_TOOLS = ["hatchling>=1.25", "editables", "uv>=" + ".".join(map(str, OLDEST_UV))]


def locked_requirements(uv: Path | str, chosen: list[str]) -> str:
    """The lock's packages that install() installs, as a requirements list with hashes."""
    export = [uv, "export", "--quiet", "--format", "requirements-txt", "--no-emit-project"]
    exported = subprocess.run(
        [str(part) for part in [*export, *LOCKED, *chosen]],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    if exported.returncode != 0:
        sys.exit(f"uv.lock does not match pyproject.toml:\n{exported.stderr}")
    # uv's header names the command that wrote the list: the same list, whatever the folder.
    return "".join(line for line in exported.stdout.splitlines(True) if not line.startswith("#"))


def same_lock(uv: Path | str, requirements: Path, chosen: list[str]) -> bool:
    if not requirements.is_file():
        return False
    return requirements.read_text(encoding="utf-8") == locked_requirements(uv, chosen)


def make_wheelhouse(folder: Path, pip_options: list[str], extras: tuple[str, ...] = ()) -> int:
    """Download every locked package the project needs into `folder`, for an offline install."""
    if not PYTHON.exists():
        must(sys.executable, "-m", "venv", VENV)  # a pip of our own: some systems lack one
    folder.mkdir(parents=True, exist_ok=True)
    chosen = [part for extra in extras for part in ("--extra", extra)]
    requirements = folder / REQUIREMENTS
    requirements.write_text(locked_requirements(find_uv([]), chosen), encoding="utf-8")
    download = [PYTHON, "-m", "pip", "download", "--quiet", "--dest", folder, *pip_options]
    # Every version is fixed by the lock: nothing to resolve, each file checked by its hash.
    must(*download, "--no-deps", "--require-hashes", "-r", requirements)
    must(*download, *BUILD_TOOLS)
    files = [path for path in folder.iterdir() if path.name != REQUIREMENTS]
    size = sum(path.stat().st_size for path in files) / 1e6
    print(f"The wheelhouse {folder} holds {len(files)} files ({size:.0f} MB). In the classroom:")
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


def extras_asked(rest: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """Take each `--extra NAME` out of the arguments; return the names and the other arguments."""
    extras, others = [], list(rest)
    while "--extra" in others:
        at = others.index("--extra")
        if at + 1 >= len(others):
            sys.exit("--extra needs the option's name, as in: python3 run.py up --extra spark")
        extras.append(others[at + 1])
        del others[at : at + 2]
    return tuple(extras), others


def main() -> None:
    if sys.version_info < MINIMUM_PYTHON:
        wanted = ".".join(map(str, MINIMUM_PYTHON))
        sys.exit(f"This project needs Python {wanted} or newer; this is {sys.version.split()[0]}.")
    if len(sys.argv) < 2 or sys.argv[1] not in ("up", "test", "wheelhouse"):
        sys.exit(__doc__)
    command = sys.argv[1]
    extras, rest = extras_asked(sys.argv[2:])
    if command == "wheelhouse":
        folder = Path(rest[0] if rest and not rest[0].startswith("-") else "wheelhouse")
        options = rest[1:] if rest and not rest[0].startswith("-") else rest
        sys.exit(make_wheelhouse(folder.resolve(), options, extras))
    wheelhouse, rest = offline_folder(rest)
    install(wheelhouse, extras)
    if command == "up":
        sys.exit(run(BIN / COMMAND, "up", *rest))
    sys.exit(run(PYTHON, "-m", "pytest", *rest))


if __name__ == "__main__":
    main()
