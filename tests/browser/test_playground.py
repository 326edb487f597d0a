"""The Playground in a real browser: drawing, animation, clicks, zoom, live sliders, downloads,
shared links."""

from __future__ import annotations

import io
import json
import urllib.parse

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from lessons.playground import DEFAULT
from tests.browser.conftest import (
    ARTIFACTS,
    HeldAnswers,
    array_attribute_mismatches,
    chart,
    chart_frame,
    chart_stats,
    script_runs,
    wait_for_app,
    wait_for_chart,
    wait_for_live_redraws,
    wait_for_new_figures,
)
from ui.hyperparameters import LEARNING_RATES
from viz.curves import SCRUB_POINTS as CURVE_POINTS
from viz.paths import SCRUB_POINTS

pytestmark = pytest.mark.browser

CHARTS = ["pg_race", "pg_progress"]
# The graph's legend entries, as drawn.
LEGEND = "[...gd.querySelectorAll('.legendtext')].map(e => e.textContent)"
# Adam's path line in the race figure, as drawn.
ADAM = "gd._fullData.find(t => t.mode === 'lines' && t.name.startsWith('Adam ('))"


def race_paths(page) -> dict:
    """Legend name -> first 5 points of each path, as the browser has them."""
    return chart(page, "pg_race").evaluate(
        """gd => Object.fromEntries(gd._fullData.filter(t => t.mode === 'lines').map(
              t => [t.name, Array.from(t.x).slice(0, 5).concat(Array.from(t.y).slice(0, 5))]))"""
    )


def heads(page) -> list:
    return chart(page, "pg_race").evaluate(
        "gd => { const t = gd._fullData[gd._fullData.length - 1];"
        " return Array.from(t.x).concat(Array.from(t.y)); }"
    )


def adam_slider(page):
    """Adam's α in the sidebar (the second α slider: SGD, Adam, RMSProp)."""
    return page.get_by_role("slider", name="α — learning rate").nth(1)


def query(page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)


def test_page_loads_cleanly_and_looks_right(page, app_url):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_viewport_size({"width": 1440, "height": 1900})
    page.goto(app_url)
    wait_for_app(page, CHARTS)
    assert page.locator("[data-testid='stException']").count() == 0
    names = list(race_paths(page))
    assert [n.split(" (")[0] for n in names] == ["SGD", "Adam", "RMSProp"]
    # The landscape picture is drawn under the paths.
    wait_for_chart(page, "pg_race", "gd.querySelectorAll('.imagelayer image').length >= 1")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "playground.png"))
    # The charts draw with the project's plotly.js bundle; Streamlit's own plotly.js chunk
    # (static/js/PlotlyChart.*.js, 4.7 MB) is never fetched.
    assert [u for u in requests if "/component/" in u and "plotly-cartesian.min.js" in u]
    assert not [u for u in requests if "/static/" in u and "plotly" in u.lower()]
    assert page.console_errors == []


def test_slider_change_redraws_and_lands_in_the_url(page, app_url):
    page.goto(app_url)
    wait_for_app(page, CHARTS)
    before = race_paths(page)
    slider = adam_slider(page)
    slider.focus()
    slider.press("ArrowRight")
    wait_for_chart(page, "pg_race", f"{ADAM}?.name !== arg", list(before)[1])
    after = race_paths(page)
    assert list(after)[1].startswith("Adam (α=0.03,")
    assert after[list(after)[1]] != before[list(before)[1]]
    page.wait_for_function("() => location.search.includes('pg_adam_lr=0.03')")
    assert query(page).get("pg_adam_lr") == ["0.03"]
    # The link reproduces the figure in a fresh page.
    other = page.context.new_page()
    other.goto(page.url)
    wait_for_app(other, CHARTS)
    assert list(race_paths(other))[1].startswith("Adam (α=0.03,")
    assert page.console_errors == []


@pytest.mark.parametrize(
    ("label", "legend"),
    [
        ("α — learning rate", "Adam (α=0.03,"),
        ("β2 — memory of the squared gradients", "Adam (α=0.02, β1=0.9, β2=0.9995,"),
    ],
)
def test_zoom_is_kept_when_a_slider_changes_the_figure(page, app_url, label, legend):
    page.goto(app_url)
    wait_for_app(page, CHARTS)
    race = chart(page, "pg_race")
    full = race.evaluate("gd => [gd._fullLayout.xaxis.range, gd._fullLayout.yaxis.range]")
    # The toolbar's "Zoom in": a zoom the user made (which layout.uirevision keeps).
    race.hover()
    race.locator(".modebar-btn[data-title='Zoom in']").click()
    wait_for_chart(page, "pg_race", "gd._fullLayout.xaxis.range[1] < arg", full[0][1])
    zoomed = race.evaluate("gd => [gd._fullLayout.xaxis.range, gd._fullLayout.yaxis.range]")
    width = zoomed[0][1] - zoomed[0][0]
    assert width == pytest.approx((full[0][1] - full[0][0]) / 2, rel=1e-6)
    before = chart_stats(page, "pg_race")
    # Adam's α (the second α: SGD, Adam, RMSProp) or β2 (Adam's alone) in the sidebar.
    slider = page.get_by_role("slider", name=label).nth(1 if label.startswith("α") else 0)
    slider.focus()
    slider.press("ArrowRight")
    # Redrawn with the new value, first from its stops, then by the rerun's figure in the
    # same graph: Adam's legend entry names it, and the zoom stays at both.
    wait_for_chart(page, "pg_race", f"{LEGEND}.some(t => t.startsWith(arg))", legend)
    ranges = "gd => [gd._fullLayout.xaxis.range, gd._fullLayout.yaxis.range]"
    assert race.evaluate(ranges) == zoomed
    wait_for_chart(page, "pg_race", "stats.draws > arg", before["draws"])
    wait_for_app(page, CHARTS)
    after = chart_stats(page, "pg_race")
    assert after["mount"] == before["mount"]
    assert race.evaluate(ranges) == zoomed
    assert page.console_errors == []


def test_a_live_slider_redraws_the_path_without_a_rerun_and_sets_the_widget_on_release(
    page, app_url
):
    frames = {"sent": 0}

    def on_socket(socket) -> None:
        socket.on("framesent", lambda _: frames.update(sent=frames["sent"] + 1))

    page.on("websocket", on_socket)
    page.goto(app_url)
    wait_for_app(page, CHARTS)
    live = chart_frame(page, "pg_race").get_by_role("slider", name="Adam α")
    output = chart_frame(page, "pg_race").locator(".scrub", has=live).locator("output")
    # The stop the live slider shows is drawn.
    shown = (
        "stats.scrubShown.pg_adam_lr === Number(gd.ownerDocument"
        ".querySelector('input[aria-label=\"Adam α\"]').value)"
    )
    sample = f"gd => {{ const t = {ADAM}; return [t.x.length, t.x[100], t.y[100]]; }}"
    runs, sent, draws = script_runs(page), frames["sent"], chart_stats(page, "pg_race")["draws"]

    # Press on the thumb and drag it to the right, about one stop per move.
    stops, start = int(live.get_attribute("max")), int(live.input_value())
    width = live.bounding_box()["width"]
    step = (width - 16) / stops  # the thumb's centre stays 8 pixels from either end
    # Onto the thumb, relative to the slider, which Playwright scrolls to and waits to be still.
    live.hover(position={"x": 8 + step * start, "y": live.bounding_box()["height"] / 2})
    box = live.bounding_box()
    x, y = box["x"] + 8 + step * start, box["y"] + box["height"] / 2
    page.mouse.down()
    drawn = []
    for move in range(1, 7):
        page.mouse.move(x + move * step, y, steps=2)
        wait_for_chart(page, "pg_race", shown)
        drawn.append(chart(page, "pg_race").evaluate(sample))
    # Adam's path bent at (nearly) every move, from the stops sent ahead (SCRUB_POINTS points
    # each), and nothing went to the server: no websocket message, no script run, no figure.
    assert {d[0] for d in drawn} == {SCRUB_POINTS}
    assert len({tuple(d[1:]) for d in drawn}) >= 5
    assert frames["sent"] == sent and script_runs(page) == runs
    assert chart_stats(page, "pg_race")["draws"] == draws
    stop, value = int(live.input_value()), output.inner_text()
    assert stop > start and float(value) > 0.02

    page.mouse.up()
    # Released: one run; the sidebar widget, the address and the new figure take the value.
    page.wait_for_function(
        "value => new URLSearchParams(location.search).get('pg_adam_lr') === value",
        arg=value,
    )
    wait_for_chart(page, "pg_race", f"{LEGEND}.some(t => t.startsWith(`Adam (α=${{arg}},`))", value)
    wait_for_app(page, CHARTS)
    assert adam_slider(page).get_attribute("aria-valuetext") == value
    assert script_runs(page) == runs + 1
    assert int(live.input_value()) == stop and output.inner_text() == value
    # After live redraws and an update, the charts' cached listing of array attributes is
    # still plotly.js's own on every trace.
    checked, wrong = array_attribute_mismatches(page)
    assert checked >= 10 and wrong == []
    # The new figure's path (every step) is the one the live slider showed last, to float16.
    steps, xs, ys = chart(page, "pg_race").evaluate(
        f"gd => {{ const t = {ADAM}; return [t.x.length, Array.from(t.x), Array.from(t.y)]; }}"
    )
    keep = np.unique(np.linspace(0, steps - 1, SCRUB_POINTS).round().astype(int))
    assert [xs[keep[100]], ys[keep[100]]] == pytest.approx(drawn[-1][1:], rel=2**-11, abs=1e-6)
    assert page.console_errors == []


def test_the_sidebar_alpha_redraws_both_charts_from_their_stops_before_the_rerun(page, app_url):
    answers = HeldAnswers(page)
    page.goto(app_url)
    wait_for_app(page, CHARTS)
    before = {key: chart_stats(page, key) for key in CHARTS}
    slider = adam_slider(page)
    start = slider.get_attribute("aria-valuetext")
    answers.holding = True  # the rerun's messages wait: what the page shows now, it drew itself
    slider.focus()
    slider.press("ArrowRight")  # one stop up: 0.02 -> 0.03
    value = slider.get_attribute("aria-valuetext")
    assert float(value) > float(start)
    # Both charts redrew from their stops: a live redraw (not a figure) of the next stop.
    wait_for_live_redraws(page, before)
    live = {key: chart_stats(page, key) for key in CHARTS}
    for key in CHARTS:
        assert live[key]["scrubShown"]["pg_adam_lr"] == before[key]["scrubShown"]["pg_adam_lr"] + 1
    # The map's legend and the progress chart's subtitle already name the new α; Adam's loss
    # curve holds that stop's values.
    legend = chart(page, "pg_race").evaluate(f"gd => {LEGEND}")
    assert any(t.startswith(f"Adam (α={value},") for t in legend)
    subtitle = chart(page, "pg_progress").evaluate("gd => gd._fullLayout.title.subtitle.text")
    assert f"Adam (α={value}," in subtitle
    adam_curve = "gd => { const t = gd._fullData[1]; return [Array.from(t.x), Array.from(t.y)]; }"
    steps, losses = chart(page, "pg_progress").evaluate(adam_curve)
    assert len(steps) == CURVE_POINTS and steps[-1] == DEFAULT.steps

    # Then the rerun: the address and the figures take the value, and nothing is redrawn live
    # a second time.
    answers.release()
    page.wait_for_function(
        "value => new URLSearchParams(location.search).get('pg_adam_lr') === value", arg=value
    )
    wait_for_new_figures(page, {key: live[key]["rev"] for key in CHARTS})
    wait_for_app(page, CHARTS)
    for key in CHARTS:
        assert chart_stats(page, key)["scrubDraws"] == live[key]["scrubDraws"]
    # The figure's curve (every step) is the one the live redraw showed, at its steps.
    length, full = chart(page, "pg_progress").evaluate(
        "gd => { const t = gd._fullData[1]; return [t._length, Array.from(t.y)]; }"
    )
    assert length == DEFAULT.steps + 1
    np.testing.assert_allclose(np.take(full, np.asarray(steps, dtype=int)), losses, rtol=1e-5)
    # A move of the map's own live slider redraws the progress chart too.
    drawn = chart_stats(page, "pg_progress")["scrubDraws"]
    beta2 = chart_frame(page, "pg_race").get_by_role("slider", name="Adam β2")
    beta2.focus()
    beta2.press("ArrowLeft")
    wait_for_chart(page, "pg_progress", "stats.scrubDraws > arg", drawn)
    assert page.console_errors == []


def test_dragging_the_sidebar_alpha_redraws_both_charts_as_the_thumb_moves(page, app_url):
    page.goto(app_url)
    wait_for_app(page, CHARTS)
    before = {key: chart_stats(page, key) for key in CHARTS}
    runs = script_runs(page)
    thumb = page.locator(".st-key-pg_adam_lr [data-rac][style*=translate]")
    thumb.scroll_into_view_if_needed()
    box = thumb.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for move in range(1, 21):
        page.mouse.move(x - 3 * move, y)
    shown = adam_slider(page).get_attribute("aria-valuetext")
    stop = LEARNING_RATES.index(float(shown))
    assert stop < before["pg_race"]["scrubShown"]["pg_adam_lr"]  # the thumb went left
    # While the thumb is held, both charts show its stop, and the script has not run.
    for key in CHARTS:
        wait_for_chart(page, key, "stats.scrubShown.pg_adam_lr === arg", stop)
        assert chart_stats(page, key)["scrubDraws"] > before[key]["scrubDraws"]
    assert script_runs(page) == runs
    page.mouse.up()
    page.wait_for_function(
        "value => new URLSearchParams(location.search).get('pg_adam_lr') === value", arg=shown
    )
    wait_for_chart(page, "pg_race", f"{LEGEND}.some(t => t.startsWith(`Adam (α=${{arg}},`))", shown)
    assert page.console_errors == []


def test_play_animates_the_markers(page, app_url):
    page.goto(app_url)
    wait_for_app(page, CHARTS)
    race = chart(page, "pg_race")
    final = heads(page)
    race.evaluate(
        """gd => { window.animated = 0;
                   gd.on('plotly_animatingframe', () => { window.animated += 1; }); }"""
    )
    race.locator(".updatemenu-button", has_text="Play").first.click()
    # The markers went back to the start and are moving.
    wait_for_chart(page, "pg_race", "gd.ownerDocument.defaultView.animated >= 3")
    early = heads(page)
    assert early != final
    wait_for_chart(page, "pg_race", "gd.ownerDocument.defaultView.animated >= 10")
    later = heads(page)
    assert later != early
    assert page.console_errors == []
    race.locator(".updatemenu-button", has_text="❚❚").first.click()
    # Paused: over the next 20 display frames no animation frame is drawn.
    moved = race.evaluate(
        """gd => new Promise(resolve => {
               const view = gd.ownerDocument.defaultView;
               let ticks = 0, first = null;
               const tick = () => {
                   ticks += 1;
                   if (ticks === 3) first = view.animated;  // one in flight may still land
                   if (ticks < 23) view.requestAnimationFrame(tick);
                   else resolve(view.animated - first);
               };
               view.requestAnimationFrame(tick);
           })"""
    )
    paused = heads(page)
    assert moved == 0
    assert race.evaluate("gd => gd.ownerDocument.defaultView.animated") >= 10
    assert heads(page) == paused
    # Pausing interrupts the running animation, whose promise Plotly.js rejects with no value
    # on purpose (plotly/plotly.js#2438); the chart does not report that bare rejection.
    assert page.console_errors == []


def test_2x_goes_on_from_the_paused_frame_showing_every_second_frame(page, app_url):
    page.goto(app_url)
    wait_for_app(page, CHARTS)
    race = chart(page, "pg_race")
    names = race.evaluate("gd => gd._transitionData._frames.map(f => f.name)")
    assert len(names) == 241
    # Stand on frame 7 (not one of 2×'s frames), as a pause there would leave it.
    race.evaluate(
        """(gd, name) => gd.ownerDocument.defaultView.Plotly.animate(gd, [name], {
               mode: 'immediate', frame: {duration: 0, redraw: false}, transition: {duration: 0}
           })""",
        names[7],
    )
    wait_for_chart(page, "pg_race", "gd._fullLayout._currentFrame === arg", names[7])
    race.evaluate(
        """gd => { const view = gd.ownerDocument.defaultView;
                   gd.on('plotly_animatingframe', e => view.shown.push(e.name));
                   gd.on('plotly_animated', () => { view.finished = true; }); }"""
    )

    def play_2x() -> list[str]:
        race.evaluate("gd => { const view = gd.ownerDocument.defaultView;"
                      " view.shown = []; view.finished = false; }")  # fmt: skip
        race.locator(".updatemenu-button", has_text="2×").first.click()
        wait_for_chart(page, "pg_race", "gd.ownerDocument.defaultView.finished")
        return race.evaluate("gd => gd.ownerDocument.defaultView.shown")

    # From frame 7 on, every second frame to the last: not from the start.
    assert play_2x() == names[8::2]
    # At the end it starts over, like Play.
    assert play_2x() == names[::2]
    assert page.console_errors == []


def test_clicking_the_map_moves_the_start(page, app_url):
    page.goto(app_url)
    wait_for_app(page, CHARTS)
    race = chart(page, "pg_race")
    area = race.locator(".draglayer .xy .nsewdrag").first
    box = area.bounding_box()
    (x0, x1), (y0, y1) = race.evaluate(
        "gd => [gd._fullLayout.xaxis.range, gd._fullLayout.yaxis.range]"
    )
    # Click three quarters across and a quarter down: (1.0, 2.0) on Rosenbrock's map. The
    # position is relative to the plot area, which Playwright finds again, still, at the click:
    # page coordinates read before it go stale if anything above the chart changes height.
    area.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.25})
    page.wait_for_function(
        "() => document.querySelector('input[aria-label=\"Start x\"]')?.value !== '-1.500'",
    )
    x = float(page.get_by_label("Start x").input_value())
    y = float(page.get_by_label("Start y").input_value())
    # The start is where the pointer was, to a pixel (the plot is about 480 pixels wide).
    pixel = (x1 - x0) / box["width"]
    assert x == pytest.approx(x0 + 0.75 * (x1 - x0), abs=2 * pixel)
    assert y == pytest.approx(y1 - 0.25 * (y1 - y0), abs=2 * pixel)
    wait_for_chart(
        page, "pg_race", "gd._fullData.find(t => t.mode === 'lines').x[0] === Math.fround(arg)", x
    )
    wait_for_app(page, CHARTS)
    for path in race_paths(page).values():
        assert path[0] == pytest.approx(x, abs=1e-6) and path[5] == pytest.approx(y, abs=1e-6)
    assert float(query(page)["pg_x"][0]) == x
    assert page.console_errors == []


@pytest.mark.parametrize(
    ("label", "check"),
    [
        ("Steps as CSV", lambda data: len(pd.read_csv(io.BytesIO(data))) == 3 * 1001),
        ("Steps as JSON", lambda data: len(json.loads(data)["runs"]) == 3),
        ("Race as GIF", lambda data: Image.open(io.BytesIO(data)).n_frames > 50),
        (
            "Animation as HTML",  # the file as made: nothing the app adds to its own page
            lambda data: (
                b"adam-lab-figure" in data
                and b"Plotly.newPlot" in data
                and b"modulepreload" not in data
            ),
        ),
    ],
)
def test_downloads_produce_valid_files(page, app_url, label, check):
    page.goto(app_url)
    wait_for_app(page, CHARTS)
    with page.expect_download() as info:
        page.get_by_role("button", name=label).click()
    path = info.value.path()
    with open(path, "rb") as file:
        assert check(file.read())
    assert page.console_errors == []


def test_tampered_link_shows_a_warning(page, app_url):
    page.goto(app_url + "/?pg_steps=abc&pg_function=Nowhere")
    wait_for_app(page, CHARTS)
    warning = page.locator("[data-testid='stAlert']").first.inner_text()
    assert "pg_steps" in warning and "pg_function" in warning
    assert page.locator("[data-testid='stException']").count() == 0


def test_an_unusable_link_value_leaves_the_address(page, app_url):
    page.goto(app_url + "/?pg_steps=99999&pg_optimizers=Adam")
    wait_for_app(page, CHARTS)
    page.wait_for_function("() => !new URLSearchParams(location.search).has('pg_steps')")
    assert query(page) == {"pg_optimizers": ["Adam"]}  # the usable value stays
    warning = page.locator("[data-testid='stAlert']").first.inner_text()
    assert "pg_steps=99999" in warning and "1000 is shown instead" in warning
    assert page.get_by_role("slider", name="Steps").input_value() == "1000"
    assert page.console_errors == []


def test_link_text_is_shown_as_typed_never_as_markup(page, app_url):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    steps, start = "[Log in](http://example.com/x)", "![](http://example.com/p.png)"
    page.goto(app_url + "/?" + urllib.parse.urlencode({"pg_steps": steps, "pg_x": start}))
    wait_for_app(page, CHARTS)
    alert = page.locator("[data-testid='stAlert']").filter(has_text="This link held").first
    # As typed, up to the invisible word joiner after "http" that keeps browsers and Markdown
    # from turning the address into a link.
    text = alert.inner_text().replace("\u2060", "")
    assert steps in text and start in text
    assert alert.locator("a").count() == 0 and alert.locator("img").count() == 0
    assert (
        page.locator("a[href^='http://example.com'], img[src^='http://example.com']").count() == 0
    )
    hosts = {urllib.parse.urlparse(u).hostname for u in requests if u.startswith("http")}
    assert hosts == {"127.0.0.1"}
    assert page.console_errors == []


def test_a_preset_beats_a_link_value_for_a_hidden_optimizer(page, app_url):
    # The link sets momentum's α while momentum is not shown; the preset then shows it.
    page.goto(app_url + "/?pg_optimizers=Adam&pg_momentum_lr=0.0005")
    wait_for_app(page, CHARTS)
    page.get_by_role("combobox", name="Teacher presets").click()
    page.get_by_role("option", name="SGD zig-zags across a narrow valley, Adam follows it").click()
    wait_for_chart(
        page,
        "pg_race",
        "gd._fullData.some(t => t.name?.startsWith('SGD + momentum'))",
    )
    wait_for_app(page, CHARTS)
    names = list(race_paths(page))
    assert "SGD + momentum (α=0.0002, μ=0.9)" in names
    assert page.console_errors == []


def test_an_optimizer_taken_away_and_back_keeps_its_settings(page, app_url):
    # Only the chosen optimizers have widgets; one taken away keeps its link value.
    page.goto(app_url + "/?pg_optimizers=Adam&pg_optimizers=SGD&pg_sgd_lr=0.005")
    wait_for_app(page, CHARTS)
    assert "SGD (α=0.005)" in race_paths(page)
    page.get_by_role("button", name="Remove SGD").first.click()
    wait_for_chart(page, "pg_race", "!gd._fullData.some(t => t.name?.startsWith('SGD ('))")
    wait_for_app(page, CHARTS)
    assert page.get_by_role("slider", name="α — learning rate").count() == 1  # Adam's only
    page.get_by_role("combobox", name="Optimizers to compare").click()
    page.get_by_role("option", name="SGD", exact=True).click()
    wait_for_chart(page, "pg_race", "gd._fullData.some(t => t.name?.startsWith('SGD ('))")
    wait_for_app(page, CHARTS)
    assert "SGD (α=0.005)" in race_paths(page)
    page.wait_for_function("() => new URLSearchParams(location.search).get('pg_sgd_lr')")
    assert query(page)["pg_sgd_lr"] == ["0.005"]
    assert page.console_errors == []
