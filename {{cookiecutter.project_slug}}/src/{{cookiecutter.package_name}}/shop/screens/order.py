"""The order page: fill in the form (built from the menu), send it, see the dish."""

import streamlit as st

from {{ cookiecutter.package_name }}.menu import DISH_LABEL
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.shop.client import KitchenError
from {{ cookiecutter.package_name }}.shop.widgets import LAST_ORDER, kitchen, order_fields

st.title(say("shop_title"))
st.write(say("shop_intro"))

# A form: changing a field does not call the kitchen; only the button sends the order.
with st.form("order"):
    order = order_fields()
    sent = st.form_submit_button(say("order_button"), type="primary")

if sent:
    st.session_state[LAST_ORDER] = order  # the what-if page starts from this order
    try:
        with st.spinner(say("shop_cooking")):
            dish = kitchen().predict(order)
    except KitchenError as problem:
        st.error(str(problem))
    else:
        st.metric(DISH_LABEL, f"{dish.prediction:,.2f} {dish.unit}")
        st.caption(say("cooked_by", version=dish.model_version))
