{%- set fr = cookiecutter.language == "fr" -%}
"""The shop window: where a person orders a prediction and sees how the model behaves.

Run it with `{{ cookiecutter.package_name }} shop` (which calls `streamlit run` on this file). This
file only sets up the page and lists the pages; each page is a small script in `screens/`.
Streamlit runs the chosen page again, top to bottom, after every click.
"""

from pathlib import Path

import streamlit as st

from {{ cookiecutter.package_name }}.settings import get_settings

# Not called `pages/`: Streamlit would also serve a folder of that name by itself, page by page,
# without this file's navigation.
PAGES = Path(__file__).parent / "screens"

st.set_page_config(page_title="{{ 'La vitrine' if fr else 'The shop window' }}", page_icon="🍽️", layout="wide")
order = st.Page(
    PAGES / "order.py",
    title="{{ 'Commander' if fr else 'Order' }}",
    icon=":material/restaurant:",
    default=True,
)
what_if = st.Page(PAGES / "what_if.py", title="{{ 'Et si... ?' if fr else 'What if...?' }}", icon=":material/show_chart:")
model = st.Page(PAGES / "model.py", title="{{ 'Le modèle' if fr else 'The model' }}", icon=":material/insights:")
batch = st.Page(PAGES / "batch.py", title="{{ 'Commande groupée' if fr else 'Batch order' }}", icon=":material/upload_file:")
st.navigation([order, what_if, model, batch], position="top").run()

st.divider()
kitchen_url = get_settings().kitchen_url
{% if fr -%}
st.caption(f"Les commandes partent vers la cuisine à {kitchen_url} (réglage KITCHEN_URL).")
{%- else -%}
st.caption(f"Orders go to the kitchen at {kitchen_url} (setting KITCHEN_URL).")
{%- endif %}
