"""The batch order: a CSV file in, every row back with its prediction or the reason it was not."""

import io

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.menu import (
    FEATURES,
    MAX_BATCH_ORDERS,
    TARGET,
    Ingredient,
    ingredients,
)
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.shop import batch
from {{ cookiecutter.package_name }}.shop.explain import sample_orders

RESULTS = "batch_results"


def csv_of(rows: list[dict]) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def number_field():
    return next(item for item in ingredients() if item.kind is float)


def good_rows(count: int) -> list[dict]:
    return sample_orders(count)


def send(page, content: bytes, name: str = "orders.csv"):
    """Upload `content` on the batch page and press the button."""
    page.file_uploader(key="upload").set_value((name, content, "text/csv"))
    page.button[0].click()
    return page.run()


def refused_table(page) -> pd.DataFrame:
    """The table of refused rows shown on the page (the one with a row-number column)."""
    [table] = [shown.value for shown in page.dataframe if say("shop_batch_row") in shown.value]
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
    assert page.success[0].value == say("shop_batch_done", predicted=2, name="orders.csv")
    refused = refused_table(page)
    assert list(refused[say("shop_batch_row")]) == [3, 5]  # spreadsheet rows: header is row 1
    reasons = list(refused[say("shop_batch_reason")])
    assert item.label in reasons[0] and str(item.maximum) in reasons[0]
    assert say("shop_cell_not_number") in reasons[1]


def test_results_keep_every_row_in_order_ready_to_download(batch_page):
    """It returns every uploaded row, extra columns included, predicted or with its reason."""
    item = number_field()
    rows = [{"my_id": f"field-{number}", **order} for number, order in enumerate(good_rows(3))]
    rows[0][item.name] = ""
    page = send(batch_page, csv_of(rows))
    assert not page.exception
    assert page.download_button(key="download").label == say("shop_batch_download")
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
        say("shop_batch_wrong_columns", missing=", ".join(FEATURES), expected=",".join(FEATURES)),
    ),
    "empty": (lambda: b"", say("shop_batch_empty")),
    "header only": (lambda: ",".join(FEATURES).encode() + b"\n", say("shop_batch_no_rows")),
    "not text": (lambda: bytes(range(256)) * 4, say("shop_batch_unreadable")),
    "huge by rows": (
        huge_by_rows,
        say("shop_batch_too_many_rows", rows=MAX_BATCH_ORDERS + 1, limit=MAX_BATCH_ORDERS),
    ),
    "huge by bytes": (huge_by_bytes, say("shop_batch_too_big", megabytes=batch.MAX_UPLOAD_MB)),
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
    assert [error.value for error in page.error] == [say("shop_batch_none_valid")]
    refused = refused_table(page)
    assert list(refused[say("shop_batch_row")]) == [2, 3, 4]
    assert batch_calls == []


def test_pressing_send_without_a_file_asks_for_one(batch_page):
    """It asks for a file instead of failing when none was chosen."""
    batch_page.button[0].click()
    page = batch_page.run()
    assert not page.exception
    assert [warning.value for warning in page.warning] == [say("shop_batch_no_file")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("No", False), ("oui", True), ("0", False), (" 1 ", True)],
)
def test_yes_no_cells_are_read_in_either_language(text, expected):
    """It reads the usual spreadsheet spellings of yes and no."""
    flag = Ingredient(name="has_garden", label="Garden", help="", kind=bool, example=True)
    assert batch.convert(flag, text) is expected


def test_not_a_number_and_infinity_are_refused():
    """It refuses NaN and infinite numbers with a reason."""
    item = number_field()
    for text in ("nan", "inf", "1e400"):
        row = {**{k: str(v) for k, v in good_rows(1)[0].items()}, item.name: text}
        order, reasons = batch.check_row(row)
        assert order is None and item.label in reasons
