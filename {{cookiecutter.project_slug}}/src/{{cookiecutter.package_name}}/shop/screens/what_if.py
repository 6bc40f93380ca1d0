{%- set fr = cookiecutter.language == "fr" -%}
"""The what-if page: one ingredient moves across its range, the rest of the order stays put."""

import pandas as pd
import streamlit as st

from {{ cookiecutter.package_name }}.menu import DISH_LABEL, DISH_UNIT, ingredients
from {{ cookiecutter.package_name }}.shop.client import KitchenError
from {{ cookiecutter.package_name }}.shop.explain import what_if
from {{ cookiecutter.package_name }}.shop.form import label_of, order_form, show_choice, waiter

st.title("{{ 'Et si... ?' if fr else 'What if...?' }}")
{% if fr -%}
st.write(
    "Choisissez un ingrédient : la cuisine prépare à nouveau la commande pour des valeurs sur "
    "toute son étendue, le reste de la commande restant tel que vous l'avez réglé, le tout en un "
    "seul lot."
)
{%- else -%}
st.write(
    "Choose one ingredient: the kitchen cooks the order again for values across its whole "
    "range, the rest of the order staying as you set it, all in one batch."
)
{%- endif %}

menu = {item.name: item for item in ingredients()}
# Start with the first number on the menu: a curve says more than a few bars.
first_number = next((n for n, item in enumerate(menu.values()) if not item.choices), 0)
name = st.selectbox(
    "{{ 'Ingrédient à faire varier' if fr else 'Ingredient to vary' }}",
    list(menu),
    index=first_number,
    format_func=lambda key: label_of(menu[key]),
    key="vary",
)
varied = menu[name]

with st.form("what_if"):
    st.caption("{{ 'Le reste de la commande (il part de la dernière commande envoyée) :' if fr else 'The rest of the order (it starts from the last order you sent):' }}")
    # Widget keys get a prefix so they do not clash with the order page's form.
    rest = order_form(prefix="what_if_", leave_out=varied.name)
    sent = st.form_submit_button("{{ 'Tracer la courbe' if fr else 'Draw the curve' }}", type="primary")

if sent:
    try:
        with st.spinner("{{ 'La cuisine prépare la courbe...' if fr else 'The kitchen is cooking the curve...' }}"):
            values, predictions = what_if(waiter(), rest, varied)
    except KitchenError as problem:
        st.error(str(problem))
    else:
        axis, dish = label_of(varied), f"{DISH_LABEL} ({DISH_UNIT})"
        shown = [show_choice(value) if isinstance(value, str) else value for value in values]
        curve = pd.DataFrame({axis: shown, dish: predictions})
        if isinstance(values[0], str | bool):
            st.bar_chart(curve, x=axis, y=dish, sort=False)  # separate choices: one bar each
        else:
            st.line_chart(curve, x=axis, y=dish)  # a range of numbers: one smooth line
        low, high = min(predictions), max(predictions)
        {% if fr -%}
        st.write(
            f"Sur {len(values)} valeurs, le plat va de {low:,.2f} à {high:,.2f} {DISH_UNIT}.",
        )
        {%- else -%}
        st.write(
            f"Over {len(values)} values, the dish goes from {low:,.2f} to {high:,.2f} {DISH_UNIT}.",
        )
        {%- endif %}
