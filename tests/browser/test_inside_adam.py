"""Inside Adam in a real browser: layout, slider redraws, clicking the path, the CSV."""

from __future__ import annotations

import io
import urllib.parse

import pandas as pd
import pytest

from tests.browser.conftest import ARTIFACTS, wait_for_app

pytestmark = pytest.mark.browser

CHARTS = "[data-testid='stPlotlyChart'] .js-plotly-plot"
PROBE = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def open_page(page, app_url: str) -> list[str]:
    """Open the page by its link; returns the paths of any responses that were missing."""
    missing: list[str] = []
    page.on("response", lambda r: r.status == 404 and missing.append(r.url[len(app_url) :]))
    # The app's root first: whether a deep link is the very first request of a fresh server
    # is test_navigation.py's concern; here the page must look as it does inside the app.
    page.goto(app_url)
    wait_for_app(page, charts=0)
    page.goto(f"{app_url}/inside_adam")
    wait_for_app(page, charts=3)
    page.wait_for_timeout(500)
    return missing


def console_errors(page, missing: list[str]) -> list[str]:
    """The page's console errors, less those of Streamlit's two probes for its server under the
    page's own path (a deep link's first requests; see tests/browser/test_navigation.py)."""
    assert set(missing) <= {"/inside_adam/_stcore/health", "/inside_adam/_stcore/host-config"}
    errors = list(page.console_errors)
    for _ in missing:
        if PROBE in errors:
            errors.remove(PROBE)
    return errors


def chart(page, index: int):
    return page.locator(CHARTS).nth(index)


def stamp_charts(page) -> None:
    """Mark every chart's current drawing; a chart drawn again gets a fresh `_fullLayout`."""
    page.evaluate(
        """() => document.querySelectorAll("[data-testid='stPlotlyChart'] .js-plotly-plot")
            .forEach(gd => { gd._fullLayout.stamped = true; })"""
    )


def heading(page) -> str:
    return page.locator("h3").filter(has_text="every equation").first.inner_text()


def test_page_loads_cleanly_and_looks_right(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 2600})
    missing = open_page(page, app_url)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator(CHARTS).count() == 3
    # The map has its landscape picture and the run; the inspector shows step 10.
    assert chart(page, 0).locator(".imagelayer image").count() == 1
    names = chart(page, 0).evaluate("gd => gd._fullData.map(t => t.name)")
    assert "Adam" in names and "Adam without bias correction" in names
    assert heading(page).startswith("Step 10")
    assert page.locator(".katex").count() >= 4
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "inside_adam.png"), full_page=True)
    assert console_errors(page, missing) == []


def test_slider_change_redraws_the_charts_and_lands_in_the_url(page, app_url):
    missing = open_page(page, app_url)
    stamp_charts(page)
    slider = page.get_by_role("slider", name="β1 — momentum of the gradient average")
    slider.focus()
    slider.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('ia_adam_b1=0.899')", timeout=15_000)
    # β1 changes every chart on the page: all three are drawn again.
    page.wait_for_function(
        """() => {
            const charts = [...document.querySelectorAll(
                "[data-testid='stPlotlyChart'] .js-plotly-plot")];
            return charts.length === 3 && charts.every(gd => gd._fullLayout
                && !gd._fullLayout.stamped);
        }""",
        timeout=15_000,
    )
    wait_for_app(page, charts=3)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query["ia_adam_b1"] == ["0.899"]
    assert page.locator("[data-testid='stException']").count() == 0
    assert console_errors(page, missing) == []


def test_clicking_the_path_selects_that_step(page, app_url):
    missing = open_page(page, app_url)
    chart(page, 0).scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    x, y = chart(page, 0).evaluate(
        """gd => {
            // Report the step of the point Plotly picks (the path may pass close to itself).
            gd.on('plotly_click', event => { window.clickedStep = event.points[0].customdata; });
            const t = gd._fullData.find(t => t.name.startsWith('click'));
            const i = 20, xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            const box = gd.getBoundingClientRect();
            return [box.left + xa._offset + xa.l2p(t.x[i]), box.top + ya._offset + ya.l2p(t.y[i])];
        }"""
    )
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    page.wait_for_function("() => window.clickedStep !== undefined", timeout=5_000)
    step = page.evaluate("() => window.clickedStep")
    assert step > 10
    page.wait_for_function(
        "step => [...document.querySelectorAll('h3')].some("
        "h => h.innerText.startsWith(`Step ${step}:`))",
        arg=step,
        timeout=15_000,
    )
    wait_for_app(page, charts=3)
    slider = page.get_by_role("slider", name="Step t to inspect")
    assert slider.input_value() == str(step)
    names = chart(page, 0).evaluate("gd => gd._fullData.map(t => t.name)")
    assert f"step {step}: θ_{step - 1} → θ_{step}" in names
    assert console_errors(page, missing) == []


def test_csv_download_holds_every_series(page, app_url):
    missing = open_page(page, app_url)
    with page.expect_download() as download:
        page.get_by_role("button", name="Every series as CSV").click()
    table = pd.read_csv(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    assert len(table) == 301
    assert {"x", "y", "effective_lr_x", "m_hat_y", "gap_keras_vs_pytorch"} <= set(table)
    assert console_errors(page, missing) == []


def test_a_scenario_sets_the_controls_and_opens_its_tab(page, app_url):
    missing = open_page(page, app_url)
    page.get_by_role("combobox", name="Scenarios").click()
    page.get_by_role("option", name="A large ε (0.1): the frameworks disagree").click()
    page.wait_for_function("() => location.search.includes('ia_adam_eps=0.1')", timeout=15_000)
    page.wait_for_timeout(400)
    wait_for_app(page, charts=3)
    tab = page.get_by_role("tab", name="Frameworks")
    assert tab.get_attribute("aria-selected") == "true"
    names = chart(page, 2).evaluate("gd => gd._fullData.map(t => t.name)")
    assert names == ["Keras − PyTorch", "Optax − PyTorch"]
    assert page.locator("[data-testid='stException']").count() == 0
    assert console_errors(page, missing) == []
