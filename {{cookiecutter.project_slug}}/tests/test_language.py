{%- set fr = cookiecutter.language == "fr" -%}
"""Everything a learner reads is in the project's language ({{ cookiecutter.language }}).

The words are gathered where a learner reads them, from the real thing: the command line's help,
refusals and console lines; the kitchen's OpenAPI menu and refusals; every page of the shop
window, with a kitchen open and closed; a notebook's outputs and plot labels. None may hold a
common word of the other language. What is code, not words, is left out first (see `prose`):
text in backticks, quoted values, URLs, paths and file names, identifiers (with `_`, `.`, `-`,
`=`, `[`, `{`, `<` or a capital inside, like `soil_type`, `body.rooms`, `--port`, `OrderBatch`,
`MLflow`) and the menu's own names and API values (`suburb`, `loam`). Then the sentences must
also follow the language's typography and plurals.
"""

import json
import re
import socket
from pathlib import Path

import nbformat
import pytest
from fastapi.testclient import TestClient
from nbclient import NotebookClient
from starlette.testclient import WebSocketDenialResponse

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.kitchen.app import create_app
from {{ cookiecutter.package_name }}.menu import FEATURES, TARGET, example_order, ingredients
from {{ cookiecutter.package_name }}.messages import MESSAGES, RULES, Wording
from {{ cookiecutter.package_name }}.processes import free_port
from {{ cookiecutter.package_name }}.shop.explain import sample_orders

LANGUAGE = "{{ cookiecutter.language }}"
PROJECT = Path(__file__).parents[1]
ORDER = example_order().model_dump()

# Common words of each language that the other one never uses: a leak shows them at once.
# ("a", "as", "but", "on", "pour", "options" are left out: they are words of both.)
WORDS = {
    "en": """the and with is are not should must has have this that these those your you of to
        for from into than then when which what will would could can cannot been was were its
        it an or no in at by if all any only every yet already there here please order orders
        input output error field required valid invalid value missing usage show found allowed
        successful response""",
    "fr": """le la les des du est sont avec pas une dans sur par vous votre nous cette ces aux
        ou et qui que ne doit peut être été très déjà commande commandes cuisine vitrine
        laboratoire modèle erreur obligatoire valeur ligne lignes plat plats""",
}
OTHER = "en" if LANGUAGE == "fr" else "fr"
FOREIGN = set(WORDS[OTHER].split())
# A plural that does not agree with its number: "1 orders", "1 commandes" (French: 0 too).
COUNTED = {
    "en": r"\b1 (orders|rows|dishes|files|checks|packages|formulas)\b",
    "fr": r"\b[01] (commandes|lignes|plats|fichiers|vérifications|paquets|formules)\b",
}
# Punctuation: French puts a space before : ; ? ! and English does not.
TYPOGRAPHY = {"en": r"\s[:;?!](?=\s|$)", "fr": r"[^\s\d][:;?!](?=\s|$)"}
# The menu's own names and values are API words, the same in every language.
MENU_NAMES = {TARGET, *FEATURES, *(choice for item in ingredients() for choice in item.choices)}
COMMANDS = ["train", "lab", "kitchen", "shop", "up", "doctor", "checkpoint", "class-server"]
COMMANDS += ["make-data", "score-batch"]


# --- The rule: what counts as words, and what a leak is ------------------------------------


def is_code(chunk: str) -> bool:
    """Is this whitespace-separated chunk code or a value rather than a word?"""
    bare = chunk.strip(",;:.!?()«»\"'")
    if not bare:
        return False
    return (
        chunk[:1] in "'\"`"  # a quoted value: 'champion', "suburb", `train`
        or re.search(r"[_/\\=@\[\]{}<>`]|://|\w\.\w|^--?\w", chunk) is not None
        or re.search(r"[a-z][A-Z]", bare) is not None  # OrderBatch, MLflow, FastAPI
        or bare in MENU_NAMES
    )


def prose(text: str) -> str:
    """The words of `text`, without what is code or a value (see the module's docstring)."""
    # Code in backticks (even with spaces inside) stands as one neutral word, so that the
    # punctuation after it is still checked: "run `train`: it..." is "run x: it...".
    text = re.sub(r"`[^`]*`", "x", text)
    return " ".join(chunk for chunk in text.split() if not is_code(chunk))


def problems(text: str) -> list[str]:
    """Every way `text` is not in the project's language: foreign words, plurals, typography."""
    words = prose(text)
    found = [word for word in re.findall(r"[^\W\d_]+", words) if word.lower() in FOREIGN]
    found += [f"plural {match.group(0)!r}" for match in re.finditer(COUNTED[LANGUAGE], words)]
    found += [
        f"typography {words[max(0, match.start() - 12) : match.end()]!r}"
        for match in re.finditer(TYPOGRAPHY[LANGUAGE], words)
    ]
    return found


def assert_in_language(texts: dict[str, str]) -> None:
    """Fail naming each place whose text is not in the project's language, and why."""
    assert texts, "nothing was gathered"
    leaks = {where: found for where, text in texts.items() if (found := problems(text))}
    said = [f"{where}: {found}\n    {texts[where]!r}" for where, found in leaks.items()]
    assert not leaks, "\n".join(said)


def test_the_rule_finds_a_sentence_of_the_other_language_and_spares_code():
    """It flags a sentence of the other language, a wrong plural and wrong typography, and
    passes a sentence of ours that is full of identifiers, paths and API values."""
{%- if fr %}
    assert "the" in problems("The kitchen is closed: start it with the command.")
    assert problems("Envoyez 1 commandes.") and problems("La cuisine est fermée: démarrez-la.")
    ours = "Le champ body.rooms de `OrderBatch` vaut 'suburb' : voir http://127.0.0.1:8000/docs."
{%- else %}
    assert "la" in problems("La cuisine est fermée : démarrez-la avec la commande.")
    assert problems("Send 1 orders.") and problems("The kitchen is closed : start it.")
    ours = "The field body.rooms of `OrderBatch` is 'suburb': see http://127.0.0.1:8000/docs."
{%- endif %}
    assert problems(ours) == []


# --- The catalogue: every sentence shared by the command line, the kitchen, the shop ----------


class EveryValue(dict):
    """Every value of a sentence is one number (2, then 1 for the singular): it fits every
    format a sentence gives its values."""

    def __init__(self, value):
        self.value = value

    def __missing__(self, key):
        return self.value


@pytest.mark.parametrize("count", [1, 2])
def test_every_sentence_of_the_catalogue_is_in_the_language(count):
    """Each sentence of messages.py and each rule of the menu, filled in, is in the language."""
    wording = Wording(LANGUAGE)
    texts = {
        f"messages.{key}": wording.vformat(sentence[LANGUAGE], (), EveryValue(count))
        for key, sentence in {**MESSAGES, **RULES}.items()
    }
    assert_in_language(texts)


# --- The command line ------------------------------------------------------------------------


def said_by(arguments: list[str], capsys) -> str:
    """What the command line prints for `arguments` (its output and its error output)."""
    with pytest.raises(SystemExit) as ended:
        main(arguments)
    printed = capsys.readouterr()
    code = ended.value.code
    return printed.out + printed.err + (code if isinstance(code, str) else "")


def test_every_help_is_in_the_language(capsys):
    """The help of the command line and of each of its commands is in the language."""
    texts = {"--help": said_by(["--help"], capsys)}
    texts |= {f"{command} --help": said_by([command, "--help"], capsys) for command in COMMANDS}
    assert_in_language(texts)
    assert "{{ 'utilisation :' if fr else 'usage:' }}" in texts["--help"]


@pytest.mark.parametrize(
    "arguments",
    [
        ["bake"],
        ["class-server"],
        ["train", "--rows"],
        ["train", "--rows", "3"],
        ["train", "--learning-rate", "0,1"],
        ["kitchen", "--port", "70000"],
        ["make-data", "orders.xlsx"],
        ["checkpoint", "7"],
        ["up", "--lab-prt", "5001"],
    ],
    ids=" ".join,
)
def test_refusals_of_what_was_typed_are_in_the_language(arguments, capsys):
    """A mistyped command is refused in the language, argparse's own words included."""
    assert_in_language({" ".join(arguments): said_by(arguments, capsys)})


@pytest.fixture
def private_lab(tmp_path, fresh_settings):
    """The command line's settings point at a lab book of its own, in the project's language."""
    fresh_settings.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{(tmp_path / 'mlflow.db').as_posix()}")
    fresh_settings.setenv("ARTIFACTS_DIR", str(tmp_path / "mlruns"))
    fresh_settings.setenv("LANGUAGE", LANGUAGE)
    return tmp_path


def test_console_lines_are_in_the_language_with_its_numbers(private_lab, capsys):
    """train, make-data, score-batch, doctor and a taken port speak the language; counts are
    written the language's way and agree with their plural."""
    texts = {}
    main(["train", "--rows", "300", "--max-iter", "5"])
    texts["train"] = capsys.readouterr().out
    main(["make-data", str(private_lab / "orders.csv"), "--rows", "12345"])
    texts["make-data"] = capsys.readouterr().out
    assert "{{ '12\u202f345 commandes' if fr else '12,345 orders' }}" in texts["make-data"]
    missing = ["score-batch", str(private_lab / "none.csv"), str(private_lab / "dishes.parquet")]
    texts["score-batch"] = said_by(missing, capsys)
    texts["doctor"] = said_by(["doctor"], capsys)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        texts["kitchen on a taken port"] = said_by(
            ["kitchen", "--port", str(taken.getsockname()[1])], capsys
        )
    assert_in_language(texts)


# --- The kitchen -----------------------------------------------------------------------------


def documented_words(spec, path: str = "") -> dict[str, str]:
    """The OpenAPI menu's words: titles, summaries, descriptions and tags, where they are.

    A title made from a name is that name, not words, and is left out: pydantic's for a field
    (`model_version` -> "Model Version") and FastAPI's for an answer with no model of its own
    ("Response Live Health Live Get", from the function `live` at GET /health/live)."""
    found = {}
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("title", "summary", "description") and isinstance(value, str):
                named = path.rsplit("/", 1)[-1]
                made = {named, named.replace("_", " ").title()}
                if not (value in made or key == "title" and value.startswith("Response ")):
                    found[f"{path}/{key}"] = value
            elif key == "tags" and isinstance(value, list):
                found[f"{path}/tags"] = " ".join(
                    tag if isinstance(tag, str) else tag.get("name", "") for tag in value
                )
            found |= documented_words(value, f"{path}/{key}")
    elif isinstance(spec, list):
        for index, value in enumerate(spec):
            found |= documented_words(value, f"{path}[{index}]")
    return found


@pytest.fixture(scope="module")
def kitchen(settings):
    """The kitchen, with the session's champion, speaking the project's language."""
    with TestClient(create_app(settings.model_copy(update={"language": LANGUAGE}))) as client:
        yield client


def test_kitchen_menu_is_in_the_language(kitchen):
    """The OpenAPI menu's title, summaries, descriptions and tags are in the language."""
    texts = documented_words(kitchen.get("/openapi.json").json())
    assert "/info/title" in texts and any("summary" in where for where in texts)
    assert_in_language(texts)


def test_kitchen_refusals_are_in_the_language(kitchen):
    """Every refusal (422 rules, 400, 404, 405) and the WebSocket's are in the language."""
    numeric = next(item for item in ingredients() if item.maximum is not None)
    choice = next(item for item in ingredients() if item.choices)
    asked = {
        "out of range": {**ORDER, numeric.name: numeric.maximum + 1},
        "below range": {**ORDER, numeric.name: numeric.minimum - 1},
        "not a number": {**ORDER, numeric.name: "many"},
        "unknown choice": {**ORDER, choice.name: "nowhere"},
        "unknown field": {**ORDER, "secret_sauce": 1},
        "missing field": {key: value for key, value in ORDER.items() if key != numeric.name},
        "not an order": [1, 2],
    }
    texts = {where: kitchen.post("/predict", json=body).text for where, body in asked.items()}
    texts["empty batch"] = kitchen.post("/predict/batch", json={"orders": []}).text
    texts["batch of one"] = kitchen.post("/predict/batch", json={"orders": ORDER}).text
    headers = {"content-type": "application/json"}
    texts["not JSON"] = kitchen.post("/predict", content=b"{nope", headers=headers).text
    texts["not UTF-8"] = kitchen.post("/predict", content=b'{"a": "\xff"}', headers=headers).text
    texts["no such page"] = kitchen.get("/no/such/page").text
    texts["wrong method"] = kitchen.get("/predict").text
    with kitchen.websocket_connect("/ws/predict") as stream:
        stream.send_text("nope")
        texts["stream: not JSON"] = stream.receive_text()
        stream.send_json({**ORDER, numeric.name: numeric.maximum + 1})
        texts["stream: out of range"] = stream.receive_text()
    assert all(json.loads(text)["detail"] for text in texts.values())
    assert_in_language(texts)


def test_kitchen_without_champion_says_so_in_the_language(empty_lab):
    """Its 503, over HTTP and to a WebSocket, is in the language."""
    app = create_app(empty_lab.model_copy(update={"language": LANGUAGE}))
    with TestClient(app) as client:
        texts = {"/predict": client.post("/predict", json=ORDER).text}
        texts["/health/ready"] = client.get("/health/ready").text
        stream = client.websocket_connect("/ws/predict")
        with pytest.raises(WebSocketDenialResponse) as denied, stream:
            pass
        texts["/ws/predict"] = denied.value.text
    assert_in_language(texts)


# --- The shop window -------------------------------------------------------------------------

PAGES = ["order", "what_if", "model", "batch"]
ELEMENTS = ["title", "header", "subheader", "markdown", "caption", "text", "error", "warning"]
ELEMENTS += ["info", "success", "exception", "metric", "button", "selectbox", "number_input"]
ELEMENTS += ["checkbox", "radio", "slider", "text_input", "multiselect", "tabs", "expander"]
ELEMENTS += ["dataframe", "arrow_vega_lite_chart", "download_button", "file_uploader"]


def shown_on(page) -> dict[str, str]:
    """The words on a page: every element's value, label, help and options."""
    found = {}
    for kind in ELEMENTS:
        for number, element in enumerate(page.get(kind)):
            parts = [getattr(element, name, None) for name in ("label", "help", "placeholder")]
            value = getattr(element, "value", None) if kind != "number_input" else None
            if kind == "dataframe":  # its column names, and its cells of words (the reasons)
                table = element.value
                parts += [
                    *map(str, table.columns),
                    *table.select_dtypes(include=["object", "str"]).stack(),
                ]
            elif kind == "arrow_vega_lite_chart":  # a chart's axis titles and column names
                spec = json.loads(element.proto.spec)
                parts += [axis.get("title") for axis in spec.get("encoding", {}).values()]
                parts += [axis.get("field") for axis in spec.get("encoding", {}).values()]
            elif isinstance(value, str):
                parts.append(value)
            parts += list(getattr(element, "options", None) or [])
            found[f"{kind}[{number}]"] = " ".join(str(part) for part in parts if part)
    return found


def good_and_bad_csv() -> tuple[str, bytes, str]:
    rows = sample_orders(4)
    numeric = next(item for item in ingredients() if item.maximum is not None)
    rows[1] = {**rows[1], numeric.name: "plenty"}
    lines = [",".join(FEATURES), *(",".join(str(row[name]) for name in FEATURES) for row in rows)]
    return ("orders.csv", "\n".join(lines).encode(), "text/csv")


@pytest.fixture(params=["open", "closed"])
def kitchen_address(request):
    """Where the shop sends its orders: a real kitchen, or an address where nobody answers.
    (Asked for before `shop_for`, so the page reads the settings after it is set.)"""
    if request.param == "open":
        return request.getfixturevalue("kitchen_url")
    return f"http://127.0.0.1:{free_port()}"


@pytest.mark.parametrize("page_name", PAGES)
def test_shop_pages_are_in_the_language(page_name, kitchen_address, shop_for, request):
    """Each page, before and after its button is pressed, is in the language."""
    page = shop_for(kitchen_address, page_name)
    texts = {f"before: {where}": text for where, text in shown_on(page).items()}
    if page_name == "batch":
        page.file_uploader(key="upload").set_value(good_and_bad_csv())
    if page.button:
        page.button[0].click().run()
    texts |= {f"after: {where}": text for where, text in shown_on(page).items()}
    kitchen_is_open = "closed" not in request.node.callspec.id
    assert bool(page.error) != kitchen_is_open, texts  # it really spoke to that kitchen
    assert_in_language(texts)


# --- A notebook ------------------------------------------------------------------------------
# Running every notebook again would be slow (tests/test_notebooks.py does it): the first one
# stands for them all, solved (as a learner's is once done), with a last cell added that reads
# the words of every figure it drew (MPLBACKEND=Agg keeps them open).

FIRST_NOTEBOOK = "01_first_experiment.ipynb"
SOLVED = [
    PROJECT / ".workshop" / "solutions" / FIRST_NOTEBOOK,  # a student's, solved
    PROJECT / "notebooks" / FIRST_NOTEBOOK,  # an instructor's
]
FIGURE_WORDS = """
import json, matplotlib.pyplot as plt, matplotlib.text
words = [text.get_text() for number in plt.get_fignums()
         for text in plt.figure(number).findobj(matplotlib.text.Text) if text.get_text()]
print("FIGURE WORDS", json.dumps(words))
"""


def test_a_notebook_speaks_the_language_in_its_outputs_and_plots(private_lab, fresh_settings):
    """The first notebook's printed outputs and its figures' titles, axes and legends are in
    the language."""
    fresh_settings.setenv("MPLBACKEND", "Agg")
    fresh_settings.setenv("KITCHEN_URL", f"http://127.0.0.1:{free_port()}")
    path = next(path for path in SOLVED if path.is_file())
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(FIGURE_WORDS))
    folder = {"metadata": {"path": str(PROJECT / "notebooks")}}
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources=folder).execute()
    texts = {}
    for number, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            if output.get("name") == "stderr":
                continue  # the libraries' own warnings and logs (MLflow, scikit-learn)
            if text.startswith("FIGURE WORDS"):
                texts["figures"] = " ".join(json.loads(text.removeprefix("FIGURE WORDS")))
            elif text:
                texts[f"cell {number}"] = text
    assert "figures" in texts
    assert_in_language(texts)
