"""Real-browser fixtures: the app on a free localhost port, driven by the system Chromium.

Locally the browser tests are skipped when /usr/bin/chromium is missing; with
ADAMLAB_REQUIRE_BROWSER=1 (set by .ci/run) a missing browser is an error instead.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from bench.harness import CHROMIUM, ROOT, launch_chromium, start_app, stop_app

ARTIFACTS = ROOT / "artifacts"
# Milliseconds any wait of a browser test may take: generous, for a loaded machine.
WAIT = 60_000


def _require_browser() -> None:
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("ADAMLAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests must run here, but {CHROMIUM} or playwright is missing")
        pytest.skip(f"{CHROMIUM} or playwright not installed")


def start_server(log_name: str = "streamlit.log") -> tuple[subprocess.Popen, str]:
    """A fresh app server for a test (its output in artifacts/), and its URL."""
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        return start_app(ARTIFACTS / log_name)
    except RuntimeError as error:
        pytest.fail(f"{error}; see artifacts/{log_name}")


@pytest.fixture(scope="session")
def app_url():
    _require_browser()
    server, url = start_server()
    yield url
    stop_app(server)


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


# Counts the Streamlit script runs the page sees (every change of the app's script state to
# "running"), in window.__scriptRuns of the Streamlit page; chart iframes are left alone.
COUNT_RUNS = """
if (window === window.top) {
    window.__scriptRuns = 0;
    new MutationObserver(records => {
        for (const record of records) {
            const now = record.target.getAttribute("data-test-script-state");
            if (now === "running" && record.oldValue !== "running") window.__scriptRuns += 1;
        }
    }).observe(document, {attributes: true, attributeFilter: ["data-test-script-state"],
                          attributeOldValue: true, subtree: true});
}
"""


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(WAIT)
    context.add_init_script(COUNT_RUNS)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


# -- charts ---------------------------------------------------------------------------------
# Every chart is a ui.chart component: an iframe of the Streamlit page (same origin) in the
# element container Streamlit classes `st-key-<key>`. Inside it, `#graph` is the plotly.js
# graph div (`gd`), and `window.adamLabChart` counts what the chart did (`draws`,
# `scrubDraws`, `scrubShown`, ...; see ui/chart/frontend/chart.js).
CHART_COMPONENT = "ui.chart.adam_lab_chart"  # iframe titles: this, or this + "_3d"
FIND = f"""
const frameOf = key => document.querySelector(`.st-key-${{CSS.escape(key)}} iframe`);
const statsOf = key => frameOf(key)?.contentWindow?.adamLabChart;
const graphOf = key => frameOf(key)?.contentDocument?.getElementById("graph");
const drawnCharts = () => [...document.querySelectorAll("iframe")].filter(frame =>
    frame.title.startsWith("{CHART_COMPONENT}") && frame.contentWindow?.adamLabChart?.draws > 0
    && frame.contentDocument.getElementById("graph")?._fullLayout);
"""


def chart_selector(key: str) -> str:
    """CSS selector of chart `key`'s iframe in the Streamlit page."""
    return f".st-key-{key} iframe"


def chart(page, key: str):
    """The graph div of chart `key`, a Playwright Locator inside the chart's iframe:
    `chart(page, "pg_race").evaluate("gd => gd._fullLayout.xaxis.range")`. Its
    `bounding_box()` and its descendants' are in page coordinates, ready for `page.mouse`."""
    return page.frame_locator(chart_selector(key)).locator("#graph")


def chart_frame(page, key: str):
    """The FrameLocator of chart `key`: its live sliders, toolbar, ..."""
    return page.frame_locator(chart_selector(key))


def chart_stats(page, key: str) -> dict:
    """A copy of chart `key`'s counters (`window.adamLabChart` in its iframe)."""
    return page.locator(chart_selector(key)).evaluate(
        "frame => JSON.parse(JSON.stringify(frame.contentWindow.adamLabChart))"
    )


def wait_for_chart(
    page, key: str, condition: str = "true", arg=None, timeout: float = WAIT
) -> None:
    """Wait until chart `key` has drawn and the JS expression `condition` holds; it sees `gd`
    (the graph div), `stats` (the chart's counters) and `arg`."""
    page.wait_for_function(
        f"([key, arg]) => {{ {FIND} const gd = graphOf(key), stats = statsOf(key);"
        f" return Boolean(stats && stats.draws > 0 && gd && gd._fullLayout && ({condition})); }}",
        arg=[key, arg],
        timeout=timeout,
    )


def wait_for_live_redraws(page, before: dict[str, dict]) -> None:
    """Wait until every chart of `before` (key -> its `chart_stats` then) has redrawn a live
    stop since, and check that none got a new figure: what it shows, it drew itself."""
    for key, stats in before.items():
        wait_for_chart(page, key, "stats.scrubDraws > arg", stats["scrubDraws"])
        assert chart_stats(page, key)["rev"] == stats["rev"], f"{key} got a new figure"


def wait_for_new_figures(page, revs: dict[str, str]) -> None:
    """Wait until every chart of `revs` (key -> the `rev` of its figure then) has drawn
    another figure."""
    for key, rev in revs.items():
        wait_for_chart(page, key, "stats.rev !== arg", rev)


def script_runs(page) -> int:
    """How many script runs the page has seen start (see COUNT_RUNS)."""
    return page.evaluate("() => window.__scriptRuns")


def wait_for_app(page, charts: int | Sequence[str] = 1, timeout: float = WAIT) -> None:
    """Wait until the script has run and its charts have drawn: `charts` of them (a number),
    or the charts of these keys.

    After an interaction, first wait for something the rerun changes (a legend, a title, the
    address): until the rerun starts, the app still reads as not running, and the charts
    still show the figures of the run before.
    """
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
    )
    if isinstance(charts, int):
        if charts:
            page.wait_for_function(
                f"n => {{ {FIND} return drawnCharts().length >= n; }}", arg=charts, timeout=timeout
            )
    else:
        for key in charts:
            wait_for_chart(page, key, timeout=timeout)


def array_attribute_mismatches(page) -> tuple[int, list]:
    """On every drawn chart of the page: (traces checked, traces whose array attributes the
    chart's cached listing gives differently from plotly.js's own `findArrayAttributes`)."""
    return tuple(
        page.evaluate(
            f"""() => {{ {FIND}
            let checked = 0;
            const wrong = [];
            for (const frame of drawnCharts()) {{
                const schema = frame.contentWindow.Plotly.PlotSchema;
                const gd = frame.contentDocument.getElementById("graph");
                const original = schema.findArrayAttributes.original;
                if (!original) return [0, ["no cached listing in " + frame.title]];
                for (const trace of [...gd._fullData, ...gd.data]) {{
                    checked += 1;
                    const ours = JSON.stringify(schema.findArrayAttributes(trace));
                    const theirs = JSON.stringify(original(trace));
                    if (ours !== theirs) wrong.push([trace.type, ours, theirs]);
                }}
            }}
            return [checked, wrong];
        }}"""
        )
    )


class HeldAnswers:
    """The page's websocket, routed through the test: while `holding`, the server's messages
    wait in `held` (the script may run, but the page sees nothing of it) until `release()`."""

    def __init__(self, page) -> None:
        self.holding, self.held, self.socket = False, [], None
        page.route_web_socket("**/_stcore/stream", self._route)

    def _route(self, socket) -> None:
        server = socket.connect_to_server()
        self.socket = socket
        socket.on_message(server.send)
        server.on_message(self._from_server)

    def _from_server(self, message) -> None:
        if self.holding:
            self.held.append(message)
        else:
            self.socket.send(message)

    def release(self) -> None:
        self.holding = False
        for message in self.held:
            self.socket.send(message)
        self.held.clear()
