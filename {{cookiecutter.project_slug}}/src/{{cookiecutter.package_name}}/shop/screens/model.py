{%- set fr = cookiecutter.language == "fr" -%}
"""The model page: which model cooks, how well it did in the lab, which ingredients matter."""

from datetime import datetime

import pandas as pd
import streamlit as st

from {{ cookiecutter.package_name }}.menu import DISH_UNIT, ingredients
from {{ cookiecutter.package_name }}.shop.client import KitchenError
from {{ cookiecutter.package_name }}.shop.explain import SAMPLE_ORDERS, importances
from {{ cookiecutter.package_name }}.shop.form import label_of, waiter

# What each lab metric means, in words (the kitchen sends rmse, mae and r2).
{% if fr -%}
METRIC_HELP = {
    "rmse": f"Racine de l'erreur quadratique moyenne, en {DISH_UNIT} : la taille typique d'une "
    "erreur, les grosses erreurs comptant davantage. Plus bas, c'est mieux.",
    "mae": f"Erreur absolue moyenne, en {DISH_UNIT} : l'écart moyen d'une prédiction. Plus bas, "
    "c'est mieux.",
    "r2": "R² : la part de la variation que le modèle explique (1 est parfait, 0 ne fait pas "
    "mieux que de toujours donner la moyenne).",
}
{%- else -%}
METRIC_HELP = {
    "rmse": f"Root mean squared error, in {DISH_UNIT}: the typical size of a mistake, big "
    "mistakes counting more. Lower is better.",
    "mae": f"Mean absolute error, in {DISH_UNIT}: how far off a prediction is on average. Lower "
    "is better.",
    "r2": "R²: the share of the variation the model explains (1 is perfect, 0 is no better than "
    "always guessing the average).",
}
{%- endif %}


def to_the_second(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")  # 2026-12-02 06:41:07+00:00


st.title("{{ 'Le modèle en cuisine' if fr else 'The model in the kitchen' }}")
try:
    card = waiter().model_card()
except KitchenError as problem:
    st.error(str(problem))
    st.stop()  # nothing more to show without the kitchen

version, alias = st.columns(2)
version.metric("Version", card.version)
alias.metric("Alias", card.alias)
trained, loaded = to_the_second(card.trained_at), to_the_second(card.loaded_at)
{% if fr -%}
st.caption(
    f"Modèle enregistré '{card.name}', entraîné dans la run {card.run_id} du laboratoire le "
    f"{trained} (UTC), chargé par la cuisine le {loaded} (UTC)."
)
{%- else -%}
st.caption(
    f"Registered model '{card.name}', trained in the lab's run {card.run_id} on {trained} "
    f"(UTC), loaded by the kitchen on {loaded} (UTC)."
)
{%- endif %}

st.subheader("{{ 'Ses résultats au laboratoire (sur des données mises de côté pour le test)' if fr else 'How well it did in the lab (on data kept aside for the test)' }}")
columns = st.columns(len(card.metrics))
for column, (metric, value) in zip(columns, card.metrics.items(), strict=True):
    # A metric this page does not know is shown without help.
    column.metric(metric.upper(), f"{value:.3f}", help=METRIC_HELP.get(metric))

st.subheader("{{ 'Les ingrédients qui comptent le plus' if fr else 'Which ingredients matter most' }}")
{% if fr -%}
st.write(
    f"La vitrine a inventé {SAMPLE_ORDERS} commandes, puis a mélangé un ingrédient à la fois "
    "entre elles et a redemandé à la cuisine (un seul lot). Une longue barre veut dire que le "
    "plat change beaucoup quand cet ingrédient est brouillé : le modèle s'appuie dessus."
)
{%- else -%}
st.write(
    f"The shop made up {SAMPLE_ORDERS} orders, then scrambled one ingredient at a time between "
    "them and asked the kitchen again (one batch). A long bar means the dish changes a lot when "
    "that ingredient is scrambled: the model relies on it."
)
{%- endif %}
try:
    with st.spinner("{{ 'La cuisine prépare les commandes du graphique...' if fr else 'The kitchen is cooking the orders for the chart...' }}"):
        scores, asked_version = importances(waiter())
except KitchenError as problem:
    st.error(str(problem))
else:
    ingredient = "{{ 'Ingrédient' if fr else 'Ingredient' }}"
    axis = f"{{ 'Changement moyen du plat' if fr else 'Mean change of the dish' }} ({DISH_UNIT})"
    labels = {item.name: label_of(item) for item in ingredients()}
    chart = pd.DataFrame(
        {ingredient: [labels[name] for name in scores], axis: list(scores.values())}
    )
    st.bar_chart(chart, x=ingredient, y=axis, horizontal=True, sort=f"-{axis}")
    {% if fr -%}
    st.caption(f"Préparé par la version {asked_version} du modèle.")
    {%- else -%}
    st.caption(f"Cooked by model version {asked_version}.")
    {%- endif %}
