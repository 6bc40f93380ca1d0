{%- set fr = cookiecutter.language == "fr" -%}
"""A batch order from a CSV file: read it, let the menu judge every row, write the results.

Nothing here talks to the kitchen or draws on the page: these are plain functions, so each rule
("a missing column refuses the whole file", "a bad row is listed, the others still go") is easy
to read and to test. The menu's `Order` judges every row, as the kitchen judges an order: this
file only reads the text of the cells. Every uploaded row comes back in the results.
"""

import io
import re
from dataclasses import dataclass, field

import pandas as pd

from {{ cookiecutter.package_name }}.menu import FEATURES, MAX_BATCH_ORDERS, TARGET, ingredients
from {{ cookiecutter.package_name }}.messages import number
from {{ cookiecutter.package_name }}.shop.form import RULES_IN_WORDS, judge, label_of

MAX_UPLOAD_MB = 5  # 10,000 rows weigh well under 1 MB: anything bigger is not a batch order
MODEL_COLUMN = "model_version"
PROBLEM_COLUMN = "problem"
# The menu reads true/false, yes/no, y/n, on/off and 1/0, in any case; French sheets say these.
FRENCH_YES_NO = {"oui": "yes", "non": "no", "vrai": "true", "faux": "false"}
# The menu reads text as Python does, where 6_00 is 600 (the underscore groups digits). No
# spreadsheet writes a number so: such a cell is refused as not a number.
DIGITS_WITH_UNDERSCORE = re.compile(r"\d_\d")

# Why a whole file is refused, in words.
{% if fr -%}
TOO_BIG = "Ce fichier dépasse {megabytes} Mo : trop gros pour une commande groupée. Découpez-le."
EMPTY = "Ce fichier est vide. Téléchargez le fichier d'exemple pour voir à quoi ressemble un lot."
UNREADABLE = (
    "Ce fichier ne se lit pas comme un texte CSV (UTF-8, séparé par des virgules). "
    "Enregistrez-le au format CSV depuis votre tableur et réessayez."
)
MISSING_COLUMNS = (
    "Colonnes absentes du fichier : {missing}. La première ligne doit nommer ces colonnes : "
    "{expected}"
)
NO_ROWS = "Ce fichier a les bonnes colonnes mais aucune commande : ajoutez une ligne par commande."
TOO_MANY_ROWS = (
    "Ce fichier contient {rows} commandes ; la cuisine en prend au plus {limit} par lot. "
    "Découpez-le en fichiers plus petits."
)
ROW, REASON = "Ligne", "Raison"
{%- else -%}
TOO_BIG = "This file is larger than {megabytes} MB, too big for a batch order: split it."
EMPTY = "This file is empty. Download the example file to see what a batch looks like."
UNREADABLE = (
    "This file cannot be read as CSV text (UTF-8, separated by commas). Save it as CSV from "
    "your spreadsheet and try again."
)
MISSING_COLUMNS = (
    "Columns missing from the file: {missing}. The first row must name these columns: {expected}"
)
NO_ROWS = "This file has the right columns but no order in it: add one row per order."
TOO_MANY_ROWS = (
    "This file has {rows} orders; the kitchen takes at most {limit} in one batch. Split it into "
    "smaller files."
)
ROW, REASON = "Row", "Reason"
{%- endif %}


class UploadRefused(Exception):
    """The whole file cannot be used; str() says why and what to do, in words."""


@dataclass
class CheckedUpload:
    """An uploaded file, every row kept as text, split into valid orders and refused rows."""

    table: pd.DataFrame
    orders: dict[int, dict] = field(default_factory=dict)  # row position -> valid order
    problems: dict[int, str] = field(default_factory=dict)  # row position -> why refused
    extra_columns: list[str] = field(default_factory=list)  # not on the menu: kept as they are


def row_number(position: int) -> int:
    """The row as a spreadsheet numbers it: the header is row 1, the first order row 2."""
    return position + 2


def read_table(data: bytes) -> pd.DataFrame:
    """Read CSV bytes as a table of text (no guessing of types: the menu decides them)."""
    if len(data) > MAX_UPLOAD_MB * 1_000_000:
        raise UploadRefused(TOO_BIG.format(megabytes=MAX_UPLOAD_MB))
    if not data.strip():
        raise UploadRefused(EMPTY)
    try:
        table = pd.read_csv(
            io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as unreadable:
        raise UploadRefused(UNREADABLE) from unreadable
    table.columns = [str(name).strip() for name in table.columns]
    return table


def check_columns(table: pd.DataFrame) -> None:
    """Refuse a table without every column of the menu, or with no rows, or too many."""
    missing = [name for name in FEATURES if name not in table.columns]
    if missing:
        raise UploadRefused(
            MISSING_COLUMNS.format(missing=", ".join(missing), expected=",".join(FEATURES))
        )
    if table.empty:
        raise UploadRefused(NO_ROWS)
    if len(table) > MAX_BATCH_ORDERS:
        rows, limit = number(len(table)), number(MAX_BATCH_ORDERS)
        raise UploadRefused(TOO_MANY_ROWS.format(rows=rows, limit=limit))


def check_row(row: dict[str, str]) -> tuple[dict | None, str]:
    """Return (order, "") for a row of text cells that follows the menu, or (None, the reasons)."""
    cells = {}
    for name, text in row.items():
        text = text.strip()
        if text:  # a blank cell is left out: the menu then says the ingredient is missing
            cells[name] = FRENCH_YES_NO.get(text.lower(), text)
    order, problems = judge(cells, from_text=True)
    for name, text in cells.items():
        if DIGITS_WITH_UNDERSCORE.search(text):
            order, problems[name] = None, RULES_IN_WORDS["float_parsing"]
    reasons = [
        f"{label_of(item)}{{ ' : ' if fr else ': ' }}{problems[item.name]}"
        for item in ingredients()
        if item.name in problems
    ]
    return order, "; ".join(reasons)


def check_upload(data: bytes) -> CheckedUpload:
    """Read and check a whole file, row by row; raise UploadRefused if the file is unusable."""
    table = read_table(data)
    check_columns(table)
    upload = CheckedUpload(table, extra_columns=[c for c in table.columns if c not in FEATURES])
    for position, row in enumerate(table[FEATURES].to_dict("records")):
        order, reasons = check_row(row)
        if order is None:
            upload.problems[position] = reasons
        else:
            upload.orders[position] = order
    return upload


def results(upload: CheckedUpload, predictions: list[float], version: str) -> pd.DataFrame:
    """Every uploaded row, in order, with its prediction or the reason it was refused."""
    predicted = dict(zip(upload.orders, predictions, strict=True))
    table = upload.table.copy()
    table[TARGET] = [predicted.get(position) for position in range(len(table))]
    table[MODEL_COLUMN] = [
        version if position in predicted else "" for position in range(len(table))
    ]
    table[PROBLEM_COLUMN] = [upload.problems.get(position, "") for position in range(len(table))]
    return table


def refused_rows(upload: CheckedUpload) -> pd.DataFrame:
    """The refused rows, numbered as in a spreadsheet, with their reasons."""
    return pd.DataFrame(
        {
            ROW: [row_number(position) for position in upload.problems],
            REASON: list(upload.problems.values()),
        }
    )


def as_csv(table: pd.DataFrame) -> bytes:
    return table.to_csv(index=False).encode("utf-8")
