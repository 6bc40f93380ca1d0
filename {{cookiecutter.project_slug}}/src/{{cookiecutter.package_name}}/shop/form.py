{%- set fr = cookiecutter.language == "fr" -%}
"""The order form, built from the menu, and the waiter that every page of the shop shares."""

from collections.abc import Mapping
from typing import Any

import streamlit as st
from pydantic import ValidationError

from {{ cookiecutter.package_name }}.menu import Ingredient, Order, example_order, ingredients
from {{ cookiecutter.package_name }}.messages import rule_in_words
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


def choice_label(item: Ingredient, choice: str) -> str:
    """'banlieue' for 'suburb': a choice as people read it (the kitchen still gets 'suburb')."""
    return (item.choice_labels or {}).get(choice, choice)


def ask_for(item: Ingredient, key: str, value: Any):
    """Show the widget that fits one field of the menu, and return what the person chose.

    Number fields take any number: the menu, not the browser, says what is out of range."""
    label = label_of(item)
    if item.choices:
        return st.selectbox(
            label,
            item.choices,
            index=item.choices.index(value),
            format_func=lambda choice: choice_label(item, choice),
            help=item.help,
            key=key,
        )
    if item.kind is bool:
        return st.checkbox(label, value=bool(value), help=item.help, key=key)
    # int or float: Streamlit's widget gives back numbers of its starting value's type.
    return st.number_input(label, value=item.kind(value), help=item.help, key=key)


def order_form(prefix: str = "", leave_out: str | None = None) -> dict:
    """Ask for every field of the order (but `leave_out`); widget keys are `prefix + name`.

    The form starts from the last order sent, or else from the menu's example order."""
    start = st.session_state.get(LAST_ORDER) or example_order().model_dump()
    return {
        item.name: ask_for(item, prefix + item.name, start[item.name])
        for item in ingredients()
        if item.name != leave_out
    }


def in_words(error: Mapping[str, Any], item: Ingredient) -> str:
    """One refusal of the menu, in words: 'Water (mm): must be at most 1,200'."""
    why = rule_in_words(error, item.choices)  # the catalogue's words, as the kitchen says them
    return f"{label_of(item)}{{ ' : ' if fr else ': ' }}{why}"


def judge(values: dict, from_text: bool = False) -> tuple[dict | None, list[str]]:
    """Let the menu judge `values`: (the order, []) or (None, why, field by field, in words).

    The menu judges as the kitchen does (strictly: "600" is not a number), or, `from_text`,
    reads text such as a CSV cell in pydantic's lax mode ("600" is 600, "yes" is True)."""
    try:
        return Order.model_validate(values, strict=not from_text).model_dump(), []
    except ValidationError as refused:
        errors = {error["loc"][0]: error for error in refused.errors()}
        return None, [
            in_words(errors[item.name], item) for item in ingredients() if item.name in errors
        ]
