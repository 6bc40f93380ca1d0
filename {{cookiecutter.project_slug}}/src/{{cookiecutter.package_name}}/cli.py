"""The command line: `{{ cookiecutter.package_name }} train | lab | kitchen | shop | up`, and for the
workshop `doctor` and `checkpoint N`.

Plain argparse, so it works the same on every system (no make needed). Each server command
binds 127.0.0.1 unless told otherwise: nothing is published to the network by accident.
"""

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from {{ cookiecutter.package_name }}.settings import get_settings, mlflow_server_environment

COMMAND = "{{ cookiecutter.package_name }}"
SHOP_PAGE = Path(__file__).parent / "shop" / "app.py"
HOST_HELP = "address to bind (default: %(default)s, this machine only)"


# --- What a person may type ------------------------------------------------------------------


def number_type(kind, minimum, maximum=None):
    """Return an argparse type that accepts `kind` values in [minimum, maximum]."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {kind.__name__}") from None
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" and {maximum}" if maximum is not None else ""
            between = f"between {minimum}{upper}" if upper else f"at least {minimum}"
            raise argparse.ArgumentTypeError(f"{text} must be {between}")
        return value

    return parse


port = number_type(int, 1, 65535)


def port_is_free(host: str, number: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((host, number)) != 0


def check_ports_free(host: str, ports: dict[str, int]) -> None:
    for part, number in ports.items():
        if not port_is_free(host, number):
            sys.exit(
                f"Port {number} on {host} is already taken, so the {part} cannot open there. "
                f"Stop what uses it, or choose another port with --{part}-port (or --port)."
            )


# --- The commands --------------------------------------------------------------------------


def train(args) -> None:
    from {{ cookiecutter.package_name }}.lab.train import Recipe
    from {{ cookiecutter.package_name }}.lab.train import train as run_training

    recipe = Recipe(args.learning_rate, args.max_iter, args.max_leaf_nodes, args.rows, args.seed)
    result = run_training(get_settings(), recipe)
    metrics = ", ".join(f"{name} {value:.3f}" for name, value in result.metrics.items())
    verdict = "is the new champion" if result.promoted else "did not beat the champion"
    print(f"Trained in {result.seconds:.1f} s: {metrics}.")
    print(f"Model version {result.version} {verdict} (run {result.run_id}).")


def as_arguments(options: dict[str, str]) -> list[str]:
    """Turn {"--port": "8000"} into ["--port", "8000"]."""
    return [part for option, value in options.items() for part in (option, value)]


def lab_command(host: str, port_number: int) -> list[str]:
    settings = get_settings()
    options = {
        "--backend-store-uri": settings.mlflow_tracking_uri,
        "--artifacts-destination": settings.artifacts_dir.resolve().as_uri(),
        "--host": host,
        "--port": str(port_number),
        "--workers": "1",  # one person's lab book: MLflow's default of 4 only costs memory
    }
    return [sys.executable, "-m", "mlflow", "server", *as_arguments(options)]


def kitchen_command(host: str, port_number: int, workers: int = 1) -> list[str]:
    app = f"{COMMAND}.kitchen.app:create_app"
    # Each worker is a process with its own copy of the model: more throughput, more memory.
    options = {"--host": host, "--port": str(port_number), "--workers": str(workers)}
    return [sys.executable, "-m", "uvicorn", app, "--factory", *as_arguments(options)]


def shop_command(host: str, port_number: int) -> list[str]:
    options = {
        "--server.address": host,
        "--server.port": str(port_number),
        "--server.headless": "true",
        "--browser.gatherUsageStats": "false",  # no usage statistics sent
        "--client.showErrorDetails": "none",  # the page says what went wrong, in words
    }
    return [sys.executable, "-m", "streamlit", "run", str(SHOP_PAGE), *as_arguments(options)]


def serve(command: list[str], environment: dict[str, str] | None = None) -> None:
    """Run one server in the foreground until Ctrl-C (environment: this one, by default)."""
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the normal way to stop
        sys.exit(subprocess.call(command, env=environment))


def lab(args) -> None:
    check_ports_free(args.host, {"lab": args.port})
    print(f"The lab (MLflow) opens at http://{args.host}:{args.port}")
    serve(lab_command(args.host, args.port), mlflow_server_environment())


def kitchen(args) -> None:
    check_ports_free(args.host, {"kitchen": args.port})
    print(f"The kitchen (FastAPI) opens at http://{args.host}:{args.port}/docs")
    serve(kitchen_command(args.host, args.port, args.workers))


def shop(args) -> None:
    check_ports_free(args.host, {"shop": args.port})
    print(f"The shop window (Streamlit) opens at http://{args.host}:{args.port}")
    serve(shop_command(args.host, args.port))


# --- up: the whole restaurant at once --------------------------------------------------------


@dataclass
class Part:
    name: str
    command: list[str]
    health_url: str
    show_url: str
    process: subprocess.Popen | None = None


def restaurant(args) -> list[Part]:
    host = args.host
    lab_url = f"http://{host}:{args.lab_port}"
    kitchen_url = f"http://{host}:{args.kitchen_port}"
    shop_url = f"http://{host}:{args.shop_port}"
    return [
        Part("lab", lab_command(host, args.lab_port), f"{lab_url}/health", lab_url),
        Part(
            "kitchen",
            kitchen_command(host, args.kitchen_port),
            f"{kitchen_url}/health/ready",
            f"{kitchen_url}/docs",
        ),
        Part("shop", shop_command(host, args.shop_port), f"{shop_url}/_stcore/health", shop_url),
    ]


def wait_until_healthy(parts: list[Part], seconds: float) -> Part | None:
    """Poll each part's health URL; return the first part that died or stayed silent."""
    deadline = time.monotonic() + seconds
    for part in parts:
        while True:
            if part.process.poll() is not None:
                return part
            try:
                if httpx.get(part.health_url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                return part
            time.sleep(0.5)
    return None


def start(part: Part, environment: dict[str, str]) -> None:
    # Each part gets a process group of its own, so that closing it also closes the helper
    # processes it started (the lab's MLflow server runs uvicorn and a job runner).
    part.process = subprocess.Popen(part.command, env=environment, start_new_session=True)


def signal_group(part: Part, signal_number: int) -> None:
    try:
        if os.name == "nt":  # Windows has no process groups to signal
            part.process.terminate()
        else:
            os.killpg(part.process.pid, signal_number)
    except ProcessLookupError:
        pass  # already gone


def group_is_gone(part: Part) -> bool:
    if os.name == "nt":
        return part.process.poll() is not None
    try:
        os.killpg(part.process.pid, 0)  # signal 0 only asks "is anyone left?"
    except ProcessLookupError:
        return True
    return False


def stop(parts: list[Part], seconds: float = 15) -> None:
    """Ask every part to close, wait for all their processes, force those that linger."""
    started = [part for part in parts if part.process]
    for part in started:
        signal_group(part, signal.SIGTERM)
    deadline = time.monotonic() + seconds
    for part in started:
        while part.process.poll() is None or not group_is_gone(part):
            if time.monotonic() > deadline:
                signal_group(part, signal.SIGKILL if os.name != "nt" else signal.SIGTERM)
                part.process.wait()
                break
            time.sleep(0.2)


def up(args) -> None:
    from {{ cookiecutter.package_name }}.lab.registry import find_champion

    check_ports_free(
        args.host, {"lab": args.lab_port, "kitchen": args.kitchen_port, "shop": args.shop_port}
    )
    settings = get_settings()
    if find_champion(settings) is None:
        print("The lab has no champion yet: training a first model...")
        train(parser().parse_args(["train"]))
    parts = restaurant(args)
    # The shop window must send its orders to the kitchen started here.
    kitchen_url = f"http://{args.host}:{args.kitchen_port}"
    environment = {**mlflow_server_environment(), "KITCHEN_URL": kitchen_url}
    try:
        for part in parts:
            start(part, environment)
        failed = wait_until_healthy(parts, args.wait)
        if failed:
            sys.exit(f"The {failed.name} did not start (see its messages above); all stopped.")
        print("\nThe restaurant is open:")
        for part in parts:
            print(f"  {part.name:<8} {part.show_url}")
        print("Press Ctrl-C to close all three.\n")
        while all(part.process.poll() is None for part in parts):
            time.sleep(1)
        sys.exit("One part stopped by itself; closing the others.")
    except KeyboardInterrupt:
        print("\nClosing the restaurant...", flush=True)
    finally:
        with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C does not stop the closing
            stop(parts)


# --- workshop: doctor and checkpoint ---------------------------------------------------------


def doctor(args) -> None:
    from {{ cookiecutter.package_name }}.workshop.doctor import run_doctor

    sys.exit(run_doctor(get_settings()))


def checkpoint(args) -> None:
    from {{ cookiecutter.package_name }}.workshop.checkpoint import run_checkpoint

    sys.exit(run_checkpoint(get_settings(), args.part))


def add_workshop_commands(commands) -> None:
    from {{ cookiecutter.package_name }}.messages import say

    examination = commands.add_parser("doctor", help="check this machine is ready; say what to fix")
    examination.set_defaults(run=doctor)
    rescue = commands.add_parser(
        "checkpoint", help="bring the project to the end of part N (1 lab, 2 kitchen, 3 shop)"
    )
    rescue.add_argument(
        "part",
        type=checkpoint_part(say),
        metavar="N",
        help="1 = lab (a champion), 2 = kitchen, 3 = shop window; your changes are backed up",
    )
    rescue.set_defaults(run=checkpoint)


def checkpoint_part(say):
    """An argparse type for N, refusing anything but 1, 2 or 3 in the workshop's language."""

    def parse(text: str) -> int:
        if text.strip() not in ("1", "2", "3"):
            raise argparse.ArgumentTypeError(say("checkpoint_bad_part", given=text))
        return int(text)

    return parse


# --- class server: the teacher's shared lab book ---------------------------------------------


def class_server(args) -> None:
    from {{ cookiecutter.package_name }}.workshop.class_server import ClassServerProblem, open_class_server

    check_ports_free(args.host, {"class-server": args.port})
    try:
        open_class_server(get_settings(), args)
    except ClassServerProblem as problem:
        sys.exit(str(problem))


def add_class_server(commands, settings) -> None:
    server = commands.add_parser(
        "class-server",
        help="(teacher) open a shared lab book for the class: PostgreSQL, one account each",
    )
    server.add_argument(
        "--roster", required=True, help="CSV file with a header `username,password`"
    )
    server.add_argument(
        "--host",
        default="127.0.0.1",
        help=HOST_HELP + "; 0.0.0.0 opens it to the classroom's network",
    )
    server.add_argument("--port", type=port, default=5050, help="(default: %(default)s)")
    server.add_argument(
        "--allowed-hosts",
        default=settings.class_allowed_hosts,
        help="extra names or addresses learners type, comma-separated (CLASS_ALLOWED_HOSTS)",
    )
    server.add_argument(
        "--workers", type=number_type(int, 1, 16), default=2, help="processes (default: 2)"
    )
    server.add_argument(
        "--wait",
        type=number_type(float, 1),
        default=300,
        help="seconds to wait for the server to be ready (default: 300)",
    )
    server.set_defaults(run=class_server)


# --- Catering: whole tables at once (make-data, score-batch) --------------------------------


def make_data(args) -> None:
    from {{ cookiecutter.package_name }}.catering.tables import TableProblem, write_orders
    from {{ cookiecutter.package_name }}.messages import say

    started = time.perf_counter()
    try:
        table = write_orders(args.output, args.rows, args.seed, args.with_target, args.force)
    except TableProblem as problem:
        sys.exit(str(problem))
    seconds = time.perf_counter() - started
    columns = ", ".join(table.columns)
    print(say("batch_written", rows=table.rows, columns=columns, path=table.path, seconds=seconds))


def score_batch(args) -> None:
    from {{ cookiecutter.package_name }}.catering.banquet import score_table
    from {{ cookiecutter.package_name }}.catering.tables import TableProblem
    from {{ cookiecutter.package_name }}.messages import say

    try:
        banquet = score_table(get_settings(), args.input, args.output, args.master, args.force)
    except TableProblem as problem:
        sys.exit(str(problem))
    speed = banquet.rows / banquet.seconds
    print(
        say(
            "batch_done",
            rows=banquet.rows,
            path=banquet.output,
            seconds=banquet.seconds,
            speed=speed,
            version=banquet.version,
        )
    )


def add_catering_commands(commands) -> None:
    from {{ cookiecutter.package_name }}.catering import MAX_ROWS

    making = commands.add_parser(
        "make-data", help="write a large table of orders (.csv or .parquet) from the generator"
    )
    making.add_argument("output", type=Path, metavar="OUTPUT", help="a .csv or .parquet file")
    making.add_argument(
        "--rows",
        type=number_type(int, 1, MAX_ROWS),
        default=1_000_000,
        help="how many orders (default: %(default)s)",
    )
    making.add_argument("--seed", type=number_type(int, 0), default=42)
    making.add_argument(
        "--with-target",
        action="store_true",
        help="add the true outcome as a last column (the kitchen never receives it)",
    )
    making.add_argument("--force", action="store_true", help="replace OUTPUT if it exists")
    making.set_defaults(run=make_data)

    scoring = commands.add_parser(
        "score-batch", help="score a whole table with the champion on Spark, write Parquet"
    )
    scoring.add_argument("input", type=Path, metavar="INPUT", help="a .csv or .parquet table")
    scoring.add_argument("output", type=Path, metavar="OUTPUT", help="a .parquet folder to write")
    scoring.add_argument(
        "--master",
        default="local[*]",
        help="Spark master: local[*] (default, this machine's cores), local[2], spark://HOST:7077",
    )
    scoring.add_argument("--force", action="store_true", help="replace OUTPUT if it exists")
    scoring.set_defaults(run=score_batch)


# --- The parser ----------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    settings = get_settings()
    main_parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="The lab (MLflow), the kitchen (FastAPI) and the shop window (Streamlit).",
    )
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    training = commands.add_parser("train", help="train a model, log it, promote it if it wins")
    training.add_argument("--learning-rate", type=number_type(float, 0.001, 1.0), default=0.1)
    training.add_argument("--max-iter", type=number_type(int, 1, 5000), default=100)
    training.add_argument("--max-leaf-nodes", type=number_type(int, 2, 1000), default=31)
    training.add_argument(
        "--rows",
        type=number_type(int, 50, 1_000_000),
        default=2000,
        help="rows of generated data (default: 2000)",
    )
    training.add_argument("--seed", type=number_type(int, 0), default=42)
    training.set_defaults(run=train)

    servers = [
        ("lab", lab, settings.lab_port, "open the lab book (MLflow UI)"),
        ("kitchen", kitchen, settings.kitchen_port, "open the kitchen (FastAPI)"),
        ("shop", shop, settings.shop_port, "open the shop window (Streamlit)"),
    ]
    for name, run, default_port, help_text in servers:
        server = commands.add_parser(name, help=help_text)
        server.add_argument("--host", default="127.0.0.1", help=HOST_HELP)
        server.add_argument(
            "--port", type=port, default=default_port, help="(default: %(default)s)"
        )
        server.set_defaults(run=run)
        if name == "kitchen":
            server.add_argument(
                "--workers", type=number_type(int, 1, 64), default=1, help="processes (default: 1)"
            )

    everything = commands.add_parser("up", help="open lab, kitchen and shop window together")
    everything.add_argument("--host", default="127.0.0.1", help=HOST_HELP)
    everything.add_argument("--lab-port", type=port, default=settings.lab_port)
    everything.add_argument("--kitchen-port", type=port, default=settings.kitchen_port)
    everything.add_argument("--shop-port", type=port, default=settings.shop_port)
    everything.add_argument(
        "--wait",
        type=number_type(float, 1),
        default=120,
        help="seconds to wait for all three to be ready (default: 120)",
    )
    everything.set_defaults(run=up)
    add_workshop_commands(commands)
    add_class_server(commands, settings)
    add_catering_commands(commands)
    return main_parser


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
