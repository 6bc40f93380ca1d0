"""Serving speed: the kitchen against `mlflow models serve`, on the same champion, in one run.

    python benchmarks/serving.py              # after `python3 run.py test` or `run.py up`
    python benchmarks/serving.py --quick      # 400 requests per level, for a first look
    python benchmarks/serving.py --kitchen-workers 2   # the kitchen as two processes

It trains a champion in a temporary lab book, starts both servers on free loopback ports, and
prints side by side: 1-row latency (p50, p99) with one client, 1-row throughput with 8 and 32
clients, a 10,000-row batch, cold start (process start to first answer) and resident memory,
plus the in-process `predict` time of the same rows (the floor). Every loop sends a fixed number
of requests: nothing runs unbounded. Figures vary by 20-50 % on a busy machine; the ratios,
measured in the same run, are what to compare.
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import pandas as pd

from {{ cookiecutter.package_name }}.data import make_dataset
from {{ cookiecutter.package_name }}.kitchen.model import load
from {{ cookiecutter.package_name }}.lab.registry import find_champion, model_uri
from {{ cookiecutter.package_name }}.lab.train import train
from {{ cookiecutter.package_name }}.menu import FEATURES
from {{ cookiecutter.package_name }}.settings import Settings

KITCHEN = "{{ cookiecutter.package_name }}.kitchen.app:create_app --factory"
LOCAL = "-h 127.0.0.1 --env-manager local"  # serve from this environment, on loopback
QUIET = "--host 127.0.0.1 --log-level warning"  # no line per request: logging costs time
TARGETS = {  # kitchen / mlflow ratios the kitchen must reach
    "throughput_32": ("1-row throughput, 32 clients", ">=", 10.0),
    "p50_1": ("1-row latency p50, 1 client", "<=", 0.5),
    "batch_vs_floor": ("10k-row batch vs in-process predict", "<=", 1.3),
    "rss": ("resident memory", "<=", 0.5),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        total += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0
        )
    return total / 1024


JSON = {"content-type": "application/json"}


class Server:
    """One server under test: how to start it and how to ask it for predictions."""

    def __init__(self, name, command, environment, url, one_row_body, batch_body):
        self.name, self.url = name, url
        # Encoded once: the load generator's own JSON work must not be what we measure.
        self.one_row_body = json.dumps(one_row_body).encode()
        self.batch_body = json.dumps(batch_body).encode()
        started = time.monotonic()
        self.process = subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            self.cold_start = self.wait_for_first_answer(started)
        except BaseException:  # never answered, or Ctrl-C: leave no server running
            self.stop()
            raise

    def wait_for_first_answer(self, started: float, seconds: float = 180) -> float:
        async def first():
            async with aiohttp.ClientSession() as session:
                while time.monotonic() - started < seconds:
                    if self.process.poll() is not None:
                        raise SystemExit(f"{self.name} stopped before answering")
                    try:
                        order = session.post(self.url, data=self.one_row_body, headers=JSON)
                        async with order as answer:
                            if answer.status == 200:
                                return time.monotonic() - started
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(0.05)
                raise SystemExit(f"{self.name} did not answer within {seconds} s")

        return asyncio.run(first())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


async def send(url: str, body: bytes, requests: int, clients: int):
    """Send `requests` requests from `clients` concurrent clients; return the latencies, the
    elapsed seconds and how many answers were not 200."""
    latencies: list[float] = []
    failures = 0
    remaining = iter(range(requests))
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def client():
            nonlocal failures
            for _ in remaining:
                started = time.perf_counter()
                async with session.post(url, data=body, headers=JSON) as answer:
                    await answer.read()
                    failures += answer.status != 200
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        return latencies, time.perf_counter() - started, failures


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def batch_and_floor(server: Server, pipeline, rows: pd.DataFrame, repeats: int = 7):
    """Time the 10k-row batch through the server and in-process, one after the other, so that
    both see the same machine (a busy neighbour would otherwise skew the ratio)."""
    batch_url = server.url.replace("/predict", "/predict/batch")
    served, in_process = [], []
    for _ in range(repeats):
        [latency], _, failed = asyncio.run(send(batch_url, server.batch_body, 1, 1))
        if failed:
            raise SystemExit(f"{server.name} failed a 10,000-row batch")
        served.append(latency)
        in_process.append(timed(lambda: pipeline.predict(rows)))
    return statistics.median(served) * 1000, statistics.median(in_process) * 1000


def measure(server: Server, requests: int, pipeline, rows: pd.DataFrame) -> dict[str, float]:
    figures = {}
    latencies, _, failed = asyncio.run(send(server.url, server.one_row_body, requests // 2, 1))
    ordered = sorted(latencies)
    figures["p50_1"] = statistics.median(ordered) * 1000
    figures["p99_1"] = ordered[int(len(ordered) * 0.99) - 1] * 1000
    for clients in (8, 32):
        _, elapsed, more = asyncio.run(send(server.url, server.one_row_body, requests, clients))
        figures[f"throughput_{clients}"] = requests / elapsed
        failed += more
    figures["batch"], figures["floor_batch"] = batch_and_floor(server, pipeline, rows)
    one_row = rows.head(1)
    floor_one_row = [timed(lambda: pipeline.predict(one_row)) for _ in range(200)]
    figures["floor_one_row"] = statistics.median(floor_one_row) * 1000
    figures["failed"] = failed
    figures["cold_start"] = server.cold_start
    figures["rss"] = tree_rss_mb(server.process.pid)
    return figures


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--requests", type=int, default=2000, help="per load level (min 40)")
    options.add_argument("--quick", action="store_true", help="same as --requests 400")
    options.add_argument(
        "--kitchen-workers", type=int, default=1, help="kitchen processes (default 1, as mlflow)"
    )
    arguments = options.parse_args()
    if not 1 <= arguments.kitchen_workers <= 16:
        options.error("--kitchen-workers must be between 1 and 16")
    requests = 400 if arguments.quick else arguments.requests
    if requests < 40:
        options.error("--requests must be at least 40, so that p99 means something")

    with tempfile.TemporaryDirectory() as folder:
        lab = Path(folder)
        settings = Settings(
            mlflow_tracking_uri=f"sqlite:///{(lab / 'mlflow.db').as_posix()}",
            artifacts_dir=lab / "mlruns",
        )
        print("Training a champion in a temporary lab book...", flush=True)
        train(settings)
        rows = make_dataset(10_000, seed=11)[FEATURES]
        one_row = rows.head(1).to_dict("records")
        environment = {
            **os.environ,
            "MLFLOW_TRACKING_URI": settings.mlflow_tracking_uri,
            "ARTIFACTS_DIR": str(settings.artifacts_dir),
            # mlflow models serve opens skops models only when told it may,
            "MLFLOW_ALLOW_PICKLE_DESERIALIZATION": "true",
            # and starts `uvicorn` found on PATH: this environment's.
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        }
        mlflow_port, kitchen_port = free_port(), free_port()
        uri = model_uri(settings)
        servers = {}
        print("Starting `mlflow models serve`...", flush=True)
        servers["mlflow"] = Server(
            "mlflow models serve",
            [sys.executable, *f"-m mlflow models serve -m {uri} -p {mlflow_port} {LOCAL}".split()],
            environment,
            f"http://127.0.0.1:{mlflow_port}/invocations",
            {"dataframe_records": one_row},
            {"dataframe_split": rows.to_dict("split") | {"index": None}},
        )
        print("Starting the kitchen...", flush=True)
        servers["kitchen"] = Server(
            "kitchen",
            [
                sys.executable,
                *f"-m uvicorn {KITCHEN} --port {kitchen_port} {QUIET}".split(),
                *["--workers", str(arguments.kitchen_workers)],
            ],
            environment,
            f"http://127.0.0.1:{kitchen_port}/predict",
            one_row[0],
            {"orders": rows.to_dict("records")},
        )
        # The floor: the same pipeline, loaded here, predicting without any server.
        pipeline = load(settings, find_champion(settings)).pipeline
        try:
            figures = {}
            for name, server in servers.items():
                print(f"Measuring {name} ({requests} requests per load level)...", flush=True)
                figures[name] = measure(server, requests, pipeline, rows)
        finally:
            for server in servers.values():
                server.stop()
    report(figures)


def report(figures: dict) -> None:
    mlflow, kitchen = figures["mlflow"], figures["kitchen"]
    rows = [
        ("1-row latency p50, 1 client (ms)", "p50_1"),
        ("1-row latency p99, 1 client (ms)", "p99_1"),
        ("1-row throughput, 8 clients (req/s)", "throughput_8"),
        ("1-row throughput, 32 clients (req/s)", "throughput_32"),
        ("10,000-row batch (ms)", "batch"),
        ("cold start to first answer (s)", "cold_start"),
        ("resident memory, process tree (MB)", "rss"),
        ("failed requests", "failed"),
    ]
    print(f"\n{'':40} {'mlflow serve':>13} {'kitchen':>10} {'ratio':>7}")
    for label, key in rows:
        ratio = kitchen[key] / mlflow[key] if mlflow[key] else float("nan")
        print(f"{label:40} {mlflow[key]:13.1f} {kitchen[key]:10.1f} {ratio:7.2f}")
    print("In-process predict of the same rows, timed alongside each server (the floor):")
    print(f"{'  1 row (ms)':40} {mlflow['floor_one_row']:13.2f} {kitchen['floor_one_row']:10.2f}")
    print(f"{'  10,000 rows (ms)':40} {mlflow['floor_batch']:13.1f} {kitchen['floor_batch']:10.1f}")
    for figures_of in (mlflow, kitchen):
        figures_of["batch_vs_floor"] = figures_of["batch"] / figures_of["floor_batch"]
    print("\nTargets (kitchen compared with mlflow serve, or with the floor):")
    for key, (label, sense, target) in TARGETS.items():
        # The batch is compared with its own floor; the other figures with mlflow serve.
        ratio = kitchen[key] if key == "batch_vs_floor" else kitchen[key] / mlflow[key]
        verdict = "met" if (ratio >= target if sense == ">=" else ratio <= target) else "NOT met"
        print(f"  {label:40} {ratio:6.2f}  target {sense} {target:<4}  {verdict}")


if __name__ == "__main__":
    main()
