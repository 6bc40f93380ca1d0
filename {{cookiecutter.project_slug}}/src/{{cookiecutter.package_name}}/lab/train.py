"""Training: one experiment in the lab, written down in MLflow's lab book.

A run is one formula tested: its ingredients (parameters) go in, its results (metrics) and the
model itself come out, all recorded so that the best formula can be found again later.
"""

import time
import warnings
from dataclasses import asdict, dataclass
from importlib import metadata

import mlflow
import skops.io
from mlflow.models import infer_signature
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from {{ cookiecutter.package_name }}.data import DEFAULT_ROWS, DEFAULT_SEED, make_dataset, split
from {{ cookiecutter.package_name }}.lab.registry import promote_if_better
from {{ cookiecutter.package_name }}.menu import ingredients
from {{ cookiecutter.package_name }}.settings import Settings

# Written out, so that MLflow need not guess them (guessing is slow); `~=` allows bug fixes.
SERVING_PACKAGES = ("scikit-learn", "skops", "numpy")
PIP_REQUIREMENTS = [f"{name}~={metadata.version(name)}" for name in SERVING_PACKAGES]


@dataclass(frozen=True)
class Recipe:
    """The formula's ingredients: the parameters of one training run."""

    learning_rate: float = 0.1
    max_iter: int = 100  # more trees fit the noise and slow every prediction down
    max_leaf_nodes: int = 31
    rows: int = DEFAULT_ROWS
    seed: int = DEFAULT_SEED


@dataclass(frozen=True)
class TrainingResult:
    run_id: str
    version: str
    metrics: dict[str, float]
    promoted: bool
    seconds: float


def build_pipeline(recipe: Recipe) -> Pipeline:
    """Categories become 0/1 columns; numbers go straight to gradient-boosted trees."""
    categories = [item.name for item in ingredients() if item.choices]
    numbers = [item.name for item in ingredients() if not item.choices]
    one_hot = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    prepare = ColumnTransformer(
        [("categories", one_hot, categories), ("numbers", "passthrough", numbers)]
    )
    model = HistGradientBoostingRegressor(
        learning_rate=recipe.learning_rate,
        max_iter=recipe.max_iter,
        max_leaf_nodes=recipe.max_leaf_nodes,
        random_state=recipe.seed,
    )
    return Pipeline([("prepare", prepare), ("model", model)])


def evaluate(pipeline: Pipeline, features, target) -> dict[str, float]:
    predicted = pipeline.predict(features)
    return {
        "rmse": float(root_mean_squared_error(target, predicted)),
        "mae": float(mean_absolute_error(target, predicted)),
        "r2": float(r2_score(target, predicted)),
    }


def open_lab_book(settings: Settings) -> None:
    """Point MLflow at the lab book and open the project's experiment (made if missing)."""
    mlflow.set_tracking_uri(settings.mlflow_tracking_uri)
    if mlflow.get_experiment_by_name(settings.experiment_name) is None:
        local = settings.mlflow_tracking_uri.startswith("sqlite:")
        # Locally, files go in one known folder; a class server decides for itself.
        location = settings.artifacts_dir.resolve().as_uri() if local else None
        mlflow.create_experiment(settings.experiment_name, artifact_location=location)
    mlflow.set_experiment(settings.experiment_name)


def train(settings: Settings, recipe: Recipe = Recipe()) -> TrainingResult:
    """Fit one pipeline, record it in the lab book, register it and promote it if it wins."""
    start = time.perf_counter()
    open_lab_book(settings)
    table = make_dataset(recipe.rows, recipe.seed)
    train_x, test_x, train_y, test_y = split(table, seed=recipe.seed)
    with mlflow.start_run() as run:
        mlflow.log_params(asdict(recipe))
        pipeline = build_pipeline(recipe).fit(train_x, train_y)
        metrics = evaluate(pipeline, test_x, test_y)
        mlflow.log_metrics(metrics)
        # MLflow warns that integer columns cannot hold missing values: the menu forbids them.
        with warnings.catch_warnings(action="ignore", category=UserWarning):
            signature = infer_signature(test_x, pipeline.predict(test_x))
        model_info = mlflow.sklearn.log_model(
            pipeline,
            name="model",
            serialization_format="skops",
            # The types this model is made of; the kitchen still checks them against its own list.
            skops_trusted_types=skops.io.get_untrusted_types(data=skops.io.dumps(pipeline)),
            signature=signature,  # the name and type of each input and output column
            input_example=test_x.head(3),
            pip_requirements=PIP_REQUIREMENTS,
            registered_model_name=settings.model_name,
        )
    version = str(model_info.registered_model_version)
    promoted = promote_if_better(settings, version, metrics["rmse"])
    return TrainingResult(run.info.run_id, version, metrics, promoted, time.perf_counter() - start)
