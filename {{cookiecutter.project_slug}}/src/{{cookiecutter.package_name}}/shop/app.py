"""The shop window: where a person orders a prediction and sees how the model behaves.

Run it with `{{ cookiecutter.package_name }} shop` (which calls `streamlit run` on this file). This
file only sets up the page and lists the pages; each page is a small script in `screens/`.
Streamlit runs the chosen page again, top to bottom, after every click.
"""

from pathlib import Path

import streamlit as st

from {{ cookiecutter.package_name }}.messages import say
from {{ cookiecutter.package_name }}.settings import get_settings

# Not called `pages/`: Streamlit would also serve a folder of that name by itself, page by page,
# without this file's navigation.
PAGES = Path(__file__).parent / "screens"

st.set_page_config(page_title=say("shop_title"), page_icon="🍽️", layout="wide")
page = st.navigation(
    [
        st.Page(
            PAGES / "order.py",
            title=say("shop_page_order"),
            icon=":material/restaurant:",
            default=True,
        ),
        st.Page(PAGES / "what_if.py", title=say("shop_page_what_if"), icon=":material/show_chart:"),
        st.Page(PAGES / "model.py", title=say("shop_page_model"), icon=":material/insights:"),
        st.Page(PAGES / "batch.py", title=say("shop_page_batch"), icon=":material/upload_file:"),
    ],
    position="top",
)
page.run()
st.divider()
st.caption(say("shop_kitchen_address", url=get_settings().kitchen_url))
