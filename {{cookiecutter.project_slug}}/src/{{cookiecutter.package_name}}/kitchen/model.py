"""The model the kitchen cooks with: fetched from the registry, checked, then kept ready.

Opening a model file can run code hidden in it. So the kitchen opens only one kind of file,
a scikit-learn model saved in the skops format, and it trusts its own list of the types such a
file may hold, never a list written inside the model: skops lets us read those types before
anything is built.
"""

import asyncio
import logging
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import skops.io
from fastapi.concurrency import run_in_threadpool
from mlflow.models import Model

from {{ cookiecutter.package_name }}.data import make_dataset
from {{ cookiecutter.package_name }}.kitchen.fast_path import OrderEncoder
from {{ cookiecutter.package_name }}.lab.registry import Champion, download_model, find_champion
from {{ cookiecutter.package_name }}.menu import FEATURES, Order
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import Settings

log = logging.getLogger(__name__)

# Beyond what skops trusts by default (scikit-learn estimators, numpy arrays...), the models
# this project trains are made of these types, and of nothing else.
TRUSTED_TYPES = [
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
]


class UntrustedModel(Exception):
    """The model is not a file the kitchen agrees to open: it is refused, unopened."""


@dataclass(frozen=True)
class LoadedModel:
    champion: Champion
    pipeline: Any  # a scikit-learn Pipeline (scikit-learn publishes no types)
    encoder: OrderEncoder | None  # the fast path, when it matches this pipeline exactly
    loaded_at: datetime

    def predict(self, rows: list[dict]) -> list[float]:
        """Predict for orders given as dicts of field values (already checked against the menu)."""
        if self.encoder is not None:
            predictions = self.pipeline[-1].predict(self.encoder.encode(rows))
        else:
            predictions = self.pipeline.predict(pd.DataFrame(rows, columns=FEATURES))
        return predictions.tolist()


def open_skops_file(path: Path):
    """Load a skops file, refusing it if it holds any type the kitchen does not trust."""
    found = skops.io.get_untrusted_types(file=path)
    refused = sorted(set(found) - set(TRUSTED_TYPES))
    if refused:
        raise UntrustedModel(f"{path.name} holds types the kitchen does not trust: {refused}")
    return skops.io.load(path, trusted=found)


def open_model_folder(folder: Path):
    """Open an MLflow model folder if, and only if, it is a scikit-learn model saved as skops."""
    flavor = Model.load(folder / "MLmodel").flavors.get("sklearn", {})  # plain YAML, no code
    if flavor.get("serialization_format") != "skops":
        raise UntrustedModel("the kitchen opens only scikit-learn models saved in skops format")
    return open_skops_file(folder / "model.skops")


def checked_encoder(pipeline) -> OrderEncoder | None:
    """Return the fast path if it gives exactly the pipeline's own table on sample orders."""
    encoder = OrderEncoder.from_pipeline(pipeline)
    if encoder is None:
        return None
    sample = make_dataset(rows=50, seed=7)[FEATURES]
    rows = [Order.model_validate(row).model_dump() for row in sample.to_dict("records")]
    expected = pipeline.named_steps["prepare"].transform(sample)
    return encoder if np.array_equal(encoder.encode(rows), expected) else None


def load(settings: Settings, champion: Champion) -> LoadedModel:
    with tempfile.TemporaryDirectory() as folder:
        pipeline = open_model_folder(download_model(settings, champion.version, Path(folder)))
    encoder = checked_encoder(pipeline)
    if encoder is None:
        log.warning("This pipeline is not shaped like the lab's: serving it without fast path")
    return LoadedModel(champion, pipeline, encoder, datetime.now(UTC))


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
                # One assignment swaps the model: orders already cooking keep the old one.
                self.current = load(self.settings, champion)
                log.info("Now serving %s version %s", champion.name, champion.version)
        except UntrustedModel as refusal:
            log.error("Model refused: %s", refusal)
            self.problem = "untrusted_model"
        except Exception:
            log.exception("Cannot reach the lab book at %s", self.settings.mlflow_tracking_uri)
            self.problem = "lab_unreachable"
        return self.current

    async def ensure(self) -> LoadedModel | None:
        """Return the model, asking the registry first if there is none yet."""
        return self.current or await run_in_threadpool(self.refresh)

    async def watch(self) -> None:
        """Look for a new champion every few seconds, for as long as the kitchen is open."""
        while True:
            await asyncio.sleep(self.settings.champion_poll_seconds)
            await run_in_threadpool(self.refresh)  # registry calls block: off the event loop

    def why_empty(self) -> str:
        """Say, in the workshop's language, why there is no model and what to do."""
        uri = self.settings.mlflow_tracking_uri
        return say(self.problem, self.settings.language, uri=uri)
