"""A progress bar for long batched runs, shown only when the work takes a noticeable time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

SHOW_AFTER = 0.5  # seconds of expected work before a bar is worth drawing


def progress_bar(seconds: float, text: str) -> Callable[[float], None] | None:
    """A progress callback drawing a bar, or None when the work is expected to take under
    half a second (`seconds`: an estimate, e.g. `optim.experiments.seconds(work)`).

    Called inside a cached function: on a cache hit Streamlit replays the finished bar, and
    `computed` clears it.
    """
    if seconds < SHOW_AFTER:
        return None
    bar = st.progress(0.0, text=text)
    return lambda fraction: bar.progress(min(max(fraction, 0.0), 1.0), text=text)


def computed(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` with its progress bar in a slot that is emptied afterwards."""
    slot = st.empty()
    try:
        with slot.container():
            return function(*args)
    finally:
        slot.empty()
