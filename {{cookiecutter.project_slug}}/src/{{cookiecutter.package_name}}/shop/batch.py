"""A batch order from a CSV file: read it, check every row against the menu, write the results.

Nothing here talks to the kitchen or draws on the page: these are plain functions, so each rule
("a missing column refuses the whole file", "a bad row is listed, the others still go") is easy
to read and to test. Every uploaded row comes back in the results, predicted or with a reason.
"""

import io
from dataclasses import dataclass, field

import pandas as pd
from pydantic import ValidationError

from {{ cookiecutter.package_name }}.menu import (
    FEATURES,
    MAX_BATCH_ORDERS,
    TARGET,
    Ingredient,
    Order,
    ingredients,
)
from {{ cookiecutter.package_name }}.messages import say

MAX_UPLOAD_MB = 5  # 10,000 rows weigh well under 1 MB: anything bigger is not a batch order
MODEL_COLUMN = "model_version"
PROBLEM_COLUMN = "problem"
# Words a spreadsheet may use for yes and no (compared in lower case).
YES = {"true", "1", "yes", "y", "oui", "vrai"}
NO = {"false", "0", "no", "n", "non", "faux"}


class UploadRefused(Exception):
    """The whole file cannot be used; str() says why and what to do, in words."""


class CellProblem(ValueError):
    """One cell cannot be read as its ingredient's type; str() says why."""


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
        raise UploadRefused(say("shop_batch_too_big", megabytes=MAX_UPLOAD_MB))
    if not data.strip():
        raise UploadRefused(say("shop_batch_empty"))
    try:
        table = pd.read_csv(
            io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as unreadable:
        raise UploadRefused(say("shop_batch_unreadable")) from unreadable
    table.columns = [str(name).strip() for name in table.columns]
    return table


def check_columns(table: pd.DataFrame) -> None:
    """Refuse a table without every column of the menu, or with no rows, or too many."""
    missing = [name for name in FEATURES if name not in table.columns]
    if missing:
        raise UploadRefused(
            say("shop_batch_wrong_columns", missing=", ".join(missing), expected=",".join(FEATURES))
        )
    if table.empty:
        raise UploadRefused(say("shop_batch_no_rows"))
    if len(table) > MAX_BATCH_ORDERS:
        raise UploadRefused(
            say("shop_batch_too_many_rows", rows=len(table), limit=MAX_BATCH_ORDERS)
        )


def convert(item: Ingredient, text: str):
    """Turn one cell's text into the ingredient's type (the menu then checks its range)."""
    text = text.strip()
    if not text:
        raise CellProblem(say("shop_cell_empty"))
    if item.choices:
        return text
    if item.kind is bool:
        if text.lower() in YES | NO:
            return text.lower() in YES
        raise CellProblem(say("shop_cell_not_yes_no"))
    try:
        return int(text) if item.kind is int else float(text)
    except ValueError:
        raise CellProblem(
            say("shop_cell_not_whole" if item.kind is int else "shop_cell_not_number")
        ) from None


def explain(error: dict) -> str:
    """One pydantic complaint about a field, said in the workshop's language."""
    context = error.get("ctx", {})
    rule = error["type"]
    if rule == "greater_than_equal":
        return say("shop_cell_too_small", limit=context["ge"])
    if rule == "less_than_equal":
        return say("shop_cell_too_big", limit=context["le"])
    if rule == "literal_error":
        return say("shop_cell_not_a_choice", choices=context.get("expected", ""))
    if rule == "finite_number":
        return say("shop_cell_not_finite")
    return error["msg"]  # a rule this shop has no words for yet: pydantic's own sentence


def check_row(row: dict) -> tuple[dict | None, str]:
    """Return (order, "") for a row that follows the menu, or (None, the reasons)."""
    values, reasons = {}, []
    labels = {item.name: item.label for item in ingredients()}
    for item in ingredients():
        try:
            values[item.name] = convert(item, row[item.name])
        except CellProblem as problem:
            reasons.append(f"{item.label}: {problem}")
    if reasons:
        return None, "; ".join(reasons)
    try:
        order = Order.model_validate(values)
    except ValidationError as refused:
        reasons = [f"{labels[error['loc'][0]]}: {explain(error)}" for error in refused.errors()]
        return None, "; ".join(reasons)
    return order.model_dump(), ""


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
            say("shop_batch_row"): [row_number(position) for position in upload.problems],
            say("shop_batch_reason"): list(upload.problems.values()),
        }
    )


def as_csv(table: pd.DataFrame) -> bytes:
    return table.to_csv(index=False).encode("utf-8")
