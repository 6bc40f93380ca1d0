"""The model the kitchen cooks with: fetched from the registry, checked, then kept ready.

Opening a model file can run code hidden in it. So the kitchen trusts its own list of the
types a model may be made of, never a list written inside the model: the skops format lets us
look at those types before anything is built.
"""

import logging
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import skops.io

from {{ cookiecutter.package_name }}.lab.registry import Champion, download_model, find_champion
from {{ cookiecutter.package_name }}.settings import Settings
from {{ cookiecutter.package_name }}.workshop.messages import say

log = logging.getLogger(__name__)

# Beyond what skops trusts by default (scikit-learn estimators, numpy arrays...), the models
# this project trains are made of these types, and of nothing else.
TRUSTED_TYPES = [
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
]


class UntrustedModel(Exception):
    """The model file holds types the kitchen does not trust: it is not opened."""


@dataclass(frozen=True)
class LoadedModel:
    champion: Champion
    pipeline: object
    loaded_at: datetime

    def predict(self, rows: list[dict]) -> list[float]:
        return [float(value) for value in self.pipeline.predict(pd.DataFrame(rows))]


def open_skops_file(path: Path):
    """Load a skops file, refusing it if it holds any type the kitchen does not trust."""
    found = skops.io.get_untrusted_types(file=path)
    refused = sorted(set(found) - set(TRUSTED_TYPES))
    if refused:
        raise UntrustedModel(f"{path.name} holds types the kitchen does not trust: {refused}")
    return skops.io.load(path, trusted=found)


def load(settings: Settings, champion: Champion) -> LoadedModel:
    with tempfile.TemporaryDirectory() as folder:
        model_dir = download_model(settings, champion.version, Path(folder))
        pipeline = open_skops_file(model_dir / "model.skops")
    return LoadedModel(champion, pipeline, datetime.now(UTC))


class ModelSlot:
    """Holds the model being served; empty until the lab has a champion."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.current: LoadedModel | None = None
        self.problem = "no_champion"  # while empty: the catalogue's key for why

    def refresh(self) -> LoadedModel | None:
        """Load the champion if it is new; keep serving the current one if anything fails."""
        try:
            champion = find_champion(self.settings)
            if champion is None:
                self.problem = "no_champion"
            elif self.current is None or self.current.champion.version != champion.version:
                # One assignment: a request in flight keeps the model it started with.
                self.current = load(self.settings, champion)
                log.info("Now serving %s version %s", champion.name, champion.version)
        except UntrustedModel as refusal:
            log.error("Model refused: %s", refusal)
            self.problem = "untrusted_model"
        except Exception:
            log.exception("Cannot reach the lab book at %s", self.settings.mlflow_tracking_uri)
            self.problem = "lab_unreachable"
        return self.current

    def why_empty(self) -> str:
        """Say, in the workshop's language, why there is no model and what to do."""
        uri = self.settings.mlflow_tracking_uri
        return say(self.problem, self.settings.language, uri=uri)
