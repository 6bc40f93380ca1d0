"""The shop window: a form built from the menu, orders carried to a real kitchen."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import {{ cookiecutter.package_name }}.shop as shop_package
from {{ cookiecutter.package_name }}.menu import DISH_LABEL, DISH_UNIT, ingredients

from .conftest import free_port

# Found by path, not imported: importing the page would run it outside Streamlit.
SHOP_PAGE = Path(shop_package.__file__).parent / "app.py"
# The page imports MLflow-free modules only, but the first run still imports pandas and
# friends: Streamlit's default of 3 s is too short on a busy 2-core machine.
TIMEOUT = 60


@pytest.fixture
def shop_for(fresh_settings):
    """Return a function that opens the page with orders sent to `url`."""

    def open_page(url: str) -> AppTest:
        fresh_settings.setenv("KITCHEN_URL", url)
        page = AppTest.from_file(str(SHOP_PAGE), default_timeout=TIMEOUT)
        return page.run()

    return open_page


def test_form_has_one_widget_per_menu_field(shop_for):
    """It shows every field of the menu, labelled with its unit, and no error."""
    page = shop_for("http://127.0.0.1:9")
    assert not page.exception and not page.error
    widgets = [*page.number_input, *page.selectbox, *page.checkbox]
    assert sorted(widget.key for widget in widgets) == sorted(item.name for item in ingredients())
    for item in ingredients():
        widget = next(widget for widget in widgets if widget.key == item.name)
        assert item.label in widget.label and item.unit in widget.label


def test_order_is_cooked_by_the_real_kitchen(shop_for, kitchen_url):
    """It sends the order over HTTP and shows the dish with its unit and model version."""
    page = shop_for(kitchen_url)
    page.button[0].click().run()
    assert not page.exception and not page.error
    [dish] = page.metric
    assert dish.label == DISH_LABEL and dish.value.endswith(DISH_UNIT)
    assert float(dish.value.split()[0].replace(",", "")) > 0
    assert "1" in page.caption[0].value


def test_changing_an_ingredient_changes_the_dish(shop_for, kitchen_url):
    """It sends what the person typed, not the defaults."""
    page = shop_for(kitchen_url)
    page.button[0].click().run()
    before = page.metric[0].value
    item = next(item for item in ingredients() if item.kind is float)
    page.number_input(key=item.name).set_value(item.maximum)
    page.button[0].click().run()
    assert page.metric[0].value != before


def test_closed_kitchen_is_said_in_words(shop_for):
    """It tells the person the kitchen is closed and which command opens it, no traceback."""
    page = shop_for(f"http://127.0.0.1:{free_port()}")
    page.button[0].click().run()
    assert not page.exception
    [message] = page.error
    assert "{{ cookiecutter.package_name }} kitchen" in message.value
