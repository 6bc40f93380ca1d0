"""The shop window: a page where a person fills in an order and sees the kitchen's dish.

Run it with `{{ cookiecutter.package_name }} shop` (which calls `streamlit run` on this file).
Streamlit runs the whole script again after every click, top to bottom.
"""

import streamlit as st

from {{ cookiecutter.package_name }}.menu import DISH_LABEL, Ingredient, ingredients
from {{ cookiecutter.package_name }}.settings import get_settings
from {{ cookiecutter.package_name }}.shop.client import KitchenClient, KitchenError
from {{ cookiecutter.package_name }}.workshop.messages import say


@st.cache_resource
def kitchen(url: str, timeout_seconds: float, language: str) -> KitchenClient:
    """One client per kitchen address, kept across reruns so its connections are reused."""
    return KitchenClient(url, timeout_seconds, language)


def ask_for(item: Ingredient):
    """Show the widget that fits one field of the menu, and return what the person chose."""
    label = f"{item.label} ({item.unit})" if item.unit else item.label
    if item.choices:
        return st.selectbox(
            label,
            item.choices,
            index=item.choices.index(item.example),
            help=item.help,
            key=item.name,
            format_func=lambda choice: choice.replace("_", " "),
        )
    if item.kind is bool:
        return st.checkbox(label, value=item.example, help=item.help, key=item.name)
    if item.kind is int:
        return st.number_input(
            label,
            min_value=int(item.minimum),
            max_value=int(item.maximum),
            value=int(item.example),
            step=1,
            help=item.help,
            key=item.name,
        )
    return st.number_input(
        label,
        min_value=float(item.minimum),
        max_value=float(item.maximum),
        value=float(item.example),
        help=item.help,
        key=item.name,
    )


settings = get_settings()
st.set_page_config(page_title=say("shop_title"), page_icon="🍽️")
st.title(say("shop_title"))
st.write(say("shop_intro"))

with st.form("order"):
    order = {item.name: ask_for(item) for item in ingredients()}
    sent = st.form_submit_button(say("order_button"))

if sent:
    waiter = kitchen(settings.kitchen_url, settings.kitchen_timeout_seconds, settings.language)
    try:
        dish = waiter.predict(order)
    except KitchenError as problem:
        st.error(str(problem))
    else:
        st.metric(DISH_LABEL, f"{dish.prediction:,.2f} {dish.unit}")
        st.caption(say("cooked_by", version=dish.model_version))
