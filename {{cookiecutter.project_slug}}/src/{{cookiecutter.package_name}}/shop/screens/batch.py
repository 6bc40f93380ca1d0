{%- set fr = cookiecutter.language == "fr" -%}
"""The batch page: upload a CSV of many orders, get every row back with its prediction."""

import pandas as pd
import streamlit as st

from {{ cookiecutter.package_name }}.menu import FEATURES, MAX_BATCH_ORDERS
from {{ cookiecutter.package_name }}.messages import number
from {{ cookiecutter.package_name }}.shop import batch
from {{ cookiecutter.package_name }}.shop.client import KitchenError
from {{ cookiecutter.package_name }}.shop.explain import sample_orders
from {{ cookiecutter.package_name }}.shop.form import waiter

# The last results stay in the session: clicking "download" reruns the page, and the
# results must still be there without asking the kitchen again.
RESULTS = "batch_results"

st.title("{{ 'Commande groupée' if fr else 'Batch order' }}")
columns, limit = ", ".join(FEATURES), number(MAX_BATCH_ORDERS)
{% if fr -%}
st.write(
    f"Déposez un fichier CSV, une commande par ligne, avec ces colonnes : {columns}. Jusqu'à "
    f"{limit} lignes. Les lignes qui ne suivent pas le menu sont listées avec la "
    "raison ; les autres sont tout de même préparées. Chaque ligne revient dans le fichier de "
    "résultats."
)
{%- else -%}
st.write(
    f"Upload a CSV file, one order per row, with these columns: {columns}. Up to "
    f"{limit} rows. Rows that do not follow the menu are listed with the reason; "
    "the others are still cooked. Every row comes back in the results file."
)
{%- endif %}
st.download_button(
    "{{ "Télécharger un fichier d'exemple" if fr else 'Download an example file' }}",
    batch.as_csv(pd.DataFrame(sample_orders(5))),
    file_name="example_orders.csv",
    mime="text/csv",
    on_click="ignore",
    key="example",
)

with st.form("batch"):
    uploaded = st.file_uploader(
        "{{ 'Fichier CSV de commandes' if fr else 'CSV file of orders' }}",
        type="csv",
        max_upload_size=batch.MAX_UPLOAD_MB,
        key="upload",
    )
    sent = st.form_submit_button("{{ 'Envoyer le lot en cuisine' if fr else 'Send the batch to the kitchen' }}", type="primary")

if sent and uploaded is None:
    st.warning("{{ "Choisissez d'abord un fichier CSV, puis envoyez-le." if fr else 'Choose a CSV file first, then send it.' }}")
elif sent and uploaded is not None:  # (always so here: said for the type checker)
    try:
        upload = batch.check_upload(uploaded.getvalue())
        if upload.orders:
            with st.spinner("{{ 'La cuisine prépare le lot...' if fr else 'The kitchen is cooking the batch...' }}"):
                dishes = waiter().predict_batch(list(upload.orders.values()))
            table = batch.results(upload, dishes.predictions, dishes.model_version)
        else:
            table = batch.results(upload, [], "")
    except (batch.UploadRefused, KitchenError) as problem:
        # The whole file was refused: say why; the previous results (if any) stay below.
        st.error(str(problem))
    else:
        st.session_state[RESULTS] = (uploaded.name, upload, table)

if RESULTS in st.session_state:
    name, upload, table = st.session_state[RESULTS]
    predicted, refused = len(upload.orders), len(upload.problems)
    if predicted:
        s = "" if predicted == 1 else "s"  # 1 order, 2 orders
        {% if fr -%}
        st.success(f"{name} : {number(predicted)} commande{s} préparée{s}.")
        {%- else -%}
        st.success(f"{name}: {number(predicted)} order{s} cooked.")
        {%- endif %}
    else:
        {% if fr -%}
        st.error(
            "Aucune ligne de ce fichier ne suit le menu : rien n'a été envoyé en cuisine. Les "
            "raisons sont listées ci-dessous."
        )
        {%- else -%}
        st.error(
            "No row of this file follows the menu, so nothing was sent to the kitchen. The "
            "reasons are listed below."
        )
        {%- endif %}
    if refused:
        s = "" if refused == 1 else "s"
        {% if fr -%}
        st.warning(f"{number(refused)} ligne{s} hors menu, non préparée{s} :")
        {%- else -%}
        st.warning(f"{number(refused)} row{s} not on the menu, not cooked:")
        {%- endif %}
        st.dataframe(batch.refused_rows(upload), hide_index=True, key="refused")
    if upload.extra_columns:
        extra = ", ".join(upload.extra_columns)
        st.info(f"{{ 'Colonnes hors menu, gardées telles quelles dans les résultats :' if fr else 'Columns not on the menu, kept unchanged in the results:' }} {extra}")
    st.dataframe(table, hide_index=True, key="results")
    st.download_button(
        "{{ 'Télécharger les résultats (CSV)' if fr else 'Download the results (CSV)' }}",
        batch.as_csv(table),
        file_name=f"predictions_{name}",
        mime="text/csv",
        on_click="ignore",
        key="download",
    )
