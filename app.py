"""Adam Lab: the entry point. Shared page setup and navigation over the pages in pages/.

`streamlit run app.py` finds the `st.App` below and serves this same file through it, so that
the server imports what the pages need before its first visitor; each session runs the file
as `__main__`.
"""

import asyncio
import gc
import importlib
from contextlib import asynccontextmanager

import streamlit as st

from optim.allocator import keep_freed_memory
from ui.shell import remember_page

# What every page draws with: imported once, before the objects that live as long as the
# server are frozen (below).
SERVER_WIDE = (
    "pandas",
    "plotly.graph_objects",
    "nets",
    "optim",
    "ui.chart",
    "viz.curves",
    "viz.experiments",
    "viz.exports",
    "viz.inside",
    "viz.networks",
    "viz.paths",
)


@st.cache_resource(show_spinner=False)
def settle_memory() -> None:
    """Once per server: import what the pages need, then move every object that lives as long
    as the server into the garbage collector's permanent generation (`gc.freeze`).

    Streamlit collects garbage after every script run; without this it would scan all of
    NumPy's, pandas' and Plotly's objects each time (about 100 ms per slider move). With it,
    the collection scans only what the runs made, and memory stays flat.
    """
    for module in SERVER_WIDE:
        importlib.import_module(module)
    keep_freed_memory()  # batched runs reuse their temporaries (see optim/allocator.py)
    gc.collect()
    gc.freeze()


# Imported before the first visitor (below). Not ui.chart: it declares its component when
# imported, and a component declared before the server's runtime exists is never served.
WARM_UP = tuple(module for module in SERVER_WIDE if module != "ui.chart")


@asynccontextmanager
async def warm_up(_app: st.App):
    """Before the server takes its first visitor: import what the pages draw with (about a
    second), so that the first visitor of a fresh server does not wait for it."""
    await asyncio.to_thread(lambda: [importlib.import_module(module) for module in WARM_UP])
    yield


if __name__ == "__main__":  # a session's run of this script
    st.set_page_config(page_title="Adam Lab", page_icon="🧭", layout="wide")
    settle_memory()

    pages = {
        "Learn": [
            st.Page(
                "pages/playground.py", title="Playground", icon=":material/route:", default=True
            ),
            st.Page("pages/inside_adam.py", title="Inside Adam", icon=":material/functions:"),
            st.Page("pages/networks.py", title="Networks", icon=":material/hub:"),
        ],
        "Experiments": [
            st.Page(
                "pages/sweep.py", title="Sweep", icon=":material/grid_on:", url_path="experiments"
            ),
            st.Page("pages/basins.py", title="Basins", icon=":material/scatter_plot:"),
            st.Page("pages/noise.py", title="Noise", icon=":material/grain:"),
        ],
    }
    navigation = st.navigation(pages)
    remember_page(navigation)  # ui.shell.page_was_drawn tells a page its charts are mounted
    st.sidebar.caption("Adam Lab — how gradient-based optimizers work")
    navigation.run()
else:  # `streamlit run app.py` imports this file to serve it (st.App), and warms up first
    from starlette.middleware import Middleware
    from streamlit.runtime.pages_manager import PagesManager

    from ui.assets import StaticAssets

    # The pages are listed by st.navigation above; the pages/ folder beside this file is not
    # Streamlit's legacy multipage layout. Said before the first visitor arrives: otherwise a
    # fresh server looks a deep link up in pages/ (/experiments has no file there) and shows
    # "Page not found" over the page (ui/shell.py covers runs without this server).
    PagesManager.uses_pages_directory = False

    # Streamlit's static files and the chart's files from memory (see ui/assets.py).
    app = st.App(__file__, lifespan=warm_up, middleware=[Middleware(StaticAssets)])
