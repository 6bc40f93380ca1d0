"""The model page: which model cooks, how well it did in the lab, which ingredients matter."""

from datetime import datetime

import pandas as pd
import streamlit as st

from {{ cookiecutter.package_name }}.menu import DISH_UNIT, ingredients
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.shop.client import KitchenError
from {{ cookiecutter.package_name }}.shop.explain import SAMPLE_ORDERS, importances
from {{ cookiecutter.package_name }}.shop.widgets import kitchen, label_of

# What each lab metric means, in words (the kitchen sends rmse, mae and r2).
METRIC_HELP = {"rmse": "shop_metric_rmse", "mae": "shop_metric_mae", "r2": "shop_metric_r2"}


def to_the_second(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")  # 2026-12-02 06:41:07+00:00


st.title(say("shop_model_title"))
try:
    card = kitchen().model_card()
except KitchenError as problem:
    st.error(str(problem))
    st.stop()  # nothing more to show without the kitchen

version, alias = st.columns(2)
version.metric(say("shop_model_version"), card.version)
alias.metric(say("shop_model_alias"), card.alias)
when = {
    "trained_at": to_the_second(card.trained_at),
    "loaded_at": to_the_second(card.loaded_at),
}
st.caption(say("shop_model_name", name=card.name, run_id=card.run_id, **when))

st.subheader(say("shop_model_metrics"))
columns = st.columns(len(card.metrics))
for column, (metric, value) in zip(columns, card.metrics.items(), strict=True):
    meaning = METRIC_HELP.get(metric)  # a metric this page does not know is shown without help
    help_text = say(meaning, unit=DISH_UNIT) if meaning else None
    column.metric(metric.upper(), f"{value:.3f}", help=help_text)

st.subheader(say("shop_importance_title"))
st.write(say("shop_importance_intro", orders=SAMPLE_ORDERS, unit=DISH_UNIT))
try:
    with st.spinner(say("shop_cooking")):
        scores, asked_version = importances(kitchen())
except KitchenError as problem:
    st.error(str(problem))
else:
    labels = {item.name: label_of(item) for item in ingredients()}
    axis = say("shop_importance_axis", unit=DISH_UNIT)
    ingredient = say("shop_importance_ingredient")
    chart = pd.DataFrame(
        {ingredient: [labels[name] for name in scores], axis: list(scores.values())}
    )
    st.bar_chart(chart, x=ingredient, y=axis, horizontal=True, sort=f"-{axis}")
    st.caption(say("cooked_by", version=asked_version))
