"""Keep every page inside the app's shell (app.py), even when a link opens it directly."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_app_shell() -> None:
    """Rerun through app.py if Streamlit ran this page file on its own.

    Until some session has called `st.navigation`, Streamlit treats a `pages/` folder next to
    the main script as the legacy multipage layout: a fresh server that receives a deep link
    such as /experiments runs pages/experiments.py directly, without app.py's page config and
    navigation (the legacy mode is decided once per process, in `PagesManager`). Switching the
    flag off and rerunning makes Streamlit run app.py, whose `st.navigation` then opens the
    requested page. The server switches it off before its first visitor (app.py), so this
    catches what runs the pages without that server, such as AppTest. Call this first in
    every page file.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


# The Experiments page once held three tabs; its links carried the open tab as `ex_view`.
_LEGACY_VIEWS = {"Basins": "pages/basins.py", "Noise": "pages/noise.py"}


def legacy_experiments_link() -> None:
    """Send an old /experiments?ex_view=Basins (or Noise) link to that tool's own page, with
    the rest of its settings."""
    target = _LEGACY_VIEWS.get(st.query_params.get("ex_view", ""))
    if target is not None:
        query = {key: st.query_params.get_all(key) for key in st.query_params if key != "ex_view"}
        st.switch_page(target, query_params=query)
