"""Tests of a class on one machine; see test_class.py and test_soak.py."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def run_outside_any_loop(function: Any, *args: Any) -> Any:
    """`function(*args)` in a thread of its own. Playwright's sync API, which the browser tests
    of the same session keep open, runs an event loop in the main thread, and `asyncio.run`
    refuses to start inside a running loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result()


def run_coroutine(coroutine: Coroutine) -> Any:
    """`asyncio.run(coroutine)`, outside any running event loop."""
    return run_outside_any_loop(asyncio.run, coroutine)
