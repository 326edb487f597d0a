"""The Playground in a real browser: drawing, animation, clicks, downloads, shared links."""

from __future__ import annotations

import io
import json
import urllib.parse

import pandas as pd
import pytest
from PIL import Image

from tests.browser.conftest import ARTIFACTS, wait_for_app

pytestmark = pytest.mark.browser

RACE = "[data-testid='stPlotlyChart'] .js-plotly-plot"


def race_paths(page) -> dict:
    """Legend name -> first 5 points of each path, as the browser has them."""
    return page.locator(RACE).first.evaluate(
        """gd => Object.fromEntries(gd._fullData.filter(t => t.mode === 'lines').map(
              t => [t.name, Array.from(t.x).slice(0, 5).concat(Array.from(t.y).slice(0, 5))]))"""
    )


def heads(page) -> list:
    return page.locator(RACE).first.evaluate(
        "gd => { const t = gd._fullData[gd._fullData.length - 1];"
        " return Array.from(t.x).concat(Array.from(t.y)); }"
    )


def settle(page, charts: int = 2) -> None:
    page.wait_for_timeout(400)
    wait_for_app(page, charts=charts)


def test_page_loads_cleanly_and_looks_right(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 1900})
    page.goto(app_url)
    wait_for_app(page, charts=2)
    page.wait_for_timeout(800)
    assert page.locator("[data-testid='stException']").count() == 0
    names = list(race_paths(page))
    assert [n.split(" (")[0] for n in names] == ["SGD", "Adam", "RMSProp"]
    # The landscape picture is drawn under the paths.
    assert page.locator(f"{RACE} .imagelayer image").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "playground.png"))
    assert page.console_errors == []


def test_slider_change_redraws_and_lands_in_the_url(page, app_url):
    page.goto(app_url)
    wait_for_app(page, charts=2)
    before = race_paths(page)
    slider = page.get_by_role("slider", name="α — learning rate").nth(1)  # Adam's
    slider.focus()
    slider.press("ArrowRight")
    page.wait_for_function(
        "before => { const gd = document.querySelector("
        "\"[data-testid='stPlotlyChart'] .js-plotly-plot\");"
        " const t = gd._fullData.filter(t => t.mode === 'lines')[1];"
        " return t && t.name !== before; }",
        arg=list(before)[1],
        timeout=15_000,
    )
    after = race_paths(page)
    assert list(after)[1].startswith("Adam (α=0.03,")
    assert after[list(after)[1]] != before[list(before)[1]]
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query.get("pg_adam_lr") == ["0.03"]
    # The link reproduces the figure in a fresh page.
    other = page.context.new_page()
    other.goto(page.url)
    wait_for_app(other, charts=2)
    assert list(race_paths(other))[1].startswith("Adam (α=0.03,")
    assert page.console_errors == []


def test_play_animates_the_markers(page, app_url):
    page.goto(app_url)
    wait_for_app(page, charts=2)
    final = heads(page)
    page.locator(f"{RACE} .updatemenu-button", has_text="Play").first.click()
    page.wait_for_timeout(700)
    early = heads(page)
    assert early != final  # the markers went back to the start and are moving
    page.wait_for_timeout(500)
    later = heads(page)
    assert later != early
    assert page.console_errors == []
    page.locator(f"{RACE} .updatemenu-button", has_text="❚❚").first.click()
    page.wait_for_timeout(300)
    paused = heads(page)
    page.wait_for_timeout(400)
    assert heads(page) == paused
    # Pausing interrupts the running animation, whose promise Plotly.js rejects with no value
    # on purpose (plotly/plotly.js#2438); that bare rejection is the only message allowed.
    assert set(page.console_errors) <= {"undefined"}


def test_clicking_the_map_moves_the_start(page, app_url):
    page.goto(app_url)
    wait_for_app(page, charts=2)
    box = page.locator(f"{RACE} .nsewdrag").first.bounding_box()
    # Rosenbrock's map spans x in [-2, 2], y in [-1, 3]: click near (1.0, 2.0).
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    page.wait_for_function(
        "() => document.querySelector('input[aria-label=\"Start x\"]')?.value !== '-1.500'",
        timeout=15_000,
    )
    settle(page)
    x = float(page.get_by_label("Start x").input_value())
    y = float(page.get_by_label("Start y").input_value())
    # The click lands on the nearest point of the 21 x 21 grid: within 4/20/2 of the aim.
    assert x == pytest.approx(1.0, abs=0.11) and y == pytest.approx(2.0, abs=0.11)
    first = next(iter(race_paths(page).values()))
    assert first[0] == pytest.approx(x, abs=1e-3) and first[5] == pytest.approx(y, abs=1e-3)


@pytest.mark.parametrize(
    ("label", "check"),
    [
        ("Steps as CSV", lambda data: len(pd.read_csv(io.BytesIO(data))) == 3 * 1001),
        ("Steps as JSON", lambda data: len(json.loads(data)["runs"]) == 3),
        ("Race as GIF", lambda data: Image.open(io.BytesIO(data)).n_frames > 50),
        (
            "Animation as HTML",
            lambda data: b"adam-lab-figure" in data and b"Plotly.newPlot" in data,
        ),
    ],
)
def test_downloads_produce_valid_files(page, app_url, label, check):
    page.goto(app_url)
    wait_for_app(page, charts=2)
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name=label).click()
    path = info.value.path()
    with open(path, "rb") as file:
        assert check(file.read())
    assert page.console_errors == []


def test_tampered_link_shows_a_warning(page, app_url):
    page.goto(app_url + "/?pg_steps=abc&pg_function=Nowhere")
    wait_for_app(page, charts=2)
    warning = page.locator("[data-testid='stAlert']").first.inner_text()
    assert "pg_steps" in warning and "pg_function" in warning
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_preset_beats_a_link_value_for_a_hidden_optimizer(page, app_url):
    # The link sets momentum's α while momentum is not shown; the preset then shows it.
    page.goto(app_url + "/?pg_optimizers=Adam&pg_momentum_lr=0.0005")
    wait_for_app(page, charts=2)
    page.get_by_role("combobox", name="Teacher presets").click()
    page.get_by_role("option", name="SGD zig-zags across a narrow valley, Adam follows it").click()
    page.wait_for_function(
        "chart => { const gd = document.querySelector(chart);"
        " return gd?._fullData?.some(t => t.name?.startsWith('SGD + momentum')); }",
        arg=RACE,
        timeout=30_000,
    )
    settle(page)
    names = list(race_paths(page))
    assert "SGD + momentum (α=0.0002, μ=0.9)" in names
    assert page.console_errors == []
