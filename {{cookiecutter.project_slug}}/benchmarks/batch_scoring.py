"""Batch scoring speed: three ways to cook a whole table with the same champion, in one run.

    python benchmarks/batch_scoring.py                       # 100,000 and 1,000,000 rows
    python benchmarks/batch_scoring.py --sizes 2000 5000     # a quick look

Needs the `spark` extra for the third way (`uv pip install -e ".[spark]"`, Java 17 or 21).
It trains a champion in a temporary lab book, writes each table as Parquet with `make-data`'s
own function, then times, from that file to predictions in hand:

- pandas: read the file, `pipeline.predict` in this process (the floor: no server, no engine);
- kitchen: read the file, send it to a live kitchen (uvicorn, 1 worker, loopback) as
  `/predict/batch` requests of 10,000 orders (the menu's limit), one after the other;
- spark: `score-batch`'s own function on Spark (default local[2]): read, check, cook with
  `spark_udf`, write Parquet, taste. Java's start is paid once before, and shown apart.

Then how each time grows from the smallest size to the largest: x10 rows should cost about x10
time. Figures vary by 20-50 % on a busy machine; compare the columns of one run.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pandas as pd

# `serving.py` beside this file starts servers the same way; reuse its helpers.
sys.path.insert(0, str(Path(__file__).parent))
from serving import JSON, Server, free_port  # noqa: E402

from {{ cookiecutter.package_name }}.catering import MAX_ROWS  # noqa: E402
from {{ cookiecutter.package_name }}.catering.banquet import score_table, spark_is_installed  # noqa: E402
from {{ cookiecutter.package_name }}.catering.tables import write_orders  # noqa: E402
from {{ cookiecutter.package_name }}.kitchen.model import load  # noqa: E402
from {{ cookiecutter.package_name }}.lab.registry import find_champion  # noqa: E402
from {{ cookiecutter.package_name }}.lab.train import train  # noqa: E402
from {{ cookiecutter.package_name }}.menu import FEATURES, MAX_BATCH_ORDERS, example_order  # noqa: E402
from {{ cookiecutter.package_name }}.settings import Settings  # noqa: E402

KITCHEN = "{{ cookiecutter.package_name }}.kitchen.app:create_app"


def timed(action, *arguments) -> tuple[float, object]:
    started = time.perf_counter()
    result = action(*arguments)
    return time.perf_counter() - started, result


def with_pandas(pipeline, table: Path) -> int:
    return len(pipeline.predict(pd.read_parquet(table)[FEATURES]))


def with_kitchen(url: str, table: Path) -> int:
    """Send the table in chunks of the kitchen's batch limit; return how many dishes came back."""
    orders = pd.read_parquet(table)[FEATURES]
    dishes = 0
    with httpx.Client(timeout=120) as client:
        for start in range(0, len(orders), MAX_BATCH_ORDERS):
            chunk = orders.iloc[start : start + MAX_BATCH_ORDERS].to_dict("records")
            body = json.dumps({"orders": chunk}).encode()
            answer = client.post(f"{url}/predict/batch", content=body, headers=JSON)
            answer.raise_for_status()
            dishes += len(answer.json()["predictions"])
    return dishes


def with_spark(settings: Settings, table: Path, master: str) -> int:
    output = table.with_name(table.stem + "-dishes.parquet")
    banquet = score_table(settings, table, output, master=master, force=True)
    shutil.rmtree(output)
    return banquet.rows


class PatientServer(Server):
    """serving.py's Server, waiting longer for the first answer: on a busy machine, importing
    the kitchen and fetching the champion can take minutes."""

    def wait_for_first_answer(self, started: float, seconds: float = 600) -> float:
        try:
            return super().wait_for_first_answer(started, seconds)
        except SystemExit:
            self.process.kill()  # a kitchen that never answered must not outlive the benchmark
            raise


def start_kitchen(environment: dict[str, str]) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", KITCHEN, "--factory", "--port", str(port)]
    command += ["--host", "127.0.0.1", "--log-level", "warning"]
    url = f"http://127.0.0.1:{port}/predict"
    # Server waits for a first answer to one order; the batches are sent by `with_kitchen`.
    order = example_order().model_dump(mode="json")
    return PatientServer("kitchen", command, environment, url, order, {})


def report(sizes: list[int], seconds: dict[str, dict[int, float]], java_start: float | None):
    print(f"\n{'rows per second':<24}" + "".join(f"{size:>14,}" for size in sizes), end="")
    print(f"{'growth':>10}" if len(sizes) > 1 else "")
    for way, times in seconds.items():
        speeds = "".join(f"{size / times[size]:>14,.0f}" for size in sizes)
        growth = ""
        if len(sizes) > 1:
            growth = f"{times[sizes[-1]] / times[sizes[0]]:>9.1f}x"
        print(f"{way:<24}{speeds}{growth}")
    print(f"\n{'seconds':<24}" + "".join(f"{size:>14,}" for size in sizes))
    for way, times in seconds.items():
        print(f"{way:<24}" + "".join(f"{times[size]:>14.2f}" for size in sizes))
    if len(sizes) > 1:
        print(f"(growth: time at {sizes[-1]:,} rows / time at {sizes[0]:,} rows; ", end="")
        print(f"x{sizes[-1] / sizes[0]:g} is linear)")
    if java_start is not None:
        print(f"Spark's first session (Java start, 1,000 rows scored): {java_start:.1f} s")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    options.add_argument("--master", default="local[2]", help="Spark master (default: local[2])")
    arguments = options.parse_args()
    sizes = sorted(set(arguments.sizes))
    if sizes[0] < 1 or sizes[-1] > MAX_ROWS:
        options.error(f"--sizes must be between 1 and {MAX_ROWS:,} rows")

    with tempfile.TemporaryDirectory() as folder:
        lab = Path(folder)
        settings = Settings(
            mlflow_tracking_uri=f"sqlite:///{(lab / 'mlflow.db').as_posix()}",
            artifacts_dir=lab / "mlruns",
        )
        print("Training a champion in a temporary lab book...", flush=True)
        train(settings)
        pipeline = load(settings, find_champion(settings)).pipeline
        tables = {}
        for size in sizes:
            tables[size] = write_orders(lab / f"orders-{size}.parquet", size, seed=7).path
        environment = {
            **os.environ,
            "MLFLOW_TRACKING_URI": settings.mlflow_tracking_uri,
            "ARTIFACTS_DIR": str(settings.artifacts_dir),
        }
        seconds: dict[str, dict[int, float]] = {"pandas, in process": {}}
        for size, table in tables.items():
            seconds["pandas, in process"][size], _ = timed(with_pandas, pipeline, table)

        print("Starting the kitchen...", flush=True)
        kitchen = start_kitchen(environment)
        url = kitchen.url.removesuffix("/predict")
        seconds["kitchen, /predict/batch"] = {}
        try:
            for size, table in tables.items():
                print(f"Kitchen: {size:,} rows...", flush=True)
                took, dishes = timed(with_kitchen, url, table)
                assert dishes == size, f"the kitchen returned {dishes} dishes for {size} orders"
                seconds["kitchen, /predict/batch"][size] = took
        finally:
            kitchen.stop()

        java_start = None
        if spark_is_installed():
            print("Opening Spark once (Java starts)...", flush=True)
            warm_up = write_orders(lab / "warm-up.parquet", 1000, seed=1).path
            java_start, _ = timed(with_spark, settings, warm_up, arguments.master)
            label = f"spark {arguments.master}"
            seconds[label] = {}
            for size, table in tables.items():
                print(f"Spark: {size:,} rows...", flush=True)
                seconds[label][size], _ = timed(with_spark, settings, table, arguments.master)
        else:
            print('Spark skipped: pyspark is not installed (uv pip install -e ".[spark]").')
    report(sizes, seconds, java_start)


if __name__ == "__main__":
    main()
