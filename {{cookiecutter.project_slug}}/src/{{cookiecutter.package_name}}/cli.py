{%- set fr = cookiecutter.language == "fr" -%}
"""The command line: `{{ cookiecutter.package_name }} train | lab | kitchen | shop | up`, and for the
workshop `doctor`, `checkpoint N`, `class-server`, `board`, `make-data`, `score-batch`,
`season N` and `harvest`.

Plain argparse, so it works the same on every system (no make needed). It only reads what a
person typed and hands it on: the servers are started and stopped by `processes`, the rest by
the modules each command names. Every server binds 127.0.0.1 unless told otherwise.
"""

import argparse
import functools
{%- if fr %}
import re
{%- endif %}
import signal
import subprocess
import sys
import time
from pathlib import Path

from {{ cookiecutter.package_name }} import processes
from {{ cookiecutter.package_name }}.messages import number as number_text
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import get_settings

# The words of this file (help, refusals of what was typed) are in the bake's language.
LANGUAGE = "{{ cookiecutter.language }}"
{%- if fr %}
DESCRIPTION = "Le laboratoire (MLflow), la cuisine (FastAPI) et la vitrine (Streamlit)."
DEFAULT = " (par défaut : %(default)s)"
HELP = {
    "train": "entraîner un modèle, le noter au cahier, le promouvoir s'il gagne",
    "learning_rate": "taille du pas du modèle à chaque correction" + DEFAULT,
    "max_iter": "combien d'arbres le modèle fait pousser, l'un après l'autre" + DEFAULT,
    "max_leaf_nodes": "au plus combien de feuilles par arbre" + DEFAULT,
    "rows": "lignes de données générées" + DEFAULT,
    "seed": "graine du tirage : même graine, mêmes données" + DEFAULT,
    "lab": "ouvrir le cahier de laboratoire (interface de MLflow)",
    "kitchen": "ouvrir la cuisine (FastAPI)",
    "shop": "ouvrir la vitrine (Streamlit)",
    "host": "adresse d'écoute" + DEFAULT + ", cette machine seule",
    "port": "port d'écoute" + DEFAULT,
    "workers": "combien de processus servent, chacun avec sa copie du modèle" + DEFAULT,
    "up": "ouvrir ensemble le laboratoire, la cuisine et la vitrine",
    "lab_port": "port du laboratoire" + DEFAULT,
    "kitchen_port": "port de la cuisine" + DEFAULT,
    "shop_port": "port de la vitrine" + DEFAULT,
    "up_wait": "combien de secondes attendre que les trois soient prêtes" + DEFAULT,
    "doctor": "vérifier que cette machine est prête ; dire quoi corriger",
    "checkpoint": "amener le projet à la fin de la partie N (1 laboratoire, 2 cuisine, 3 vitrine, "
    "4 la boucle)",
    "part": "1 = laboratoire (un champion), 2 = cuisine, 3 = vitrine, 4 = la boucle (notebook "
    "07) ; vos fichiers sont sauvegardés",
    "class_server": "(enseignant) ouvrir un cahier de laboratoire commun à la classe : "
    "PostgreSQL, un compte par élève",
    "roster": "fichier CSV avec une ligne d'en-tête `username,password`",
    "class_host": "adresse d'écoute" + DEFAULT + " ; 0.0.0.0 l'ouvre au réseau de la salle",
    "allowed_hosts": "autres noms ou adresses que tapent les élèves, séparés par des virgules "
    "(CLASS_ALLOWED_HOSTS)",
    "class_wait": "combien de secondes attendre que le serveur soit prêt" + DEFAULT,
    "make_data": "écrire un grand tableau de commandes (.csv ou .parquet) tiré du générateur",
    "table_to_write": "un fichier .csv ou .parquet",
    "orders": "combien de commandes" + DEFAULT,
    "with_target": "ajouter le vrai résultat en dernière colonne (la cuisine ne le reçoit jamais)",
    "force": "remplacer SORTIE s'il existe",
    "score_batch": "prédire tout un tableau avec le champion sur Spark, écrire du Parquet",
    "table_to_read": "un tableau .csv ou .parquet",
    "dishes_to_write": "un dossier .parquet à écrire",
    "master": "maître Spark : local[*] (par défaut, les cœurs de cette machine), local[2], "
    "spark://HÔTE:7077",
    "board": "(enseignant) la classe en direct : qui a réussi quelle auto-vérification, et le "
    "classement",
    "board_server": "l'adresse du serveur de classe (CLASS_SERVER_URL)" + DEFAULT,
}
# What stands for a value in the help: `--port PORT`, `checkpoint N`.
NAMES = {
    "command": "COMMANDE",
    "rate": "TAUX",
    "address": "ADRESSE",
    "seconds": "SECONDES",
    "file": "FICHIER",
    "names": "NOMS",
    "input": "ENTRÉE",
    "output": "SORTIE",
    "master": "MAÎTRE",
}
KINDS = {int: "un nombre entier", float: "un nombre (écrit avec un point : 0.5)"}
{%- else %}
DESCRIPTION = "The lab (MLflow), the kitchen (FastAPI) and the shop window (Streamlit)."
DEFAULT = " (default: %(default)s)"
HELP = {
    "train": "train a model, log it, promote it if it wins",
    "learning_rate": "how big a step the model takes each time it corrects itself" + DEFAULT,
    "max_iter": "how many trees the model grows, one after another" + DEFAULT,
    "max_leaf_nodes": "at most how many leaves per tree" + DEFAULT,
    "rows": "rows of generated data" + DEFAULT,
    "seed": "seed of the random draws: the same seed, the same data" + DEFAULT,
    "lab": "open the lab book (MLflow UI)",
    "kitchen": "open the kitchen (FastAPI)",
    "shop": "open the shop window (Streamlit)",
    "host": "address to bind" + DEFAULT + ", this machine only",
    "port": "port to listen on" + DEFAULT,
    "workers": "how many processes serve, each with its own copy of the model" + DEFAULT,
    "up": "open lab, kitchen and shop window together",
    "lab_port": "the lab's port" + DEFAULT,
    "kitchen_port": "the kitchen's port" + DEFAULT,
    "shop_port": "the shop window's port" + DEFAULT,
    "up_wait": "seconds to wait for all three to be ready" + DEFAULT,
    "doctor": "check this machine is ready; say what to fix",
    "checkpoint": "bring the project to the end of part N (1 lab, 2 kitchen, 3 shop, 4 loop)",
    "part": "1 = lab (a champion), 2 = kitchen, 3 = shop window, 4 = the loop (notebook 07); "
    "your changes are backed up",
    "class_server": "(teacher) open a shared lab book for the class: PostgreSQL, one account each",
    "roster": "CSV file with a header `username,password`",
    "class_host": "address to bind" + DEFAULT + "; 0.0.0.0 opens it to the classroom's network",
    "allowed_hosts": "extra names or addresses learners type, comma-separated "
    "(CLASS_ALLOWED_HOSTS)",
    "class_wait": "seconds to wait for the server to be ready" + DEFAULT,
    "make_data": "write a large table of orders (.csv or .parquet) from the generator",
    "table_to_write": "a .csv or .parquet file",
    "orders": "how many orders" + DEFAULT,
    "with_target": "add the true outcome as a last column (the kitchen never receives it)",
    "force": "replace OUTPUT if it exists",
    "score_batch": "score a whole table with the champion on Spark, write Parquet",
    "table_to_read": "a .csv or .parquet table",
    "dishes_to_write": "a .parquet folder to write",
    "master": "Spark master: local[*] (default, this machine's cores), local[2], spark://HOST:7077",
    "board": "(teacher) the class live: who passed which self-check, and the leaderboard",
    "board_server": "the class server's address (CLASS_SERVER_URL)" + DEFAULT,
}
# What stands for a value in the help: `--port PORT`, `checkpoint N`.
NAMES = {
    "command": "COMMAND",
    "rate": "RATE",
    "address": "ADDRESS",
    "seconds": "SECONDS",
    "file": "FILE",
    "names": "NAMES",
    "input": "INPUT",
    "output": "OUTPUT",
    "master": "MASTER",
}
KINDS = {int: "a whole number", float: "a number (like 0.5)"}
{%- endif %}


# --- What a person may type ------------------------------------------------------------------


def number_type(kind, minimum, maximum=None):
    """Return an argparse type that accepts `kind` values in [minimum, maximum]."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} {{ "n'est pas" if fr else "is not" }} {KINDS[kind]}") from None
        if value < minimum or (maximum is not None and value > maximum):
{%- if fr %}
            # The limits as they are typed on a command line: 0.001, not 0,001.
            between = f"au moins {minimum}" if maximum is None else f"entre {minimum} et {maximum}"
            raise argparse.ArgumentTypeError(f"{text} doit valoir {between}")
{%- else %}
            # The limits as they are typed on a command line.
            between = (
                f"at least {minimum}" if maximum is None else f"between {minimum} and {maximum}"
            )
            raise argparse.ArgumentTypeError(f"{text} must be {between}")
{%- endif %}
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
    metrics = ", ".join(f"{name} {number_text(value, 3)}" for name, value in result.metrics.items())
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
    ports = {"--lab-port": args.lab_port, "--kitchen-port": args.kitchen_port}
    check_ports_free(args.host, {**ports, "--shop-port": args.shop_port})
    settings = get_settings()
    make_sure_of_a_champion()
    kitchen_url = f"http://{args.host}:{args.kitchen_port}"  # where the shop sends orders
    restaurant = [
        processes.lab(settings, args.host, args.lab_port),
        processes.kitchen(settings, args.host, args.kitchen_port),
        processes.shop(settings, kitchen_url, args.host, args.shop_port),
    ]
    keep_open(restaurant, wait=args.wait)


CHAMPION_MAKER = "{{ cookiecutter.package_name }}.workshop.restaurant"  # run as `python -m`


def make_sure_of_a_champion() -> None:
    """Train a champion if the registry has none, in a Python of its own that then ends.

    Asking the registry loads MLflow and scikit-learn (about 270 MB). `up` then only watches its
    three servers all workshop long: it need not carry them.
    """
    before = {number: signal.signal(number, close_on_signal) for number in STOP_SIGNALS}
    try:
        made_sure = subprocess.run([sys.executable, "-m", CHAMPION_MAKER])
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM while training: the child is stopped with us
        sys.exit(say("cli_closing"))
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
    if made_sure.returncode != 0:
        sys.exit(made_sure.returncode)  # the child has said what went wrong


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


def board(args) -> None:
    """The teacher's class board, reading the class server with the admin account."""
    check_ports_free(args.host, {"--port": args.port})
    settings = get_settings()
    if settings.class_admin_password is None:
        sys.exit(say("board_no_admin_password"))
    server = processes.board(settings, args.server, args.host, args.port)
    print(say("cli_opens_at", name=server.name, url=server.url), flush=True)
    keep_open([server])


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
    from {{ cookiecutter.package_name }}.workshop.seasons import BOOK_WAIT_SECONDS, SeasonProblem, simulate_season

    try:
        settings = get_settings()
        done = simulate_season(settings, args.season, args.orders, args.seed, args.kitchen_url)
    except SeasonProblem as problem:
        sys.exit(str(problem))
    cooked = functools.partial(
        say, season=done.season, orders=done.orders, version=done.version, book=done.book
    )
    if done.in_book is None:
        sys.exit(cooked("season_not_in_book", seconds=BOOK_WAIT_SECONDS))
    print(cooked("season_done", in_book=done.in_book))


def harvest(args) -> None:
    from {{ cookiecutter.package_name }}.workshop.seasons import SeasonProblem
    from {{ cookiecutter.package_name }}.workshop.seasons import harvest as harvest_season

    try:
        done = harvest_season(get_settings(), args.season, args.seed)
    except SeasonProblem as problem:
        sys.exit(str(problem))
    reaped = functools.partial(say, harvested=done.harvested, in_book=done.in_book)
    print(reaped("harvest_done", season=done.season, book=done.book))


# --- The parser ------------------------------------------------------------------------------
{%- if fr %}
# argparse says its own words in English ("usage:", "options", "error: ..."). This parser says
# them in French, through methods that argparse's own source lets a subclass override (no
# private names): the formatter's usage prefix and section headings, a help option added by
# hand, and `error()`, which gets argparse's message and is translated below.
HEADINGS = {"positional arguments": "arguments", "optional arguments": "options"}
ARGPARSE_WORDS = [  # (argparse's message, the same in French)
    (r"the following arguments are required: (.*)", r"ces arguments sont obligatoires : \1"),
    (r"unrecognized arguments: (.*)", r"arguments inconnus : \1"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"choix inconnu : \1 (choisissez parmi \2)"),
    (r"expected one argument", r"il faut lui donner une valeur"),
    (r"expected at most one argument", r"il prend au plus une valeur"),
    (r"expected at least one argument", r"il faut lui donner au moins une valeur"),
    (r"ignored explicit argument (.*)", r"il ne prend pas de valeur : \1 est de trop"),
    (r"ambiguous option: (.*) could match (.*)", r"option ambiguë : \1 peut être \2"),
    (r"invalid (.*) value: (.*)", r"valeur invalide : \2"),
]


def in_french(message: str) -> str:
    """argparse's message, in French (a message argparse may add one day stays as it is)."""
    about = re.fullmatch(r"argument (\S+): (.*)", message, re.DOTALL)
    if about:
        return f"argument {about[1]} : {in_french(about[2])}"
    for english, french in ARGPARSE_WORDS:
        if re.fullmatch(english, message, re.DOTALL):
            return re.sub(english, french, message, flags=re.DOTALL)
    return message


class FrenchHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)

    def start_section(self, heading):
        # argparse writes a colon after a heading: French puts a space before it.
        super().start_section(HEADINGS.get(heading, heading) + " ")


class Parser(argparse.ArgumentParser):
    """argparse's parser, speaking French: help, usage and errors."""

    def __init__(self, **options):
        super().__init__(**{"formatter_class": FrenchHelp, **options, "add_help": False})
        self.add_argument("-h", "--help", action="help", help="afficher cette aide, puis quitter")

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {in_french(message)}\n")
{%- else %}
Parser = argparse.ArgumentParser
{%- endif %}


def add_training(commands) -> None:
    training = commands.add_parser("train", help=HELP["train"])
    training.add_argument(
        "--learning-rate",
        type=number_type(float, 0.001, 1.0),
        default=0.1,
        metavar=NAMES["rate"],
        help=HELP["learning_rate"],
    )
    training.add_argument(
        "--max-iter",
        type=number_type(int, 1, 5000),
        default=100,
        metavar="N",
        help=HELP["max_iter"],
    )
    training.add_argument(
        "--max-leaf-nodes",
        type=number_type(int, 2, 1000),
        default=31,
        metavar="N",
        help=HELP["max_leaf_nodes"],
    )
    training.add_argument(
        "--rows", type=number_type(int, 50, 1_000_000), default=2000, metavar="N", help=HELP["rows"]
    )
    training.add_argument(
        "--seed", type=number_type(int, 0), default=42, metavar="N", help=HELP["seed"]
    )
    training.set_defaults(run=train)


def add_address(command, default_port: int, host_help: str = HELP["host"]) -> None:
    command.add_argument(
        "--host", default=processes.LOOPBACK, metavar=NAMES["address"], help=host_help
    )
    command.add_argument("--port", type=port, default=default_port, help=HELP["port"])


def add_servers(commands, settings) -> None:
    servers = [
        ("lab", lab, settings.lab_port),
        ("kitchen", kitchen, settings.kitchen_port),
        ("shop", shop, settings.shop_port),
    ]
    for name, run, default_port in servers:
        server = commands.add_parser(name, help=HELP[name])
        add_address(server, default_port)
        server.set_defaults(run=run)
        if name == "kitchen":
            server.add_argument(
                "--workers",
                type=number_type(int, 1, 64),
                default=1,
                metavar="N",
                help=HELP["workers"],
            )

    everything = commands.add_parser("up", help=HELP["up"])
    everything.add_argument(
        "--host", default=processes.LOOPBACK, metavar=NAMES["address"], help=HELP["host"]
    )
    for name, _, default_port in servers:
        everything.add_argument(
            f"--{name}-port",
            type=port,
            default=default_port,
            metavar="PORT",
            help=HELP[f"{name}_port"],
        )
    everything.add_argument(
        "--wait",
        type=number_type(float, 1),
        default=120,
        metavar=NAMES["seconds"],
        help=HELP["up_wait"],
    )
    everything.set_defaults(run=up)


def add_workshop(commands, settings) -> None:
    examination = commands.add_parser("doctor", help=HELP["doctor"])
    examination.set_defaults(run=doctor)
    rescue = commands.add_parser("checkpoint", help=HELP["checkpoint"])
    rescue.add_argument("part", type=checkpoint_part, metavar="N", help=HELP["part"])
    rescue.set_defaults(run=checkpoint)

    server = commands.add_parser("class-server", help=HELP["class_server"])
    server.add_argument("--roster", required=True, metavar=NAMES["file"], help=HELP["roster"])
    add_address(server, 5050, HELP["class_host"])
    server.add_argument(
        "--allowed-hosts",
        default=settings.class_allowed_hosts,
        metavar=NAMES["names"],
        help=HELP["allowed_hosts"],
    )
    server.add_argument(
        "--workers", type=number_type(int, 1, 16), default=2, metavar="N", help=HELP["workers"]
    )
    server.add_argument(
        "--wait",
        type=number_type(float, 1),
        default=300,
        metavar=NAMES["seconds"],
        help=HELP["class_wait"],
    )
    server.set_defaults(run=class_server)

    class_board = commands.add_parser("board", help=HELP["board"])
    add_address(class_board, settings.board_port)
    class_board.add_argument(
        "--server", default=settings.class_server_url, metavar="URL", help=HELP["board_server"]
    )
    class_board.set_defaults(run=board)


def add_catering(commands) -> None:
    from {{ cookiecutter.package_name }}.catering import MAX_ROWS

    making = commands.add_parser("make-data", help=HELP["make_data"])
    making.add_argument("output", type=Path, metavar=NAMES["output"], help=HELP["table_to_write"])
    making.add_argument(
        "--rows",
        type=number_type(int, 1, MAX_ROWS),
        default=1_000_000,
        metavar="N",
        help=HELP["orders"],
    )
    making.add_argument(
        "--seed", type=number_type(int, 0), default=42, metavar="N", help=HELP["seed"]
    )
    making.add_argument("--with-target", action="store_true", help=HELP["with_target"])
    making.add_argument("--force", action="store_true", help=HELP["force"])
    making.set_defaults(run=make_data)

    scoring = commands.add_parser("score-batch", help=HELP["score_batch"])
    scoring.add_argument("input", type=Path, metavar=NAMES["input"], help=HELP["table_to_read"])
    scoring.add_argument("output", type=Path, metavar=NAMES["output"], help=HELP["dishes_to_write"])
    scoring.add_argument(
        "--master", default="local[*]", metavar=NAMES["master"], help=HELP["master"]
    )
    scoring.add_argument("--force", action="store_true", help=HELP["force"])
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
    main_parser = Parser(prog="{{ cookiecutter.package_name }}", description=DESCRIPTION)
    commands = main_parser.add_subparsers(dest="command", required=True, metavar=NAMES["command"])
    add_training(commands)
    add_servers(commands, settings)
    add_workshop(commands, settings)
    add_catering(commands)
    add_loop(commands, settings)
    return main_parser


# The commands that open the local lab book with MLflow, which would answer a damaged file with
# raw SQL. (The kitchen stays open and says it in its 503, as it does while there is no champion.)
OPENS_THE_LAB_BOOK = ("train", "lab", "up", "checkpoint")


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if args.command in OPENS_THE_LAB_BOOK:
        refuse_a_damaged_lab_book()
    args.run(args)


def refuse_a_damaged_lab_book() -> None:
    from {{ cookiecutter.package_name }}.lab.lab_book import damage

    uri = get_settings().mlflow_tracking_uri
    if damage(uri):
        sys.exit(say("lab_book_damaged", uri=uri))  # a local file: no password in its address


if __name__ == "__main__":
    main()
