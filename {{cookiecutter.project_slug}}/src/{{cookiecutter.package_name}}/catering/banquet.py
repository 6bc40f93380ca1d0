"""The banquet: a whole table of orders cooked with the champion, on Apache Spark.

Spark is the hired hall: on this machine (`local[*]`, one cook per core) or on a cluster (its
master URL). The recipe is the lab's champion, run by `mlflow.pyfunc.spark_udf`, so every
Spark worker cooks exactly as the lab's model does; no home-made engine.

Safety, as in the kitchen: MLflow's own loader trusts the list of types written *inside* the
model (and asks for MLFLOW_ALLOW_PICKLE_DESERIALIZATION=true to open it at all). So the banquet
first fetches the champion's files once, opens them with the kitchen's own check (its list of
trusted types, never the model's), and only then hands *that checked copy* to Spark. The model
never runs code: MLFLOW_ALLOW_MODEL_CODE_EXECUTION stays false, here and on every worker.
"""

import contextlib
import logging
import os
import re
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from mlflow.exceptions import MlflowException

from {{ cookiecutter.package_name }}.catering.tables import (
    TableProblem,
    check_can_write,
    read_columns,
    table_format,
)
from {{ cookiecutter.package_name }}.kitchen.safety import UntrustedModel, open_model_folder
from {{ cookiecutter.package_name }}.lab.registry import download_model, find_champion, model_uri
from {{ cookiecutter.package_name }}.menu import FEATURES, ingredients
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import Settings

DEFAULT_MASTER = "local[*]"
# local, local[4], local[*], or a cluster manager's URL.
MASTER = re.compile(r"local(\[(\*|[1-9]\d*)\])?|(spark|k8s)://\S+|yarn")
PREDICTION = "prediction"
TASTED_ROWS = 50  # dishes re-cooked in this process after the banquet, as a check
PANDAS_WARNING = "PySpark does not yet fully support pandas"
TOLERANCE = 1e-9  # relative: Spark and this process run the same trees on the same numbers


@dataclass(frozen=True)
class Banquet:
    rows: int
    version: str
    seconds: float
    output: Path


def spark_is_installed() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True


def first_line(error: Exception) -> str:
    """The first line of Spark's message, without the Java stack that follows it."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


def spark_errors() -> tuple[type[Exception], ...]:
    """What Spark raises when a job fails: its own errors, and Java's seen through py4j."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    return PySparkException, Py4JError


def check_master(master: str) -> str:
    if not MASTER.fullmatch(master):
        raise TableProblem(say("batch_bad_master", master=master))
    return master


# --- The hall: a Spark session -------------------------------------------------------------


def hall_settings(master: str) -> dict[str, str]:
    """Spark settings for the banquet: quiet, on loopback when local, no model code run."""
    conf = {
        # A bar per stage on the terminal shows the banquet's progress.
        "spark.ui.showConsoleProgress": "true",
        # The web UI would listen on every network interface: not opened.
        "spark.ui.enabled": "false",
        # The workers open the checked copy of the model (see the module's docstring)...
        "spark.executorEnv.MLFLOW_ALLOW_PICKLE_DESERIALIZATION": "true",
        # ...and never run code shipped with a model.
        "spark.executorEnv.MLFLOW_ALLOW_MODEL_CODE_EXECUTION": "false",
        "spark.sql.session.timeZone": "UTC",
        # pyspark 4 warns that it does not "fully support" pandas 3: the banquet tastes its own
        # dishes against this process's predictions (see `taste`), so the warning is silenced.
        "spark.executorEnv.PYTHONWARNINGS": f"ignore:{PANDAS_WARNING}:FutureWarning",
    }
    if master.startswith("local"):
        # Everything stays on this machine: nothing listens beyond loopback.
        conf |= {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    return conf


def open_hall(master: str):
    """Start a Spark session; say in words when Spark or Java is missing."""
    if not spark_is_installed():
        raise TableProblem(say("batch_no_spark"))
    warnings.filterwarnings("ignore", message=PANDAS_WARNING, category=FutureWarning)
    if master.startswith("local"):
        os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # Java looks no further than loopback
        # The workers run this very Python, with the packages the model was trained with
        # (pyspark reads this variable, not a setting; on a cluster, its admin decides).
        os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.errors import PySparkRuntimeError
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("{{ cookiecutter.package_name }}-banquet")
    for key, value in hall_settings(master).items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except PySparkRuntimeError:
        raise TableProblem(say("batch_no_java")) from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --- Reading and checking the orders -------------------------------------------------------


def spark_type(name: str):
    """The Spark type a column of the menu is read as."""
    from pyspark.sql import types

    item = next((item for item in ingredients() if item.name == name), None)
    if item is None:  # the target, when the table carries it
        return types.DoubleType()
    if item.choices:
        return types.StringType()
    return {bool: types.BooleanType(), int: types.LongType()}.get(item.kind, types.DoubleType())


def read_orders(spark, path: Path, columns: list[str]):
    """Read the table with the menu's types; a cell that does not fit becomes empty (null)."""
    from pyspark.sql import functions, types

    if table_format(path) == ".csv":
        # The schema follows the header's own order, so a column is never read as another.
        schema = types.StructType([types.StructField(name, spark_type(name)) for name in columns])
        return spark.read.csv(str(path), header=True, schema=schema, mode="PERMISSIVE")
    table = spark.read.parquet(str(path))
    return table.select(*[functions.col(name).cast(spark_type(name)) for name in columns])


def within_menu(item):
    """A Spark condition: true when the column's value is an order the kitchen would take."""
    from pyspark.sql import functions

    column = functions.col(item.name)
    if item.choices:
        allowed = column.isin(list(item.choices))
    elif item.kind is bool:
        allowed = functions.lit(True)
    else:  # NaN and Infinity fall outside any range
        allowed = column.between(item.minimum, item.maximum)
    return column.isNotNull() & functions.coalesce(allowed, functions.lit(False))


def count_refused(orders) -> tuple[int, dict[str, int]]:
    """One pass over the table: how many rows, and how many refused cells per column."""
    from pyspark.sql import functions

    counts = [functions.count(functions.lit(1)).alias("__rows")]
    for item in ingredients():
        refused = functions.when(within_menu(item), 0).otherwise(1)
        counts.append(functions.sum(refused).alias(item.name))
    totals = orders.agg(*counts).first().asDict()
    rows = totals.pop("__rows")
    return rows, {name: count for name, count in totals.items() if count}


def check_orders(orders, path: Path) -> int:
    rows, refused = count_refused(orders)
    if rows == 0:
        raise TableProblem(say("batch_empty_table", path=path))
    if refused:
        columns = ", ".join(f"{name} ({count})" for name, count in refused.items())
        raise TableProblem(say("batch_orders_refused", path=path, columns=columns))
    return rows


# --- The recipe: the champion, checked by the kitchen's rules --------------------------------


def fetch_checked_champion(settings: Settings, folder: Path):
    """Download the champion into `folder` and open it with the kitchen's own check.

    Returns (version, model folder, pipeline). The folder is the very copy Spark will load.
    """
    try:
        champion = find_champion(settings)
        if champion is None:
            raise TableProblem(say("no_champion", settings.language))
        files = download_model(settings, champion.version, folder)
    except MlflowException:
        uri = settings.mlflow_tracking_uri
        raise TableProblem(say("lab_unreachable", settings.language, uri=uri)) from None
    try:
        pipeline = open_model_folder(files)
    except UntrustedModel:
        raise TableProblem(say("untrusted_model", settings.language)) from None
    return champion.version, files, pipeline


@contextlib.contextmanager
def quiet_logger(name: str):
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def cook(spark, orders, model_folder: Path):
    """Add the champion's prediction to every row, cooked by the Spark workers."""
    from mlflow.pyfunc import spark_udf
    from pyspark.sql import functions

    # env_manager="local": the workers use this environment, which holds the very packages the
    # model was trained with; MLflow's advice to rebuild one with conda is silenced here.
    with quiet_logger("mlflow.pyfunc"), quiet_logger("mlflow.models.flavor_backend_registry"):
        recipe = spark_udf(spark, str(model_folder), result_type="double", env_manager="local")
    return orders.withColumn(PREDICTION, recipe(functions.struct(*FEATURES)))


def taste(spark, output: Path, pipeline) -> None:
    """Re-cook a few written dishes in this process: Spark must have cooked the same."""
    sample = spark.read.parquet(str(output)).limit(TASTED_ROWS).toPandas()
    expected = pipeline.predict(sample[FEATURES])
    if not np.allclose(sample[PREDICTION], expected, rtol=TOLERANCE, atol=0):
        raise TableProblem(say("batch_taste_differs", rows=len(sample)))


def score_table(
    settings: Settings,
    source: Path,
    output: Path,
    master: str = DEFAULT_MASTER,
    force: bool = False,
) -> Banquet:
    """Score every row of `source` with the champion on Spark; write Parquet to `output`."""
    check_master(master)
    columns = read_columns(source)
    if output.suffix.lower() != ".parquet":
        raise TableProblem(say("batch_output_not_parquet", path=output))
    if output.resolve() == source.resolve():
        raise TableProblem(say("batch_output_is_input", path=output))
    if output.is_dir() and not force:
        raise TableProblem(say("batch_output_exists", path=output))
    if not output.is_dir():
        check_can_write(output, force)
    if not spark_is_installed():
        raise TableProblem(say("batch_no_spark"))
    os.environ["MLFLOW_ALLOW_MODEL_CODE_EXECUTION"] = "false"  # as in the kitchen

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="banquet-") as folder:
        print(say("batch_fetching", uri=model_uri(settings)), flush=True)
        version, model_folder, pipeline = fetch_checked_champion(settings, Path(folder))
        print(say("batch_opening_hall", master=master), flush=True)
        spark = open_hall(master)
        try:
            orders = read_orders(spark, source, columns)
            print(say("batch_checking", path=source), flush=True)
            rows = check_orders(orders, source)
            print(say("batch_cooking", rows=rows, version=version), flush=True)
            dishes = cook(spark, orders, model_folder)
            dishes.write.mode("overwrite" if force else "errorifexists").parquet(str(output))
            taste(spark, output, pipeline)
        except spark_errors() as error:
            raise TableProblem(say("batch_spark_failed", reason=first_line(error))) from None
        finally:
            spark.stop()
    return Banquet(rows, version, time.perf_counter() - started, output)
