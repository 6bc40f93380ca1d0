{%- set fr = cookiecutter.language == "fr" -%}
"""The shop window: a form built from the menu, orders carried to a real kitchen, pictures."""

import ast
import json
import string
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from {{ cookiecutter.package_name }} import messages
from {{ cookiecutter.package_name }}.menu import (
    DISH_LABEL,
    DISH_UNIT,
    DishBatch,
    example_order,
    ingredients,
)
from {{ cookiecutter.package_name }}.messages import number, say
from {{ cookiecutter.package_name }}.processes import free_port
from {{ cookiecutter.package_name }}.shop import explain
from {{ cookiecutter.package_name }}.shop.client import KitchenClient, KitchenError

CHART = "vega_lite_chart"  # what st.line_chart and st.bar_chart send to the browser
COMMAND = "{{ cookiecutter.package_name }}"


def dish_text(page: AppTest) -> str:
    """The dish the page shows, as written there: '1,234.56 k€' (or '1 234,56 k€' in French)."""
    [dish] = page.metric
    assert dish.label == DISH_LABEL and dish.value.endswith(f" {DISH_UNIT}")
    return dish.value


def cooked_by_the_kitchen(kitchen_url: str, order: dict) -> str:
    """The same dish, asked of the kitchen directly and written as the page writes it."""
    dish = httpx.post(f"{kitchen_url}/predict", json=order, timeout=10).json()
    return f"{number(dish['prediction'], 2)} {DISH_UNIT}"


def first_number(kind=float):
    return next(item for item in ingredients() if item.kind is kind and not item.choices)


# --- The order page ----------------------------------------------------------------------


def test_form_has_one_widget_per_menu_field(shop_for):
    """It shows every field of the menu, labelled with its unit, and no error."""
    page = shop_for("http://127.0.0.1:9")
    assert not page.exception and not page.error
    widgets = [*page.number_input, *page.selectbox, *page.checkbox]
    assert sorted(widget.key for widget in widgets) == sorted(item.name for item in ingredients())
    for item in ingredients():
        widget = next(widget for widget in widgets if widget.key == item.name)
        assert item.label in widget.label and item.unit in widget.label
        assert widget.help == item.help


def test_order_is_cooked_by_the_real_kitchen(shop_for, kitchen_url):
    """It sends the order over HTTP and shows the dish with its unit, written as the language
    writes numbers, and the model version."""
    page = shop_for(kitchen_url)
    page.button[0].click().run()
    assert not page.exception and not page.error
    example = example_order().model_dump()
    assert dish_text(page) == cooked_by_the_kitchen(kitchen_url, example)
    cooked_by = "{{ 'Préparé par la version 1 du modèle' if fr else 'Cooked by model version 1' }}"
    assert any(caption.value.startswith(cooked_by) for caption in page.caption)


def test_changing_an_ingredient_changes_the_dish(shop_for, kitchen_url):
    """It sends what the person typed, not the defaults."""
    page = shop_for(kitchen_url)
    page.button[0].click().run()
    before = dish_text(page)
    item = first_number()
    page.number_input(key=item.name).set_value(item.maximum)
    page.button[0].click().run()
    changed = {**example_order().model_dump(), item.name: item.maximum}
    assert dish_text(page) == cooked_by_the_kitchen(kitchen_url, changed) != before


@pytest.mark.parametrize("side", ["below", "above"])
def test_out_of_range_value_is_said_on_the_page_in_words(shop_for, side, batch_calls):
    """It names the field and its limit in the project's language, and sends nothing (the
    kitchen here is closed: asking it would show another error)."""
    item = first_number()
    limit = item.minimum if side == "below" else item.maximum
    page = shop_for(f"http://127.0.0.1:{free_port()}")
    page.number_input(key=item.name).set_value(limit - 1 if side == "below" else limit + 1)
    page.button[0].click().run()
    assert not page.exception and not page.metric
    [message] = page.error
    {% if fr -%}
    rule = "doit valoir au moins" if side == "below" else "doit valoir au plus"
    assert f"{item.label} ({item.unit}) : {rule} {number(limit)}" in message.value
    {%- else -%}
    rule = "must be at least" if side == "below" else "must be at most"
    assert f"{item.label} ({item.unit}): {rule} {number(limit)}" in message.value
    {%- endif %}
    assert f"{COMMAND} kitchen" not in message.value


def test_choices_are_shown_in_the_language_and_sent_as_the_menu_names_them(shop_for, kitchen_url):
    """It lists each choice under its label in the project's language; the kitchen still
    gets the menu's own value."""
    item = next(item for item in ingredients() if item.choices)
    page = shop_for(kitchen_url)
    select = page.selectbox(key=item.name)
    assert select.options == [item.choice_labels[choice] for choice in item.choices]
    last = item.choices[-1]
    select.set_value(last)
    page.button[0].click().run()
    assert not page.exception and not page.error
    changed = {**example_order().model_dump(), item.name: last}
    assert dish_text(page) == cooked_by_the_kitchen(kitchen_url, changed)


def test_closed_kitchen_is_said_in_words(shop_for):
    """It tells the person the kitchen is closed and which command opens it, no traceback."""
    page = shop_for(f"http://127.0.0.1:{free_port()}")
    page.button[0].click().run()
    assert not page.exception and not page.metric
    [message] = page.error
    assert f"{COMMAND} kitchen" in message.value


def test_no_page_shows_the_password_of_an_address(shop_for):
    """It masks the password of a kitchen address that holds one, on the page and in errors."""
    page = shop_for(f"http://ann:SECRET-42@127.0.0.1:{free_port()}")
    page.button[0].click().run()
    shown = [element.value for element in [*page.error, *page.caption, *page.markdown]]
    assert any("ann:***@" in text for text in shown)
    assert not any("SECRET-42" in text for text in shown)


def test_what_the_person_typed_survives_a_closed_kitchen(shop_for):
    """It keeps the form as filled in when the order could not be sent, ready to send again."""
    item = first_number()
    page = shop_for(f"http://127.0.0.1:{free_port()}")
    page.number_input(key=item.name).set_value(item.maximum)
    page.button[0].click().run()
    assert page.error
    assert page.number_input(key=item.name).value == item.maximum


def test_slow_kitchen_is_said_in_words_after_the_timeout(shop_for, slow_kitchen_url):
    """It gives up after KITCHEN_TIMEOUT_SECONDS and says the kitchen was too slow."""
    page = shop_for(slow_kitchen_url, kitchen_timeout_seconds=0.5)
    started = time.monotonic()
    page.button[0].click().run()
    assert time.monotonic() - started < 3  # it did not wait for the slow answer
    assert not page.exception and not page.metric
    [message] = page.error
    assert message.value == say("kitchen_slow", seconds=0.5)


# --- The what-if page --------------------------------------------------------------------


def test_what_if_sweeps_one_ingredient_in_one_batch(shop_for, kitchen_url, batch_calls):
    """It varies the chosen ingredient from its minimum to its maximum, the rest of the order
    fixed as the person set it, in a single batch call, and draws the curve."""
    item = first_number()
    kept = next(other for other in ingredients() if other.name != item.name and not other.choices)
    page = shop_for(kitchen_url, "what_if")
    page.selectbox(key="vary").set_value(item.name).run()
    page.number_input(key=f"what_if_{kept.name}").set_value(kept.maximum)
    page.button[0].click().run()
    assert not page.exception and not page.error
    [orders] = batch_calls
    varied = [order[item.name] for order in orders]
    assert min(varied) == item.minimum and max(varied) == item.maximum
    assert len(set(varied)) == len(orders) > 10
    assert {order[kept.name] for order in orders} == {kept.maximum}
    assert len(page.get(CHART)) == 1
    assert DISH_UNIT in page.markdown[-1].value


def test_what_if_of_a_choice_tries_every_choice(shop_for, kitchen_url, batch_calls):
    """It cooks one dish per choice when the ingredient is a list of choices."""
    item = next(item for item in ingredients() if item.choices)
    page = shop_for(kitchen_url, "what_if")
    page.selectbox(key="vary").set_value(item.name).run()
    page.button[0].click().run()
    assert not page.exception and not page.error
    [orders] = batch_calls
    assert [order[item.name] for order in orders] == list(item.choices)
    assert len(page.get(CHART)) == 1


def test_what_if_with_a_closed_kitchen_is_said_in_words(shop_for):
    """It says the kitchen is closed instead of drawing anything."""
    page = shop_for(f"http://127.0.0.1:{free_port()}", "what_if")
    page.button[0].click().run()
    assert not page.exception and not page.get(CHART)
    [message] = page.error
    assert f"{COMMAND} kitchen" in message.value


# --- The model page ----------------------------------------------------------------------


def test_model_page_shows_the_kitchen_model_card_and_importances(
    shop_for, kitchen_url, batch_calls
):
    """It shows version, alias, load time and lab metrics, and an importance chart made
    from one batch call."""
    page = shop_for(kitchen_url, "model")
    assert not page.exception and not page.error
    shown = {metric.label: metric.value for metric in page.metric}
    assert shown["Version"] == "1"
    assert shown["Alias"] == "champion"
    card = httpx.get(f"{kitchen_url}/model", timeout=10).json()
    moments = [
        datetime.fromisoformat(card[key]).isoformat(sep=" ", timespec="seconds")
        for key in ("trained_at", "loaded_at")
    ]
    assert any(
        all(moment in caption.value for moment in [*moments, card["run_id"]])
        for caption in page.caption
    )
    for metric, value in card["metrics"].items():  # written as the language writes numbers
        assert shown[metric.upper()] == number(value, 3)
    [orders] = batch_calls
    assert len(orders) == explain.SAMPLE_ORDERS * (len(ingredients()) + 1)
    assert len(page.get(CHART)) == 1


def test_model_page_keeps_its_chart_and_shows_whole_labels(shop_for, kitchen_url, batch_calls):
    """It asks the kitchen for the importances once per model, not again on every rerun or
    visit, and never cuts an ingredient's label short."""
    page = shop_for(kitchen_url, "model")
    page.run()
    page.switch_page("screens/order.py").run()
    page.switch_page("screens/model.py").run()
    assert not page.exception and not page.error
    assert len(batch_calls) == 1
    [chart] = page.get(CHART)
    assert json.loads(chart.proto.spec)["encoding"]["y"]["axis"]["labelLimit"] == 0


def test_model_page_with_a_closed_kitchen_is_said_in_words(shop_for):
    """It says the kitchen is closed, and shows no half-empty model card."""
    page = shop_for(f"http://127.0.0.1:{free_port()}", "model")
    assert not page.exception and not page.metric
    [message] = page.error
    assert f"{COMMAND} kitchen" in message.value


class OneIngredientKitchen:
    """A pretend waiter whose dish depends on a single ingredient only."""

    def __init__(self, ingredient: str):
        self.ingredient = ingredient

    def predict_batch(self, orders):
        predictions = [float(hash(order[self.ingredient]) % 1000) for order in orders]
        return DishBatch(predictions=predictions, model_version="7")


def test_importance_is_zero_for_ingredients_the_model_ignores():
    """It gives weight only to the ingredient the dish depends on."""
    item = first_number()
    scores, version = explain.importances(OneIngredientKitchen(item.name))
    assert version == "7"
    assert scores[item.name] > 0
    assert all(score == 0 for name, score in scores.items() if name != item.name)


# --- The waiter (HTTP client) ------------------------------------------------------------


def test_refused_order_is_said_in_words_naming_the_field(kitchen_url):
    """It turns the real kitchen's 422 into a sentence that names the faulty field."""
    item = first_number()
    order = {**example_order().model_dump(), item.name: item.maximum + 1}
    with pytest.raises(KitchenError) as refused:
        KitchenClient(kitchen_url, 10).predict(order)
    assert str(refused.value).startswith(say("order_refused", problems=""))
    assert item.name in str(refused.value)


ODD_ANSWERS = {
    "not the kitchen": (httpx.Response(200, text="<html>hello</html>"), "kitchen_trouble"),
    "too big": (httpx.Response(413), "order_too_big"),
    "kitchen broke": (httpx.Response(500, text="Internal Server Error"), "kitchen_trouble"),
    "not ready": (httpx.Response(503, json={"detail": "train first"}), "kitchen_not_ready"),
}


def waiter_answered(answer: httpx.Response) -> KitchenClient:
    """A waiter whose kitchen always gives `answer`: only the transport is replaced, so the
    client's own logic reads the answer as usual."""
    waiter = KitchenClient("http://kitchen.test", 5)
    transport = httpx.MockTransport(lambda request: answer)
    waiter.http = httpx.Client(base_url="http://kitchen.test", transport=transport)
    return waiter


@pytest.mark.parametrize("case", ODD_ANSWERS, ids=str)
def test_odd_answers_are_said_in_words(case):
    """It turns any answer that is not a dish into a KitchenError in words, never a crash."""
    answer, key = ODD_ANSWERS[case]
    with pytest.raises(KitchenError) as trouble:
        waiter_answered(answer).predict(example_order().model_dump())
    values = {"status": answer.status_code, "reason": "train first"}
    assert str(trouble.value) == say(key, **values)


def test_a_password_in_the_kitchen_answer_is_not_repeated():
    """It masks the password of any address the kitchen's answer names."""
    reason = "cannot reach the lab book at postgresql://ann:SECRET-42@db:5432/lab: start it"
    answer = httpx.Response(503, json={"detail": reason})
    with pytest.raises(KitchenError) as trouble:
        waiter_answered(answer).predict(example_order().model_dump())
    masked = reason.replace("SECRET-42", "***")
    assert str(trouble.value) == say("kitchen_not_ready", reason=masked)


# --- The catalogue of shared sentences ---------------------------------------------------

PACKAGE = Path(messages.__file__).parent


def keys_asked_in(source: Path) -> set[str]:
    """The keys of every `say("key", ...)` call written in `source`."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "say"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def placeholders(sentence: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(sentence) if name}


def test_every_shared_sentence_is_written_in_both_languages_with_the_same_blanks():
    """It has each catalogue sentence in English and French, both with the same {blanks}."""
    for key, sentences in messages.MESSAGES.items():
        assert set(sentences) == {"en", "fr"}, key
        assert placeholders(sentences["en"]) == placeholders(sentences["fr"]), key


def test_every_sentence_the_package_asks_for_is_in_the_catalogue():
    """It finds, for every `say("key")` written in the package, that key in the catalogue."""
    asked = set().union(*(keys_asked_in(source) for source in PACKAGE.rglob("*.py")))
    assert asked, "no say() call found: the search itself is broken"
    assert asked - set(messages.MESSAGES) == set()
