"""Inside Adam in a real browser: layout, slider redraws, clicking the path, the CSV."""

from __future__ import annotations

import io
import urllib.parse

import pandas as pd
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

CHARTS = ["ia_path", "ia_steps_chart", "ia_bias_factors"]  # the Bias correction tab is open
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
    wait_for_app(page, CHARTS)
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


def draws(page, keys: list[str]) -> dict[str, int]:
    """How many figures each chart has drawn so far."""
    return {key: chart_stats(page, key)["draws"] for key in keys}


def heading(page) -> str:
    return page.locator("h3").filter(has_text="every equation").first.inner_text()


def test_page_loads_cleanly_and_looks_right(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 2600})
    missing = open_page(page, app_url)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("iframe[title^='ui.chart.adam_lab_chart']").count() == 3
    # The map has its landscape picture and the run; the inspector shows step 10.
    assert chart(page, "ia_path").locator(".imagelayer image").count() == 1
    names = chart(page, "ia_path").evaluate("gd => gd._fullData.map(t => t.name)")
    assert "Adam" in names and "Adam without bias correction" in names
    assert heading(page).startswith("Step 10")
    assert page.locator(".katex").count() >= 4
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "inside_adam.png"), full_page=True)
    assert console_errors(page, missing) == []


def test_slider_change_redraws_the_charts_and_lands_in_the_url(page, app_url):
    missing = open_page(page, app_url)
    before = draws(page, CHARTS)
    slider = page.get_by_role("slider", name="β1 — momentum of the gradient average")
    slider.focus()
    slider.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('ia_adam_b1=0.899')")
    # β1 changes every chart on the page: all three draw a new figure, in the same graph.
    for key in CHARTS:
        wait_for_chart(page, key, "stats.draws > arg", before[key])
    wait_for_app(page, CHARTS)
    subtitle = chart(page, "ia_path").evaluate("gd => gd._fullLayout.title.subtitle.text")
    assert "β1=0.899" in subtitle
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query["ia_adam_b1"] == ["0.899"]
    assert page.locator("[data-testid='stException']").count() == 0
    assert console_errors(page, missing) == []


def assert_show_alpha(page, keys: list[str], alpha: str) -> None:
    """The charts `keys` name α = `alpha` in their subtitles, and SGD's line on the curves
    is α itself."""
    for key in keys:
        subtitle = chart(page, key).evaluate("gd => gd._fullLayout.title.subtitle.text")
        assert f"α={alpha}," in subtitle
    sgd = chart(page, "ia_steps_chart").evaluate(
        "gd => Array.from(gd._fullData.find(t => t.name === 'SGD (= α)').y).slice(0, 3)"
    )
    assert sgd == pytest.approx([float(alpha)] * 3)


def test_alpha_redraws_the_map_and_the_curves_from_their_stops_before_the_rerun(page, app_url):
    answers = HeldAnswers(page)
    missing = open_page(page, app_url)
    live = ["ia_path", "ia_steps_chart"]
    before = {key: chart_stats(page, key) for key in live}
    slider = page.get_by_role("slider", name="α — learning rate")
    answers.holding = True  # the rerun's messages wait: what the page shows, it drew itself
    slider.focus()
    slider.press("ArrowRight")  # 0.02 -> 0.03
    assert slider.get_attribute("aria-valuetext") == "0.03"
    wait_for_live_redraws(page, before)
    assert_show_alpha(page, live, "0.03")
    answers.release()
    page.wait_for_function("() => location.search.includes('ia_adam_lr=0.03')")
    wait_for_new_figures(page, {key: before[key]["rev"] for key in live})
    wait_for_app(page, CHARTS)
    # Two quick moves back, answered as they come: when the page has settled, the charts show
    # the value the slider shows (a redraw asked for under an earlier figure lands on its value).
    drawn = {key: chart_stats(page, key)["rev"] for key in live}
    slider.press("ArrowLeft")
    slider.press("ArrowLeft")  # 0.03 -> 0.015
    page.wait_for_function("() => location.search.includes('ia_adam_lr=0.015')")
    wait_for_new_figures(page, drawn)
    wait_for_app(page, CHARTS)
    assert_show_alpha(page, live, "0.015")
    assert console_errors(page, missing) == []


def test_clicking_the_path_selects_that_step(page, app_url):
    missing = open_page(page, app_url)
    path = chart(page, "ia_path")
    path.scroll_into_view_if_needed()
    # The plot area, and where the 21st click target is inside it.
    area = path.locator(".draglayer .xy .nsewdrag").first
    x, y = path.evaluate(
        """gd => {
            // Report the step of the point Plotly picks (the path may pass close to itself).
            gd.on('plotly_click', event => {
                gd.ownerDocument.defaultView.clickedStep = event.points[0].customdata; });
            const t = gd._fullData.find(t => t.name.startsWith('click'));
            const i = 20, xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            return [xa.l2p(t.x[i]), ya.l2p(t.y[i])];
        }"""
    )
    area.hover(position={"x": x, "y": y})
    # Plotly picks the point under the pointer as the hover label shows it.
    path.locator(".hoverlayer .hovertext").first.wait_for()
    area.click(position={"x": x, "y": y})
    wait_for_chart(page, "ia_path", "gd.ownerDocument.defaultView.clickedStep !== undefined")
    step = path.evaluate("gd => gd.ownerDocument.defaultView.clickedStep")
    assert step > 10
    page.wait_for_function(
        "step => [...document.querySelectorAll('h3')].some("
        "h => h.innerText.startsWith(`Step ${step}:`))",
        arg=step,
    )
    wait_for_chart(
        page, "ia_path", "gd._fullData.some(t => t.name.startsWith(`step ${arg}:`))", step
    )
    wait_for_app(page, CHARTS)
    slider = page.get_by_role("slider", name="Step t to inspect")
    assert slider.input_value() == str(step)
    names = chart(page, "ia_path").evaluate("gd => gd._fullData.map(t => t.name)")
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
    page.wait_for_function("() => location.search.includes('ia_adam_eps=0.1')")
    # The Frameworks tab opens and draws its chart.
    wait_for_chart(page, "ia_conventions")
    wait_for_app(page, ["ia_path", "ia_steps_chart", "ia_conventions"])
    tab = page.get_by_role("tab", name="Frameworks")
    assert tab.get_attribute("aria-selected") == "true"
    names = chart(page, "ia_conventions").evaluate("gd => gd._fullData.map(t => t.name)")
    assert names == ["Keras − PyTorch", "Optax − PyTorch"]
    assert page.locator("[data-testid='stException']").count() == 0
    assert console_errors(page, missing) == []
