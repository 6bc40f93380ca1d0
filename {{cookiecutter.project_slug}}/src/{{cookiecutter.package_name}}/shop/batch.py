{%- set fr = cookiecutter.language == "fr" -%}
"""A batch order from a CSV file: read it, let the menu judge every row, write the results.

Nothing here talks to the kitchen or draws on the page: these are plain functions, so each rule
("a missing column refuses the whole file", "a bad row is listed, the others still go") is easy
to read and to test. The menu's `Order` judges every row, as the kitchen judges an order: this
file only reads the text of the cells. Every uploaded row comes back in the results.
"""

import csv
import io
import re
from dataclasses import dataclass, field

import pandas as pd

from {{ cookiecutter.package_name }}.menu import FEATURES, MAX_BATCH_ORDERS, TARGET, ingredients
from {{ cookiecutter.package_name }}.messages import number
from {{ cookiecutter.package_name }}.shop.form import in_words, judge

MAX_UPLOAD_MB = 5  # 10,000 rows weigh well under 1 MB: anything bigger is not a batch order
MAX_OWN_COLUMNS = 20  # columns of your own (an id, a note...) kept beside the menu's
MODEL_COLUMN = "model_version"
PROBLEM_COLUMN = "problem"
# The menu reads true/false, yes/no, y/n, on/off and 1/0, in any case; French sheets say these.
FRENCH_YES_NO = {"oui": "yes", "non": "no", "vrai": "true", "faux": "false"}
# The menu reads text as Python does, where 6_00 is 600 (the underscore groups digits). No
# spreadsheet writes a number so: such a cell is refused as not a number.
DIGITS_WITH_UNDERSCORE = re.compile(r"\d_\d")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): the
# results file puts a ' before such a cell, as OWASP advises, so it opens as plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

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
TOO_WIDE = (
    "Ce fichier a {columns} colonnes ; une commande groupée a les {menu} colonnes du menu, et "
    "au plus {own} des vôtres à côté. Vérifiez que le fichier est séparé par des virgules."
)
ROW_TOO_LONG = "La ligne {row} a {cells} cases, plus que les {columns} colonnes de la première."
TWICE = "La première ligne nomme la colonne {name} plus d'une fois : gardez-en une."
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
TOO_WIDE = (
    "This file has {columns} columns; a batch order has the menu's {menu} columns, and at most "
    "{own} of your own beside them. Check that the file is separated by commas."
)
ROW_TOO_LONG = "Row {row} has {cells} cells, more than the {columns} columns the first row names."
TWICE = "The first row names the column {name} more than once: keep one."
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
    """Read CSV bytes as a table of text (no guessing of types: the menu decides them).

    The csv module reads one row at a time, so a file of far too many columns is refused at its
    first row, before anything else is read."""
    if len(data) > MAX_UPLOAD_MB * 1_000_000:
        raise UploadRefused(TOO_BIG.format(megabytes=MAX_UPLOAD_MB))
    if not data.strip():
        raise UploadRefused(EMPTY)
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        header = [name.strip() for name in next(reader)]
        if len(header) > len(FEATURES) + MAX_OWN_COLUMNS:
            columns, menu = number(len(header)), len(FEATURES)
            raise UploadRefused(TOO_WIDE.format(columns=columns, menu=menu, own=MAX_OWN_COLUMNS))
        rows: list[list[str]] = []
        for row in reader:
            if len(row) > len(header):
                where, cells, columns = row_number(len(rows)), number(len(row)), number(len(header))
                raise UploadRefused(ROW_TOO_LONG.format(row=where, cells=cells, columns=columns))
            rows.append(row + [""] * (len(header) - len(row)))  # short rows: blank cells
    except (UnicodeDecodeError, csv.Error) as unreadable:  # not UTF-8, or a broken quote
        raise UploadRefused(UNREADABLE) from unreadable
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()  # empty lines at the end of the file are not orders
    twice = next((name for name in header if header.count(name) > 1), None)
    if twice is not None:
        raise UploadRefused(TWICE.format(name=twice))
    return pd.DataFrame(rows, columns=header, dtype=str)


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
    odd = [
        item for item in ingredients() if DIGITS_WITH_UNDERSCORE.search(cells.get(item.name, ""))
    ]
    if odd:
        return None, "; ".join(in_words({"type": "float_parsing"}, item) for item in odd)
    order, reasons = judge(cells, from_text=True)
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


def as_text(cell):
    """A cell a spreadsheet would run as a formula, with a ' before it; any other, as it is."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def as_csv(table: pd.DataFrame) -> bytes:
    """The table as CSV, safe to open in a spreadsheet: no cell runs as a formula, and every
    cell is quoted (so a line break inside one stays inside it), as OWASP advises."""
    safe = table.rename(columns=as_text).map(as_text)
    return safe.to_csv(index=False, quoting=csv.QUOTE_ALL).encode("utf-8")
