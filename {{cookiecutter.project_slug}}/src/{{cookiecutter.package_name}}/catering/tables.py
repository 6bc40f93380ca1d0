"""The village's order sheet: a large table of orders, written in chunks, checked on reading.

`write_orders` draws the rows with the lab's own generator (`data.make_dataset`), a chunk at a
time, so a million rows never sit in memory at once. The first chunk uses the seed itself, so a
table of up to CHUNK_ROWS rows is exactly `make_dataset(rows, seed)`; each later chunk draws
from a seed of its own derived from it, so the same seed always gives the same file.

`read_columns` looks at a table's header only (cheap, no Spark needed) and refuses it, in words,
when a column of the menu is missing, unknown or of the wrong kind.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset
import pyarrow.parquet as pq

from {{ cookiecutter.package_name }}.catering import MAX_ROWS
from {{ cookiecutter.package_name }}.data import make_dataset
from {{ cookiecutter.package_name }}.menu import FEATURES, TARGET, ingredients
from {{ cookiecutter.package_name }}.messages import say

CHUNK_ROWS = 100_000  # about 10 MB of orders in memory at a time
FORMATS = (".csv", ".parquet")


class TableProblem(Exception):
    """A table that cannot be used or written; the message says why, in words."""


@dataclass(frozen=True)
class WrittenTable:
    path: Path
    rows: int
    columns: list[str]


def table_format(path: Path) -> str:
    """Return the table's format from its suffix, or refuse a suffix we cannot read or write."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise TableProblem(say("batch_unknown_suffix", path=path, suffixes=", ".join(FORMATS)))
    return suffix


def check_can_write(path: Path, force: bool) -> None:
    """Refuse to replace a file unless asked to, and never replace a whole folder."""
    if path.is_dir():
        raise TableProblem(say("batch_output_is_folder", path=path))
    if path.exists() and not force:
        raise TableProblem(say("batch_output_exists", path=path))
    if not path.parent.is_dir():
        raise TableProblem(say("batch_no_such_folder", path=path.parent))


def chunk_sizes(rows: int) -> Iterator[int]:
    full, rest = divmod(rows, CHUNK_ROWS)
    yield from [CHUNK_ROWS] * full
    if rest:
        yield rest


def order_chunks(rows: int, seed: int, with_target: bool) -> Iterator[pd.DataFrame]:
    """Yield the table chunk by chunk: the menu's columns, and the target if asked for."""
    columns = [*FEATURES, TARGET] if with_target else FEATURES
    for index, size in enumerate(chunk_sizes(rows)):
        # numpy accepts a list of numbers as a seed: [seed, index] is a stream of its own.
        chunk_seed = seed if index == 0 else [seed, index]
        yield make_dataset(size, chunk_seed)[columns]


def write_csv(chunks: Iterator[pd.DataFrame], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        for index, chunk in enumerate(chunks):
            chunk.to_csv(handle, header=index == 0, index=False)


def write_parquet(chunks: Iterator[pd.DataFrame], path: Path) -> None:
    writer = None
    try:
        for chunk in chunks:
            table = pa.Table.from_pandas(chunk, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)  # one row group per chunk
    finally:
        if writer is not None:
            writer.close()


def write_orders(
    path: Path, rows: int, seed: int, with_target: bool = False, force: bool = False
) -> WrittenTable:
    """Write `rows` generated orders to `path` (.csv or .parquet), chunk by chunk."""
    suffix = table_format(path)
    if not 1 <= rows <= MAX_ROWS:
        raise TableProblem(say("batch_rows_out_of_range", rows=rows, maximum=MAX_ROWS))
    check_can_write(path, force)
    # Written beside the target, then renamed: an interrupted run leaves no half table behind.
    partial = path.with_name(path.name + ".partial")
    chunks = order_chunks(rows, seed, with_target)
    try:
        (write_csv if suffix == ".csv" else write_parquet)(chunks, partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return WrittenTable(path, rows, [*FEATURES, TARGET] if with_target else list(FEATURES))


# --- Reading a table's header, before any engine starts ------------------------------------


def csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise TableProblem(say("batch_empty_table", path=path))
    return [name.strip() for name in header]


def parquet_schema(path: Path) -> pa.Schema:
    try:
        # A single file, or a folder of part files as Spark writes them.
        return pyarrow.dataset.dataset(path, format="parquet").schema
    except (pa.ArrowInvalid, OSError):
        raise TableProblem(say("batch_unreadable", path=path)) from None


def kind_fits(kind: type, choices: tuple, arrow_type: pa.DataType) -> bool:
    """Can a Parquet column of `arrow_type` hold this ingredient without guessing?"""
    if choices:
        return pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
    if kind is bool:
        return pa.types.is_boolean(arrow_type)
    if kind is int:
        return pa.types.is_integer(arrow_type)
    return pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type)


def check_columns(path: Path, columns: list[str]) -> None:
    missing = [name for name in FEATURES if name not in columns]
    unknown = [name for name in columns if name not in (*FEATURES, TARGET)]
    if missing or unknown or len(set(columns)) != len(columns):
        raise TableProblem(
            say(
                "batch_wrong_columns",
                path=path,
                missing=", ".join(missing) or "-",
                unknown=", ".join(unknown) or "-",
                expected=", ".join(FEATURES),
            )
        )


def read_columns(path: Path) -> list[str]:
    """Return the table's column names once its header fits the menu; refuse it otherwise."""
    suffix = table_format(path)
    if not path.exists():
        raise TableProblem(say("batch_no_such_table", path=path))
    if suffix == ".csv":
        if path.is_dir():
            raise TableProblem(say("batch_unreadable", path=path))
        columns = csv_header(path)
        check_columns(path, columns)
        return columns
    schema = parquet_schema(path)
    check_columns(path, schema.names)
    wrong = [
        f"{item.name} ({schema.field(item.name).type})"
        for item in ingredients()
        if not kind_fits(item.kind, item.choices, schema.field(item.name).type)
    ]
    if wrong:
        raise TableProblem(say("batch_wrong_types", path=path, columns=", ".join(wrong)))
    return schema.names
