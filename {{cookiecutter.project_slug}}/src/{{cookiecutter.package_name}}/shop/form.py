{%- set fr = cookiecutter.language == "fr" -%}
"""The order form, built from the menu, and the waiter that every page of the shop shares."""

from collections.abc import Mapping
from typing import Any

import streamlit as st
from pydantic import ValidationError

from {{ cookiecutter.package_name }}.menu import Ingredient, Order, example_order, ingredients
from {{ cookiecutter.package_name }}.messages import number
from {{ cookiecutter.package_name }}.settings import get_settings
from {{ cookiecutter.package_name }}.shop.client import KitchenClient

# Where the order page keeps the last order sent, so the other pages can start from it.
LAST_ORDER = "last_order"


@st.cache_resource
def client_for(url: str, timeout_seconds: float, language: str) -> KitchenClient:
    """One client per kitchen address, kept across reruns so its connections are reused."""
    return KitchenClient(url, timeout_seconds, language)


def waiter() -> KitchenClient:
    """The waiter for the kitchen named in the settings (KITCHEN_URL)."""
    settings = get_settings()
    return client_for(settings.kitchen_url, settings.kitchen_timeout_seconds, settings.language)


def label_of(item: Ingredient) -> str:
    """'Water (mm)': the field's label with its unit, as the form shows it."""
    return f"{item.label} ({item.unit})" if item.unit else item.label


def show_choice(choice: str) -> str:
    return choice.replace("_", " ")


def ask_for(item: Ingredient, key: str, value: Any):
    """Show the widget that fits one field of the menu, and return what the person chose."""
    label = label_of(item)
    if item.choices:
        index = item.choices.index(value)
        return st.selectbox(
            label, item.choices, index=index, help=item.help, key=key, format_func=show_choice
        )
    if item.kind is bool:
        return st.checkbox(label, value=bool(value), help=item.help, key=key)
    number = item.kind  # int or float: Streamlit's widget returns numbers of its value's type
    low, high = number(item.minimum), number(item.maximum)
    return st.number_input(
        label, min_value=low, max_value=high, value=number(value), help=item.help, key=key
    )


def order_form(prefix: str = "", leave_out: str | None = None) -> dict:
    """Ask for every field of the order (but `leave_out`); widget keys are `prefix + name`.

    The form starts from the last order sent, or else from the menu's example order."""
    start = st.session_state.get(LAST_ORDER) or example_order().model_dump()
    return {
        item.name: ask_for(item, prefix + item.name, start[item.name])
        for item in ingredients()
        if item.name != leave_out
    }


# What each of the menu's refusals (pydantic's error types) means, in words.
RULES_IN_WORDS = {
    "missing": "{{ 'vide' if fr else 'empty' }}",
    "float_parsing": "{{ 'pas un nombre' if fr else 'not a number' }}",
    "int_parsing": "{{ 'pas un nombre entier' if fr else 'not a whole number' }}",
    "int_from_float": "{{ 'pas un nombre entier' if fr else 'not a whole number' }}",
    "bool_parsing": "{{ 'ni oui ni non' if fr else 'neither yes nor no' }}",
    "finite_number": "{{ 'doit être un nombre fini' if fr else 'must be a finite number' }}",
    "greater_than_equal": "{{ 'doit valoir au moins {ge}' if fr else 'must be at least {ge}' }}",
    "less_than_equal": "{{ 'doit valoir au plus {le}' if fr else 'must be at most {le}' }}",
    "literal_error": "{{ 'doit être parmi : {choices}' if fr else 'must be one of: {choices}' }}",
}
OTHER_RULE = "{{ 'refusé par le menu' if fr else 'refused by the menu' }}"


def in_words(error: Mapping[str, Any], item: Ingredient) -> str:
    """One refusal of the menu about `item`, said in the project's language."""
    limits = {
        rule: number(limit, 0 if float(limit).is_integer() else 2)
        for rule, limit in error.get("ctx", {}).items()
        if rule in ("ge", "le")
    }
    sentence = RULES_IN_WORDS.get(error["type"], OTHER_RULE)
    return sentence.format(**limits, choices=", ".join(item.choices))


def judge(values: dict, from_text: bool = False) -> tuple[dict | None, dict[str, str]]:
    """Let the menu judge `values`: (the order, {}), or (None, {field name: why, in words}).

    The menu judges as the kitchen does (strictly: "600" is not a number), or, `from_text`,
    reads text such as a CSV cell in pydantic's lax mode ("600" is 600, "yes" is True)."""
    menu = {item.name: item for item in ingredients()}
    try:
        order = Order.model_validate(values, strict=not from_text)
    except ValidationError as refused:
        problems = [(str(error["loc"][0]), error) for error in refused.errors()]
        return None, {name: in_words(error, menu[name]) for name, error in problems}
    return order.model_dump(), {}
