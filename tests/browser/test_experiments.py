"""The Experiments pages in a real browser: heatmaps and basin maps draw, clicks pick a run."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.browser.conftest import ARTIFACTS, wait_for_app

pytestmark = pytest.mark.browser

CHART = "[data-testid='stPlotlyChart'] .js-plotly-plot"
NUMBER = r"−?-?\d+(?:\.\d+)?(?:e[−-]?\d+)?"


def open_experiments(page, app_url, tool: str = "Sweep", charts: int = 3) -> None:
    """Open the app, then the tool's page from the navigation (as a visitor does)."""
    page.set_viewport_size({"width": 1440, "height": 2600})
    page.goto(app_url)
    wait_for_app(page, charts=1)
    page.get_by_role("link", name=tool).click()
    settle(page, charts)


def settle(page, charts: int) -> None:
    page.wait_for_timeout(400)
    wait_for_app(page, charts=charts, timeout=60_000)
    page.wait_for_timeout(500)


def chart_with(page, predicate: str):
    """The chart whose figure satisfies `predicate` (JS, given `gd`)."""
    for chart in page.locator(CHART).all():
        if chart.evaluate(f"gd => Boolean({predicate})"):
            return chart
    raise AssertionError(f"no chart with {predicate}")


def title_of(chart) -> str:
    """The figure's title as drawn (Streamlit's theme wraps it in <b>…</b>)."""
    return re.sub(r"</?b>", "", chart.evaluate("gd => gd._fullLayout.title.text"))


def numbers(text: str) -> list[float]:
    return [float(n.replace("−", "-")) for n in re.findall(NUMBER, text)]


def cell_centre(chart, column: int, row: int, axis: str = "xy") -> tuple[float, float]:
    """Page coordinates of cell (row, column) of a grid drawn in cell units on `axis`."""
    box = chart.locator(f".draglayer .{axis} .nsewdrag").first.bounding_box()
    x_range, y_range = chart.evaluate(
        f"""gd => {{ const l = gd._fullLayout, s = gd._fullLayout._plots['{axis}'];
            return [s.xaxis.range, s.yaxis.range]; }}"""
    )
    x = box["x"] + (column - x_range[0]) / (x_range[1] - x_range[0]) * box["width"]
    y = box["y"] + (1 - (row - y_range[0]) / (y_range[1] - y_range[0])) * box["height"]
    return x, y


def ring(chart, axis: str = "x") -> tuple[int, int]:
    """(row, column) of the ring marking the chosen cell on `axis`."""
    x, y = chart.evaluate(
        f"""gd => {{ const t = gd._fullData.filter(t => t.type === 'scatter'
                && t.marker && t.marker.symbol === 'square-open' && t.xaxis === '{axis}');
            return [t[0].x[0], t[0].y[0]]; }}"""
    )
    return round(y), round(x)


def test_sweep_heatmap_draws_and_a_click_shows_that_cells_run(page, app_url):
    open_experiments(page, app_url)
    assert page.locator("[data-testid='stException']").count() == 0
    heatmap = chart_with(page, "gd._fullData.some(t => t.type === 'heatmap')")
    assert "Adam on Rosenbrock" in title_of(heatmap)
    # The heatmap is really drawn (as a picture), with its click layers on top.
    assert heatmap.locator(".hm image").count() >= 1
    ny, nx = heatmap.evaluate(
        "gd => { const z = gd._fullData.find(t => t.type === 'heatmap').z;"
        " return [z.length, z[0].length]; }"
    )
    assert (ny, nx) == (60, 60)
    path = chart_with(page, "gd._fullLayout.title.text.includes('Path at')")
    before = title_of(path)
    best = ring(heatmap)

    row, column = ny - 6, 4
    assert (row, column) != best
    x, y = cell_centre(heatmap, column, row)
    page.mouse.move(x, y)
    page.wait_for_timeout(400)
    hover = page.locator(".hoverlayer .hovertext").first.text_content()
    assert "click: path and loss" in hover
    page.mouse.click(x, y)
    page.wait_for_function(
        "before => Array.from(document.querySelectorAll(\"[data-testid='stPlotlyChart'] "
        ".js-plotly-plot\")).some(gd => gd._fullLayout.title.text.includes('Path at')"
        " && gd._fullLayout.title.text !== before)",
        arg=before,
        timeout=30_000,
    )
    settle(page, 3)
    heatmap = chart_with(page, "gd._fullData.some(t => t.type === 'heatmap')")
    assert ring(heatmap) == (row, column)
    path = chart_with(page, "gd._fullLayout.title.text.includes('Path at')")
    # The path shown is the clicked cell's: its β1 and β2 are the ones the hover showed.
    np.testing.assert_allclose(numbers(title_of(path))[:2], numbers(hover)[:2], rtol=1e-3)
    assert "Cell β1 = " in page.locator("[data-testid='stAlertContentSuccess']").text_content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "experiments.png"), full_page=True)
    assert page.console_errors == []


def test_basin_maps_draw_and_a_click_shows_both_paths_from_that_start(page, app_url):
    open_experiments(page, app_url, "Basins", charts=0)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll(\"[data-testid='stPlotlyChart'] "
        ".js-plotly-plot\")).some(gd => gd._fullLayout.title.text.includes('Himmelblau'))",
        timeout=60_000,
    )
    settle(page, 3)
    assert page.locator("[data-testid='stException']").count() == 0
    maps = chart_with(page, "gd._fullLayout.title.text.includes('Himmelblau')")
    assert maps.locator(".hm image").count() == 2
    legend = maps.evaluate(
        "gd => gd._fullData.filter(t => t.showlegend && t.type === 'scatter').map(t => t.name)"
    )
    assert legend[0] == "known minima" and "minimum (3, 2)" in legend
    paths = chart_with(page, "gd._fullLayout.title.text.includes('Paths from')")
    before = title_of(paths)

    # Click the start at the upper right of the right-hand (Adam) map.
    row, column = 90, 85
    x, y = cell_centre(maps, column, row, "x2y2")
    page.mouse.click(x, y)
    page.wait_for_function(
        "before => Array.from(document.querySelectorAll(\"[data-testid='stPlotlyChart'] "
        ".js-plotly-plot\")).some(gd => gd._fullLayout.title.text.includes('Paths from')"
        " && gd._fullLayout.title.text !== before)",
        arg=before,
        timeout=30_000,
    )
    settle(page, 3)
    maps = chart_with(page, "gd._fullLayout.title.text.includes('Himmelblau')")
    assert ring(maps, "x") == ring(maps, "x2") == (row, column)
    paths = chart_with(page, "gd._fullLayout.title.text.includes('Paths from')")
    # Start (x, y) of cell (row, column) on the 100 × 100 grid over [−5, 5]².
    expected = (-5 + column * 10 / 99, -5 + row * 10 / 99)
    np.testing.assert_allclose(numbers(title_of(paths)), expected, atol=1e-3)
    starts = paths.evaluate(
        "gd => gd._fullData.filter(t => t.mode === 'lines').map(t => [t.x[0], t.y[0]])"
    )
    assert len(starts) == 2
    np.testing.assert_allclose(starts, [expected, expected], atol=1e-4)
    page.screenshot(path=str(ARTIFACTS / "experiments-basins.png"), full_page=True)
    assert page.console_errors == []


def test_noise_page_draws_a_band_and_a_mean_per_optimizer(page, app_url):
    open_experiments(page, app_url, "Noise", charts=0)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll(\"[data-testid='stPlotlyChart'] "
        ".js-plotly-plot\")).some(gd => gd._fullLayout.title.text.includes('seeds'))",
        timeout=60_000,
    )
    settle(page, 1)
    assert page.locator("[data-testid='stException']").count() == 0
    noise = chart_with(page, "gd._fullLayout.title.text.includes('seeds')")
    legend = noise.evaluate(
        "gd => gd._fullData.filter(t => t.showlegend).map(t => t.name.split(' (')[0])"
    )
    assert legend == ["SGD", "SGD + momentum", "RMSProp", "Adam"]
    assert noise.evaluate("gd => gd._fullData.filter(t => t.fill === 'tonexty').length") == 4
    assert noise.locator(".fills path").count() >= 4
    page.screenshot(path=str(ARTIFACTS / "experiments-noise.png"), full_page=True)
    assert page.console_errors == []


def test_a_long_sweep_shows_a_progress_bar_that_fills_and_goes_away(page, app_url):
    open_experiments(page, app_url)
    for name in ("Steps", "Grid (cells per axis)"):  # 2 000 steps, then 100 × 100 cells
        slider = page.get_by_role("slider", name=name)
        slider.focus()
        slider.press("End")
        if name == "Steps":
            settle(page, 3)
    seen = []
    for _ in range(300):  # up to 15 s
        # One snapshot of the bars: the bar may vanish between two separate queries.
        values = page.locator("[data-testid='stProgress'] [role='progressbar']").evaluate_all(
            "bars => bars.map(bar => Number(bar.getAttribute('aria-valuenow') || 0))"
        )
        if values:
            seen.append(values[0])
        elif seen:
            break
        page.wait_for_timeout(50)
    assert seen, "no progress bar while 10 000 runs of 2 000 steps were computed"
    assert seen == sorted(seen) and seen[-1] > seen[0]
    settle(page, 3)
    assert page.locator("[data-testid='stProgress']").count() == 0
    assert "ex_grid=100" in page.url and "ex_steps=2000" in page.url
    assert page.console_errors == []
