"""Serving speed and memory: the kitchen against `mlflow models serve`, same champion, one run.

    python benchmarks/serving.py              # after `python3 run.py test` or `run.py up`
    python benchmarks/serving.py --quick      # 400 requests per load level, for a first look
    python benchmarks/serving.py --kitchen-workers 2   # the kitchen as two processes

What runs, each installed as its users install it:
- the lab: `mlflow server` on a temporary lab book, in which a champion is trained first;
- `mlflow models serve --env-manager local`, from an environment made with `pip install mlflow`
  (plus scikit-learn and skops, which the model needs), as MLflow's documentation installs it;
- the kitchen with its default settings, from an environment made the way its image makes it
  (the project without its dependencies, then docker/kitchen-requirements.txt);
- the same kitchen without its order book (ORDER_BOOK=false), to show what writing every order
  down costs: both kitchens are measured again in alternating rounds (--rounds, default 3),
  so that a busy neighbour weighs on both alike, and the medians are compared;
- the HTTP floor: in the kitchen's environment, a FastAPI app that checks the same `Order` and
  answers a constant dish, the least any such server can do per request;
- the whole workshop as `up` starts it (lab, kitchen, shop window), for its memory.
Both servers ask the lab server for the champion over HTTP (its files are on this disk).

It prints side by side: 1-row latency (p50, p99) with one client, 1-row throughput with 8 and 32
clients, a 10,000-row batch, cold start (process start to first answer) and resident memory,
the floors, then each target and whether it is met. Every loop sends a fixed number of requests:
nothing runs unbounded. The machine's load average is printed at the start and the end: figures
vary by 20-50 % on a busy machine; the ratios, measured in the same run, are what to compare.
The two environments are kept (in the system's temporary folder) and reused by the next run.
"""

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import signal
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
from {{ cookiecutter.package_name }}.settings import Settings, mlflow_server_environment

PACKAGE = "{{ cookiecutter.package_name }}"
PROJECT = Path(__file__).resolve().parents[1]
KITCHEN_REQUIREMENTS = PROJECT / "docker" / "kitchen-requirements.txt"
# `pip install mlflow`, as MLflow's docs say, and what this model needs to be opened.
MLFLOW_REQUIREMENTS = ["mlflow>=3.16.1,!=3.18.0", "scikit-learn", "skops"]
ENVIRONMENTS = Path(tempfile.gettempdir()) / f"{PACKAGE}-serving-benchmark"
QUIET = "--host 127.0.0.1 --log-level warning"  # no line per request: logging costs time
TARGETS = {  # (label, kitchen figure, compared with, sense, target)
    "p50_1": ("1-row latency p50 / mlflow serve", "<=", 0.5),
    "throughput_32": ("32-client throughput / mlflow serve", ">=", 10.0),
    "floor_http": ("32-client throughput / HTTP floor", ">=", 0.7),
    "batch": ("10k-row batch / (decode + predict)", "<=", 1.2),
    "rss": ("resident memory / mlflow serve", "<=", 0.5),
    "stack": ("workshop stack under `up` (MB)", "<=", 1200),
    "book_p50": ("order book: 1-row p50, with / without", "<=", 1.05),
    "book_throughput": ("order book: 32 clients, with / without", ">=", 0.95),
}
LOAD_FIGURES = ("p50_1", "p99_1", "throughput_8", "throughput_32")
# The floor app: the same checks of an order as the kitchen, then a constant dish.
HTTP_FLOOR_APP = f"""
from fastapi import FastAPI
from {PACKAGE}.menu import Dish, Order

app = FastAPI()


@app.post("/predict")
async def predict(order: Order) -> Dish:
    return Dish(prediction=1.0, model_version="1")
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def children_of() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    return children


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (Linux /proc)."""
    children, total, stack = children_of(), 0, [pid]
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


# --- The environments, made as each server's users make them --------------------------------


def uv() -> str:
    found = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(found).exists():
        raise SystemExit("uv makes the environments: `python3 run.py test` installs it")
    return found


def environment(name: str, steps: list[list[str]], made_of: tuple[Path, ...] = ()) -> Path:
    """A virtual environment made by `steps` (uv pip arguments), reused while neither they nor
    the files it is `made_of` change."""
    folder = ENVIRONMENTS / name
    python = folder / "bin" / "python"
    recipe = json.dumps(steps) + "".join(path.read_text() for path in made_of)
    stamp = hashlib.sha256(recipe.encode()).hexdigest()
    if (folder / "recipe").exists() and (folder / "recipe").read_text() == stamp:
        return python
    print(f"Making the {name} environment in {folder}...", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([uv(), "venv", "--quiet", "--python", sys.executable, str(folder)], check=True)
    for step in steps:
        subprocess.run(
            [uv(), "pip", "install", "--quiet", "--python", str(python), *step], check=True
        )
    (folder / "recipe").write_text(stamp)
    return python


def kitchen_environment() -> Path:
    """As docker/Dockerfile's kitchen stage: the project without dependencies, then the list."""
    if not KITCHEN_REQUIREMENTS.exists():
        print("This project has no kitchen image (baked without Docker): the kitchen is measured")
        print("in the project's own environment, which holds far more than serving needs.")
        return Path(sys.executable)
    steps = [["--no-deps", str(PROJECT)], ["-r", str(KITCHEN_REQUIREMENTS)]]
    code = sorted((PROJECT / "src").rglob("*.py"))
    return environment("kitchen", steps, made_of=(KITCHEN_REQUIREMENTS, *code))


def mlflow_environment() -> Path:
    return environment("mlflow", [MLFLOW_REQUIREMENTS])


# --- Servers -----------------------------------------------------------------------------------

JSON = {"content-type": "application/json"}


class Server:
    """One server under test: how to start it and how to ask it for predictions."""

    def __init__(self, name, command, environment, url, one_row_body, batch_body=None, cwd=None):
        self.name, self.url = name, url
        self.log = Path(tempfile.mkstemp(prefix="serving-benchmark-", suffix=".log")[1])
        # Encoded once: the load generator's own JSON work must not be what we measure.
        self.one_row_body = json.dumps(one_row_body).encode()
        self.batch_body = json.dumps(batch_body).encode() if batch_body else None
        started = time.monotonic()
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command,
                env=environment,
                cwd=cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self.cold_start = self.wait_for_first_answer(started)
        except BaseException:  # never answered, or Ctrl-C: leave no server running
            self.stop()
            print(f"The last lines {name} wrote ({self.log}):\n{self.log.read_text()[-3000:]}")
            raise

    def wait_for_first_answer(self, started: float, seconds: float = 300) -> float:
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
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
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
    """Time the 10k-row batch through the server, and in this process the floor: decoding the
    same JSON body plus the pipeline's predict of the same rows. One after the other, so that
    both see the same machine (a busy neighbour would otherwise skew the ratio)."""
    batch_url = server.url.replace("/predict", "/predict/batch")
    served, decoding, predicting = [], [], []
    for _ in range(repeats):
        [latency], _, failed = asyncio.run(send(batch_url, server.batch_body, 1, 1))
        if failed:
            raise SystemExit(f"{server.name} failed a 10,000-row batch")
        served.append(latency)
        decoding.append(timed(lambda: json.loads(server.batch_body)))
        predicting.append(timed(lambda: pipeline.predict(rows)))
    median = statistics.median
    return median(served) * 1000, median(decoding) * 1000, median(predicting) * 1000


def load_figures(server: Server, requests: int) -> tuple[dict[str, float], int]:
    """1-row latency with one client, 1-row throughput with 8 and 32; and the failures."""
    figures = {}
    latencies, _, failed = asyncio.run(send(server.url, server.one_row_body, requests // 2, 1))
    ordered = sorted(latencies)
    figures["p50_1"] = statistics.median(ordered) * 1000
    figures["p99_1"] = ordered[int(len(ordered) * 0.99) - 1] * 1000
    for clients in (8, 32):
        _, elapsed, more = asyncio.run(send(server.url, server.one_row_body, requests, clients))
        figures[f"throughput_{clients}"] = requests / elapsed
        failed += more
    return figures, failed


def measure(server: Server, requests: int, pipeline=None, rows=None) -> dict[str, float]:
    figures, failed = load_figures(server, requests)
    if server.batch_body:
        figures["batch"], figures["decode"], figures["predict"] = batch_and_floor(
            server, pipeline, rows
        )
        floor_one_row = [timed(lambda: pipeline.predict(rows.head(1))) for _ in range(200)]
        figures["floor_one_row"] = statistics.median(floor_one_row) * 1000
    figures["failed"] = failed
    figures["cold_start"] = server.cold_start
    figures["rss"] = tree_rss_mb(server.process.pid)
    return figures


def order_book_cost(pair: dict[str, Server], requests: int, rounds: int) -> dict:
    """The two kitchens (with and without the order book) measured in turn, `rounds` times
    each; per kitchen, the median of each figure over its rounds."""
    taken = {name: {key: [] for key in (*LOAD_FIGURES, "failed")} for name in pair}
    for round_number in range(rounds):
        # Alternate who goes first, so that neither always follows the other's busy writer.
        for name in pair if round_number % 2 == 0 else reversed(pair):
            figures, failed = load_figures(pair[name], requests)
            for key, value in figures.items():
                taken[name][key].append(value)
            taken[name]["failed"].append(failed)
    return {
        name: {key: statistics.median(values) for key, values in figures.items()}
        | {"failed": sum(figures["failed"]), "rounds": rounds}
        for name, figures in taken.items()
    }


def orders_in_book(folder: Path) -> int:
    """How many orders the benchmarked kitchen wrote in its order book (orders.db)."""
    import sqlite3

    book = folder / "orders.db"
    if not book.exists():
        return 0
    with contextlib.closing(sqlite3.connect(book)) as database:
        return database.execute("SELECT COUNT(*) FROM orders").fetchone()[0]


def lab_server(settings: Settings, port: int) -> subprocess.Popen:
    """The lab as `lab` and `up` start it: `mlflow server` on the lab book, one worker."""
    command = [
        *[sys.executable, "-m", "mlflow", "server"],
        *["--backend-store-uri", settings.mlflow_tracking_uri],
        *["--artifacts-destination", settings.artifacts_dir.resolve().as_uri()],
        *["--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
    ]
    return subprocess.Popen(
        command,
        env=mlflow_server_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_for(url: str, process: subprocess.Popen, seconds: float = 300) -> None:
    async def poll():
        async with aiohttp.ClientSession() as session:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise SystemExit(f"the server behind {url} stopped")
                try:
                    async with session.get(url) as answer:
                        if answer.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.25)
            raise SystemExit(f"{url} did not answer within {seconds} s")

    asyncio.run(poll())


def stop_group(process: subprocess.Popen, signal_number=signal.SIGTERM) -> None:
    try:
        os.killpg(process.pid, signal_number)
        process.wait(timeout=60)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def stack_memory(settings: Settings) -> dict[str, float]:
    """Start the workshop as `up` does, on the same lab book; return each part's memory (MB)."""
    ports = {name: free_port() for name in ("lab", "kitchen", "shop")}
    variables = {
        "MLFLOW_TRACKING_URI": settings.mlflow_tracking_uri,
        "ARTIFACTS_DIR": str(settings.artifacts_dir),
    }
    command = [sys.executable, "-m", PACKAGE, "up", *[f"--{n}-port={p}" for n, p in ports.items()]]
    up = subprocess.Popen(
        command,
        env={**os.environ, **variables},
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    groups = []  # each part runs in a process group of its own, led by `up`'s child
    try:
        for url in (
            f"http://127.0.0.1:{ports['lab']}/health",
            f"http://127.0.0.1:{ports['kitchen']}/health/ready",
            f"http://127.0.0.1:{ports['shop']}/_stcore/health",
        ):
            wait_for(url, up)
        time.sleep(5)  # let every part settle after its first answer
        parts = {"up itself": tree_rss_mb(up.pid)}
        for child in children_of().get(up.pid, []):
            groups.append(child)
            line = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            kind = next((n for n in ("mlflow", "uvicorn", "streamlit") if n in line), "other")
            name = {"mlflow": "lab", "uvicorn": "kitchen", "streamlit": "shop"}.get(kind, kind)
            parts[name] = parts.get(name, 0) + tree_rss_mb(child)
            parts["up itself"] -= parts[name]
        return parts
    finally:
        stop_group(up, signal.SIGINT)  # Ctrl-C: `up` closes its three parts itself
        for group in groups:  # and should any linger, they are closed here
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--requests", type=int, default=2000, help="per load level (min 40)")
    options.add_argument("--quick", action="store_true", help="same as --requests 400")
    options.add_argument(
        "--kitchen-workers", type=int, default=1, help="kitchen processes (default 1, as mlflow)"
    )
    options.add_argument("--no-stack", action="store_true", help="skip the `up` memory figure")
    options.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds with and without the order book"
    )
    arguments = options.parse_args()
    if not 1 <= arguments.rounds <= 20:
        options.error("--rounds must be between 1 and 20")
    if not 1 <= arguments.kitchen_workers <= 16:
        options.error("--kitchen-workers must be between 1 and 16")
    requests = 400 if arguments.quick else arguments.requests
    if requests < 40:
        options.error("--requests must be at least 40, so that p99 means something")
    if not sys.platform.startswith("linux"):
        options.error("memory is read from Linux's /proc: run this benchmark on Linux")
    print(f"Load average at the start (1, 5, 15 min): {load_average()}", flush=True)
    kitchen_python, mlflow_python = kitchen_environment(), mlflow_environment()

    with tempfile.TemporaryDirectory() as folder:
        lab = Path(folder)
        local = Settings(
            mlflow_tracking_uri=f"sqlite:///{(lab / 'mlflow.db').as_posix()}",
            artifacts_dir=lab / "mlruns",
        )
        print("Training a champion in a temporary lab book...", flush=True)
        train(local)
        lab_port = free_port()
        lab_process = lab_server(local, lab_port)
        servers = {}
        try:
            wait_for(f"http://127.0.0.1:{lab_port}/health", lab_process)
            over_http = local.model_copy(
                update={"mlflow_tracking_uri": f"http://127.0.0.1:{lab_port}"}
            )
            rows = make_dataset(10_000, seed=11)[FEATURES]
            one_row = rows.head(1).to_dict("records")
            environment = {
                **os.environ,
                "MLFLOW_TRACKING_URI": over_http.mlflow_tracking_uri,
                # mlflow models serve opens skops models only when told it may.
                "MLFLOW_ALLOW_PICKLE_DESERIALIZATION": "true",
            }
            print("Starting `mlflow models serve`...", flush=True)
            port = free_port()
            mlflow_bin = str(mlflow_python.parent)  # it starts the `uvicorn` found on PATH
            servers["mlflow"] = Server(
                "mlflow models serve",
                [mlflow_python, "-m", "mlflow", "models", "serve", "-m", model_uri(over_http)]
                + ["-p", str(port), "-h", "127.0.0.1", "--env-manager", "local"],
                {**environment, "PATH": os.pathsep.join([mlflow_bin, os.environ["PATH"]])},
                f"http://127.0.0.1:{port}/invocations",
                {"dataframe_records": one_row},
                {"dataframe_split": rows.to_dict("split") | {"index": None}},
            )
            print("Starting the kitchen...", flush=True)
            port = free_port()
            servers["kitchen"] = Server(
                "kitchen",
                [kitchen_python, "-m", "uvicorn", f"{PACKAGE}.kitchen.app:create_app", "--factory"]
                + [*f"--port {port} {QUIET}".split(), "--workers", str(arguments.kitchen_workers)],
                environment,
                f"http://127.0.0.1:{port}/predict",
                one_row[0],
                {"orders": rows.to_dict("records")},
                cwd=lab,  # away from the project folder: no .env of the project is read
            )
            print("Starting the kitchen without its order book...", flush=True)
            port = free_port()
            servers["kitchen_no_book"] = Server(
                "kitchen, no order book",
                [kitchen_python, "-m", "uvicorn", f"{PACKAGE}.kitchen.app:create_app", "--factory"]
                + [*f"--port {port} {QUIET}".split(), "--workers", str(arguments.kitchen_workers)],
                {**environment, "ORDER_BOOK": "false"},
                f"http://127.0.0.1:{port}/predict",
                one_row[0],
                cwd=lab,
            )
            print("Starting the HTTP floor (same Order checks, a constant dish)...", flush=True)
            (lab / "http_floor.py").write_text(HTTP_FLOOR_APP)
            port = free_port()
            servers["floor"] = Server(
                "HTTP floor",
                [
                    kitchen_python,
                    "-m",
                    "uvicorn",
                    "http_floor:app",
                    *f"--port {port} {QUIET}".split(),
                ],
                environment,
                f"http://127.0.0.1:{port}/predict",
                one_row[0],
                cwd=lab,
            )
            # The floor of the batch: the same pipeline, loaded here, predicting without a server.
            pipeline = load(over_http, find_champion(over_http)).pipeline
            figures = {}
            for name in ("mlflow", "kitchen", "floor"):
                server = servers[name]
                print(
                    f"Measuring {server.name} ({requests} requests per load level)...", flush=True
                )
                figures[name] = measure(server, requests, pipeline, rows)
            print(
                f"Measuring the kitchen with and without its order book, {arguments.rounds} "
                "alternating rounds each...",
                flush=True,
            )
            time.sleep(2)  # the book writes down the batches' orders meanwhile
            pair = {"with": servers["kitchen"], "without": servers["kitchen_no_book"]}
            figures["order_book"] = order_book_cost(pair, requests, arguments.rounds)
            figures["order_book"]["rss"] = {
                name: tree_rss_mb(server.process.pid) for name, server in pair.items()
            }
        finally:
            for server in servers.values():
                server.stop()
            stop_group(lab_process)
        if "order_book" in figures:  # the kitchen writes what is still waiting as it closes
            figures["order_book"]["in_book"] = orders_in_book(lab)
        if not arguments.no_stack:
            print("Starting the workshop as `up` does, for its memory...", flush=True)
            figures["stack"] = stack_memory(local)
    report(figures)
    print(f"\nLoad average at the end (1, 5, 15 min): {load_average()}")


def report(figures: dict) -> None:
    mlflow, kitchen, floor = figures["mlflow"], figures["kitchen"], figures["floor"]
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
    print(f"\n{'':40} {'mlflow serve':>13} {'kitchen':>10} {'ratio':>7} {'HTTP floor':>11}")
    for label, key in rows:
        ratio = kitchen[key] / mlflow[key] if mlflow[key] else float("nan")
        beside = f"{floor[key]:11.1f}" if key in floor else ""
        print(f"{label:40} {mlflow[key]:13.1f} {kitchen[key]:10.1f} {ratio:7.2f} {beside}")
    print("In-process floor, timed alongside each server's batch:")
    for label, key in (
        ("decode the 10,000-row JSON body", "decode"),
        ("predict 10,000 rows", "predict"),
    ):
        print(f"  {label + ' (ms)':38} {mlflow[key]:13.1f} {kitchen[key]:10.1f}")
    one_row = (mlflow["floor_one_row"], kitchen["floor_one_row"])
    print(f"  {'predict 1 row (ms)':38} {one_row[0]:13.2f} {one_row[1]:10.2f}")
    book = figures["order_book"]
    with_book, without = book["with"], book["without"]
    print(
        f"\nThe order book's cost: the kitchen with it (default) and without it (ORDER_BOOK=false),"
        f" median of {with_book['rounds']} alternating rounds each:"
    )
    print(f"{'':40} {'with':>10} {'without':>10} {'ratio':>7}")
    for label, key in rows[:4]:
        ratio = with_book[key] / without[key] if without[key] else float("nan")
        print(f"{label:40} {with_book[key]:10.1f} {without[key]:10.1f} {ratio:7.3f}")
    print(f"{'failed requests':40} {with_book['failed']:10.1f} {without['failed']:10.1f}")
    memory = book["rss"]
    label = "resident memory, process tree (MB)"
    print(f"{label:40} {memory['with']:10.1f} {memory['without']:10.1f}")
    print(f"Orders written in the kitchen's order book: {book.get('in_book', 0):,}")
    stack = figures.get("stack")
    if stack:
        parts = ", ".join(f"{name} {mb:.0f}" for name, mb in stack.items())
        print(f"Workshop stack under `up` (MB): {parts}; total {sum(stack.values()):.0f}")
    ratios = {
        "p50_1": kitchen["p50_1"] / mlflow["p50_1"],
        "throughput_32": kitchen["throughput_32"] / mlflow["throughput_32"],
        "floor_http": kitchen["throughput_32"] / floor["throughput_32"],
        "batch": kitchen["batch"] / (kitchen["decode"] + kitchen["predict"]),
        "rss": kitchen["rss"] / mlflow["rss"],
        "stack": sum(stack.values()) if stack else None,
        "book_p50": with_book["p50_1"] / without["p50_1"],
        "book_throughput": with_book["throughput_32"] / without["throughput_32"],
    }
    print("\nTargets:")
    for key, (label, sense, target) in TARGETS.items():
        value = ratios[key]
        if value is None:
            print(f"  {label:40} {'-':>7}  target {sense} {target:<6}  not measured")
            continue
        met = value >= target if sense == ">=" else value <= target
        print(
            f"  {label:40} {value:7.2f}  target {sense} {target:<6}  {'met' if met else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
