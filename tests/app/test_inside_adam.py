"""Inside Adam through Streamlit's AppTest: every control reaches the figures and equations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lessons.adam import PRESETS_BY_KEY
from optim.inside import settle_step
from tests.charts import app_test, click, figures, messages
from tests.markdown import shown
from tests.plotly_data import values
from ui.chart.payload import decode_stops
from ui.hyperparameters import SHORT
from viz.inside import LIVE_PATH_POINTS, LIVE_STEP_POINTS

TIMEOUT = 60
APP = str(Path(__file__).parents[2] / "app.py")
PAGE = "pages/inside_adam.py"


def open_page(query: dict | None = None) -> AppTest:
    at = app_test(APP, TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def charts(at: AppTest) -> dict[str, dict]:
    """Each chart's figure by its key (ia_path, ia_steps_chart, …), in page order."""
    return figures(at)


def traces(figure: dict) -> dict[str, dict]:
    return {trace.get("name"): trace for trace in figure["data"]}


def inspector(at: AppTest) -> str:
    shown = [e.value.strip("$\n") for e in at.latex]  # st.latex wraps its body in $$ … $$
    (latex,) = [value for value in shown if value.startswith(r"\begin{aligned} g_t")]
    return latex


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def change(at: AppTest, kind: str, key: str, value) -> AppTest:
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception, at.exception
    return at


# -- the page as it opens -------------------------------------------------------------------
def test_default_page():
    at = open_page()
    assert at.title[0].value == "Inside Adam"
    figures = charts(at)
    assert list(figures) == ["ia_path", "ia_steps_chart", "ia_bias_factors"]
    assert traces(figures["ia_path"])["Adam"]["x"]
    assert figures["ia_steps_chart"]["layout"]["shapes"][0]["x0"] == 10
    assert "Step 10: every equation with its numbers" in [s.value for s in at.subheader]
    assert [t.label for t in at.tabs] == [
        "Bias correction",
        "Frameworks",
        "Variants",
        "What the course claims",
    ]
    assert "t = 44" in json.dumps(figures["ia_bias_factors"])
    assert "t = 4 613" in json.dumps(figures["ia_bias_factors"])
    assert not at.warning
    assert "Why two rates?" in texts(at)
    assert at.get("download_button")


# -- every control ----------------------------------------------------------------------------
def test_function():
    at = change(open_page(), "selectbox", "ia_function", "himmelblau")
    assert "Himmelblau" in charts(at)["ia_path"]["layout"]["title"]["text"]


@pytest.mark.parametrize(("key", "axis"), [("ia_x", 0), ("ia_y", 1)])
def test_start(key, axis):
    at = change(open_page(), "number_input", key, 0.5)
    path = traces(charts(at)["ia_path"])["Adam"]
    assert values(path["xy"[axis]])[0] == pytest.approx(0.5)


def test_steps_and_step_clamp():
    at = change(open_page(), "slider", "ia_step", 250)
    at = change(at, "slider", "ia_steps", 100)
    figure = charts(at)["ia_steps_chart"]
    assert {len(values(t["y"])) for t in figure["data"]} == {100}
    assert at.slider(key="ia_step").value == 100
    assert figure["layout"]["shapes"][0]["x0"] == 100


def test_step():
    at = change(open_page(), "slider", "ia_step", 25)
    assert charts(at)["ia_steps_chart"]["layout"]["shapes"][0]["x0"] == 25
    assert "Step 25: every equation with its numbers" in [s.value for s in at.subheader]
    assert "step 25: θ_24 → θ_25" in traces(charts(at)["ia_path"])


def test_variant_amsgrad():
    at = change(open_page(), "selectbox", "ia_variant", "AMSGrad")
    assert "v_max,t" in traces(charts(at)["ia_steps_chart"])
    assert r"v^{\max}_t" in inspector(at)


def test_variant_adamw_and_weight_decay():
    at = change(open_page(), "selectbox", "ia_variant", "AdamW")
    assert at.select_slider(key="ia_adamw_wd").value == 0.1
    at = change(at, "select_slider", "ia_adamw_wd", 0.3)
    assert r"\lambda" in inspector(at)
    assert "0.3 \\cdot" in inspector(at)
    assert "λ=0.3" in charts(at)["ia_path"]["layout"]["title"]["subtitle"]["text"]


@pytest.mark.parametrize(
    ("convention", "mark"), [("keras", r"\epsilon_t &= \hat\epsilon"), ("optax", r"\hat m_t")]
)
def test_convention(convention, mark):
    at = change(open_page(), "selectbox", "ia_convention", convention)
    assert mark in inspector(at)
    title = charts(at)["ia_path"]["layout"]["title"]["text"]
    assert f"({convention.capitalize()})" in title.replace("Pytorch", "PyTorch")


def test_bias_correction_toggle():
    at = change(open_page(), "toggle", "ia_bias", False)
    assert "Adam with bias correction" in traces(charts(at)["ia_path"])
    assert r"\hat m_t &= m_t \\" in inspector(at)


def test_schedule():
    at = change(open_page(), "selectbox", "ia_schedule", "cosine")
    assert "Adam at a constant α" in traces(charts(at)["ia_path"])
    assert r"\alpha_t" in inspector(at)


def test_learning_rate():
    at = change(open_page(), "select_slider", "ia_adam_lr", 0.05)
    sgd = traces(charts(at)["ia_steps_chart"])["SGD (= α)"]
    assert np.allclose(values(sgd["y"]), 0.05)


def test_alpha_on_the_left_redraws_the_map_and_the_curves_from_the_stops_around_it():
    at = open_page()
    bodies = messages(at)
    widget = at.select_slider(key="ia_adam_lr")
    for key in ("ia_path", "ia_steps_chart"):
        [live] = bodies[key]["scrub"]
        assert (live["name"], live["follows"], live["row"]) == ("ia_adam_lr", True, False)
        # Three stops either side of α = 0.02, named as the widget names them.
        assert live["values"] == pytest.approx([0.007, 0.01, 0.015, 0.02, 0.03, 0.05, 0.07])
        assert live["values"][live["index"]] == pytest.approx(widget.value)
        assert set(live["text"]) <= set(widget.options)
        # Each stop's subtitle names its α.
        subtitles = live["stops"]["layout"]["title.subtitle.text"]
        assert [re.search("α=([^,]+),", s).group(1) for s in subtitles] == live["text"]
    # At α's own stop the map's arrays are the figure's (to float16), the markers included.
    path = bodies["ia_path"]
    [live] = path["scrub"]
    shown = decode_stops(live["stops"])[live["index"]]
    assert max(shown) == len(path["figure"]["data"]) - 1  # the step markers
    for trace, arrays in shown.items():
        drawn = path["figure"]["data"][trace]
        full = np.column_stack([values(drawn[name]) for name in ("x", "y")])
        if "customdata" not in drawn and len(full) > LIVE_PATH_POINTS:  # a path, thinned
            full = full[
                np.unique(np.linspace(0, len(full) - 1, LIVE_PATH_POINTS).round().astype(int))
            ]
        np.testing.assert_allclose(
            np.column_stack([arrays["x"], arrays["y"]]), full, rtol=2**-11, atol=1e-6
        )
    # The curves: every series of the figure at its steps (LIVE_STEP_POINTS of them).
    curves = bodies["ia_steps_chart"]
    [live] = curves["scrub"]
    at_stops = decode_stops(live["stops"])
    shown = at_stops[live["index"]]
    assert len(shown) == len(curves["figure"]["data"])  # every series changes with α
    for trace, arrays in shown.items():
        full = values(curves["figure"]["data"][trace]["y"])
        assert len(arrays["x"]) == LIVE_STEP_POINTS
        np.testing.assert_array_equal(arrays["y"], full[arrays["x"].astype(int) - 1])
    # The SGD line is α itself at every stop.
    sgd = next(i for i, t in enumerate(curves["figure"]["data"]) if t["name"] == "SGD (= α)")
    assert [float(stop[sgd]["y"][0]) for stop in at_stops] == pytest.approx(live["values"])


def test_beta1():
    at = change(open_page(), "slider", "ia_adam_b1", 0.5)
    assert r"0.5 \cdot" in inspector(at)
    assert f"t = {settle_step(0.5)}" in json.dumps(charts(at)["ia_bias_factors"])


def test_beta2():
    at = change(open_page(), "select_slider", "ia_adam_b2", 0.99)
    assert r"0.99 \cdot" in inspector(at)
    assert f"t = {settle_step(0.99)}" in json.dumps(charts(at)["ia_bias_factors"])


def test_epsilon():
    at = change(open_page(), "select_slider", "ia_adam_eps", 0.1)
    assert r"+ 0.1)" in inspector(at)


def test_image_format():
    at = change(open_page(), "selectbox", "ia_image", "svg")
    for key, body in messages(at).items():
        options = body["config"]["toImageButtonOptions"]
        assert options["format"] == "svg"
        assert options["filename"] == key.replace("ia_", "inside-adam-", 1)


@pytest.mark.parametrize("key", list(PRESETS_BY_KEY))
def test_presets(key):
    preset = PRESETS_BY_KEY[key]
    at = change(open_page(), "selectbox", "ia_preset", key)
    assert any(preset.title in info.value for info in at.info)
    ((variant, hyperparameters),) = preset.optimizers
    expected_widgets = {
        "ia_function": preset.function,
        "ia_x": preset.start[0],
        "ia_y": preset.start[1],
        "ia_steps": preset.steps,
        "ia_variant": variant,
        "ia_convention": preset.convention,
        "ia_bias": preset.bias_correction,
        "ia_schedule": preset.schedule,
        **{
            f"ia_adam_{SHORT[name]}": value
            for name, value in hyperparameters
            if name != "weight_decay"
        },
    }
    if variant == "AdamW":
        expected_widgets["ia_adamw_wd"] = dict(hyperparameters)["weight_decay"]
    for widget_key, value in expected_widgets.items():
        assert at.session_state[widget_key] == value, widget_key
    # A preset opens the tab where its lesson is drawn.
    tab = preset.view
    expected = {
        "Bias correction": {"ia_bias_factors"},
        "Frameworks": {"ia_conventions"},
        "Variants": {"ia_schedule_curve"} if key == "warmup" else {"ia_decay"},
    }[tab]
    assert expected <= set(charts(at)), (tab, list(charts(at)))


def test_clicking_the_path_selects_that_step():
    at = open_page()
    figure = charts(at)["ia_path"]
    curve, targets = next(
        (i, t) for i, t in enumerate(figure["data"]) if t.get("name", "").startswith("click")
    )
    # Step 24 is a click target (every other step of 300 is one); the click reports the
    # target's coordinates (float32) and its step as customdata.
    index = list(values(targets["customdata"])).index(24)
    x, y = float(values(targets["x"])[index]), float(values(targets["y"])[index])
    click(at, "ia_path", x=x, y=y, curve=curve, point=index, customdata=24)
    assert not at.exception
    assert at.slider(key="ia_step").value == 24
    assert "Step 24: every equation with its numbers" in [s.value for s in at.subheader]
    assert "step 24: θ_23 → θ_24" in traces(charts(at)["ia_path"])
    assert charts(at)["ia_steps_chart"]["layout"]["shapes"][0]["x0"] == 24

    # Empty plot area: the step t ≥ 1 whose θ_t is nearest to the pointer.
    adam = traces(figure)["Adam"]
    path = np.column_stack((values(adam["x"]), values(adam["y"])))
    pointer = np.array([0.3, 1.2])
    nearest = int(np.argmin(np.hypot(*(path[1:] - pointer).T))) + 1
    assert nearest not in (24, 10)
    click(at, "ia_path", x=pointer[0], y=pointer[1])
    assert at.slider(key="ia_step").value == nearest
    assert f"Step {nearest}: every equation with its numbers" in [s.value for s in at.subheader]


def test_reset():
    at = change(open_page(), "select_slider", "ia_adam_lr", 0.05)
    at = change(at, "selectbox", "ia_variant", "AdamW")
    at.button[0].click().run()
    assert not at.exception
    assert at.select_slider(key="ia_adam_lr").value == 0.02
    assert at.selectbox(key="ia_variant").value == "Adam"


# -- tabs (each opened by the link, as a shared URL would) --------------------------------------
def test_frameworks_tab():
    at = open_page({"ia_tab": "Frameworks", "ia_adam_eps": "0.1"})
    figure = charts(at)["ia_conventions"]
    assert set(traces(figure)) == {"Keras − PyTorch", "Optax − PyTorch"}
    assert "Keras uses the paper's" in texts(at)


def test_variants_tab_without_and_with_variants():
    at = open_page({"ia_tab": "Variants"})
    assert "ia_schedule_curve" not in charts(at)
    assert any("Choose AdamW" in info.value for info in at.info)
    at = open_page({"ia_tab": "Variants", "ia_variant": "AdamW", "ia_schedule": "Step"})
    assert {"ia_schedule_curve", "ia_decay"} <= set(charts(at))


def test_claims_tab():
    at = open_page({"ia_tab": "What the course claims"})
    assert "**Advantages**" in texts(at) and "**Limitations**" in texts(at)
    assert "ia_bias_factors" not in charts(at)


# -- links ------------------------------------------------------------------------------------
def test_link_values_are_used():
    at = open_page({"ia_adam_lr": "0.05", "ia_steps": "200", "ia_convention": "Keras"})
    assert at.select_slider(key="ia_adam_lr").value == 0.05
    assert {len(values(t["y"])) for t in charts(at)["ia_steps_chart"]["data"]} == {200}
    assert r"\epsilon_t &= \hat\epsilon" in inspector(at)


def test_tampered_link_is_reported():
    at = open_page({"ia_adam_b1": "abc", "ia_steps": "99999"})
    (warning,) = at.warning
    assert "ia_adam_b1=abc (not a number): 0.9 is shown instead" in shown(warning.value)
    assert "ia_steps=99999 (outside 10 … 1000): 300 is shown instead" in shown(warning.value)
    assert at.slider(key="ia_adam_b1").value == 0.9
