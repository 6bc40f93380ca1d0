"""Print what a baked project costs to install, so that growth is seen before a learner feels it.

    python3 scripts/footprint.py                 bake the default project and measure it
    python3 scripts/footprint.py use_case=house_prices docker=yes     ... with other answers
    python3 scripts/footprint.py --download      also download the real wheelhouse (minutes)

Three environments are installed from the project's uv.lock (from uv's cache when it has them):
the learner's (`pip install -e .`: the project and the notebooks' tools), the developer's (what
`python3 run.py test` installs: the `class` extra and the test and lint tools too) and the kitchen
image's (docker/kitchen-requirements.txt at the lock's versions). For each: the number of
packages and the megabytes on disk. Then the offline wheelhouse (`run.py wheelhouse`): its files
as uv.lock lists them for this system and Python, and with --download the real folder.

Run it with the template's tools (`python3 run.py lint` creates .venv first):
`.venv/bin/python scripts/footprint.py`.
"""

import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]
TOOLS = Path(sys.executable).parent
UV = str(TOOLS / "uv")

# Run in the measured environment: which wheel of each locked package an installer takes here
# (the first of this interpreter's tags that a wheel carries), and its size in the lock.
WHEELS_CHOSEN_HERE = """
import json, sys, tomllib
from packaging.tags import sys_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
wanted = json.load(sys.stdin)
lock = tomllib.load(open("uv.lock", "rb"))
preference = {tag: rank for rank, tag in enumerate(sys_tags())}
files, size = 0, 0
for package in lock["package"]:
    if wanted.get(canonicalize_name(package["name"])) != package["version"]:
        continue
    ranked = []
    for wheel in package.get("wheels", []):
        tags = parse_wheel_filename(wheel["url"].rsplit("/", 1)[-1])[3]
        ranks = [preference[tag] for tag in tags if tag in preference]
        if ranks:
            ranked.append((min(ranks), wheel["size"]))
    if ranked:
        files, size = files + 1, size + min(ranked)[1]
    elif "sdist" in package:
        files, size = files + 1, size + package["sdist"]["size"]
print(json.dumps({"files": files, "bytes": size}))
"""

INSTALLED = (
    "import importlib.metadata as m, json; "
    "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
)


def run(*command, cwd: Path, **options) -> subprocess.CompletedProcess:
    done = subprocess.run([str(part) for part in command], cwd=cwd, text=True, **options)
    if done.returncode != 0:
        sys.exit(f"This step failed: {' '.join(str(part) for part in command)}")
    return done


def megabytes(folder: Path) -> float:
    """Disk used by the files under `folder`, each counted once (uv hard-links from its cache)."""
    seen, total = set(), 0
    for root, _, names in os.walk(folder):
        for name in names:
            status = os.lstat(os.path.join(root, name))
            if (status.st_dev, status.st_ino) not in seen:
                seen.add((status.st_dev, status.st_ino))
                total += status.st_blocks * 512
    return total / 1e6


def installed(python: Path) -> dict[str, str]:
    shown = run(python, "-c", INSTALLED, cwd=python.parent, capture_output=True)
    listed = json.loads(shown.stdout).items()
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in listed}


def environment(project: Path, name: str, *sync: str) -> tuple[Path, dict[str, str], float]:
    """A fresh environment synced from the lock with `sync`'s options; its python, packages, MB."""
    venv = project.parent / name
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv), "UV_PYTHON_DOWNLOADS": "never"}
    run(UV, "sync", "--quiet", "--locked", "--python", sys.executable, *sync, cwd=project, env=env)
    python = venv / "bin" / "python"
    return python, installed(python), megabytes(venv)


def kitchen_environment(project: Path) -> tuple[dict[str, str], float] | None:
    """The kitchen image's packages, installed as the Dockerfile does (Docker bakes only)."""
    requirements = project / "docker" / "kitchen-requirements.txt"
    if not requirements.is_file():
        return None
    venv, locked = project.parent / "kitchen", project.parent / "kitchen-locked.txt"
    run(
        UV,
        "export",
        "--quiet",
        "--locked",
        "--no-dev",
        "--no-emit-project",
        "--no-hashes",
        "--output-file",
        locked,
        cwd=project,
    )
    run(UV, "venv", "--quiet", "--python", sys.executable, venv, cwd=project)
    pip = [UV, "pip", "install", "--quiet", "--python", venv / "bin" / "python"]
    run(*pip, "--no-deps", ".", cwd=project)
    run(*pip, "-r", requirements, "-c", locked, cwd=project)
    return installed(venv / "bin" / "python"), megabytes(venv)


def wheelhouse_from_lock(project: Path, python: Path, packages: dict[str, str]) -> dict:
    """The wheelhouse's files and bytes as uv.lock lists them for this system and Python."""
    shown = run(
        python,
        "-c",
        WHEELS_CHOSEN_HERE,
        cwd=project,
        input=json.dumps(packages),
        capture_output=True,
    )
    return json.loads(shown.stdout)


def download_wheelhouse(project: Path) -> tuple[int, float]:
    """Really make the wheelhouse with the project's own command; its file count and MB."""
    folder = project.parent / "wheelhouse"
    run(sys.executable, "run.py", "wheelhouse", folder, cwd=project, capture_output=True)
    files = [path for path in folder.iterdir() if path.suffix in (".whl", ".gz", ".zip")]
    return len(files), sum(path.stat().st_size for path in files) / 1e6


def bake(folder: Path, answers: list[str]) -> Path:
    cookiecutter = TOOLS / "cookiecutter"
    run(
        cookiecutter,
        "--no-input",
        "--output-dir",
        folder,
        TEMPLATE,
        *answers,
        cwd=TEMPLATE,
        capture_output=True,
    )
    return next(folder.iterdir())  # the one folder the bake made


def main() -> None:
    download = "--download" in sys.argv[1:]
    answers = [argument for argument in sys.argv[1:] if "=" in argument]
    if not importlib.util.find_spec("cookiecutter") or not Path(UV).exists():
        sys.exit("Run this with the template's tools: .venv/bin/python scripts/footprint.py")
    with tempfile.TemporaryDirectory() as temporary:
        project = bake(Path(temporary), answers)
        lock = len(tomllib.loads((project / "uv.lock").read_text(encoding="utf-8"))["package"])
        print(
            f"Baked {project.name} ({' '.join(answers) or 'default answers'}); "
            f"uv.lock holds {lock} packages for every system and Python."
        )
        rows = []
        _, learner, learner_mb = environment(project, "learner", "--no-dev")
        rows.append(("learner: pip install -e .", len(learner), learner_mb))
        python, developer, developer_mb = environment(
            project, "developer", "--extra", "class", "--group", "dev"
        )
        rows.append(("developer: python3 run.py test", len(developer), developer_mb))
        kitchen = kitchen_environment(project)
        if kitchen:
            rows.append(("kitchen image (docker/)", len(kitchen[0]), kitchen[1]))
        print(f"\n{'environment':34} {'packages':>8} {'MB':>7}")
        for name, count, size in rows:
            print(f"{name:34} {count:>8} {size:>7.0f}")
        # run.py wheelhouse takes the developer's packages (not the project itself) and the tools
        # that build it offline; the figure below counts the locked packages only.
        locked = {name: version for name, version in developer.items() if name != project.name}
        for tool in ("pip", "setuptools"):
            locked.pop(tool, None)
        wheels = wheelhouse_from_lock(project, python, locked)
        print(
            f"\nwheelhouse (run.py wheelhouse), from uv.lock for this system and Python: "
            f"{wheels['files']} files, {wheels['bytes'] / 1e6:.0f} MB (+ hatchling, "
            "editables, uv)"
        )
        if download:
            count, size = download_wheelhouse(project)
            print(f"wheelhouse downloaded for real: {count} files, {size:.0f} MB")


if __name__ == "__main__":
    main()
