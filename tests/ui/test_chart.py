"""ui.chart on the Streamlit side: one component per key, pieces remembered per session, and
the browser's events dispatched to the page's callbacks."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

import ui.chart as chart_module
from ui.chart import decode_message
from ui.chart.payload import TWO_D_TRACES


def page():
    import numpy as np
    import streamlit as st

    from ui.chart import chart

    t = np.linspace(0, 1, 1000)
    shift = st.session_state.get("shift", 0.0)
    figure = {
        "data": [
            {"type": "scatter", "x": t, "y": t + shift},
            {"type": "scatter", "x": t, "y": -t},
        ]
    }
    value = chart(figure, key="map", height=300)
    st.text(f"value={value}")


def payload(at: AppTest) -> tuple[dict, bytes]:
    element = at.get("component_instance")[0]
    return json.loads(element.proto.json_args), element.proto.special_args[0].bytes


def test_reruns_send_only_new_pieces_and_a_page_test_can_rebuild_every_figure():
    at = AppTest.from_function(page).run()
    assert not at.exception
    args, first = payload(at)
    assert args["key"] == "map" and args["height"] == 300
    assert at.text[0].value == "value={'click': None, 'scrub': {}}"
    cache: dict = {}
    assert len(decode_message(first, cache)["figure"]["data"]) == 2

    at.session_state["shift"] = 1.0
    at.run()
    moved_args, moved = payload(at)
    assert moved_args["rev"] != args["rev"]
    assert len(moved) < len(first) * 0.7  # the unchanged second path goes by reference
    body = decode_message(moved, cache)
    y = body["figure"]["data"][0]["y"]
    assert y["dtype"] == "f8"
    at.run()
    again_args, again = payload(at)
    assert again_args["rev"] == moved_args["rev"] and len(again) < 1_000
    assert decode_message(again, cache) == body


@pytest.mark.parametrize("key", ["", None, 3])
def test_a_chart_needs_a_key(key):
    with pytest.raises(ValueError, match="Invalid chart key"):
        chart_module.chart({"data": []}, key=key)


class Recorder:
    def __init__(self):
        self.calls: list = []

    def __call__(self, value):
        self.calls.append(value)


@pytest.fixture
def session(monkeypatch):
    """A plain dict in place of st.session_state, for the callback alone."""
    state: dict = {}
    monkeypatch.setattr(chart_module.st, "session_state", state)
    return state


def test_a_click_reaches_on_click_once_and_nothing_else(session):
    on_click, on_scrub = Recorder(), Recorder()
    session["map"] = {"event": "click", "click": {"x": 0.5, "y": 2, "n": 1}, "scrub": {}}
    chart_module._on_change("map", on_click, on_scrub)
    assert [c["x"] for c in on_click.calls] == [0.5] and on_click.calls[0]["n"] == 1
    assert on_scrub.calls == []
    chart_module._on_change("map", None, None)  # a chart without callbacks ignores clicks


def test_a_released_live_slider_reaches_on_scrub(session):
    on_click, on_scrub = Recorder(), Recorder()
    session["map"] = {"event": "scrub", "click": {"x": 1, "y": 1}, "scrub": {"pg_adam_lr": 0.03}}
    chart_module._on_change("map", on_click, on_scrub)
    assert on_scrub.calls == [{"pg_adam_lr": 0.03}] and on_click.calls == []


def test_a_browser_asking_for_pieces_gets_them_with_the_next_run(session):
    sent = chart_module._sent("map")
    sent.use(["aa", "bb", "cc"])
    session["map"] = {"event": "resync", "need": ["bb"]}
    chart_module._on_change("map", None, None)
    assert list(sent.digests) == ["aa", "cc"]
    session["map"] = {"event": "resync", "need": []}  # unknown needs: resend everything
    chart_module._on_change("map", None, None)
    assert list(sent.digests) == []


def test_the_vendored_bundles_are_pinned_together_with_their_licence():
    vendor = chart_module.FRONTEND / "vendor"
    version = (vendor / "VERSION").read_text().strip()
    assert version.split(".")[0] == "3"
    for bundle in ("plotly-cartesian.min.js", "plotly-gl3d.min.js"):
        head = (vendor / bundle).read_bytes()[:120].decode()
        assert f"v{version}" in head and "plotly.js" in head
    # The browser reads the version from version.js to build the bundles' URLs.
    assert f'window.PLOTLY_VERSION = "{version}";' in (vendor / "version.js").read_text()
    assert "MIT License" in (vendor / "LICENSE").read_text()
    readme = (vendor / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("| `plotly.js")]
    assert len(rows) == 2 and all(f"| {version} |" in row for row in rows)
    assert "`plotly.js-gl3d-dist-min`" in rows[1] and "`plotly-cartesian.min.js`" in rows[0]
    # The 2-D bundle is built from the pinned plotly.js by ui/chart/build, traces as listed.
    build = chart_module.FRONTEND.parent / "build"
    manifest = json.loads((build / "package.json").read_text())
    assert manifest["dependencies"]["plotly.js"] == version
    lock = json.loads((build / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/plotly.js"]["version"] == version
    entry = (build / "entry.js").read_text()
    registered = set(re.findall(r'require\("plotly.js/lib/(\w+)"\)', entry)) - {"core"}
    assert registered | {"scatter"} == set(TWO_D_TRACES)  # scatter is in the core
