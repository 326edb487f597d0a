"""The Playground page through Streamlit's AppTest: every control reaches the figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from functions import MAX_LATEX
from lessons.playground import DEFAULT, PRESETS_BY_KEY
from tests.charts import app_test, click, figure, figures, keys, message, release
from tests.functions.corpus import CORPUS
from tests.markdown import shown
from tests.plotly_data import values
from ui.chart.payload import decode_stops
from ui.hyperparameters import LEARNING_RATES, controls_for, key_for
from viz.paths import SCRUB_POINTS

TIMEOUT = 60
# The map's live stops travel as float16: 11 significant bits.
FLOAT16 = {"rtol": 2**-11, "atol": 1e-6}
APP = str(Path(__file__).parents[2] / "app.py")


def open_page(query: dict | None = None) -> AppTest:
    at = app_test(APP, TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def race(at: AppTest) -> dict:
    return figure(at, "pg_race")


def paths(figure: dict) -> dict[str, np.ndarray]:
    """Legend label -> path points (x, y) of every optimizer in the race figure."""
    out = {}
    for trace in figure["data"]:
        if trace.get("mode") == "lines":
            out[trace["name"]] = np.column_stack((values(trace["x"]), values(trace["y"])))
    return out


def widget(at: AppTest, key: str):
    for kind in (
        "selectbox",
        "select_slider",
        "slider",
        "multiselect",
        "number_input",
        "text_input",
    ):
        try:
            return getattr(at, kind)(key=key)
        except KeyError:
            continue
    raise KeyError(key)


@pytest.fixture(scope="module")
def default_page():
    return open_page()


def test_default_page_shows_the_race(default_page):
    at = default_page
    # The race, then loss and distance (the 3-D view is drawn only when its tab is open).
    assert keys(at) == ["pg_race", "pg_progress"]
    race, progress = figures(at).values()
    assert [t["yaxis"] for t in progress["data"]] == ["y"] * 3 + ["y2"] * 3
    labels = list(paths(race))
    assert [label.split(" (")[0] for label in labels] == [name for name, _ in DEFAULT.optimizers]
    assert "α=0.02" in labels[1]
    assert race["layout"]["title"]["text"].startswith("Rosenbrock — start (-1.5, 2.5), 1000 steps")
    assert len(race["frames"]) == 241  # step 0, then 240 more up to step 1 000
    assert not at.warning
    assert len(at.get("download_button")) == 4
    # The summary: a Markdown table with a row per optimizer.
    [summary] = [m.value for m in at.markdown if m.value.startswith("| optimizer | settings |")]
    rows = summary.splitlines()[2:]
    assert [row.split(" | ")[0] for row in rows] == [f"| {name}" for name, _ in DEFAULT.optimizers]


def test_function_control_changes_landscape_and_paths():
    at = open_page()
    before = race(at)
    at.selectbox(key="pg_function").set_value("himmelblau").run()
    after = race(at)
    assert after["layout"]["title"]["text"].startswith("Himmelblau")
    assert after["layout"]["images"][0]["source"] != before["layout"]["images"][0]["source"]
    assert after["layout"]["xaxis"]["range"] == [-5, 5]
    stars = next(t for t in after["data"] if t.get("name") == "known minima")
    assert len(values(stars["x"])) == 4


def test_optimizer_selection_sets_the_paths():
    at = open_page()
    at.multiselect(key="pg_optimizers").set_value(["Nesterov", "AMSGrad", "Adagrad", "AdamW"]).run()
    names = [label.split(" (")[0] for label in paths(race(at))]
    assert names == ["Nesterov", "AMSGrad", "Adagrad", "AdamW"]
    assert at.expander  # one expander of hyperparameters per chosen optimizer
    at.multiselect(key="pg_optimizers").set_value([]).run()
    assert not at.exception and any("at least one optimizer" in i.value for i in at.info)


def test_a_new_function_starts_from_its_own_start_and_custom_range_sets_the_map():
    at = open_page()
    at.selectbox(key="pg_function").set_value("six_hump_camel").run()
    assert (at.number_input(key="pg_x").value, at.number_input(key="pg_y").value) == (-1.5, -0.8)
    at.selectbox(key="pg_function").set_value("custom").run()
    at.select_slider(key="pg_range").set_value(2.0).run()
    figure = race(at)
    assert figure["layout"]["xaxis"]["range"] == [-2, 2]
    assert at.number_input(key="pg_x").value == pytest.approx(-1.4)


def test_steps_and_start_controls():
    at = open_page()
    at.slider(key="pg_steps").set_value(200).run()
    figure = race(at)
    assert figure["frames"][-1]["name"] == "200"
    assert all(len(p) == 201 for p in paths(figure).values())
    at.number_input(key="pg_x").set_value(0.5).run()
    at.number_input(key="pg_y").set_value(-0.5).run()
    for path in paths(race(at)).values():
        np.testing.assert_allclose(path[0], [0.5, -0.5], rtol=1e-6)


@pytest.mark.parametrize(
    ("variant", "hyperparameter", "value", "shown"),
    [
        ("Adam", "learning_rate", 0.05, "α=0.05"),
        ("Adam", "beta1", 0.5, "β1=0.5"),
        ("Adam", "beta2", 0.99, "β2=0.99"),
        ("Adam", "epsilon", 0.1, "ε=0.1"),
        ("SGD", "learning_rate", 0.0005, "α=0.0005"),
        ("RMSProp", "rho", 0.9, "ρ=0.9"),
        ("RMSProp", "epsilon", 1e-6, "ε=1e-06"),
    ],
)
def test_each_hyperparameter_control_reaches_the_run(variant, hyperparameter, value, shown):
    at = open_page()
    before = paths(race(at))
    widget(at, key_for("pg", variant, hyperparameter)).set_value(value).run()
    after = paths(race(at))
    label = next(label for label in after if label.startswith(variant + " ("))
    assert shown in label
    old = next(path for name, path in before.items() if name.startswith(variant + " ("))
    assert not np.array_equal(old, after[label])


@pytest.mark.parametrize(
    ("variant", "hyperparameter", "value", "shown"),
    [
        ("SGD + momentum", "momentum", 0.5, "μ=0.5"),
        ("AdamW", "weight_decay", 0.1, "λ=0.1"),
        ("Adagrad", "epsilon", 1e-3, "ε=0.001"),
    ],
)
def test_hyperparameters_of_other_optimizers(variant, hyperparameter, value, shown):
    at = open_page({"pg_optimizers": variant})
    widget(at, key_for("pg", variant, hyperparameter)).set_value(value).run()
    assert any(shown in label for label in paths(race(at)))


def test_pytorch_defaults_button():
    at = open_page()
    widget(at, key_for("pg", "Adam", "learning_rate")).set_value(0.5).run()
    at.button(key="pg_defaults_adam").click().run()
    assert widget(at, key_for("pg", "Adam", "learning_rate")).value == 0.001
    assert any(label == "Adam (α=0.001, β1=0.9, β2=0.999, ε=1e-08)" for label in paths(race(at)))


def test_bad_custom_function_shows_the_error_and_the_page_still_works():
    at = open_page()
    at.selectbox(key="pg_function").set_value("custom").run()
    # The default custom function works; it has no known minimum, so no distance panel.
    assert not at.exception and keys(at) == ["pg_race", "pg_progress"]
    assert {t["yaxis"] for t in figure(at, "pg_progress")["data"]} == {"y"}
    at.text_input(key="pg_expression").input("x^2 + __import__('os')").run()
    assert not at.exception
    assert any("cannot be used" in shown(e.value) and "olumn" in e.value for e in at.error)
    # By the box, shown as typed (not as bold "import").
    assert any("'__import__'" in shown(e.value) for e in at.sidebar.error)
    assert not keys(at)
    at.text_input(key="pg_expression").input("x^2 + 3*y^2").run()
    assert not at.error and keys(at) == ["pg_race", "pg_progress"]
    assert any("x^{2}" in latex.value for latex in at.latex)


def test_hyperparameters_stay_while_a_typed_function_cannot_be_used():
    at = open_page()
    alpha = key_for("pg", "Adam", "learning_rate")
    widget(at, alpha).set_value(0.05).run()
    at.selectbox(key="pg_function").set_value("custom").run()
    at.text_input(key="pg_expression").input("x^2 +").run()
    assert any("cannot be used" in shown(e.value) for e in at.error)
    assert widget(at, alpha).value == 0.05  # still on the left, with its value
    at.text_input(key="pg_expression").input("x^2 + 3*y^2").run()
    assert not at.exception and widget(at, alpha).value == 0.05
    assert any("α=0.05" in label for label in paths(race(at)))


def test_start_where_a_custom_function_is_undefined_is_an_error_not_a_traceback():
    at = open_page({"pg_function": "Custom f(x, y)…", "pg_expression": "log(x) + y^2"})
    at.number_input(key="pg_x").set_value(-1.0).run()
    assert not at.exception
    assert any("not finite at the start point" in e.value for e in at.error)


@pytest.mark.parametrize("key", list(PRESETS_BY_KEY))
def test_presets_apply(key):
    at = open_page({"pg_range": "0.5"})  # a custom preset brings its own plot range
    at.selectbox(key="pg_preset").set_value(key).run()
    preset = PRESETS_BY_KEY[key]
    assert at.selectbox(key="pg_function").value == preset.function
    assert at.multiselect(key="pg_optimizers").value == [name for name, _ in preset.optimizers]
    assert at.slider(key="pg_steps").value == preset.steps
    for name, settings in preset.settings().items():
        for hyperparameter, value in settings.items():
            assert widget(at, key_for("pg", name, hyperparameter)).value == pytest.approx(value)
    assert any(preset.title in info.value for info in at.info)
    figure = race(at)
    (x0, x1), (y0, y1) = figure["layout"]["xaxis"]["range"], figure["layout"]["yaxis"]["range"]
    assert x0 <= preset.start[0] <= x1 and y0 <= preset.start[1] <= y1
    assert len(paths(figure)) == len(preset.optimizers)
    assert figure["frames"][-1]["name"] == str(preset.steps)


def test_divergence_is_explained():
    at = open_page({"pg_optimizers": "SGD", key_for("pg", "SGD", "learning_rate"): "0.01"})
    messages = [w.value for w in at.warning]
    assert any("SGD diverged at step" in m and "Try α ≤" in m for m in messages)


def test_link_round_trip_reproduces_the_settings():
    query = {
        "pg_function": "Himmelblau",  # links carry the labels shown on screen
        "pg_optimizers": ["Adam", "RMSProp"],
        "pg_steps": "300",
        "pg_x": "1.5",
        "pg_y": "-2",
        key_for("pg", "Adam", "learning_rate"): "0.05",
        key_for("pg", "Adam", "beta2"): "0.99",
    }
    at = open_page(query)
    assert not at.warning
    assert at.selectbox(key="pg_function").value == "himmelblau"
    assert at.multiselect(key="pg_optimizers").value == ["Adam", "RMSProp"]
    assert at.slider(key="pg_steps").value == 300
    assert (at.number_input(key="pg_x").value, at.number_input(key="pg_y").value) == (1.5, -2.0)
    labels = list(paths(race(at)))
    assert labels[0] == "Adam (α=0.05, β1=0.9, β2=0.99, ε=1e-08)"


def test_tampered_link_falls_back_with_a_warning():
    query = {
        "pg_function": "os.system",
        "pg_steps": "99999",
        key_for("pg", "Adam", "learning_rate"): "lots",
        "pg_x": "nan",
        "pg_optimizers": ["Adam", "Quantum"],
    }
    at = open_page(query)
    warning = " ".join(shown(w.value) for w in at.warning)
    for key in ("pg_function", "pg_steps", "pg_adam_lr", "pg_x", "pg_optimizers"):
        assert key in warning
    assert at.selectbox(key="pg_function").value == DEFAULT.function
    assert at.slider(key="pg_steps").value == DEFAULT.steps
    assert keys(at) == ["pg_race", "pg_progress"]


def test_surface_view_is_drawn_when_its_tab_is_open():
    at = open_page({"pg_view": "3-D surface"})
    assert keys(at) == ["pg_surface", "pg_progress"]  # the map is not drawn behind its tab
    assert [t["type"] for t in figure(at, "pg_surface")["data"]][:2] == ["surface", "scatter3d"]
    # A 3-D figure is drawn by the WebGL bundle, the others by the 2-D one.
    assert message(at, "pg_surface")["bundle"] == "gl3d"
    assert message(at, "pg_progress")["bundle"] == "cartesian"


def test_reset_restores_the_defaults():
    at = open_page({"pg_function": "Beale", "pg_steps": "50"})
    next(b for b in at.button if b.label == "Reset everything").click().run()
    assert at.selectbox(key="pg_function").value == DEFAULT.function
    assert at.slider(key="pg_steps").value == DEFAULT.steps


def test_image_format_control_sets_the_toolbar_download():
    at = open_page()
    config = message(at, "pg_race")["config"]
    assert config["toImageButtonOptions"]["format"] == "png"
    assert config["toImageButtonOptions"]["filename"] == "adam-lab-paths"
    at.selectbox(key="pg_image").set_value("svg").run()
    for key, name in (("pg_race", "adam-lab-paths"), ("pg_progress", "adam-lab-progress")):
        options = message(at, key)["config"]["toImageButtonOptions"]
        assert (options["format"], options["filename"]) == ("svg", name)


def live(at: AppTest) -> dict[str, dict]:
    """The map's live sliders by name (the widget key each mirrors)."""
    return {scrub["name"]: scrub for scrub in message(at, "pg_race")["scrub"]}


def adam_line(figure: dict) -> int:
    """Index of Adam's path line in the race figure."""
    return next(
        i
        for i, t in enumerate(figure["data"])
        if t.get("mode") == "lines" and t["name"][:6] == "Adam ("
    )


def test_the_map_carries_live_sliders_for_the_chosen_optimizer(default_page):
    at = default_page
    sliders = live(at)
    assert list(sliders) == ["pg_adam_lr", "pg_adam_b1", "pg_adam_b2"]
    assert [s["label"] for s in sliders.values()] == ["Adam α", "Adam β1", "Adam β2"]
    rates = sliders["pg_adam_lr"]
    assert rates["values"] == pytest.approx(LEARNING_RATES)
    assert rates["values"][rates["index"]] == pytest.approx(0.02)  # the widget's value
    # Each stop swaps Adam's path line and the current positions; at the shown stop, the
    # line is the figure's own (thinned to SCRUB_POINTS points, first and last kept).
    race = figure(at, "pg_race")
    line = adam_line(race)
    stops = decode_stops(rates["stops"])
    assert len(stops) == len(LEARNING_RATES)
    assert set(stops[0]) == {line, len(race["data"]) - 1}
    shown = stops[rates["index"]][line]
    full = paths(race)[race["data"][line]["name"]]
    keep = np.unique(np.linspace(0, len(full) - 1, SCRUB_POINTS).round().astype(int))
    np.testing.assert_allclose(np.column_stack((shown["x"], shown["y"])), full[keep], **FLOAT16)
    # Another stop holds another path.
    assert not np.allclose(stops[0][line]["x"], shown["x"])


def test_the_progress_chart_follows_the_same_sliders_and_the_sidebar_moves_alpha_and_beta2(
    default_page,
):
    at = default_page
    on_map = live(at)
    following = {scrub["name"]: scrub for scrub in message(at, "pg_progress")["scrub"]}
    assert list(following) == list(on_map) == ["pg_adam_lr", "pg_adam_b1", "pg_adam_b2"]
    for name, scrub in following.items():
        assert scrub["row"] is False and on_map[name]["row"] is True  # drawn under the map only
        assert scrub["values"] == on_map[name]["values"]
        assert scrub["index"] == on_map[name]["index"]
        # The page's slider is followed where it offers exactly these stops, shown the same way
        # (the browser matches its shown value to a stop's text): α and β2, not β1's plain slider.
        sidebar = widget(at, name)
        offers = getattr(sidebar, "options", None)
        assert scrub["follows"] is on_map[name]["follows"] is (offers == scrub["text"])
    assert [following[n]["follows"] for n in following] == [True, False, True]
    # The map's legend and the progress chart's subtitle name the value at every stop.
    rates = on_map["pg_adam_lr"]
    line = adam_line(figure(at, "pg_race"))
    assert (
        rates["stops"]["names"][str(line)][rates["index"]]
        == figure(at, "pg_race")["data"][line]["name"]
    )
    subtitles = following["pg_adam_lr"]["stops"]["layout"]["title.subtitle.text"]
    shown = figure(at, "pg_progress")["layout"]["title"]["subtitle"]["text"]
    assert subtitles[rates["index"]] == shown
    assert "Adam (α=0.03," in subtitles[rates["index"] + 1]


def test_live_sliders_follow_the_chosen_optimizer():
    at = open_page({"pg_optimizers": ["SGD", "RMSProp"]})
    assert not live(at)  # Adam, the default choice, is not on the map
    assert any("Add Adam to the optimizers" in c.value for c in at.caption)
    at.selectbox(key="pg_live").set_value("RMSProp").run()
    assert list(live(at)) == [key_for("pg", "RMSProp", "learning_rate")]


def test_letting_go_of_a_live_slider_sets_the_widget_the_run_and_the_link():
    at = open_page()
    rates = live(at)["pg_adam_lr"]
    stop = rates["index"] + 3
    alpha = rates["values"][stop]
    dragged = decode_stops(rates["stops"])[stop]
    release(at, "pg_race", {"pg_adam_lr": alpha})
    assert not at.exception
    assert widget(at, "pg_adam_lr").value == pytest.approx(alpha)
    assert at.query_params["pg_adam_lr"] == f"{alpha:g}"
    race = figure(at, "pg_race")
    line = adam_line(race)
    assert race["data"][line]["name"].startswith(f"Adam (α={alpha:g},")
    # The new figure's path is the one the slider showed at that stop.
    path = paths(race)[race["data"][line]["name"]]
    keep = np.unique(np.linspace(0, len(path) - 1, SCRUB_POINTS).round().astype(int))
    drawn = np.column_stack((dragged[line]["x"], dragged[line]["y"]))
    np.testing.assert_allclose(path[keep], drawn, **FLOAT16)
    assert live(at)["pg_adam_lr"]["index"] == stop


def test_clicking_the_map_starts_every_run_there():
    at = open_page()
    # A click that hit a point of the hover grid: the start is where the pointer was (to
    # three decimals), not the grid point.
    click(at, "pg_race", x=1.0, y=2.0, curve=0, point=[15, 20], pointer=(0.98765, 2.01234))
    assert not at.exception
    start = (at.number_input(key="pg_x").value, at.number_input(key="pg_y").value)
    assert start == (0.988, 2.012)
    assert (at.query_params["pg_x"], at.query_params["pg_y"]) == ("0.988", "2.012")
    for path in paths(race(at)).values():
        np.testing.assert_allclose(path[0], start, rtol=1e-6)
    assert race(at)["layout"]["title"]["text"].startswith("Rosenbrock — start (0.988, 2.012)")


def test_a_huge_gradient_is_not_rendered_but_the_run_and_the_map_still_work():
    # A short tower of powers of quotients whose gradient is tens of thousands of LaTeX
    # characters: the page says so in a line of text instead of freezing the browser.
    tower = next(case.text for case in CORPUS if case.name == "tower-of-shifted-quotients")
    query = {"pg_function": "Custom f(x, y)…", "pg_expression": tower, "pg_steps": "50"}
    at = open_page({**query, "pg_x": "1", "pg_y": "1"})
    assert not at.exception
    assert all(len(element.value) <= 2 * MAX_LATEX for element in at.get("latex"))
    notices = " ".join(shown(c.value) for c in at.caption)
    assert "is too long to display" in notices and "characters" in notices
    assert keys(at) == ["pg_race", "pg_progress"]  # they do not depend on the formula


def test_only_the_chosen_optimizers_have_widgets():
    at = open_page({"pg_optimizers": ["Adam", "SGD"]})
    drawn = {w.key for w in at.select_slider} | {w.key for w in at.number_input}
    assert key_for("pg", "Adam", "learning_rate") in drawn
    assert key_for("pg", "AdamW", "learning_rate") not in drawn
    assert key_for("pg", "RMSProp", "rho") not in drawn


def test_a_preset_wins_over_a_linked_value_of_an_optimizer_not_shown():
    # The link sets AMSGrad's α while AMSGrad is not shown; a preset then brings AMSGrad in
    # with its own α, which is what its widget and path must show.
    amsgrad = key_for("pg", "AMSGrad", "learning_rate")
    at = open_page({amsgrad: "0.005"})
    at.selectbox(key="pg_preset").set_value("small-beta2").run()
    assert widget(at, amsgrad).value == 0.1
    assert any(label.startswith("AMSGrad (α=0.1,") for label in paths(race(at)))


def test_reset_forgets_a_linked_value_of_an_optimizer_not_shown():
    nesterov = key_for("pg", "Nesterov", "learning_rate")
    at = open_page({nesterov: "0.05"})
    next(b for b in at.button if b.label == "Reset everything").click().run()
    at.multiselect(key="pg_optimizers").set_value(["Nesterov"]).run()
    default = controls_for("pg", DEFAULT.settings())["Nesterov"]["learning_rate"].default
    assert default != 0.05 and widget(at, nesterov).value == default


def test_a_linked_value_of_an_optimizer_not_shown_is_used_once_it_is_shown():
    adagrad = key_for("pg", "Adagrad", "learning_rate")
    at = open_page({adagrad: "0.05"})
    at.multiselect(key="pg_optimizers").set_value(["Adagrad"]).run()
    assert widget(at, adagrad).value == 0.05
