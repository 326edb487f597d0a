"""ui.chart in a real browser, on the test page tests/browser/chart_app.py.

Each chart is an iframe of the Streamlit page (same origin): the helpers below find a chart by
its key and read its graph (`#graph`) and its counters (`window.adamLabChart`).
"""

from __future__ import annotations

import json
import struct
import urllib.parse

import numpy as np
import pytest

from bench.chart import FIND, start_chart_app
from bench.harness import stop_app
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

# The main chart's first legend entry, as drawn, names the value `arg` of alpha.
LEGEND = "graph('demo')?.querySelector('.legendtext')?.textContent === `path 0 (alpha=${arg})`"


@pytest.fixture(scope="module")
def chart_url(browser):  # the browser fixture skips (or fails in CI) without Chromium
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        server, url = start_chart_app(ARTIFACTS / "chart_app.log")
    except RuntimeError as error:
        pytest.fail(f"{error}; see artifacts/chart_app.log")
    yield url
    stop_app(server)


def evaluate(page, body: str, arg=None):
    return page.evaluate(f"arg => {{ {FIND} {body} }}", arg)


def wait(page, condition: str, arg=None, timeout: float = 30_000) -> None:
    page.wait_for_function(f"arg => {{ {FIND} return {condition}; }}", arg=arg, timeout=timeout)


def idle(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")


def open_app(page, url: str, query: str = "") -> None:
    page.goto(url + query)
    idle(page)
    for key in ("demo", "heat"):
        wait(page, "stats(arg)?.draws >= 1 && graph(arg)._fullLayout", key)


def runs(page) -> int:
    return int(page.get_by_text("runs=").inner_text().split("=")[1])


def text_value(page, name: str):
    return json.loads(page.get_by_text(f"{name}=").inner_text().split("=", 1)[1])


def move_alpha(page, key: str = "ArrowRight") -> float:
    """Move the page's alpha slider one stop; wait until the main chart drew the new value."""
    slider = page.get_by_role("slider", name="alpha")
    old = float(slider.input_value())
    slider.focus()
    slider.press(key)
    new = round(old + (0.05 if key == "ArrowRight" else -0.05), 2)
    wait(page, LEGEND, f"{new:g}")
    idle(page)
    return new


def test_update_reacts_on_the_same_graph_keeps_zoom_and_sends_only_the_path(page, chart_url):
    open_app(page, chart_url)
    first = evaluate(page, "return {...stats('demo')}")
    assert first["bundles"] == ["vendor/plotly-cartesian.min.js?v=3.7.0"]
    # Markers that a remount (new iframe, new plot) would lose.
    evaluate(
        page,
        """chart('demo').contentWindow.probe = 'kept';
           graph('demo').querySelector('.main-svg').dataset.probe = 'kept';""",
    )
    # Zoom with the mouse (a GUI edit, which uirevision preserves): drag a box on the map.
    iframe = page.locator("iframe").first.bounding_box()
    area = evaluate(
        page,
        """const r = graph('demo').querySelector('.nsewdrag').getBoundingClientRect();
           return {left: r.left, top: r.top, width: r.width, height: r.height};""",
    )
    left, top = iframe["x"] + area["left"], iframe["y"] + area["top"]
    page.mouse.move(left + 0.2 * area["width"], top + 0.3 * area["height"])
    page.mouse.down()
    page.mouse.move(left + 0.4 * area["width"], top + 0.5 * area["height"], steps=5)
    page.mouse.move(left + 0.6 * area["width"], top + 0.7 * area["height"], steps=5)
    page.mouse.up()
    wait(page, "graph('demo')._fullLayout.xaxis.range[0] > -1.5")
    zoomed = evaluate(
        page,
        "const l = graph('demo')._fullLayout; return [l.xaxis.range, l.yaxis.range]",
    )
    assert zoomed[0] == pytest.approx([-1.2, 0.4], abs=0.05)
    assert zoomed[1] == pytest.approx([0.2, 1.8], abs=0.05)
    path_before = evaluate(page, "return Array.from(graph('demo')._fullData[0].x.slice(0, 50))")
    # The arrays plotly.js holds now: an unchanged path must come back as the same object.
    evaluate(page, "chart('demo').contentWindow.held = graph('demo').data.map(t => t.x)")
    alpha = move_alpha(page)
    # The display frame after the draw is noted (bench/ui.py times a change up to it).
    wait(page, "stats('demo').times.settled > stats('demo').ms.received")
    settled = evaluate(
        page, "const s = stats('demo'); return s.times.settled - s.ms.received - s.ms.draw"
    )
    assert settled >= -1  # ms.draw is rounded
    after = evaluate(
        page,
        """const g = graph('demo'), s = stats('demo');
           return {probe: chart('demo').contentWindow.probe,
                   svg: g.querySelector('.main-svg').dataset.probe,
                   mount: s.mount, draws: s.draws, payload: s.payloadBytes,
                   same: g.data.map((t, i) => t.x === chart('demo').contentWindow.held[i]),
                   x: g._fullLayout.xaxis.range, y: g._fullLayout.yaxis.range,
                   path: Array.from(g._fullData[0].x.slice(0, 50)),
                   images: g.querySelectorAll('.imagelayer image').length};""",
    )
    assert after["probe"] == "kept" and after["svg"] == "kept" and after["mount"] == first["mount"]
    assert after["draws"] == first["draws"] + 1  # one Plotly.react on the same div
    assert [after["x"], after["y"]] == zoomed  # the zoom survived the new figure
    # The first path is the new one (the app's spiral, float32).
    t = np.linspace(0.0, 1.0, 1000)[:50]
    expected = 0.9 * (1 - 0.8 * t) * np.cos(2 * np.pi * 1.5 * t * (1 + alpha))
    assert after["path"] == pytest.approx(expected, abs=1e-6)
    assert after["path"] != pytest.approx(path_before, abs=1e-3)
    # Unchanged paths are handed back to plotly.js by reference: only the changed traces
    # (the first path and the heads) are recomputed.
    assert after["same"][:4] == [False, True, True, False]
    assert after["images"] == 1
    # The background (~100 KB) and the two unchanged paths travel by reference.
    assert first["payloadBytes"] > 100_000
    assert after["payload"] < 40_000
    # An element appearing above the chart in its column does not remount it either.
    page.get_by_text("Show a note above the chart").click()
    page.wait_for_selector("[data-testid='stAlert']")
    idle(page)
    kept = "return [chart('demo').contentWindow.probe, graph('demo')._fullLayout.xaxis.range]"
    assert evaluate(page, kept) == ["kept", zoomed[0]]
    assert page.console_errors == []


def test_an_autoranged_chart_follows_its_new_points(page, chart_url):
    open_app(page, chart_url)
    wait(page, "stats('curve')?.draws >= 1")
    top = "const l = graph('curve')._fullLayout; return [l.yaxis.range[1], l.yaxis.autorange]"
    before, autorange = evaluate(page, top)
    assert autorange is True
    alpha = move_alpha(page)
    wait(page, "stats('curve').draws === 2")
    after = evaluate(page, top)[0]
    first = evaluate(page, "return graph('curve')._fullData[0].y[0]")
    assert first == pytest.approx(1 + alpha)
    # Autorange pads the data range: the top follows the new maximum.
    assert after - before == pytest.approx(0.05, rel=0.2)
    assert page.console_errors == []


def test_clicks_return_data_coordinates_and_heatmap_cells(page, chart_url):
    open_app(page, chart_url)
    clicks = int(page.get_by_text("clicks=").inner_text().split("=")[1])
    # Empty plot area: the upper right corner of the demo map, far from every path.
    iframe = page.locator("iframe").first.bounding_box()
    area = evaluate(
        page,
        """const r = graph('demo').querySelector('.nsewdrag').getBoundingClientRect();
           return {left: r.left, top: r.top, width: r.width, height: r.height};""",
    )
    cx, cy = int(area["left"] + 0.9 * area["width"]), int(area["top"] + 0.12 * area["height"])
    page.mouse.click(iframe["x"] + cx, iframe["y"] + cy)
    wait(page, "document.body.innerText.includes('demo click={')")
    click = text_value(page, "demo click")
    dx, dy = 4.0 / area["width"], 4.0 / area["height"]  # data per pixel: ranges are 4 wide
    assert click["curve"] is None and click["point"] is None
    assert click["x"] == pytest.approx(-2.0 + (cx - area["left"]) * dx, abs=dx / 2)
    assert click["y"] == pytest.approx(3.0 - (cy - area["top"]) * dy, abs=dy / 2)
    assert click["pointer"] == {"x": click["x"], "y": click["y"]}
    assert click["subplot"] == "xy" and click["n"] == 1

    # A heatmap cell: column 3 (x = 1.5), row 5 (y = 15), z = 10 * row + column.
    heat = page.locator("iframe").nth(1).bounding_box()
    cell = evaluate(
        page,
        """const r = graph('heat').querySelector('.nsewdrag').getBoundingClientRect();
           return {left: r.left, top: r.top, width: r.width, height: r.height};""",
    )
    hx = cell["left"] + (1.5 + 0.25) / 5.0 * cell["width"]
    hy = cell["top"] + (17.5 - 15.0) / 8.0 * cell["height"]
    page.mouse.click(heat["x"] + hx, heat["y"] + hy)
    wait(page, "document.body.innerText.includes('heat click={')")
    cell_click = text_value(page, "heat click")
    assert cell_click["x"] == pytest.approx(1.5) and cell_click["y"] == pytest.approx(15.0)
    assert cell_click["z"] == pytest.approx(53.0) and cell_click["curve"] == 0
    assert cell_click["point"] == [5, 3]
    # Each click ran the page's on_click callback once.
    page.wait_for_function(f"() => document.body.innerText.includes('clicks={clicks + 2}')")
    assert page.console_errors == []


def test_frames_are_replaced_and_play_after_an_update(page, chart_url):
    open_app(page, chart_url)
    old_end = evaluate(page, "const t = graph('demo')._fullData[0]; return [t.x[999], t.y[999]]")
    move_alpha(page)
    # Jump to the last frame: the first head must sit at the end of the *new* first path.
    heads = evaluate(
        page,
        """const g = graph('demo'), P = chart('demo').contentWindow.Plotly;
           return P.animate(g, ['999'], {frame: {duration: 0, redraw: false},
                                         transition: {duration: 0}, mode: 'immediate'})
             .then(() => { const h = g._fullData[3], p = g._fullData[0];
                           return {head: [h.x[0], h.y[0]], end: [p.x[999], p.y[999]]}; });""",
    )
    assert heads["head"] == pytest.approx(heads["end"], abs=1e-5)
    assert heads["head"] != pytest.approx(old_end, abs=1e-3)
    # The figure's own Play button plays the new frames from the start.
    played = evaluate(
        page,
        """const g = graph('demo');
           return new Promise(resolve => {
               let frames = 0;
               g.on('plotly_animatingframe', () => { frames += 1; });
               g.on('plotly_animated', () => resolve(frames));
               const play = [...g.querySelectorAll('.updatemenu-button')]
                   .find(b => b.textContent.includes('Play'));
               play.dispatchEvent(new MouseEvent('click', {bubbles: true}));
           });""",
    )
    assert played == 60
    assert page.console_errors == []


@pytest.mark.parametrize("image_format", ["png", "svg"])
def test_toolbar_download_has_the_figure_and_its_title(page, chart_url, image_format):
    open_app(page, chart_url)
    if image_format == "svg":
        page.get_by_label("Toolbar saves").click()
        page.get_by_role("option", name="svg").click()
        wait(page, "stats('demo')?.draws >= 2")
        idle(page)
    frame = page.frame_locator("iframe").first
    frame.locator(".js-plotly-plot").hover()
    with page.expect_download(timeout=30_000) as info:
        frame.get_by_role("button", name="Download plot").click()
    download = info.value
    assert download.suggested_filename == f"chart-test.{image_format}"
    with open(download.path(), "rb") as file:
        data = file.read()
    if image_format == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (900, 600)  # toImageButtonOptions
    else:
        text = data.decode()
        assert text.startswith("<svg") and "Chart test — three spirals" in text
    assert page.console_errors == []


def test_live_slider_redraws_without_a_rerun_and_reports_on_release(page, chart_url):
    open_app(page, chart_url)
    before_runs = runs(page)
    frame = page.frame_locator("iframe").first
    box = frame.get_by_role("slider", name="alpha (live)").bounding_box()
    shown = (
        "stats('demo').scrubShown.alpha === Number(chart('demo').contentDocument"
        ".querySelector('input[type=range]').value)"
    )
    path_at = "return graph('demo')._fullData[0].x[500]"
    drawn = [evaluate(page, path_at)]
    # Press on the track and drag right, about one stop (of 30) per move.
    y = box["y"] + box["height"] / 2
    start = box["x"] + box["width"] * 0.3
    page.mouse.move(start, y)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(start + step * box["width"] / 29, y)
        wait(page, shown)
        drawn.append(evaluate(page, path_at))
    during = evaluate(page, "return {...stats('demo')}")
    assert runs(page) == before_runs  # no rerun while dragging
    assert len(set(drawn)) >= 8  # the path bent at (nearly) every move
    assert during["draws"] == 1 and during["scrubDraws"] >= 7  # no new figure, live redraws
    value = float(frame.locator("output").inner_text())
    page.mouse.up()
    # Released: the page reruns once, its alpha widget takes the value, the chart agrees.
    wait(page, LEGEND, f"{value:g}")
    wait(page, "stats('demo').draws === 2")
    idle(page)
    assert float(page.get_by_role("slider", name="alpha").input_value()) == value
    assert runs(page) == before_runs + 1
    assert page.get_by_text("alpha=").inner_text() == f"alpha={value:g}"
    # The rerun's figure has the very path the slider showed last.
    assert evaluate(page, path_at) == pytest.approx(drawn[-1], abs=1e-6)
    assert page.console_errors == []


def test_a_live_slider_on_a_heatmap_restyles_its_cells(page, chart_url):
    open_app(page, chart_url)
    before_runs = runs(page)
    corner = "return graph('heat')._fullData[0].z[0][0]"
    assert evaluate(page, corner) == 0
    # Moved (input events only, as while dragging): redrawn with Plotly.restyle, no rerun.
    live = "chart('heat').contentDocument.querySelector('input[type=range]')"
    evaluate(page, f"const s = {live}; s.value = '2'; s.dispatchEvent(new Event('input'));")
    wait(page, "stats('heat').scrubShown.heat_shift === 2")
    assert evaluate(page, corner) == 20
    assert evaluate(page, "return stats('heat').draws") == 1
    assert runs(page) == before_runs
    # Released: one rerun, and the page's own figure now has the shift.
    evaluate(page, f"{live}.dispatchEvent(new Event('change'));")
    page.wait_for_function("() => document.body.innerText.includes('heat_shift=20')")
    wait(page, "stats('heat').draws === 2")
    idle(page)
    assert evaluate(page, corner) == 20
    assert runs(page) == before_runs + 1
    assert page.console_errors == []


def test_stays_on_localhost_and_loads_the_3d_bundle_only_for_3d(page, chart_url):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    open_app(page, chart_url)
    assert not [u for u in requests if "gl3d" in u]
    page.get_by_text("Show the 3-D surface").click()
    wait(page, "stats('surface')?.draws >= 1", timeout=60_000)
    idle(page)
    surface = evaluate(page, "return {...stats('surface')}")
    assert surface["bundles"] == ["vendor/plotly-gl3d.min.js?v=3.7.0"]
    assert evaluate(page, "return stats('demo').bundles") == [
        "vendor/plotly-cartesian.min.js?v=3.7.0"
    ]
    assert evaluate(page, "return graph('surface').querySelectorAll('.gl-container').length") >= 1
    hosts = {urllib.parse.urlparse(u).hostname for u in requests if u.startswith("http")}
    assert hosts == {"127.0.0.1"}
    assert [u for u in requests if "plotly-gl3d" in u]
    # Streamlit's own plotly.js chunk (static/js/PlotlyChart.*.js) is never fetched.
    assert not [u for u in requests if "/static/" in u and "plotly" in u.lower()]
    assert page.console_errors == []


def test_a_remounted_chart_reuses_or_asks_for_its_pieces(page, chart_url):
    open_app(page, chart_url)
    for clear in (False, True):
        hide = page.get_by_text("Hide the main chart")
        hide.click()
        wait(page, "!chart('demo')")
        idle(page)
        if clear:  # as after a reload of the page: the browser holds nothing for the chart
            evaluate(page, "window.__adamLabCharts.get('demo').pieces.clear()")
        hide.click()
        wait(page, "stats('demo')?.draws >= 1", timeout=60_000)
        idle(page)
        remounted = evaluate(page, "return {...stats('demo')}")
        assert remounted["resyncs"] == (1 if clear else 0)
        images = "return graph('demo').querySelectorAll('.imagelayer image').length"
        assert evaluate(page, images) == 1
    assert page.console_errors == []
