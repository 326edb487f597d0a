"""The Networks page in a real browser: every chart draws with its title and legend in view,
the step sliders' frames play inside the chart component, a slider change redraws in place,
and the CSV downloads.

Each chart is an iframe of the page (same origin); `bench.chart.FIND` reaches a chart's
iframe, its graph (`#graph`) and its counters (`window.adamLabChart`) by the chart's key.
"""

from __future__ import annotations

import io
import urllib.parse

import pandas as pd
import pytest

from bench.chart import FIND
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

CHARTS = ["nn_metrics_chart", "nn_rates_chart", "nn_w1_chart", "nn_boundary_chart"]
PROBE = "Failed to load resource: the server responded with a status of 404 (Not Found)"
# Streamlit's two probes for its server under a deep link's own path (see test_navigation.py).
PROBES = {"/networks/_stcore/health", "/networks/_stcore/host-config"}
TIMEOUT = 90_000  # a cold server trains and draws the default view on first load


def evaluate(page, body: str, arg=None):
    return page.evaluate(f"arg => {{ {FIND} {body} }}", arg)


def idle(page, timeout: float = TIMEOUT) -> None:
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=timeout)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
    )


def wait_for_charts(page, keys: list[str], draws: int = 1, timeout: float = TIMEOUT) -> None:
    """Until every chart in `keys` has been drawn `draws` times (Plotly.react calls)."""
    page.wait_for_function(
        f"""arg => {{ {FIND}
            return arg.keys.every(k => (stats(k)?.draws ?? 0) >= arg.draws
                                       && graph(k)?._fullLayout); }}""",
        arg={"keys": keys, "draws": draws},
        timeout=timeout,
    )


def open_page(page, app_url: str, query: str = "") -> list[str]:
    """Open /networks by its link, after the app's root; the paths of missing responses."""
    missing: list[str] = []
    page.on("response", lambda r: r.status == 404 and missing.append(r.url[len(app_url) :]))
    page.goto(app_url)
    idle(page)
    page.goto(f"{app_url}/networks{query}")
    idle(page)
    wait_for_charts(page, CHARTS)
    return missing


def console_errors(page, missing: list[str]) -> list[str]:
    assert set(missing) <= PROBES, missing
    errors = list(page.console_errors)
    for _ in missing:
        if PROBE in errors:
            errors.remove(PROBE)
    return errors


# What overlaps what inside a chart: the title (with its subtitle), the legend, the plot
# areas, and whether the title fits the chart's width.
LAYOUT = """
const g = graph(arg), box = e => e && e.getBoundingClientRect();
const rects = sel => [...g.querySelectorAll(sel)].map(box).filter(r => r.width && r.height);
const meets = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
                        && a.top < b.bottom - 1 && b.top < a.bottom - 1;
const titles = rects('.g-gtitle text, .g-gtitle tspan');
const legend = box(g.querySelector('.legend .bg')) ?? box(g.querySelector('.legend'));
const plots = rects('.nsewdrag');
const width = g.getBoundingClientRect().width;
return {
    titles: titles.length,
    clipped: titles.some(r => r.right > width + 1 || r.left < -1),
    legendOnTitle: Boolean(legend) && titles.some(t => meets(t, legend)),
    legendOnPlot: Boolean(legend) && plots.some(p => meets(p, legend)),
    plots: plots.length,
};
"""


def test_default_view_draws_every_chart_cleanly(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 4200})
    missing = open_page(page, app_url)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_role("heading", name="Networks").count() == 1
    for key in CHARTS:
        layout = evaluate(page, LAYOUT, key)
        assert layout["titles"] >= 2 and layout["plots"] >= 1, (key, layout)
        assert not layout["clipped"], (key, layout)
        assert not layout["legendOnTitle"] and not layout["legendOnPlot"], (key, layout)
    # The decision boundary: one map per optimizer, the training points over each.
    names = evaluate(page, "return graph(arg)._fullData.map(t => t.type)", "nn_boundary_chart")
    assert names.count("heatmap") == 3
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "networks.png"), full_page=True)
    assert console_errors(page, missing) == []


@pytest.mark.parametrize("key", ["nn_w1_chart", "nn_boundary_chart"])
def test_step_slider_frames_play_in_the_chart(page, app_url, key):
    missing = open_page(page, app_url)
    frames = evaluate(page, "return graph(arg)._transitionData._frames.length", key)
    assert frames >= 30
    last = evaluate(page, "return JSON.stringify(graph(arg)._fullData[0].z)", key)
    # What the figure's own slider does on a drag to its first stop.
    evaluate(
        page,
        """const g = graph(arg), first = g._transitionData._frames[0].name;
           const now = {duration: 0, redraw: true};
           chart(arg).contentWindow.Plotly.animate(
               g, [first], {mode: 'immediate', frame: now, transition: {duration: 0}});""",
        key,
    )
    page.wait_for_function(
        f"arg => {{ {FIND} return JSON.stringify(graph(arg.key)._fullData[0].z) !== arg.last; }}",
        arg={"key": key, "last": last},
        timeout=15_000,
    )
    assert console_errors(page, missing) == []


def test_a_slider_change_redraws_the_charts_in_place_and_lands_in_the_url(page, app_url):
    missing = open_page(page, app_url)
    evaluate(page, "chart('nn_metrics_chart').contentWindow.probe = 'kept'")
    before = evaluate(page, "return {...stats('nn_metrics_chart')}")
    slider = page.locator("input[type=range][aria-label='Epochs']")
    slider.focus()
    slider.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('nn_epochs=49')", timeout=30_000)
    wait_for_charts(page, ["nn_metrics_chart"], draws=before["draws"] + 1)
    idle(page)
    after = evaluate(
        page,
        """const s = stats('nn_metrics_chart');
           return {probe: chart('nn_metrics_chart').contentWindow.probe, mount: s.mount,
                   points: graph('nn_metrics_chart')._fullData[0].y.length};""",
    )
    assert after == {"probe": "kept", "mount": before["mount"], "points": 50}
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query["nn_epochs"] == ["49"]
    assert page.locator("[data-testid='stException']").count() == 0
    assert console_errors(page, missing) == []


def test_csv_download_holds_every_history(page, app_url):
    missing = open_page(page, app_url)
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Every history as CSV").click()
    with open(download.value.path(), "rb") as file:
        raw = file.read()
    assert b"nan" not in raw.lower() and b"inf" not in raw.lower()
    table = pd.read_csv(io.BytesIO(raw))
    # One row per step and θ₀, per optimizer: 50 epochs of 13 minibatches.
    assert table.groupby("run").size().to_dict() == {"Adam": 651, "RMSProp": 651, "SGD": 651}
    assert {"train_loss", "validation_accuracy", "layer1_rate_q50"} <= set(table)
    assert console_errors(page, missing) == []
