"""The shop window: a Streamlit page where people place orders and see the dishes."""
