"""`{{ cookiecutter.package_name }} checkpoint N`: bring a stuck project to the end of part N.

Part 1 is the lab (its notebooks and code, and a champion in the registry), part 2 the kitchen,
part 3 the shop window, part 4 the loop (the order book and notebook 07); checkpoint N does
parts 1 to N. The files are put back as the bake wrote
them, read from the project's first git commit (the bake made it). The one thing that commit
cannot give is the solved notebooks of a student edition (it holds the learner's, with their
exercises): the bake wrote those into `.workshop/solutions/`. Before a file is overwritten, the
learner's version is copied into `backups/checkpoint-N-<date>-<time>/` at the same relative
path: nothing of theirs is lost, and files they added are never touched. A file the bake wrote
and the learner only ran (a notebook with its outputs) is not theirs and is not backed up.
Nothing is ever written through a symbolic link that leads out of the project: such a file is
named and left alone. Then each part is proven to work by running it for real.
"""

import fnmatch
import json
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import {{ cookiecutter.package_name }} as package
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import Settings

PACKAGE = "{{ cookiecutter.package_name }}"
PROJECT = Path(package.__file__).resolve().parents[2]  # src/<package>/__init__.py -> project
BACKUPS = Path("backups")
{%- if cookiecutter.edition == "student" %}
# The solved notebooks: this edition's first commit holds the notebooks with exercises to do.
SOLVED_NOTEBOOKS = Path(".workshop") / "solutions"
{%- else %}
SOLVED_NOTEBOOKS = None  # this edition's notebooks are the solved ones: git has them
{%- endif %}

# What each part restores, as patterns of paths relative to the project.
PARTS = {
    1: [f"src/{PACKAGE}/lab/*.py", "notebooks/0[123]_*.ipynb"],
    2: [f"src/{PACKAGE}/kitchen/*.py", "notebooks/04_*.ipynb"],
    3: [f"src/{PACKAGE}/shop/*.py", "notebooks/05_*.ipynb"],
    4: [f"src/{PACKAGE}/order_book/*.py", "notebooks/07_*.ipynb"],
}
PART_NAMES = {
    1: "doctor_part_lab",
    2: "doctor_part_kitchen",
    3: "doctor_part_shop",
    4: "doctor_part_loop",
}
LOOP_ORDERS = 400  # a season of orders for the loop: enough for the jury, quick on two cores
# What the project's pre-commit hook (nbstripout --keep-id) strips from a notebook, besides the
# outputs and execution counts: keys that change each time a notebook is opened or run.
STRIPPED_NOTEBOOK_KEYS = ("signature", "widgets")
STRIPPED_CELL_KEYS = (
    "collapsed",
    "ExecuteTime",
    "execution",
    "heading_collapsed",
    "hidden",
    "scrolled",
)


class CheckpointError(Exception):
    """The checkpoint could not finish; str() says why and what to do, in words."""


@dataclass
class Restoration:
    """What a checkpoint did to the files: which were backed up, which were written back."""

    backup_folder: Path
    backed_up: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)  # they lead out of the project


# --- Where the workshop's files come from: the bake's first commit -----------------------------


def git(project: Path, *arguments: str) -> bytes:
    """Run git in `project`; return what it printed (CalledProcessError when it fails)."""
    done = subprocess.run(["git", *arguments], cwd=project, capture_output=True, check=True)
    return done.stdout


def first_commit(project: Path) -> str:
    """The commit the bake made: the first of the project's own repository."""
    if shutil.which("git") is None:
        raise CheckpointError(say("checkpoint_no_git", reason=say("checkpoint_git_missing")))
    try:
        top = Path(git(project, "rev-parse", "--show-toplevel").decode().strip())
        roots = git(project, "rev-list", "--max-parents=0", "HEAD").decode().split()
    except subprocess.CalledProcessError:
        roots, top = [], None
    if top is None or top.resolve() != project.resolve() or not roots:
        raise CheckpointError(say("checkpoint_no_git", reason=say("checkpoint_no_first_commit")))
    return roots[-1]  # the oldest, should a learner's history have joined another


def workshop_files(project: Path, commit: str, part: int) -> list[str]:
    """The files of parts 1..`part` in the first commit, as paths relative to the project."""
    listed = git(project, "ls-tree", "-r", "-z", "--name-only", commit).decode().split("\0")
    patterns = [pattern for number in range(1, part + 1) for pattern in PARTS[number]]
    return sorted(
        path for path in listed if any(fnmatch.fnmatch(path, pattern) for pattern in patterns)
    )


def baked_version(project: Path, commit: str, relative: str) -> bytes:
    """The file as the bake wrote it."""
    return git(project, "show", f"{commit}:{relative}")


def workshop_version(project: Path, commit: str, relative: str) -> bytes:
    """The file as the workshop wants it at the end of its part."""
    if SOLVED_NOTEBOOKS is not None and relative.startswith("notebooks/"):
        solved = project / SOLVED_NOTEBOOKS / Path(relative).name
        if not solved.is_file():
            raise CheckpointError(say("checkpoint_no_solutions", path=solved))
        return solved.read_bytes()
    return baked_version(project, commit, relative)


# --- Putting the files back --------------------------------------------------------------------


def as_committed(relative: str, content: bytes):
    """The file as the pre-commit hook would commit it: a notebook without what running it
    adds (outputs, counts, a few metadata keys), read as data so that formatting is no change;
    any other file as it is."""
    if not relative.endswith(".ipynb"):
        return content
    try:
        notebook = json.loads(content)
        for key in STRIPPED_NOTEBOOK_KEYS:
            notebook.get("metadata", {}).pop(key, None)
        for cell in notebook.get("cells", []):
            if "outputs" in cell:
                cell["outputs"] = []
            if "execution_count" in cell:
                cell["execution_count"] = None
            for key in STRIPPED_CELL_KEYS:
                cell.get("metadata", {}).pop(key, None)
            if isinstance(cell.get("source"), list):  # Jupyter saves it line by line
                cell["source"] = "".join(cell["source"])
    except (ValueError, AttributeError, TypeError):  # not a notebook (any more): compare bytes
        return content
    return notebook


def same(relative: str, path: Path, content: bytes) -> bool:
    """Is the file at `path` `content`, as the pre-commit hook would commit them both?"""
    if not path.is_file():
        return False
    return as_committed(relative, path.read_bytes()) == as_committed(relative, content)


def leads_outside(project: Path, path: Path) -> bool:
    """Would writing `path` land outside the project, through a symbolic link on the way?"""
    return not path.resolve().is_relative_to(project.resolve())


def restore(project: Path, part: int, stamp: str) -> Restoration:
    """Back up every learner file that is theirs, then write the workshop's version.

    A file is the learner's when it differs from what the bake wrote (the first commit), as the
    pre-commit hook would commit it. Every version is read before anything is written: a
    checkpoint that cannot finish reading changes nothing.
    """
    commit = first_commit(project)
    wanted = {
        relative: workshop_version(project, commit, relative)
        for relative in workshop_files(project, commit, part)
    }
    result = Restoration(BACKUPS / f"checkpoint-{part}-{stamp}")
    for relative, content in wanted.items():
        mine, kept = project / relative, project / result.backup_folder / relative
        if same(relative, mine, content):
            continue
        baked = baked_version(project, commit, relative)
        theirs = mine.exists() and not same(relative, mine, baked)
        if leads_outside(project, mine) or (theirs and leads_outside(project, kept)):
            result.left_alone.append(relative)
            continue
        if theirs:
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(mine, kept)  # the learner's version first, before anything is replaced
            result.backed_up.append(relative)
        if mine.is_symlink():
            mine.unlink()  # a link inside the project: replace the link, not the file it names
        mine.parent.mkdir(parents=True, exist_ok=True)
        mine.write_bytes(content)
        result.restored.append(relative)
    return result


# --- Proving each part works ------------------------------------------------------------------
# The part's code is imported only here, after its files were put back: the restored code runs.


def prove_lab(settings: Settings) -> str:
    from {{ cookiecutter.package_name }}.lab.train import Recipe
    from {{ cookiecutter.package_name }}.workshop.restaurant import ensure_champion

    return ensure_champion(settings, Recipe(), say("checkpoint_training"))


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


def prove_loop(settings: Settings, kitchen_url: str) -> str:
    """Play notebook 07's loop for real: a season of orders through the restored kitchen into
    its order book, their harvest, a challenger trained on them and judged against the champion
    on one held-out table by the jury's rule; promoted if it passes, then served."""
    import httpx
    import mlflow
    from mlflow.exceptions import MlflowException

    from {{ cookiecutter.package_name }}.lab.registry import find_champion
    from {{ cookiecutter.package_name }}.lab.train import open_lab_book
    from {{ cookiecutter.package_name }}.workshop import seasons, tasting
    from {{ cookiecutter.package_name }}.workshop.restaurant import load_pipeline

    try:
        season = seasons.simulate_season(settings, 2, LOOP_ORDERS, kitchen_url=kitchen_url)
        seasons.harvest(settings, 2)
        fresh = tasting.harvested(seasons.read_orders(settings))
    except seasons.SeasonProblem as trouble:
        raise CheckpointError(say("checkpoint_loop_failed", reason=trouble)) from None
    champion = find_champion(settings)
    assert champion is not None, "part 1 has just made sure there is one"
    version, held_out = tasting.train_challenger(settings, fresh)
    open_lab_book(settings)
    with mlflow.start_run(run_name="tasting panel (checkpoint 4)"):
        judged = [
            tasting.tasted(load_pipeline(settings, each), held_out, f"version {each}")
            for each in (version, champion.version)
        ]
    try:
        mlflow.validate_evaluation_results(tasting.promotion_rule(), *judged)
    except MlflowException:  # the challenger is no better by the rule: the champion stays
        kept = {"version": version, "champion": champion.version}
        return say("checkpoint_loop_kept", orders=season.orders, **kept)
    tasting.promote(settings, version)
    httpx.post(f"{kitchen_url}/model/reload", timeout=60)
    if not tasting.wait_until_served(kitchen_url, version):
        reason = say("tasting_kitchen_other", served="?", version=version)
        raise CheckpointError(say("checkpoint_loop_failed", reason=reason))
    return say("checkpoint_loop_promoted", orders=season.orders, version=version)


def brief_kitchen(settings: Settings):
    """The restored kitchen, to be served for a moment in this process: `with` it."""
    from {{ cookiecutter.package_name }}.kitchen.app import create_app
    from {{ cookiecutter.package_name }}.processes import ServerThread

    return ServerThread(create_app(settings), say("doctor_part_kitchen"), log_level="error")


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
    if result.left_alone:
        print(say("checkpoint_left_alone", count=len(result.left_alone)))
        print("\n".join(f"    {relative}" for relative in result.left_alone))


def bring_to(settings: Settings, part: int, project: Path = PROJECT, stamp: str | None = None):
    """Restore parts 1..`part`, then prove each one works; return what was done to the files."""
    from {{ cookiecutter.package_name }}.processes import ServerDidNotStart

    if part not in PARTS:
        raise CheckpointError(say("checkpoint_bad_part", given=part))
    print(say("checkpoint_title", part=part, name=say(PART_NAMES[part])), flush=True)
    result = restore(project, part, stamp or time.strftime("%Y%m%d-%H%M%S"))
    report_files(result, project)
    version = prove_lab(settings)
    print(say("checkpoint_lab_ok", version=version), flush=True)
    if part >= 2:
        try:
            with brief_kitchen(settings) as kitchen_url:
                prove_kitchen(settings, kitchen_url)
                print(say("checkpoint_kitchen_ok", version=version), flush=True)
                if part >= 3:
                    prove_shop(settings, kitchen_url)
                    print(say("checkpoint_shop_ok"), flush=True)
                if part >= 4:
                    print(prove_loop(settings, kitchen_url), flush=True)
        except ServerDidNotStart as trouble:
            raise CheckpointError(say("checkpoint_kitchen_failed", reason=trouble)) from None
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
