"""The batch page: upload a CSV of many orders, get every row back with its prediction."""

import pandas as pd
import streamlit as st

from {{ cookiecutter.package_name }}.menu import FEATURES, MAX_BATCH_ORDERS
from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.shop import batch
from {{ cookiecutter.package_name }}.shop.client import KitchenError
from {{ cookiecutter.package_name }}.shop.explain import sample_orders
from {{ cookiecutter.package_name }}.shop.widgets import kitchen

# The last results stay in the session: clicking "download" reruns the page, and the
# results must still be there without asking the kitchen again.
RESULTS = "batch_results"

st.title(say("shop_batch_title"))
st.write(say("shop_batch_intro", columns=", ".join(FEATURES), limit=MAX_BATCH_ORDERS))
st.download_button(
    say("shop_batch_example"),
    batch.as_csv(pd.DataFrame(sample_orders(5))),
    file_name="example_orders.csv",
    mime="text/csv",
    on_click="ignore",
    key="example",
)

with st.form("batch"):
    uploaded = st.file_uploader(
        say("shop_batch_upload"), type="csv", max_upload_size=batch.MAX_UPLOAD_MB, key="upload"
    )
    sent = st.form_submit_button(say("shop_batch_button"), type="primary")

if sent and uploaded is None:
    st.warning(say("shop_batch_no_file"))
elif sent:
    try:
        upload = batch.check_upload(uploaded.getvalue())
        if upload.orders:
            with st.spinner(say("shop_cooking")):
                dishes = kitchen().predict_batch(list(upload.orders.values()))
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
        st.success(say("shop_batch_done", predicted=predicted, name=name))
    else:
        st.error(say("shop_batch_none_valid"))
    if refused:
        st.warning(say("shop_batch_refused", refused=refused))
        st.dataframe(batch.refused_rows(upload), hide_index=True, key="refused")
    if upload.extra_columns:
        st.info(say("shop_batch_extra_columns", columns=", ".join(upload.extra_columns)))
    st.dataframe(table, hide_index=True, key="results")
    st.download_button(
        say("shop_batch_download"),
        batch.as_csv(table),
        file_name=f"predictions_{name}",
        mime="text/csv",
        on_click="ignore",
        key="download",
    )
