{%- set fr = cookiecutter.language == "fr" -%}
"""The batch order: a CSV file in, every row back with its prediction or the reason it was not."""

import io

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.menu import FEATURES, MAX_BATCH_ORDERS, TARGET, ingredients
from {{ cookiecutter.package_name }}.messages import number
from {{ cookiecutter.package_name }}.shop import batch
from {{ cookiecutter.package_name }}.shop.explain import sample_orders
from {{ cookiecutter.package_name }}.shop.form import label_of

RESULTS = "batch_results"
NOT_A_NUMBER = "{{ 'pas un nombre' if fr else 'not a number' }}"
SEPARATOR = "{{ ' : ' if fr else ': ' }}"  # between a column's label and what is wrong
YES_NO_FIELDS = [item for item in ingredients() if item.kind is bool]


def csv_of(rows: list[dict]) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def number_field():
    return next(item for item in ingredients() if item.kind is float)


def good_rows(count: int) -> list[dict]:
    return sample_orders(count)


def text_row(**changes) -> dict[str, str]:
    """One good order written as a CSV row's text cells, with `changes` made to it."""
    return {**{name: str(value) for name, value in good_rows(1)[0].items()}, **changes}


def send(page, content: bytes, name: str = "orders.csv"):
    """Upload `content` on the batch page and press the button."""
    page.file_uploader(key="upload").set_value((name, content, "text/csv"))
    page.button[0].click()
    return page.run()


def refused_table(page) -> pd.DataFrame:
    """The table of refused rows shown on the page (the one with a row-number column)."""
    [table] = [shown.value for shown in page.dataframe if batch.ROW in shown.value]
    return table


@pytest.fixture
def batch_page(shop_for, kitchen_url):
    """The batch page, its orders sent to the real kitchen."""
    return shop_for(kitchen_url, "batch")


def test_valid_rows_are_cooked_and_refused_rows_listed_with_reasons(batch_page):
    """It predicts the rows that follow the menu and lists the others, by row number."""
    item = number_field()
    rows = good_rows(4)
    rows[1][item.name] = item.maximum + 1  # out of range
    rows[3][item.name] = "plenty"  # not a number
    page = send(batch_page, csv_of(rows))
    assert not page.exception and not page.error
    assert "orders.csv" in page.success[0].value and "2" in page.success[0].value
    refused = refused_table(page)
    assert list(refused[batch.ROW]) == [3, 5]  # spreadsheet rows: header is row 1
    reasons = list(refused[batch.REASON])
    assert label_of(item) in reasons[0] and number(item.maximum) in reasons[0]
    assert NOT_A_NUMBER in reasons[1]


def test_results_keep_every_row_in_order_ready_to_download(batch_page):
    """It returns every uploaded row, extra columns included, predicted or with its reason."""
    item = number_field()
    rows = [{"my_id": f"field-{number}", **order} for number, order in enumerate(good_rows(3))]
    rows[0][item.name] = ""
    page = send(batch_page, csv_of(rows))
    assert not page.exception
    assert page.download_button(key="download")
    assert "my_id" in page.info[0].value
    _, _, table = page.session_state[RESULTS]
    downloaded = pd.read_csv(io.BytesIO(batch.as_csv(table)), dtype=str, keep_default_na=False)
    assert list(downloaded["my_id"]) == [row["my_id"] for row in rows]
    assert downloaded[TARGET][0] == "" and downloaded[batch.PROBLEM_COLUMN][0] != ""
    assert all(float(value) > 0 for value in downloaded[TARGET][1:])
    assert list(downloaded[batch.MODEL_COLUMN][1:]) == ["1", "1"]


def huge_by_rows() -> bytes:
    return csv_of(good_rows(1) * (MAX_BATCH_ORDERS + 1))


def huge_by_bytes() -> bytes:
    header = ",".join(FEATURES).encode()
    return header + b"\n" + b" " * (batch.MAX_UPLOAD_MB * 1_000_000)


BAD_UPLOADS = {
    "wrong columns": (
        lambda: b"name,colour\nrose,red\n",
        batch.MISSING_COLUMNS.format(missing=", ".join(FEATURES), expected=",".join(FEATURES)),
    ),
    "empty": (lambda: b"", batch.EMPTY),
    "header only": (lambda: ",".join(FEATURES).encode() + b"\n", batch.NO_ROWS),
    "not text": (lambda: bytes(range(256)) * 4, batch.UNREADABLE),
    "huge by rows": (
        huge_by_rows,
        batch.TOO_MANY_ROWS.format(
            rows=number(MAX_BATCH_ORDERS + 1), limit=number(MAX_BATCH_ORDERS)
        ),
    ),
    "huge by bytes": (huge_by_bytes, batch.TOO_BIG.format(megabytes=batch.MAX_UPLOAD_MB)),
}


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=str)
def test_bad_upload_is_refused_in_words_and_keeps_earlier_results(batch_page, case):
    """It refuses a file it cannot use with a sentence saying why, and the results of the
    previous file stay on the page, ready to download."""
    send(batch_page, csv_of(good_rows(2)), name="before.csv")
    make, message = BAD_UPLOADS[case]
    page = send(batch_page, make(), name="bad.csv")
    assert not page.exception
    assert [error.value for error in page.error] == [message]
    assert page.session_state[RESULTS][0] == "before.csv"
    assert page.download_button(key="download")


def test_file_of_wrong_types_lists_every_row_and_sends_nothing(batch_page, batch_calls):
    """It lists each row whose cells have the wrong type, and calls no kitchen at all."""
    rows = [{name: "?" for name in FEATURES} for _ in range(3)]
    page = send(batch_page, csv_of(rows))
    assert not page.exception
    [error] = page.error
    assert "{{ 'Aucune ligne' if fr else 'No row' }}" in error.value
    refused = refused_table(page)
    assert list(refused[batch.ROW]) == [2, 3, 4]
    assert batch_calls == []


def test_pressing_send_without_a_file_asks_for_one(batch_page):
    """It asks for a file instead of failing when none was chosen."""
    batch_page.button[0].click()
    page = batch_page.run()
    assert not page.exception
    [warning] = page.warning
    assert "CSV" in warning.value


@pytest.mark.skipif(not YES_NO_FIELDS, reason="this menu has no yes/no field")
@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("No", False), ("oui", True), ("FAUX", False), ("0", False), (" 1 ", True)],
)
def test_yes_no_cells_are_read_in_either_language(text, expected):
    """It reads the usual spreadsheet spellings of yes and no, English or French."""
    [flag] = YES_NO_FIELDS
    order, reasons = batch.check_row(text_row(**{flag.name: text}))
    assert reasons == "" and order[flag.name] is expected


@pytest.mark.parametrize("text", ["nan", "inf", "1e400", "6_00", "1_000.5", "plenty", "1,5"])
def test_cells_that_are_not_finite_numbers_are_refused(text):
    """It refuses NaN, infinity and what only Python reads as a number (6_00 is not 600)."""
    item = number_field()
    order, reasons = batch.check_row(text_row(**{item.name: text}))
    assert order is None and reasons.startswith(label_of(item))


def choice_field():
    return next(item for item in ingredients() if item.choices)


@pytest.mark.parametrize("cell", ["", "   "], ids=["empty", "spaces"])
def test_a_blank_cell_is_said_empty(cell):
    """It names the column of a blank cell and says it is empty."""
    item = choice_field()
    order, reasons = batch.check_row(text_row(**{item.name: cell}))
    assert order is None
    assert reasons == f"{label_of(item)}{SEPARATOR}{{ 'vide' if fr else 'empty' }}"


def test_an_unknown_choice_is_refused_naming_the_choices():
    """It names the column of an unknown choice and lists the choices the menu has."""
    item = choice_field()
    order, reasons = batch.check_row(text_row(**{item.name: "marsh"}))
    assert order is None
    assert reasons.startswith(f"{label_of(item)}{SEPARATOR}")
    assert all(choice in reasons for choice in item.choices)


def test_numbers_written_by_a_spreadsheet_are_read():
    """It reads the numbers a spreadsheet writes: padded, signed, with an exponent."""
    item = number_field()
    middle = (item.minimum + item.maximum) / 2
    for text in (f" {middle} ", f"+{middle}", f"{middle:E}"):
        order, reasons = batch.check_row(text_row(**{item.name: text}))
        assert reasons == "" and order[item.name] == pytest.approx(middle), text
