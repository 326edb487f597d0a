"""The Experiments pages (Sweep, Basins, Noise) through AppTest, on small, fast grids."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue
from streamlit.testing.v1 import AppTest

from tests.charts import _payload, app_test, click, figures, keys, messages
from tests.markdown import shown
from tests.plotly_data import values
from ui.chart.payload import decode_stops

TIMEOUT = 120
APP = str(Path(__file__).parents[2] / "app.py")
SMALL = {"ex_grid": "10", "ex_steps": "100"}


def open_page(query: dict | None = None, page: str = "pages/sweep.py") -> AppTest:
    at = app_test(APP, TIMEOUT)
    at.run()
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def charts(at: AppTest) -> list[dict]:
    """The page's figures, in page order."""
    return list(figures(at).values())


def title(figure: dict) -> str:
    return figure["layout"]["title"]["text"]


def heatmaps(figure: dict) -> list[np.ndarray]:
    return [values(t["z"]) for t in figure["data"] if t["type"] == "heatmap"]


def test_sweep_opens_on_adam_beta1_by_beta2_on_rosenbrock_with_the_best_cell():
    at = open_page(SMALL)
    # The heatmap, the loss of the shown cell, its path.
    assert keys(at) == ["ex_sweep_chart", "ex_sweep_loss", "ex_sweep_path"]
    sweep, loss, path = charts(at)
    assert title(sweep).startswith("Adam on Rosenbrock: final loss")
    assert sweep["layout"]["xaxis"]["title"]["text"].startswith("β1")
    assert sweep["layout"]["yaxis"]["title"]["text"].startswith("β2")
    assert heatmaps(sweep)[0].shape == (10, 10)
    # The course's grid search shows as rings where it falls inside β1 × β2.
    assert any(t.get("name") == "the course's grid search" for t in sweep["data"])
    assert "Showing the best cell" in at.info[0].value
    assert title(path).startswith("Path at β1 = ")
    assert title(loss).startswith("Loss at β1 = ")
    assert [d.label for d in at.get("download_button")] == ["Sweep grid as CSV"]


def test_course_grid_search_button_sets_alpha_by_beta1_and_lists_the_twelve_models():
    at = open_page(SMALL)
    next(b for b in at.button if b.label == "The course's grid search").click().run()
    assert not at.exception
    sweep = charts(at)[0]
    assert sweep["layout"]["xaxis"]["title"]["text"] == "α (log scale)"
    assert sweep["layout"]["yaxis"]["title"]["text"].startswith("β1")
    rings = next(t for t in sweep["data"] if t.get("name") == "the course's grid search")
    assert len(values(rings["x"])) == 6  # α ∈ {0.001, 0.01, 0.1} × β1 ∈ {0.9, 0.95}
    table = at.dataframe[0].value
    assert len(table) == 12 and table["rank"].tolist() == list(range(1, 13))


@pytest.mark.parametrize("color", ["steps", "status"])
def test_colour_by_changes_the_heatmap(color):
    at = open_page(SMALL)
    at.selectbox(key="ex_color").set_value(color).run()
    assert not at.exception
    sweep = charts(at)[0]
    assert title(sweep).startswith(f"Adam on Rosenbrock: {'steps' if color == 'steps' else 'conv'}")


def test_changing_the_optimizer_offers_its_own_axes():
    at = open_page(SMALL)
    at.selectbox(key="ex_optimizer").set_value("SGD + momentum").run()
    assert not at.exception
    assert at.selectbox(key="ex_momentum_xaxis").value == "learning_rate"
    assert at.selectbox(key="ex_momentum_yaxis").value == "momentum"
    sweep = charts(at)[0]
    assert title(sweep).startswith("SGD + momentum on Rosenbrock")
    assert sweep["layout"]["yaxis"]["title"]["text"].startswith("μ")


def test_choosing_the_same_hyperparameter_twice_is_explained_not_raised():
    at = open_page(SMALL)
    at.selectbox(key="ex_adam_xaxis").set_value("beta2").run()
    assert not at.exception
    assert at.error and "different hyperparameter" in at.error[0].value
    assert not keys(at)


def rings(figure: dict, axis: str = "x") -> set[tuple[int, int]]:
    """(row, column) of the rings marking the chosen cell on `axis`."""
    return {
        (round(values(t["y"])[0]), round(values(t["x"])[0]))
        for t in figure["data"]
        if t.get("marker", {}).get("symbol") == "square-open" and t.get("xaxis", "x") == axis
    }


NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"


def numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(NUMBER, text.replace("−", "-"))]


def settings_in(text: str) -> list[float]:
    """The values in "Path at β1 = 0.9, β2 = 0.999"."""
    return [float(n) for n in re.findall(f"= ({NUMBER})", text.replace("−", "-"))]


def test_clicking_a_sweep_cell_shows_that_cells_run_until_the_inputs_change():
    at = open_page(SMALL)
    sweep = charts(at)[0]
    best = rings(sweep)
    row, column = 2, 7
    assert best != {(row, column)}
    curve, cells = next((i, t) for i, t in enumerate(sweep["data"]) if t.get("name") == "cells")
    beta1, beta2 = values(cells["customdata"])[row, column]
    click(at, "ex_sweep_chart", x=column, y=row, curve=curve, point=[row, column], z=0)
    assert not at.exception
    sweep, loss, path = charts(at)
    assert rings(sweep) == {(row, column)}
    # The path and loss shown are the clicked cell's: its β1 and β2, as its hover says.
    np.testing.assert_allclose(settings_in(title(path)), [beta1, beta2], rtol=1e-3)
    np.testing.assert_allclose(settings_in(title(loss)), [beta1, beta2], rtol=1e-3)
    assert at.success and at.success[0].value.startswith("Cell β1 = ")
    assert not at.info or "Showing the best cell" not in at.info[0].value
    # The click belongs to this grid: other steps make a new grid, which shows its best cell.
    at.slider(key="ex_steps").set_value(200).run()
    assert not at.success and "Showing the best cell" in at.info[0].value
    assert settings_in(title(charts(at)[2])) != pytest.approx([beta1, beta2], rel=1e-3)


def test_clicking_a_start_on_a_basin_map_shows_both_paths_from_there():
    at = open_page({"ex_basin_grid": "20", "ex_basin_steps": "200"}, "pages/basins.py")
    row, column = 17, 16
    assert rings(charts(at)[0]) != {(row, column)}
    # A click on the right-hand (Adam) map reports its cell on that map's axes.
    click(at, "ex_basins_chart", x=column, y=row, curve=1, point=[row, column], subplot="x2y2")
    assert not at.exception
    maps, paths, _ = charts(at)
    assert rings(maps, "x") == rings(maps, "x2") == {(row, column)}
    # Start (x, y) of cell (row, column) on the 20 × 20 grid over Himmelblau's [−5, 5]².
    expected = (-5 + column * 10 / 19, -5 + row * 10 / 19)
    np.testing.assert_allclose(numbers(title(paths)), expected, atol=1e-3)
    starts = [
        (values(t["x"])[0], values(t["y"])[0]) for t in paths["data"] if t.get("mode") == "lines"
    ]
    np.testing.assert_allclose(starts, [expected, expected], atol=1e-4)
    assert at.success and at.success[0].value.startswith("From (")


def test_a_tampered_link_warns_and_falls_back_to_the_default():
    at = open_page({**SMALL, "ex_steps": "lots"})
    assert at.warning and "ex_steps=lots (not a number)" in shown(at.warning[0].value)
    assert at.slider(key="ex_steps").value == 1000


def test_basins_page_shows_two_maps_and_both_paths_from_a_start_where_they_differ():
    at = open_page({"ex_basin_grid": "20", "ex_basin_steps": "200"}, "pages/basins.py")
    # The two maps, the paths, the loss.
    assert keys(at) == ["ex_basins_chart", "ex_basins_path", "ex_basins_loss"]
    maps, paths, _ = charts(at)
    assert title(maps).startswith("Himmelblau: where each of 400 starts ends after 200 steps")
    codes = heatmaps(maps)
    assert len(codes) == 2 and all(c.shape == (20, 20) for c in codes)
    assert "end in different places" in at.info[0].value
    assert title(paths).startswith("Paths from (")
    names = [t["name"] for t in paths["data"] if t.get("mode") == "lines"]
    assert [n.split(" (")[0] for n in names] == ["SGD", "Adam"]
    shares = at.dataframe[0].value
    assert list(shares.columns) == ["where the run ended", "SGD", "Adam"]
    assert shares[["SGD", "Adam"]].sum().tolist() == pytest.approx([1.0, 1.0])


def test_noise_page_compares_four_optimizers_over_the_seeds():
    # Links carry the labels shown on screen: "set by hand" chooses the α of each control.
    query = {"ex_seeds": "3", "ex_noise_steps": "60", "ex_tune": "set by hand"}
    at = open_page(query, "pages/noise.py")
    assert not at.warning
    assert at.selectbox(key="ex_tune").value == "manual"
    assert not at.select_slider(key="ex_noise_adam_lr").disabled
    assert keys(at) == ["ex_noise_chart"]
    (noise,) = charts(at)
    assert title(noise).startswith("Rosenbrock: f − f* over 3 seeds, σ = 1, sparsity 50%")
    legend = [t["name"] for t in noise["data"] if t.get("showlegend") is not False]
    assert [n.split(" (")[0] for n in legend] == ["SGD", "SGD + momentum", "RMSProp", "Adam"]
    table = at.dataframe[0].value
    assert table["optimizer"].tolist() == ["SGD", "SGD + momentum", "RMSProp", "Adam"]
    assert "α=0.001" in table["settings"][0]  # set by hand
    assert at.markdown and any("Median f − f* after 60 steps" in m.value for m in at.markdown)


def test_noise_page_searches_each_learning_rate_by_default():
    at = open_page({"ex_seeds": "2", "ex_noise_steps": "40"}, "pages/noise.py")
    assert not at.exception
    table = at.dataframe[0].value
    rates = [float(s.split("α=")[1].split(",")[0]) for s in table["settings"]]
    assert all(0.0001 <= r <= 1 for r in rates)
    # The α controls are disabled while the search chooses α.
    assert at.select_slider(key="ex_noise_adam_lr").disabled


def test_reset_puts_the_sweep_back_to_its_defaults():
    at = open_page(SMALL)
    at.selectbox(key="ex_optimizer").set_value("RMSProp").run()
    at.slider(key="ex_grid").set_value(15).run()
    assert heatmaps(charts(at)[0])[0].shape == (15, 15)
    next(b for b in at.button if b.label == "Reset the sweep").click().run()
    assert not at.exception
    assert at.selectbox(key="ex_optimizer").value == "Adam"
    assert at.slider(key="ex_grid").value == 60
    assert heatmaps(charts(at)[0])[0].shape == (60, 60)


def test_an_old_experiments_link_to_a_tab_opens_that_tools_page():
    at = open_page({"ex_view": "Basins", "ex_basin_grid": "20", "ex_basin_steps": "100"})
    assert not at.exception
    assert at.title[0].value == "Basins of attraction"
    assert heatmaps(charts(at)[0])[0].shape == (20, 20)


def test_alpha_on_the_left_redraws_the_three_charts_from_the_stops_around_it():
    at = open_page(SMALL)
    bodies = messages(at)
    widget = at.select_slider(key="ex_adam_lr")
    for key in ("ex_sweep_chart", "ex_sweep_loss", "ex_sweep_path"):
        [live] = bodies[key]["scrub"]
        assert (live["name"], live["follows"], live["row"]) == ("ex_adam_lr", True, False)
        assert live["values"] == pytest.approx([0.015, 0.02, 0.03])  # one stop either side
        assert live["values"][live["index"]] == pytest.approx(widget.value)
        assert set(live["text"]) <= set(widget.options)
    # Each stop's sweep title names its α; at α's own stop the sweep's cells and the ring are
    # the figure's (to float16), and the loss is the figure's at the stop's steps.
    sweep, loss = bodies["ex_sweep_chart"], bodies["ex_sweep_loss"]
    [live] = sweep["scrub"]
    titles = live["stops"]["layout"]["title.text"]
    assert [re.search("α=([^,]+),", t).group(1) for t in titles] == live["text"]
    at_stops = decode_stops(live["stops"])
    assert at_stops[0][0]["z"].shape == (10, 10)
    for trace, arrays in at_stops[live["index"]].items():
        drawn = sweep["figure"]["data"][trace]
        for name, array in arrays.items():
            expected = values(drawn[name]).astype(np.float32)
            np.testing.assert_allclose(array, expected, rtol=2**-11, atol=1e-6)
    assert not np.allclose(at_stops[0][0]["z"], at_stops[2][0]["z"], equal_nan=True)
    [live] = loss["scrub"]
    shown = decode_stops(live["stops"])[live["index"]]
    for trace, arrays in shown.items():
        full = values(loss["figure"]["data"][trace]["y"])
        np.testing.assert_array_equal(arrays["y"], full[arrays["x"].astype(int)].astype(np.float32))
    # The next stop's arrays are what the page draws once α is there.
    after = messages(at.select_slider(key="ex_adam_lr").set_value(0.03).run())
    for key in ("ex_sweep_chart", "ex_sweep_loss"):
        [before] = bodies[key]["scrub"]
        [now] = after[key]["scrub"]
        ahead = decode_stops(before["stops"])[before["index"] + 1]
        here = decode_stops(now["stops"])[now["index"]]
        for trace, arrays in ahead.items():
            for name, array in arrays.items():
                np.testing.assert_array_equal(array, here[trace][name])


@pytest.mark.parametrize(
    ("query", "cells", "why"),
    [
        ({**SMALL, "ex_optimizer": "SGD + momentum"}, 10, "α is an axis"),
        ({"ex_grid": "100", "ex_steps": "2000"}, 100, "a sweep takes a second"),
    ],
)
def test_alpha_goes_through_the_rerun_when_it_is_an_axis_or_a_sweep_is_long(query, cells, why):
    at = open_page(query)
    assert heatmaps(charts(at)[0])[0].shape == (cells, cells)
    assert all(body["scrub"] == [] for body in messages(at).values()), why


def scrubs_sent(at: AppTest, run) -> list[int]:
    """How many stops the sweep chart's live α had in each of its messages while `run` ran."""
    sent: list[int] = []

    def record(msg) -> None:
        element = msg.delta.new_element if msg.WhichOneof("type") == "delta" else None
        if element is not None and element.WhichOneof("type") == "component_instance":
            instance = element.component_instance
            if json.loads(instance.json_args)["key"] == "ex_sweep_chart":
                body = json.loads(_payload(instance))["body"]
                sent.append(len(body["scrub"][0]["values"]) if body["scrub"] else 0)

    ForwardMsgQueue.on_before_enqueue_msg(record)  # tests.charts passes every message on
    try:
        run()
    finally:
        ForwardMsgQueue.on_before_enqueue_msg(None)
    assert not at.exception, at.exception
    return sent


def test_a_new_setting_draws_the_charts_first_and_sends_alphas_stops_in_a_rerun():
    at = app_test(APP, TIMEOUT)
    at.run()
    # A first visit computes its stops before the charts go out: one message, live at once.
    assert scrubs_sent(at, at.switch_page("pages/sweep.py").run) == [3]
    # Another setting: the charts go out without the stops (no sweep at other α's yet), and
    # the run that follows, once they are computed, sends them.
    steps = at.slider(key="ex_steps").set_value(200)
    assert scrubs_sent(at, steps.run) == [0, 3]
    # α one stop on: its own sweep and the one below are known, the one above follows.
    alpha = at.select_slider(key="ex_adam_lr").set_value(0.03)
    assert scrubs_sent(at, alpha.run) == [2, 3]
    # Back: every stop is known, one run.
    alpha = at.select_slider(key="ex_adam_lr").set_value(0.02)
    assert scrubs_sent(at, alpha.run) == [3]


def test_with_a_cell_clicked_alphas_own_stop_is_that_cells_and_the_others_their_best():
    at = open_page(SMALL)
    sweep = charts(at)[0]
    curve = next(i for i, t in enumerate(sweep["data"]) if t.get("name") == "cells")
    row, column = 2, 7
    click(at, "ex_sweep_chart", x=column, y=row, curve=curve, point=[row, column], z=0)
    body = messages(at)["ex_sweep_chart"]
    assert rings(body["figure"]) == {(row, column)}
    [live] = body["scrub"]
    at_stops = decode_stops(live["stops"])
    ring = [
        i
        for i, t in enumerate(body["figure"]["data"])
        if t.get("marker", {}).get("symbol") == "square-open"
    ]
    shown = at_stops[live["index"]]
    assert {(round(float(shown[i]["y"][0])), round(float(shown[i]["x"][0]))) for i in ring} == {
        (row, column)
    }
    # Another α shows its own sweep's best cell, as the page does once α is there.
    ahead = at_stops[live["index"] + 1]
    best = at.select_slider(key="ex_adam_lr").set_value(live["values"][live["index"] + 1]).run()
    assert {(round(float(ahead[i]["y"][0])), round(float(ahead[i]["x"][0]))) for i in ring} == (
        rings(charts(best)[0])
    )
