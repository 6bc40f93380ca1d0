{%- set fr = cookiecutter.language == "fr" -%}
"""The command line: `{{ cookiecutter.package_name }} train | lab | kitchen | shop | up`, and for the
workshop `doctor`, `checkpoint N`, `class-server`, `make-data`, `score-batch`, `season N` and
`harvest`.

Plain argparse, so it works the same on every system (no make needed). It only reads what a
person typed and hands it on: the servers are started and stopped by `processes`, the rest by
the modules each command names. Every server binds 127.0.0.1 unless told otherwise.
"""

import argparse
import signal
import sys
import time
from pathlib import Path

from {{ cookiecutter.package_name }} import processes
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import get_settings

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


def checkpoint_part(text: str) -> int:
    """N for `checkpoint N`: 1 to 4, refused in the workshop's language otherwise."""
    if text.strip() not in ("1", "2", "3", "4"):
        raise argparse.ArgumentTypeError(say("checkpoint_bad_part", given=text))
    return int(text)


def season_number(text: str) -> int:
    """N for `season N` and `harvest --season N`: a season of data.py, else refused in words."""
    from {{ cookiecutter.package_name }}.data import SEASONS  # here: only these commands need the data

    if text.strip() not in {str(season) for season in SEASONS}:
        raise argparse.ArgumentTypeError(say("season_unknown", given=text, seasons=SEASONS))
    return int(text)


def kitchen_address(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(say("season_bad_kitchen_url", url=text))
    return text


# --- Servers, kept open until Ctrl-C ---------------------------------------------------------


def check_ports_free(host: str, ports: dict[str, int]) -> None:
    """Stop before starting anything if a port is taken, naming the option that moves it."""
    for option, number in ports.items():
        if not processes.port_is_free(number, host):
            sys.exit(say("cli_port_taken", port=number, host=host, option=option))


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def close_on_signal(number, frame) -> None:
    """Ctrl-C, or SIGTERM (`kill PID`, an IDE's stop button): close the servers, once.

    Another one while closing (the terminal and run.py may both pass one on) must not cut the
    closing short, so both are ignored from now on, until every server is gone.
    """
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, signal.SIG_IGN)
    raise KeyboardInterrupt


def keep_open(servers: list[processes.Server], wait: float | None = None) -> None:
    """Start `servers`; keep them open until Ctrl-C, SIGTERM or one stops; then close them all.

    With `wait`, say they are open only once every one answers (within `wait` seconds).
    """
    before = {number: signal.signal(number, close_on_signal) for number in STOP_SIGNALS}
    together = len(servers) > 1
    try:
        for server in servers:
            processes.start(server)
        if wait is not None:
            failed = processes.wait_until_healthy(servers, wait)
            if failed:
                sys.exit(say("cli_did_not_start", name=failed.name))
            print(say("cli_open"))
            for server in servers:
                print(f"  {server.name:<14} {server.url}")
            print(say("cli_press_ctrl_c"), flush=True)
        while all(processes.is_running(server) for server in servers):
            time.sleep(0.5)
        stopped = next(server for server in servers if not processes.is_running(server))
        assert stopped.process is not None  # each server here was started above
        sys.exit(say("cli_part_stopped", name=stopped.name) if together else stopped.process.poll())
    except KeyboardInterrupt:
        names = ", ".join(server.name for server in servers)
        print(say("cli_closing" if together else "cli_closing_one", name=names), flush=True)
    finally:
        for number in STOP_SIGNALS:  # no signal may cut the closing short (see above)
            signal.signal(number, signal.SIG_IGN)
        processes.stop(servers)
        for number, handler in before.items():
            signal.signal(number, handler)


# --- The commands ----------------------------------------------------------------------------


def train(args) -> None:
    from {{ cookiecutter.package_name }}.lab.train import Recipe
    from {{ cookiecutter.package_name }}.lab.train import train as run_training

    recipe = Recipe(args.learning_rate, args.max_iter, args.max_leaf_nodes, args.rows, args.seed)
    result = run_training(get_settings(), recipe)
    metrics = ", ".join(f"{name} {value:.3f}" for name, value in result.metrics.items())
    print(say("cli_trained", seconds=result.seconds, metrics=metrics))
    verdict = "cli_new_champion" if result.promoted else "cli_not_champion"
    print(say(verdict, version=result.version, run=result.run_id))


def lab(args) -> None:
    check_ports_free(args.host, {"--port": args.port})
    server = processes.lab(get_settings(), args.host, args.port)
    print(say("cli_opens_at", name=server.name, url=server.url), flush=True)
    keep_open([server])


def kitchen(args) -> None:
    check_ports_free(args.host, {"--port": args.port})
    server = processes.kitchen(get_settings(), args.host, args.port, args.workers)
    print(say("cli_opens_at", name=server.name, url=server.url), flush=True)
    keep_open([server])


def shop(args) -> None:
    check_ports_free(args.host, {"--port": args.port})
    settings = get_settings()
    server = processes.shop(settings, settings.kitchen_url, args.host, args.port)
    print(say("cli_opens_at", name=server.name, url=server.url), flush=True)
    keep_open([server])


def up(args) -> None:
    """The whole restaurant at once: a champion first (trained if there is none), then all three."""
    from {{ cookiecutter.package_name }}.lab.train import Recipe
    from {{ cookiecutter.package_name }}.workshop.restaurant import ensure_champion

    ports = {"--lab-port": args.lab_port, "--kitchen-port": args.kitchen_port}
    check_ports_free(args.host, {**ports, "--shop-port": args.shop_port})
    settings = get_settings()
    ensure_champion(settings, Recipe(), say("cli_training_first"))
    kitchen_url = f"http://{args.host}:{args.kitchen_port}"  # where the shop sends orders
    restaurant = [
        processes.lab(settings, args.host, args.lab_port),
        processes.kitchen(settings, args.host, args.kitchen_port),
        processes.shop(settings, kitchen_url, args.host, args.shop_port),
    ]
    keep_open(restaurant, wait=args.wait)


def doctor(args) -> None:
    from {{ cookiecutter.package_name }}.workshop.doctor import run_doctor

    sys.exit(run_doctor(get_settings()))


def checkpoint(args) -> None:
    from {{ cookiecutter.package_name }}.workshop.checkpoint import run_checkpoint

    sys.exit(run_checkpoint(get_settings(), args.part))


def class_server(args) -> None:
    from {{ cookiecutter.package_name }}.workshop.class_server import ClassServerProblem, open_class_server

    check_ports_free(args.host, {"--port": args.port})
    try:
        open_class_server(get_settings(), args)
    except ClassServerProblem as problem:
        sys.exit(str(problem))


def make_data(args) -> None:
    from {{ cookiecutter.package_name }}.catering.tables import TableProblem, write_orders

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


def season(args) -> None:
    from {{ cookiecutter.package_name }}.messages import number
    from {{ cookiecutter.package_name }}.workshop.seasons import BOOK_WAIT_SECONDS, SeasonProblem, simulate_season

    try:
        settings = get_settings()
        done = simulate_season(settings, args.season, args.orders, args.seed, args.kitchen_url)
    except SeasonProblem as problem:
        sys.exit(str(problem))
    said = {"season": done.season, "orders": number(done.orders), "version": done.version}
    if done.in_book is None:
        sys.exit(say("season_not_in_book", **said, book=done.book, seconds=BOOK_WAIT_SECONDS))
    print(say("season_done", **said, in_book=number(done.in_book), book=done.book))


def harvest(args) -> None:
    from {{ cookiecutter.package_name }}.messages import number
    from {{ cookiecutter.package_name }}.workshop.seasons import SeasonProblem
    from {{ cookiecutter.package_name }}.workshop.seasons import harvest as harvest_season

    try:
        done = harvest_season(get_settings(), args.season, args.seed)
    except SeasonProblem as problem:
        sys.exit(str(problem))
    counts = {"harvested": number(done.harvested), "in_book": number(done.in_book)}
    print(say("harvest_done", season=done.season, **counts, book=done.book))


# --- The parser ------------------------------------------------------------------------------


def add_training(commands) -> None:
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


def add_servers(commands, settings) -> None:
    servers = [
        ("lab", lab, settings.lab_port, "open the lab book (MLflow UI)"),
        ("kitchen", kitchen, settings.kitchen_port, "open the kitchen (FastAPI)"),
        ("shop", shop, settings.shop_port, "open the shop window (Streamlit)"),
    ]
    for name, run, default_port, help_text in servers:
        server = commands.add_parser(name, help=help_text)
        server.add_argument("--host", default=processes.LOOPBACK, help=HOST_HELP)
        server.add_argument(
            "--port", type=port, default=default_port, help="(default: %(default)s)"
        )
        server.set_defaults(run=run)
        if name == "kitchen":
            server.add_argument(
                "--workers", type=number_type(int, 1, 64), default=1, help="processes (default: 1)"
            )

    everything = commands.add_parser("up", help="open lab, kitchen and shop window together")
    everything.add_argument("--host", default=processes.LOOPBACK, help=HOST_HELP)
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


def add_workshop(commands, settings) -> None:
    examination = commands.add_parser("doctor", help="check this machine is ready; say what to fix")
    examination.set_defaults(run=doctor)
    rescue = commands.add_parser(
        "checkpoint",
        help="bring the project to the end of part N (1 lab, 2 kitchen, 3 shop, 4 loop)",
    )
    rescue.add_argument(
        "part",
        type=checkpoint_part,
        metavar="N",
        help="1 = lab (a champion), 2 = kitchen, 3 = shop window, 4 = the loop (notebook 07); "
        "your changes are backed up",
    )
    rescue.set_defaults(run=checkpoint)

    server = commands.add_parser(
        "class-server",
        help="(teacher) open a shared lab book for the class: PostgreSQL, one account each",
    )
    server.add_argument(
        "--roster", required=True, help="CSV file with a header `username,password`"
    )
    server.add_argument(
        "--host",
        default=processes.LOOPBACK,
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


def add_catering(commands) -> None:
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


{% if fr -%}
LOOP_HELP = {
    "season": "envoyer une saison de commandes à la cuisine, qui les écrit dans son carnet",
    "season_n": "1 = la saison où le laboratoire a appris, 2 = une saison où le monde a changé "
    "(data.py)",
    "orders": "combien de commandes, au plus 100 000 (par défaut : %(default)s)",
    "seed": "graine du tirage : même graine, mêmes commandes et mêmes résultats (par défaut : "
    "%(default)s)",
    "kitchen_url": "adresse de la cuisine (par défaut : %(default)s, réglage KITCHEN_URL)",
    "harvest": "écrire le vrai résultat des commandes du carnet qui n'en ont pas encore",
    "harvest_season": "la saison dont la formule donne les résultats (data.py)",
}
{%- else -%}
LOOP_HELP = {
    "season": "send a season of orders to the kitchen, which writes them in its order book",
    "season_n": "1 = the season the lab learnt from, 2 = a season when the world has moved on "
    "(data.py)",
    "orders": "how many orders, at most 100,000 (default: %(default)s)",
    "seed": "seed of the draws: the same seed, the same orders and outcomes (default: %(default)s)",
    "kitchen_url": "the kitchen's address (default: %(default)s, setting KITCHEN_URL)",
    "harvest": "write the true outcome of the order book's orders that have none yet",
    "harvest_season": "the season whose formula gives the outcomes (data.py)",
}
{%- endif %}
SEASON_SEED = 2026  # as workshop/seasons.py's: the same customers for everyone


def add_loop(commands, settings) -> None:
    """Part 4, the loop: a season of orders through the kitchen, then its harvest."""
    seed = {"type": number_type(int, 0), "default": SEASON_SEED, "metavar": "N"}
    simulation = commands.add_parser("season", help=LOOP_HELP["season"])
    simulation.add_argument("season", type=season_number, metavar="N", help=LOOP_HELP["season_n"])
    simulation.add_argument(
        "--orders", type=number_type(int, 1), default=500, metavar="N", help=LOOP_HELP["orders"]
    )
    simulation.add_argument("--seed", **seed, help=LOOP_HELP["seed"])
    simulation.add_argument(
        "--kitchen-url",
        type=kitchen_address,
        default=settings.kitchen_url,
        metavar="URL",
        help=LOOP_HELP["kitchen_url"],
    )
    simulation.set_defaults(run=season)

    harvesting = commands.add_parser("harvest", help=LOOP_HELP["harvest"])
    harvesting.add_argument(
        "--season",
        type=season_number,
        required=True,
        metavar="N",
        help=LOOP_HELP["harvest_season"],
    )
    harvesting.add_argument("--seed", **seed, help=LOOP_HELP["seed"])
    harvesting.set_defaults(run=harvest)


def parser() -> argparse.ArgumentParser:
    settings = get_settings()
    main_parser = argparse.ArgumentParser(
        prog="{{ cookiecutter.package_name }}",
        description="The lab (MLflow), the kitchen (FastAPI) and the shop window (Streamlit).",
    )
    commands = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_training(commands)
    add_servers(commands, settings)
    add_workshop(commands, settings)
    add_catering(commands)
    add_loop(commands, settings)
    return main_parser


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
