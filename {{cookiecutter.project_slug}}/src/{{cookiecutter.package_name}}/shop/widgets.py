"""What every page of the shop window shares: the waiter (HTTP client) and the order form."""

from typing import Any

import streamlit as st

from {{ cookiecutter.package_name }}.menu import Ingredient, example_order, ingredients
from {{ cookiecutter.package_name }}.settings import get_settings
from {{ cookiecutter.package_name }}.shop.client import KitchenClient

# Where the order page keeps the last order sent, so the other pages can start from it.
LAST_ORDER = "last_order"


@st.cache_resource
def client_for(url: str, timeout_seconds: float, language: str) -> KitchenClient:
    """One client per kitchen address, kept across reruns so its connections are reused."""
    return KitchenClient(url, timeout_seconds, language)


def kitchen() -> KitchenClient:
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
    if item.kind is int:
        low, high = int(item.minimum), int(item.maximum)
        return st.number_input(
            label, min_value=low, max_value=high, value=int(value), step=1, help=item.help, key=key
        )
    low, high = float(item.minimum), float(item.maximum)
    return st.number_input(
        label, min_value=low, max_value=high, value=float(value), help=item.help, key=key
    )


def starting_order() -> dict:
    """The last order sent from the order page, or else the menu's example order."""
    return st.session_state.get(LAST_ORDER) or example_order().model_dump()


def order_fields(prefix: str = "", leave_out: str | None = None) -> dict:
    """Ask for every field of the order (but `leave_out`); widget keys are `prefix + name`."""
    start = starting_order()
    return {
        item.name: ask_for(item, prefix + item.name, start[item.name])
        for item in ingredients()
        if item.name != leave_out
    }
