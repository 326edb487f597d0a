"""The Experiments pages in a real browser: heatmaps and basin maps draw, clicks pick a run."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.browser.conftest import (
    ARTIFACTS,
    HeldAnswers,
    chart,
    chart_stats,
    wait_for_app,
    wait_for_chart,
    wait_for_live_redraws,
    wait_for_new_figures,
)

pytestmark = pytest.mark.browser

NUMBER = r"−?-?\d+(?:\.\d+)?(?:e[−-]?\d+)?"
# Each tool's charts, in page order.
CHARTS = {
    "Sweep": ["ex_sweep_chart", "ex_sweep_loss", "ex_sweep_path"],
    "Basins": ["ex_basins_chart", "ex_basins_path", "ex_basins_loss"],
    "Noise": ["ex_noise_chart"],
}


def open_experiments(page, app_url, tool: str = "Sweep") -> None:
    """Open the app, then the tool's page from the navigation (as a visitor does)."""
    page.set_viewport_size({"width": 1440, "height": 2600})
    page.goto(app_url)
    wait_for_app(page, ["pg_race"])
    page.get_by_role("link", name=tool).click()
    settle(page, tool)


def settle(page, tool: str) -> None:
    """Wait until the tool's page has run and drawn every one of its charts."""
    wait_for_app(page, CHARTS[tool])


def title_of(chart) -> str:
    """The figure's title as drawn (Streamlit's theme wraps it in <b>…</b>)."""
    return re.sub(r"</?b>", "", chart.evaluate("gd => gd._fullLayout.title.text"))


def numbers(text: str) -> list[float]:
    return [float(n.replace("−", "-")) for n in re.findall(NUMBER, text)]


def cell_centre(chart, column: int, row: int, axis: str = "xy"):
    """The plot area of `axis` and where in it the centre of cell (row, column) of a grid drawn
    in cell units is: `area.click(position=position)`. Positions relative to the area stay right
    if the page above the chart changes height between reading them and clicking."""
    area = chart.locator(f".draglayer .{axis} .nsewdrag").first
    box = area.bounding_box()
    x_range, y_range = chart.evaluate(
        f"""gd => {{ const l = gd._fullLayout, s = gd._fullLayout._plots['{axis}'];
            return [s.xaxis.range, s.yaxis.range]; }}"""
    )
    x = (column - x_range[0]) / (x_range[1] - x_range[0]) * box["width"]
    y = (1 - (row - y_range[0]) / (y_range[1] - y_range[0])) * box["height"]
    return area, {"x": x, "y": y}


# True when the ring marking the chosen cell on axis arg[2] is at (row, column) = arg[:2].
RING_AT = """(() => { const t = gd._fullData.filter(t => t.type === 'scatter'
    && t.marker && t.marker.symbol === 'square-open' && t.xaxis === arg[2]);
    return t.length > 0 && Math.round(t[0].y[0]) === arg[0] && Math.round(t[0].x[0]) === arg[1];
})()"""


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
    heatmap = chart(page, "ex_sweep_chart")
    assert "Adam on Rosenbrock" in title_of(heatmap)
    # The heatmap is really drawn (as a picture), with its click layers on top.
    assert heatmap.locator(".hm image").count() >= 1
    ny, nx = heatmap.evaluate(
        "gd => { const z = gd._fullData.find(t => t.type === 'heatmap').z;"
        " return [z.length, z[0].length]; }"
    )
    assert (ny, nx) == (60, 60)
    path = chart(page, "ex_sweep_path")
    before = title_of(path)
    assert before.startswith("Path at")
    best = ring(heatmap)

    row, column = ny - 6, 4
    assert (row, column) != best
    area, position = cell_centre(heatmap, column, row)
    area.hover(position=position)
    label = heatmap.locator(".hoverlayer .hovertext").first
    label.wait_for()
    hover = label.text_content()
    assert "click: path and loss" in hover
    area.click(position=position)
    wait_for_chart(page, "ex_sweep_path", "gd._fullLayout.title.text !== arg", before)
    settle(page, "Sweep")
    wait_for_chart(page, "ex_sweep_chart", RING_AT, [row, column, "x"])
    assert ring(heatmap) == (row, column)
    # The path shown is the clicked cell's: its β1 and β2 are the ones the hover showed.
    np.testing.assert_allclose(numbers(title_of(path))[:2], numbers(hover)[:2], rtol=1e-3)
    assert "Cell β1 = " in page.locator("[data-testid='stAlertContentSuccess']").text_content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "experiments.png"), full_page=True)
    assert page.console_errors == []


# The sweep's colours (its first heatmap's z, log10 of f − f*) and the ring around its cell.
CELLS = """gd => {
    const ring = gd._fullData.find(t => t.marker && t.marker.symbol === 'square-open');
    const z = gd._fullData[0].z.map(row => Array.from(row, v => (Number.isNaN(v) ? null : v)));
    return { z, ring: [ring.x[0], ring.y[0]] };
}"""


def test_alpha_redraws_the_three_sweep_charts_from_their_stops_before_the_rerun(page, app_url):
    answers = HeldAnswers(page)
    open_experiments(page, app_url)
    keys = CHARTS["Sweep"]
    before = {key: chart_stats(page, key) for key in keys}
    heatmap, loss, path = (chart(page, key) for key in keys)
    shown = heatmap.evaluate(CELLS)
    slider = page.get_by_role("slider", name="α — learning rate")
    answers.holding = True  # the rerun's messages wait: what the page shows, it drew itself
    slider.focus()
    slider.press("ArrowRight")  # 0.02 -> 0.03
    assert slider.get_attribute("aria-valuetext") == "0.03"
    wait_for_live_redraws(page, before)
    assert "α=0.03," in title_of(heatmap)
    preview = heatmap.evaluate(CELLS)
    assert preview["z"] != shown["z"]
    titles = [title_of(c) for c in (loss, path)]
    answers.release()
    page.wait_for_function("() => location.search.includes('ex_adam_lr=0.03')")
    wait_for_new_figures(page, {key: before[key]["rev"] for key in keys})
    settle(page, "Sweep")
    # The rerun's figures show what the preview showed: the cells (to float16), the best
    # cell's ring, and the loss and path of that cell.
    drawn = heatmap.evaluate(CELLS)
    assert drawn["ring"] == preview["ring"]
    z, z_preview = (np.array(c["z"], dtype=float) for c in (drawn, preview))
    np.testing.assert_array_equal(np.isnan(z), np.isnan(z_preview))
    np.testing.assert_allclose(z_preview, z, rtol=1e-3, atol=1e-3)
    assert [title_of(c) for c in (loss, path)] == titles
    assert titles[0].startswith("Loss at β1 = ") and titles[1].startswith("Path at β1 = ")
    assert page.console_errors == []


def test_basin_maps_draw_and_a_click_shows_both_paths_from_that_start(page, app_url):
    open_experiments(page, app_url, "Basins")
    assert page.locator("[data-testid='stException']").count() == 0
    maps = chart(page, "ex_basins_chart")
    assert title_of(maps).startswith("Himmelblau")
    assert maps.locator(".hm image").count() == 2
    legend = maps.evaluate(
        "gd => gd._fullData.filter(t => t.showlegend && t.type === 'scatter').map(t => t.name)"
    )
    assert legend[0] == "known minima" and "minimum (3, 2)" in legend
    paths = chart(page, "ex_basins_path")
    before = title_of(paths)
    assert before.startswith("Paths from")

    # Click the start at the upper right of the right-hand (Adam) map.
    row, column = 90, 85
    area, position = cell_centre(maps, column, row, "x2y2")
    area.click(position=position)
    wait_for_chart(page, "ex_basins_path", "gd._fullLayout.title.text !== arg", before)
    settle(page, "Basins")
    for axis in ("x", "x2"):
        wait_for_chart(page, "ex_basins_chart", RING_AT, [row, column, axis])
    assert ring(maps, "x") == ring(maps, "x2") == (row, column)
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
    open_experiments(page, app_url, "Noise")
    assert page.locator("[data-testid='stException']").count() == 0
    noise = chart(page, "ex_noise_chart")
    assert "seeds" in title_of(noise)
    legend = noise.evaluate(
        "gd => gd._fullData.filter(t => t.showlegend).map(t => t.name.split(' (')[0])"
    )
    assert legend == ["SGD", "SGD + momentum", "RMSProp", "Adam"]
    assert noise.evaluate("gd => gd._fullData.filter(t => t.fill === 'tonexty').length") == 4
    assert noise.locator(".fills path").count() >= 4
    page.screenshot(path=str(ARTIFACTS / "experiments-noise.png"), full_page=True)
    assert page.console_errors == []


# Records, in the Streamlit page, the values a progress bar shows, and whether it went away.
WATCH_PROGRESS = """() => {
    const seen = window.progressSeen = [];
    window.progressGone = false;
    const look = () => {
        const bar = document.querySelector("[data-testid='stProgress'] [role='progressbar']");
        if (bar) {
            const value = Number(bar.getAttribute("aria-valuenow") || 0);
            if (seen[seen.length - 1] !== value) seen.push(value);
        } else if (seen.length) window.progressGone = true;
    };
    new MutationObserver(look).observe(document.body, {subtree: true, childList: true,
        attributes: true, attributeFilter: ["aria-valuenow"]});
}"""


def test_a_long_sweep_shows_a_progress_bar_that_fills_and_goes_away(page, app_url):
    open_experiments(page, app_url)
    steps = page.get_by_role("slider", name="Steps")
    steps.focus()
    steps.press("End")  # 2 000 steps
    page.wait_for_function("() => location.search.includes('ex_steps=2000')")
    title = "gd._fullLayout.title.text.includes('after 2000 steps')"
    wait_for_chart(page, "ex_sweep_chart", title, timeout=120_000)  # 3 600 runs of 2 000 steps
    settle(page, "Sweep")
    page.evaluate(WATCH_PROGRESS)
    grid = page.get_by_role("slider", name="Grid (cells per axis)")
    grid.focus()
    grid.press("End")  # 100 × 100 cells: 10 000 runs of 2 000 steps
    page.wait_for_function("() => window.progressGone", timeout=120_000)
    seen = page.evaluate("() => window.progressSeen")
    assert seen == sorted(seen) and seen[-1] > seen[0], seen
    settle(page, "Sweep")
    assert page.locator("[data-testid='stProgress']").count() == 0
    wait_for_chart(
        page, "ex_sweep_chart", "gd._fullData.find(t => t.type === 'heatmap').z.length === 100"
    )
    assert "ex_grid=100" in page.url and "ex_steps=2000" in page.url
    assert page.console_errors == []
