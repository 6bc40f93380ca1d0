{%- set fr = cookiecutter.language == "fr" -%}
"""The order page: fill in the form (built from the menu), send it, see the dish."""

import streamlit as st

from {{ cookiecutter.package_name }}.menu import DISH_LABEL
from {{ cookiecutter.package_name }}.shop.client import KitchenError
from {{ cookiecutter.package_name }}.shop.form import LAST_ORDER, order_form, waiter

st.title("{{ 'La vitrine' if fr else 'The shop window' }}")
{% if fr -%}
st.write(
    "Remplissez la commande et envoyez-la à la cuisine : le modèle enregistré comme champion au "
    "laboratoire prépare la prédiction."
)
{%- else -%}
st.write(
    "Fill in the order and send it to the kitchen: the model registered as champion in the lab "
    "cooks the prediction."
)
{%- endif %}

# A form: changing a field does not call the kitchen; only the button sends the order.
with st.form("order"):
    order = order_form()
    sent = st.form_submit_button("{{ 'Envoyer la commande en cuisine' if fr else 'Send the order to the kitchen' }}", type="primary")

if sent:
    st.session_state[LAST_ORDER] = order  # the what-if page starts from this order
    try:
        with st.spinner("{{ 'La cuisine prépare votre commande...' if fr else 'The kitchen is cooking your order...' }}"):
            dish = waiter().predict(order)
    except KitchenError as problem:
        st.error(str(problem))  # the waiter's words: what went wrong, and what to start
    else:
        st.metric(DISH_LABEL, f"{dish.prediction:,.2f} {dish.unit}")
        {% if fr -%}
        st.caption(f"Préparé par la version {dish.model_version} du modèle, le champion du labo.")
        {%- else -%}
        st.caption(f"Cooked by model version {dish.model_version}, the lab's champion.")
        {%- endif %}
