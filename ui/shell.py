"""Keep every page inside the app's shell (app.py), even when a link opens it directly, and
know which page the session's previous run drew."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage
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


_PAGES = "_app_pages"  # session state: the page of this run and the page of the run before


def remember_page(page: StreamlitPage) -> None:
    """Note the page this run draws (app.py calls it on every run, after `st.navigation`)."""
    this, _ = st.session_state.get(_PAGES, (None, None))
    st.session_state[_PAGES] = (page.url_path, this)


def page_was_drawn() -> bool:
    """Whether the session's run before this one drew this same page. Its charts are then in
    the browser already, and hold every message sent to them: a run that reruns itself at
    once does not replace a message they have not received yet (a new page's charts get only
    the last one)."""
    this, before = st.session_state.get(_PAGES, (None, None))
    return this is not None and this == before
