{%- set fr = cookiecutter.language == "fr" -%}
"""The model page: which model cooks, how well it did in the lab, which ingredients matter.

It watches the kitchen: every few seconds the page asks again which model cooks (a Streamlit
fragment that reruns by itself), so that when the lab promotes a new champion the page shows
the new chef without anyone reloading it.
"""

from datetime import datetime

import pandas as pd
import streamlit as st

from {{ cookiecutter.package_name }}.menu import DISH_UNIT, ModelCard, ingredients
from {{ cookiecutter.package_name }}.messages import number
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


REFRESH_SECONDS = 5  # how often the page asks the kitchen which model cooks


def to_the_second(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")  # 2026-12-02 06:41:07+00:00


# Kept between reruns and visits: the kitchen is asked again only when another model cooks
# (the version is part of the key) or another kitchen answers. An error is never kept.
@st.cache_data(show_spinner=False, max_entries=8)
def importances_of(kitchen_url: str, version: str) -> tuple[dict[str, float], str]:
    return importances(waiter())


def show_importances(version: str) -> None:
    """The chart of which ingredients matter, drawn where its spinner stood while it cooked."""
    place = st.empty()
    cooking = "{{ 'La cuisine prépare les commandes du graphique...' if fr else 'The kitchen is cooking the orders for the chart...' }}"
    try:
        with place, st.spinner(cooking, show_time=True):
            scores, asked_version = importances_of(waiter().base_url, version)
    except KitchenError as problem:
        place.error(str(problem))
        return
    labels = [label_of(item) for item in ingredients()]  # in the order of `scores`
    bars = pd.DataFrame({"ingredient": labels, "change": list(scores.values())})
    axis = f"{{ 'Changement moyen du plat' if fr else 'Mean change of the dish' }} ({DISH_UNIT})"
    x = {"field": "change", "type": "quantitative", "title": axis}
    y: dict[str, object] = {"field": "ingredient", "type": "nominal", "sort": "-x", "title": None}
    y["axis"] = {"labelLimit": 0}  # each label whole, however long ("Mean temperature (°C)")
    place.vega_lite_chart(bars, {"mark": "bar", "encoding": {"x": x, "y": y}})
    {% if fr -%}
    st.caption(f"Préparé par la version {asked_version} du modèle.")
    {%- else -%}
    st.caption(f"Cooked by model version {asked_version}.")
    {%- endif %}


st.title("{{ 'Le modèle en cuisine' if fr else 'The model in the kitchen' }}")


@st.fragment(run_every=REFRESH_SECONDS)
def show_the_model() -> None:
    """Everything below the title, asked of the kitchen again every REFRESH_SECONDS."""
    try:
        card: ModelCard = waiter().model_card()
    except KitchenError as problem:
        st.error(str(problem))  # nothing more to show without the kitchen
        return
    version, alias = st.columns(2)
    version.metric("Version", card.version)
    alias.metric("Alias", card.alias)
    trained, loaded = to_the_second(card.trained_at), to_the_second(card.loaded_at)
    {% if fr -%}
    st.caption(
        f"Modèle enregistré « {card.name} », entraîné dans la run {card.run_id} du laboratoire "
        f"le {trained} (UTC), chargé par la cuisine le {loaded} (UTC)."
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
        column.metric(metric.upper(), number(value, 3), help=METRIC_HELP.get(metric))

    st.subheader("{{ 'Les ingrédients qui comptent le plus' if fr else 'Which ingredients matter most' }}")
    {% if fr -%}
    st.write(
        f"La vitrine a inventé {SAMPLE_ORDERS} commandes, puis a brouillé un ingrédient à la fois "
        "entre elles et a redemandé à la cuisine (un seul lot). Une longue barre veut dire que le "
        "plat change beaucoup quand cet ingrédient est brouillé : le modèle s'appuie dessus."
    )
    {%- else -%}
    st.write(
        f"The shop made up {SAMPLE_ORDERS} orders, then scrambled one ingredient at a time "
        "between them and asked the kitchen again (one batch). A long bar means the dish changes "
        "a lot when that ingredient is scrambled: the model relies on it."
    )
    {%- endif %}
    show_importances(card.version)


show_the_model()
