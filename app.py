"""Adam Lab: the entry point. Shared page setup and navigation over the pages in pages/."""

import streamlit as st

st.set_page_config(page_title="Adam Lab", page_icon="🧭", layout="wide")

pages = {
    "Learn": [
        st.Page("pages/playground.py", title="Playground", icon=":material/route:", default=True),
        st.Page("pages/inside_adam.py", title="Inside Adam", icon=":material/functions:"),
    ],
    "Experiments": [
        st.Page("pages/sweep.py", title="Sweep", icon=":material/grid_on:", url_path="experiments"),
        st.Page("pages/basins.py", title="Basins", icon=":material/scatter_plot:"),
        st.Page("pages/noise.py", title="Noise", icon=":material/grain:"),
    ],
}
navigation = st.navigation(pages)
st.sidebar.caption("Adam Lab — how gradient-based optimizers work")
navigation.run()
