"""Memory stays flat: 300 reruns of the Playground grow the server by less than 50 MB.

One simulated student (bench/load.py's websocket client, no browser) moves Adam's α and the
number of steps back and forth over many values, so the caches fill up to their bounds and
every rerun builds new figures; the server's resident memory is read from /proc after a
warm-up and at the end. Streamlit's post-run garbage collection stays on, over objects frozen
at start-up (app.py), so what the runs leave behind is collected.
"""

from __future__ import annotations

import itertools

import pytest

from bench.harness import start_app, stop_app
from bench.load import ALPHA, STEPS, Student, rss_mb
from tests.load import run_coroutine

RERUNS, WARM_UP, GROWTH_MB = 300, 40, 50.0

pytestmark = pytest.mark.load


async def _soak(url: str, pid: int) -> tuple[float, float, list[str]]:
    student = Student(url, timeout=60.0)
    errors: list[str] = []
    try:
        errors += (await student.open()).errors
        alphas = student.widget(ALPHA).options
        moves = itertools.cycle(
            [(ALPHA, alphas[k]) for k in range(10, 20)]
            + [(STEPS, float(s)) for s in range(600, 1600, 100)]
        )
        before = 0.0
        for count in range(1, RERUNS + 1):
            key, value = next(moves)
            errors += (await student.change(key, value)).errors
            if count == WARM_UP:
                before = rss_mb([pid])
        return before, rss_mb([pid]), errors
    finally:
        await student.close()


def test_three_hundred_reruns_leave_memory_flat():
    server, url = start_app()
    try:
        before, after, errors = run_coroutine(_soak(url, server.pid))
    finally:
        stop_app(server)
    assert errors == []
    assert before > 0
    assert after - before < GROWTH_MB, f"RSS grew from {before:.0f} to {after:.0f} MB"
