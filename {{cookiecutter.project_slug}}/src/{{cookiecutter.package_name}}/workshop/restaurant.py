"""What the notebooks use to reach the rest of the restaurant: champion, kitchen, shop window.

A notebook must run unattended (in the tests, or when a learner clicks "Run all"), so anything
it starts here is on the loopback address, waited for with a deadline, and stopped at the end
(by `.stop()`, or when Python exits). Starting and stopping servers is `processes`' job.
"""

import atexit
import tempfile
from pathlib import Path

from {{ cookiecutter.package_name }} import processes
from {{ cookiecutter.package_name }}.lab.registry import download_model, find_champion
from {{ cookiecutter.package_name }}.lab.train import Recipe, train
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.processes import free_port  # noqa: F401 - the notebooks use it
from {{ cookiecutter.package_name }}.settings import Settings

# A quick formula, used only when a notebook is run before the registry notebook (03).
QUICK_RECIPE = Recipe(max_iter=60)


def load_pipeline(settings: Settings, version: str | None = None):
    """Open a registered model: the champion (by its alias), or one fixed version.

    MLflow refuses to unpickle models by default; skops files are opened with the kitchen's own
    list of trusted types instead, exactly as the kitchen does.
    """
    from {{ cookiecutter.package_name }}.kitchen.safety import open_skops_file

    if not version:
        champion = find_champion(settings)
        assert champion is not None, "a champion is trained before its model is opened"
        version = champion.version
    with tempfile.TemporaryDirectory() as folder:
        model_dir = download_model(settings, version, Path(folder))
        return open_skops_file(model_dir / "model.skops")


def ensure_champion(
    settings: Settings, recipe: Recipe = QUICK_RECIPE, announcement: str | None = None
) -> str:
    """Return the champion's version, training one with `recipe` first if there is none.

    The notebooks, `checkpoint` and `up` all use this; each says in its own words why it trains.
    """
    champion = find_champion(settings)
    if champion is None:
        print(announcement or say("nb_training_champion", settings.language), flush=True)
        train(settings, recipe)
        champion = find_champion(settings)
        assert champion is not None, "the training just made a champion"
    return champion.version


class Opened:
    """One part of the restaurant, opened for a notebook and closed when asked (or at exit)."""

    def __init__(self, name: str, url: str, close=None):
        self.name = name
        self.url = url
        self.close = close  # None when the part was already running: not ours to close
        atexit.register(self.stop)  # a notebook stopped half-way leaves nothing behind

    def stop(self) -> None:
        if self.close is not None:
            self.close()
            self.close = None

    def __repr__(self) -> str:
        return f"{self.name} at {self.url}"


def open_kitchen(settings: Settings, seconds: float = 60) -> Opened:
    """Use the kitchen at `settings.kitchen_url` if it is ready, else open one on a free port.

    The notebook's own kitchen runs in a thread of this Python process: the same app as
    `{{ cookiecutter.package_name }} kitchen`, reading the same lab book, without paying for a
    second Python to start. It is ready once it holds the champion.
    """
    # Imported here, not above: `checkpoint 1` uses this module while a learner's kitchen may
    # still be broken, and imports the kitchen only after putting it back.
    from {{ cookiecutter.package_name }}.kitchen.app import create_app

    name = say("doctor_part_kitchen", settings.language)
    if processes.answers(f"{settings.kitchen_url}/health/ready"):
        return Opened(name, settings.kitchen_url)
    kitchen = processes.ServerThread(create_app(settings), name)
    url = kitchen.start(seconds)
    if not processes.wait_until_answers(f"{url}/health/ready", seconds, kitchen.thread.is_alive):
        kitchen.stop()
        raise processes.ServerDidNotStart(say("server_did_not_start", name=name, seconds=seconds))
    return Opened(name, url, kitchen.stop)


def open_shop(settings: Settings, kitchen_url: str, seconds: float = 60) -> Opened:
    """Start a shop window on a free port whose waiter carries orders to `kitchen_url`."""
    shop = processes.shop(settings, kitchen_url, port=processes.free_port())
    processes.open_server(shop, seconds)
    return Opened(shop.name, shop.url, lambda: processes.stop([shop]))


if __name__ == "__main__":  # what `up` runs first, in a Python of its own (see cli.py)
    from {{ cookiecutter.package_name }}.settings import get_settings

    try:
        ensure_champion(get_settings(), Recipe(), say("cli_training_first"))
    except KeyboardInterrupt:  # stopped while training: `up` says so
        raise SystemExit(130) from None
