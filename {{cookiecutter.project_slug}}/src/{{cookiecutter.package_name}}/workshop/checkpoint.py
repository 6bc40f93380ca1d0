"""`{{ cookiecutter.package_name }} checkpoint N`: bring a stuck project to the end of part N.

Part 1 is the lab (its notebooks and code, and a champion in the registry), part 2 the kitchen,
part 3 the shop window; checkpoint N does parts 1 to N. The reference versions of the files live
in `.workshop/reference/` (written when the project was baked: the instructor's notebooks and the
package's own code). Before a file is overwritten, the learner's version is copied into
`backups/checkpoint-N-<date>-<time>/` at the same relative path: nothing of theirs is lost, and
files they added are never touched. Then the part is proven to work by running it for real.
"""

import filecmp
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import {{ cookiecutter.package_name }} as package
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import Settings

PACKAGE = "{{ cookiecutter.package_name }}"
PROJECT = Path(package.__file__).resolve().parents[2]  # src/<package>/__init__.py -> project
REFERENCE = Path(".workshop") / "reference"
BACKUPS = Path("backups")
LOOPBACK = "127.0.0.1"

# What each part restores, as patterns relative to the project (and to the reference folder).
PARTS = {
    1: [
        f"src/{PACKAGE}/lab/**/*.py",
        "notebooks/01_*.ipynb",
        "notebooks/02_*.ipynb",
        "notebooks/03_*.ipynb",
    ],
    2: [f"src/{PACKAGE}/kitchen/**/*.py", "notebooks/04_*.ipynb"],
    3: [f"src/{PACKAGE}/shop/**/*.py", "notebooks/05_*.ipynb"],
}
PART_NAMES = {1: "doctor_part_lab", 2: "doctor_part_kitchen", 3: "doctor_part_shop"}


class CheckpointError(Exception):
    """The checkpoint could not finish; str() says why and what to do, in words."""


@dataclass
class Restoration:
    """What a checkpoint did to the files: which were backed up, which were written back."""

    backup_folder: Path
    backed_up: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)


# --- Files -------------------------------------------------------------------------------------


def reference_files(project: Path, part: int) -> list[str]:
    """The reference files of parts 1..`part`, as paths relative to the project."""
    reference = project / REFERENCE
    if not reference.is_dir():
        raise CheckpointError(say("checkpoint_no_reference", folder=reference))
    found = set()
    for number in range(1, part + 1):
        for pattern in PARTS[number]:
            found.update(path.relative_to(reference).as_posix() for path in reference.glob(pattern))
    return sorted(found)


def differs(mine: Path, reference: Path) -> bool:
    return not mine.is_file() or not filecmp.cmp(mine, reference, shallow=False)


def restore(project: Path, part: int, stamp: str) -> Restoration:
    """Back up every learner file that differs from the reference, then write the reference."""
    result = Restoration(BACKUPS / f"checkpoint-{part}-{stamp}")
    for relative in reference_files(project, part):
        mine, reference = project / relative, project / REFERENCE / relative
        if not differs(mine, reference):
            continue
        if mine.exists():
            kept = project / result.backup_folder / relative
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(mine, kept)  # the learner's version first, before anything is replaced
            result.backed_up.append(relative)
        mine.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(reference, mine)
        result.restored.append(relative)
    return result


# --- Proving each part works ------------------------------------------------------------------


def ensure_champion(settings: Settings) -> str:
    """Return the champion's version, training one with the default recipe if there is none."""
    from {{ cookiecutter.package_name }}.lab.registry import find_champion
    from {{ cookiecutter.package_name }}.lab.train import Recipe, train

    champion = find_champion(settings)
    if champion is None:
        print(say("checkpoint_training"), flush=True)
        train(settings, Recipe())
        champion = find_champion(settings)
    return champion.version


class BriefKitchen:
    """The restored kitchen, served for a moment on a free port in this process, then closed."""

    def __init__(self, settings: Settings, seconds: float = 60):
        import uvicorn

        # Imported only now, after the files were restored, so the restored code is what runs.
        from {{ cookiecutter.package_name }}.kitchen.app import create_app
        from {{ cookiecutter.package_name }}.workshop.restaurant import free_port

        port = free_port()
        self.url = f"http://{LOOPBACK}:{port}"
        config = uvicorn.Config(create_app(settings), host=LOOPBACK, port=port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.seconds = seconds

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + self.seconds
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.__exit__()
                reason = say(
                    "nb_server_did_not_start", name=say("doctor_part_kitchen"), seconds=self.seconds
                )
                raise CheckpointError(say("checkpoint_kitchen_failed", reason=reason))
            time.sleep(0.1)
        return self.url

    def __exit__(self, *problem) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def prove_kitchen(settings: Settings, kitchen_url: str) -> None:
    from {{ cookiecutter.package_name }}.workshop.checks import check_kitchen

    result = check_kitchen(settings, kitchen_url)
    if not result.passed:
        raise CheckpointError(say("checkpoint_kitchen_failed", reason=result.message))


def prove_shop(settings: Settings, kitchen_url: str) -> str:
    """Open the restored shop window, and have its waiter carry one order to the kitchen."""
    from {{ cookiecutter.package_name }}.menu import example_order
    from {{ cookiecutter.package_name }}.shop.client import KitchenClient, KitchenError
    from {{ cookiecutter.package_name }}.workshop.restaurant import open_shop

    try:
        shop = open_shop(settings, kitchen_url)
    except RuntimeError as trouble:
        raise CheckpointError(say("checkpoint_shop_failed", reason=trouble)) from trouble
    try:
        waiter = KitchenClient(kitchen_url, settings.kitchen_timeout_seconds)
        dish = waiter.predict(example_order().model_dump(mode="json"))
    except KitchenError as trouble:
        raise CheckpointError(say("checkpoint_shop_failed", reason=trouble)) from trouble
    finally:
        shop.stop()
    return dish.model_version


# --- The command -------------------------------------------------------------------------------


def report_files(result: Restoration, project: Path) -> None:
    if result.backed_up:
        listed = "\n".join(f"    {relative}" for relative in result.backed_up)
        folder = project / result.backup_folder
        print(say("checkpoint_backed_up", count=len(result.backed_up), folder=folder))
        print(listed)
    else:
        print(say("checkpoint_nothing_backed_up"))
    if result.restored:
        print(say("checkpoint_restored", count=len(result.restored)))
    else:
        print(say("checkpoint_nothing_restored"))


def bring_to(settings: Settings, part: int, project: Path = PROJECT, stamp: str | None = None):
    """Restore parts 1..`part`, then prove each one works; return what was done to the files."""
    if part not in PARTS:
        raise CheckpointError(say("checkpoint_bad_part", given=part))
    name = say(PART_NAMES[part])
    print(say("checkpoint_title", part=part, name=name), flush=True)
    result = restore(project, part, stamp or time.strftime("%Y%m%d-%H%M%S"))
    report_files(result, project)
    version = ensure_champion(settings)
    print(say("checkpoint_lab_ok", version=version), flush=True)
    if part >= 2:
        with BriefKitchen(settings) as kitchen_url:
            prove_kitchen(settings, kitchen_url)
            print(say("checkpoint_kitchen_ok", version=version), flush=True)
            if part >= 3:
                prove_shop(settings, kitchen_url)
                print(say("checkpoint_shop_ok"), flush=True)
        print(say("checkpoint_restart_note"))
    return result


def run_checkpoint(settings: Settings, part: int) -> int:
    """The command: bring the project to the end of `part`; return the exit status."""
    try:
        bring_to(settings, part)
    except CheckpointError as trouble:
        print(trouble)
        return 1
    print(say("checkpoint_done", part=part))
    return 0
