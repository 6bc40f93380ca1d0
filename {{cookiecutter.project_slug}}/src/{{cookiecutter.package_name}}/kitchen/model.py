{%- set fr = cookiecutter.language == "fr" -%}
"""The lab's champion: loaded when it appears, swapped when the alias moves (see safety.py)."""

import asyncio
import logging
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.concurrency import run_in_threadpool

from {{ cookiecutter.package_name }}.kitchen.refusals import hide_password
from {{ cookiecutter.package_name }}.kitchen.safety import UnreadableModel, UntrustedModel, open_model_folder
from {{ cookiecutter.package_name }}.lab.registry import Champion, download_model, find_champion
from {{ cookiecutter.package_name }}.menu import FEATURES, Order
from {{ cookiecutter.package_name }}.settings import Settings, without_password

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedModel:
    champion: Champion  # which version, trained by which run
    pipeline: Any  # scikit-learn's Pipeline (it publishes no types)
    loaded_at: datetime

    def predict(self, orders: list[Order]) -> list[float]:
        import pandas as pd  # only here: the kitchen's image has none (rush_hour needs none)

        table = pd.DataFrame([order.model_dump() for order in orders], columns=FEATURES)
        return self.pipeline.predict(table).tolist()


def load(settings: Settings, champion: Champion) -> LoadedModel:
    with tempfile.TemporaryDirectory() as folder:
        pipeline = open_model_folder(download_model(settings, champion.version, Path(folder)))
    return LoadedModel(champion, pipeline, datetime.now(UTC))


class ModelSlot:
    """Holds the model being served; empty until the lab has a champion."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.current: LoadedModel | None = None
        self.problem: str | None = "no_champion"  # what is wrong (see refusals.trouble)
        self.lab_book = without_password(settings.mlflow_tracking_uri)  # safe to show, to log

    def refresh(self) -> LoadedModel | None:
        """Load the champion if it is new; keep serving the current one if anything fails."""
        try:
            champion = find_champion(self.settings)
            if champion and (self.current is None or self.current.champion != champion):
                # One assignment swaps the model: orders already cooking keep the old one.
                self.current = load(self.settings, champion)
                log.info("{{ 'Au menu : %s, version %s' if fr else 'Now serving %s version %s' }}", champion.name, champion.version)
            self.problem = None if champion else "no_champion"
        except (UntrustedModel, UnreadableModel) as refusal:
            log.error("{{ 'Modèle refusé : %s' if fr else 'Model refused: %s' }}", refusal)
            self.problem = refusal.key
        except Exception as error:  # its message, not its traceback: that may quote a password
            hidden = hide_password(str(error), self.settings.mlflow_tracking_uri)
            log.error("{{ 'Le cahier de laboratoire ne répond pas à %s : %s' if fr else 'Cannot reach the lab book at %s: %s' }}", self.lab_book, hidden)
            self.problem = "lab_unreachable"
        return self.current

    async def watch(self) -> None:
        """Look for a new champion every few seconds, for as long as the kitchen is open."""
        while True:
            await asyncio.sleep(self.settings.champion_poll_seconds)
            await run_in_threadpool(self.refresh)  # registry calls block: off the event loop

    async def cook(self, orders: list[Order]) -> tuple[list[float], str]:
        """Predict in a worker thread (the event loop stays free) with the model served now."""
        model = self.current  # one model for the whole call, even if a swap comes meanwhile
        assert model is not None, "deps.ready_cook hands out the cook only once there is one"
        return await run_in_threadpool(model.predict, orders), model.champion.version
