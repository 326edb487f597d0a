"""Adam Lab: the entry point. Shared page setup and navigation over the pages in pages/."""

import streamlit as st

st.set_page_config(page_title="Adam Lab", page_icon="🧭", layout="wide")

pages = [
    st.Page("pages/playground.py", title="Playground", icon=":material/route:", default=True),
    st.Page("pages/inside_adam.py", title="Inside Adam", icon=":material/functions:"),
    st.Page("pages/experiments.py", title="Experiments", icon=":material/grid_on:"),
]
navigation = st.navigation(pages)
st.sidebar.caption("Adam Lab — how gradient-based optimizers work")
navigation.run()
