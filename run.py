"""Two commands for a fresh machine, with nothing but Python 3.11+ installed:

    python3 run.py demo    bake the default project into demo/, then open its lab, kitchen
                           and shop window (trains a first model on the way); cookiecutter
                           answers and `up`'s options may follow, e.g. language=fr
                           --kitchen-port 8080 (also --lab-port, --shop-port, --host)
    python3 run.py test    run the template's tests (every option baked, projects installed
                           and run for real), two at a time; pytest options may follow, e.g.
                           -m "not slow", or -n 0 for one at a time
    python3 run.py lint    check the template's own code with ruff (lint and format)
    python3 run.py docs    build the documentation site into site/ (mkdocs, strict)
    python3 run.py lock    lock again the template's own tools (uv.lock) and the baked project
                           (uv.lock in the project folder), after a change of dependencies;
                           options go to `uv lock`: `python3 run.py lock --upgrade` refreshes
                           both to the newest versions allowed, `--upgrade-package mlflow` one

Each creates `.venv/` on first use and installs the template's tools in it, at the versions of
uv.lock (with uv; uv itself is installed into `.venv` by pip when it is not already on the machine).
"""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent
VENV = TEMPLATE / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
DEMO = TEMPLATE / "demo"
DEFAULT_SLUG = "ml-restaurant"
PROJECT_LOCK = TEMPLATE / "{{cookiecutter.project_slug}}" / "uv.lock"
# The options of the baked project's `up` that `demo` passes on to it.
UP_OPTIONS = ("--host", "--lab-port", "--kitchen-port", "--shop-port", "--wait")


def run(*command, cwd=TEMPLATE) -> int:
    """Run `command` until it ends; Ctrl-C or SIGTERM is passed on to it, then waited for."""
    print("$", " ".join(str(part) for part in command), flush=True)
    process = subprocess.Popen([str(part) for part in command], cwd=cwd)
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


def find_uv() -> Path | str:
    uv = shutil.which("uv") or BIN / "uv"
    if not Path(uv).exists():
        must(PYTHON, "-m", "pip", "install", "--quiet", "uv>=0.9")
    return uv


def install() -> None:
    """Create .venv if needed and install the template's tools into it, as uv.lock lists them."""
    if not PYTHON.exists():
        must(sys.executable, "-m", "venv", VENV)
    # The template is no package ([tool.uv] package = false): only its tools are installed.
    must(find_uv(), "sync", "--locked", "--quiet")


# --- The baked project's lock ------------------------------------------------------------------
# One lock serves every bake: the project's requires-python covers every Python offered, and
# no other answer changes its dependencies. Only the project's own name differs between bakes,
# so the template keeps the lock with that one line written in Jinja.
OWN_ENTRY = '[[package]]\nname = "{name}"\nversion = "0.1.0"\nsource = {{ editable = "." }}\n'


def lock(options: list[str]) -> int:
    """Lock both again, keeping every version still allowed unless `options` (uv lock's) say."""
    if not PYTHON.exists():
        must(sys.executable, "-m", "venv", VENV)
    uv = find_uv()
    if run(uv, "lock", "--no-python-downloads", *options) != 0:
        return 1
    install()  # the template's tools, cookiecutter among them, as just locked
    with tempfile.TemporaryDirectory() as folder:
        must(BIN / "cookiecutter", "--no-input", "--output-dir", folder, TEMPLATE)
        project = Path(folder) / DEFAULT_SLUG
        if run(uv, "lock", "--no-python-downloads", *options, cwd=project) != 0:
            return 1
        text = (project / "uv.lock").read_text(encoding="utf-8")
    own = OWN_ENTRY.format(name=DEFAULT_SLUG)
    if text.count(own) != 1:
        sys.exit(f"The new lock does not hold the project's own entry as expected:\n{own}")
    if re.search(r'name = "mlflow(-skinny|-tracing)?"\nversion = "3\.18\.0"', text):
        sys.exit("The lock picked mlflow 3.18.0, whose companions are missing on PyPI.")
    jinja = OWN_ENTRY.format(name="{{ cookiecutter.project_slug }}")
    PROJECT_LOCK.write_text(text.replace(own, jinja), encoding="utf-8")
    packages = text.count("\n[[package]]\n") + text.startswith("[[package]]")
    print(f"Wrote {PROJECT_LOCK.relative_to(TEMPLATE)}: {packages} packages.")
    return 0


def split_demo_words(words: list[str]) -> tuple[list[str], list[str]]:
    """Sort `demo`'s words: `up`'s options (`--lab-port 5001`, `--host=...`) and cookiecutter's
    answers (`language=fr`). Return (answers, up's options)."""
    answers, options = [], []
    words = iter(words)
    for word in words:
        if word.split("=", 1)[0] not in UP_OPTIONS:
            answers.append(word)
        elif "=" in word:
            options.append(word)
        else:
            value = next(words, None)
            if value is None:
                sys.exit(f"{word} needs a value, for example: python3 run.py demo {word} 5001")
            options += [word, value]
    return answers, options


def demo(words: list[str]) -> int:
    """Bake the default project (once) and bring the whole restaurant up."""
    answers, options = split_demo_words(words)
    project = DEMO / DEFAULT_SLUG
    if project.exists():
        print(f"Reusing {project} (delete it to bake it again with other answers).")
    else:
        must(BIN / "cookiecutter", "--no-input", "--output-dir", DEMO, TEMPLATE, *answers)
    return run(sys.executable, "run.py", "up", *options, cwd=project)


def lint() -> int:
    """ruff on the template's own code (the baked project is linted after baking, by the tests)."""
    checked = run(BIN / "ruff", "check", ".")
    return run(BIN / "ruff", "format", "--check", ".") or checked


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - said in words to people with an older Python
        sys.exit(f"The template needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test", "lint", "docs", "lock"):
        sys.exit(__doc__)
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "lock":
        sys.exit(lock(rest))
    install()
    if command == "demo":
        sys.exit(demo(rest))
    if command == "lint":
        sys.exit(lint())
    if command == "docs":
        sys.exit(run(BIN / "mkdocs", "build", "--strict", *rest))
    # Two workers by default (pytest-xdist): each slow test bakes and tests a whole project, and
    # two of them fit side by side on two cores. `-n 0` runs everything in one process.
    # Work stealing: a worker with nothing left takes half of the other's waiting tests, so the
    # four whole-project tests (6 to 14 minutes each) never wait in one worker's queue while
    # the other idles (they did once under the default: 2,324 s instead of about 1,460).
    chosen = any(word.startswith(("-n", "--numprocesses")) for word in rest)
    workers = [] if chosen else ["-n", "2", "--dist", "worksteal"]
    sys.exit(run(PYTHON, "-m", "pytest", *workers, *rest))


if __name__ == "__main__":
    main()
