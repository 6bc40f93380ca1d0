"""The what-if page: one ingredient moves across its range, the rest of the order stays put."""

import pandas as pd
import streamlit as st

from {{ cookiecutter.package_name }}.menu import DISH_LABEL, DISH_UNIT, ingredients
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.shop.client import KitchenError
from {{ cookiecutter.package_name }}.shop.explain import what_if
from {{ cookiecutter.package_name }}.shop.widgets import kitchen, label_of, order_fields, show_choice

st.title(say("shop_what_if_title"))
st.write(say("shop_what_if_intro"))

menu = {item.name: item for item in ingredients()}
# Start with the first number on the menu: a curve says more than a few bars.
first_number = next((n for n, item in enumerate(menu.values()) if not item.choices), 0)
name = st.selectbox(
    say("shop_what_if_choose"),
    list(menu),
    index=first_number,
    format_func=lambda key: label_of(menu[key]),
    key="vary",
)
varied = menu[name]

with st.form("what_if"):
    st.caption(say("shop_what_if_rest"))
    # Widget keys get a prefix so they do not clash with the order page's form.
    rest = order_fields(prefix="what_if_", leave_out=varied.name)
    sent = st.form_submit_button(say("shop_what_if_button"), type="primary")

if sent:
    try:
        with st.spinner(say("shop_cooking")):
            values, predictions = what_if(kitchen(), rest, varied)
    except KitchenError as problem:
        st.error(str(problem))
    else:
        axis = label_of(varied)
        dish = f"{DISH_LABEL} ({DISH_UNIT})"
        shown = [show_choice(value) if isinstance(value, str) else value for value in values]
        curve = pd.DataFrame({axis: shown, dish: predictions})
        if varied.choices or varied.kind is bool:
            st.bar_chart(curve, x=axis, y=dish, sort=False)  # separate choices: one bar each
        else:
            st.line_chart(curve, x=axis, y=dish)  # a range of numbers: one smooth line
        low, high = min(predictions), max(predictions)
        st.write(say("shop_what_if_range", low=low, high=high, unit=DISH_UNIT, points=len(values)))
