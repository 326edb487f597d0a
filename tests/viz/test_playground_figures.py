"""Figure builders and exports of the Playground: structure, payload, and the numbers they carry."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from PIL import Image

from functions import get_function, parse_expression
from optim import SGD, Adam, RMSProp, run
from tests.plotly_data import values
from viz.curves import SCRUB_POINTS as CURVE_POINTS
from viz.curves import (
    loss_figure,
    loss_values,
    progress_figure,
    progress_scrub_traces,
    progress_stop_subtitles,
)
from viz.exports import figure_html, race_gif, steps_table, to_csv, to_json
from viz.landscape import band_image, contour_levels, evaluate
from viz.paths import (
    HOVER_GRID,
    SCRUB_POINTS,
    _hover_grid,
    background_uri,
    frame_steps,
    race_figure,
    race_scrub_traces,
    race_stop_names,
    run_label,
    surface_figure,
)
from viz.style import OPTIMIZER_COLORS, TINY, color_of
from viz.tables import as_text, summary_table

ROSENBROCK = get_function("rosenbrock")


@pytest.fixture(scope="module")
def runs():
    start = ROSENBROCK.start
    return {
        "SGD": run(SGD(learning_rate=1e-3), ROSENBROCK, start, 1000),
        "Adam": run(Adam(learning_rate=0.02), ROSENBROCK, start, 1000),
        "RMSProp": run(RMSProp(learning_rate=2e-3), ROSENBROCK, start, 1000),
    }


@pytest.fixture(scope="module")
def landscape():
    return evaluate(ROSENBROCK)


def spec(figure: go.Figure) -> dict:
    """The JSON the browser receives, after full Plotly validation (raises if invalid)."""
    validated = go.Figure(figure.to_dict())
    return json.loads(pio.to_json(validated, validate=False))


def test_frame_steps_cover_the_run_within_the_frame_budget():
    np.testing.assert_array_equal(frame_steps(5), [0, 1, 2, 3, 4, 5])
    shown = frame_steps(5000, 120)
    assert shown[0] == 0 and shown[-1] == 5000 and len(shown) == 121
    assert np.all(np.diff(shown) > 0)


def test_race_figure_structure(runs, landscape):
    figure = race_figure(ROSENBROCK, landscape, background_uri(landscape), runs, title="t")
    data = spec(figure)
    assert {trace["type"] for trace in data["data"]} == {
        "scatter"
    }  # SVG only: survives redraw=False
    grid = data["data"][0]
    # Hover and clicks find its points, but none is drawn: no SVG node to redraw per change.
    assert grid["name"] == "landscape" and grid["mode"] == "none" and "marker" not in grid
    legend = [t["name"] for t in data["data"] if t.get("showlegend", True) and "name" in t]
    assert legend[0] == "known minima"
    assert legend[1:] == [run_label(t) for t in runs.values()]
    assert "α=0.02" in legend[2] and "β2=0.999" in legend[2]
    # Frames: one trace (the current positions), one point per optimizer, at the shown steps.
    shown = frame_steps(1000)
    assert [f["name"] for f in data["frames"]] == [str(s) for s in shown]
    heads = len(data["data"]) - 1
    for frame in data["frames"]:
        assert frame["traces"] == [heads]
        step = int(frame["name"])
        expected = np.array([t.params[step] for t in runs.values()])
        points = np.column_stack((frame["data"][0]["x"], frame["data"][0]["y"]))
        np.testing.assert_allclose(points, expected, rtol=1e-5, atol=1e-6)
    play = data["layout"]["updatemenus"][0]["buttons"][0]
    assert play["args"][1]["frame"]["redraw"] is False


def test_play_shows_a_frame_per_refresh_and_2x_every_second_frame(runs, landscape):
    data = race_figure(ROSENBROCK, landscape, background_uri(landscape), runs).to_dict()
    names = [f["name"] for f in data["frames"]]
    assert len(names) == 241
    buttons = {b["label"]: b for b in data["layout"]["updatemenus"][0]["buttons"]}
    assert list(buttons) == ["▶ Play", "❚❚", "¼×", "½×", "2×"]
    refresh = 1000 / 60  # Plotly.js starts a frame on the first display refresh after its wait
    refreshes = {
        label: math.ceil(buttons[label]["args"][1]["frame"]["duration"] / refresh)
        for label in ("▶ Play", "½×", "¼×")
    }
    assert refreshes == {"▶ Play": 1, "½×": 2, "¼×": 4}  # 60, 30 and 15 frames/s
    for label in ("▶ Play", "½×", "¼×"):  # Plotly.js plays all frames from the current one
        assert buttons[label]["args"][0] is None and buttons[label]["args"][1]["fromcurrent"]
        assert buttons[label].get("execute", True)
    # 2×: every second frame and the last, one per refresh, played by the chart itself from
    # the current frame (ui/chart/frontend/chart.js, tested in the browser).
    fast = buttons["2×"]
    assert fast["execute"] is False
    assert fast["args"][0] == names[::2] and fast["args"][0][-1] == names[-1]
    assert math.ceil(fast["args"][1]["frame"]["duration"] / refresh) == 1
    # At 60 frames/s the 241 frames play in about four seconds, as 121 did at 30 before.
    assert len(names) / 60 == pytest.approx(4, abs=0.05)
    image = data["layout"]["images"][0]
    assert image["source"].startswith("data:image/png;base64,") and image["layer"] == "below"
    assert data["layout"]["xaxis"]["range"] == [-2, 2] and data["layout"]["yaxis"]["range"] == [
        -1,
        3,
    ]


def test_race_figure_payload_stays_small(runs, landscape):
    figure = race_figure(ROSENBROCK, landscape, background_uri(landscape), runs)
    size = len(pio.to_json(figure, validate=False))
    assert size < 200_000, size  # the naive figure sent ~1.9 MB per change
    paths = [t for t in figure.to_dict()["data"] if t.get("mode") == "lines"]
    assert all(t["x"]["dtype"] == "f4" for t in paths)  # float32 halves the bytes


def test_hover_grid_is_built_once_per_landscape(landscape):
    # Every change rebuilds the race figure over the same cached landscape: its hover grid
    # is a fresh dict each time (the figure may change it) over arrays made once.
    first, again = _hover_grid(landscape), _hover_grid(landscape)
    assert first is not again
    assert all(first[name] is again[name] for name in ("x", "y", "customdata"))


def test_hover_grid_reports_f(landscape):
    figure = race_figure(ROSENBROCK, landscape, background_uri(landscape), {})
    grid = figure.to_dict()["data"][0]
    x, y, f = values(grid["x"]), values(grid["y"]), values(grid["customdata"])
    assert x.size == HOVER_GRID**2
    points = np.column_stack((x, y)).astype(float)
    # Nearest landscape sample, so within one grid cell of the true value at that point.
    np.testing.assert_allclose(f, ROSENBROCK.value(points), rtol=0.05, atol=0.5)


def test_surface_figure_puts_paths_on_the_surface(runs, landscape):
    data = spec(surface_figure(ROSENBROCK, landscape, runs))
    assert [t["type"] for t in data["data"]] == ["surface"] + ["scatter3d"] * 3
    assert landscape.log and "log₁₀" in data["layout"]["scene"]["zaxis"]["title"]["text"]
    low = float(np.nanmin(landscape.z))
    delta = landscape.levels[0] - low
    adam = data["data"][2]
    points = np.column_stack((values(adam["x"]), values(adam["y"]))).astype(float)
    expected = np.log10(ROSENBROCK.value(points) - low + delta)
    np.testing.assert_allclose(values(adam["z"]), expected, rtol=1e-4, atol=1e-4)


def test_loss_and_distance_curves(runs):
    shown, title, log = loss_values(ROSENBROCK, runs["Adam"].loss)
    assert log and "f*" in title
    np.testing.assert_allclose(shown, np.maximum(runs["Adam"].loss, 1e-16))
    data = spec(loss_figure(ROSENBROCK, runs))
    assert data["layout"]["yaxis"]["type"] == "log"
    assert [t["name"] for t in data["data"]] == list(runs)
    assert [t["line"]["color"] for t in data["data"]] == [OPTIMIZER_COLORS[n] for n in runs]
    assert "α=0.02" in data["layout"]["title"]["subtitle"]["text"]
    progress = spec(progress_figure(ROSENBROCK, runs))
    distances = [t for t in progress["data"] if t.get("yaxis") == "y2"]
    expected = np.linalg.norm(runs["SGD"].params - [1.0, 1.0], axis=1)
    np.testing.assert_allclose(values(distances[0]["y"]), expected, rtol=1e-6)


def test_loss_axis_is_linear_when_values_can_be_negative():
    saddle = get_function("saddle")
    t = run(SGD(learning_rate=0.01), saddle, (0.5, 1.0), 50)  # f < 0 from the start
    data = spec(loss_figure(saddle, {"SGD": t}))
    assert data["layout"]["yaxis"]["type"] == "linear"


def test_contour_levels_go_logarithmic_when_f_spans_decades(landscape):
    assert landscape.log
    ratios = np.diff(landscape.levels - float(np.nanmin(landscape.z)))
    assert np.all(ratios > 0)
    levels, log = contour_levels(np.linspace(0, 1, 100).reshape(10, 10) + 5)
    assert not log and np.allclose(np.diff(levels), np.diff(levels)[0])
    image = band_image(landscape)
    assert image.shape == (400, 400, 3) and image.dtype == np.uint8


def test_summary_table(runs):
    table = summary_table(ROSENBROCK, runs)
    assert list(table["optimizer"]) == list(runs)
    adam = table.set_index("optimizer").loc["Adam"]
    assert adam["final loss"] == pytest.approx(float(runs["Adam"].final_loss))
    assert adam["distance to nearest minimum"] == pytest.approx(
        float(np.hypot(*(runs["Adam"].final_params - 1.0)))
    )
    assert adam["diverged at step"] == "—"


def test_colours_are_fixed_per_optimizer():
    assert color_of("Adam") == OPTIMIZER_COLORS["Adam"] == color_of("Adam (Keras)")
    assert len(set(OPTIMIZER_COLORS.values())) == len(OPTIMIZER_COLORS)


# -- exports ------------------------------------------------------------------------------------


def test_csv_has_every_step_and_the_state(runs):
    table = pd.read_csv(io.BytesIO(to_csv(runs)))
    assert len(table) == 3 * 1001
    adam = table[table["optimizer"] == "Adam"].reset_index(drop=True)
    np.testing.assert_array_equal(adam["step"], np.arange(1001))
    np.testing.assert_allclose(adam[["x", "y"]], runs["Adam"].params, rtol=1e-15)
    np.testing.assert_allclose(adam.loc[1:, ["m_x", "m_y"]], runs["Adam"].state["m"], rtol=1e-15)
    np.testing.assert_allclose(adam.loc[1:, ["gradient_x", "gradient_y"]], runs["Adam"].gradients)
    assert adam.loc[0, ["gradient_x"]].isna().all()
    assert {"learning_rate", "beta1", "beta2", "epsilon", "effective_lr_x", "v_hat_y"} <= set(table)
    assert list(steps_table(runs)["optimizer"].unique()) == list(runs)


def test_json_is_strictly_valid_and_complete(runs):
    document = json.loads(to_json(ROSENBROCK, runs), parse_constant=pytest.fail)
    assert document["function"]["name"] == "rosenbrock"
    adam = document["runs"][1]
    assert adam["optimizer"] == "Adam" and adam["hyperparameters"]["learning_rate"] == 0.02
    series = adam["series"]
    assert series["step"] == list(range(1001))
    assert series["x"] == runs["Adam"].params[:, 0].tolist()  # every digit kept
    assert series["f"] == runs["Adam"].loss.tolist()
    assert series["v_hat_y"][0] is None  # step 0 has no moment yet
    assert series["v_hat_y"][1:] == runs["Adam"].state["v_hat"][:, 1].tolist()
    assert series["gradient_x"][1:] == runs["Adam"].gradients[:, 0].tolist()
    assert series["learning_rate_t"][1:] == runs["Adam"].learning_rate.tolist()
    assert adam["diverged_at"] is None
    # The JSON and the CSV hold the same columns.
    table = steps_table({"Adam": runs["Adam"]})
    assert set(series) | {"optimizer", "settings", "convention", *adam["hyperparameters"]} >= set(
        table
    )


def test_json_of_a_diverged_run_has_no_nan():
    t = run(SGD(learning_rate=0.01), ROSENBROCK, (0.0, 0.0), 100)
    assert t.diverged_at > 0
    document = json.loads(to_json(ROSENBROCK, {"SGD": t}), parse_constant=pytest.fail)
    assert document["runs"][0]["diverged_at"] == int(t.diverged_at)


def test_html_is_standalone_and_does_not_autoplay(runs, landscape):
    figure = race_figure(ROSENBROCK, landscape, background_uri(landscape), runs)
    html = figure_html(figure, "Rosenbrock").decode()
    assert "<title>Rosenbrock</title>" in html and 'id="adam-lab-figure"' in html
    assert 'src="http' not in html and len(html) > 3_000_000  # Plotly.js embedded: offline
    assert "Plotly.animate" not in html.split("Plotly.newPlot")[-1]  # no auto-play call
    # No chart script in the file: Plotly.js plays the 2× button's frames itself.
    assert '"execute":false' not in html.replace(" ", "") and '"label":"2×"' in html


def test_gif_decodes_and_grows_the_paths(runs, landscape):
    gif = Image.open(io.BytesIO(race_gif(ROSENBROCK, landscape, runs, frames=20)))
    assert gif.format == "GIF" and gif.n_frames == 21
    gif.seek(0)
    first = np.asarray(gif.convert("RGB")).copy()
    gif.seek(gif.n_frames - 1)
    last = np.asarray(gif.convert("RGB"))
    adam_red = np.array([214, 39, 40])
    count = [
        int(np.sum(np.all(np.abs(a.astype(int) - adam_red) < 8, axis=-1))) for a in (first, last)
    ]
    assert count[1] > count[0] + 300  # Adam's red path has been drawn


def test_custom_function_figures_work():
    objective = parse_expression("x^2 + 3*y^2 + sin(3*x)")
    t = run(Adam(learning_rate=0.05), objective, objective.start, 200)
    picture = evaluate(objective)
    spec(race_figure(objective, picture, background_uri(picture), {"Adam": t}))
    spec(surface_figure(objective, picture, {"Adam": t}))


def test_race_scrub_traces_replace_one_runs_path_and_marker(runs, landscape):
    figure = race_figure(ROSENBROCK, landscape, background_uri(landscape), runs)
    paths = np.stack([runs["Adam"].params * (1 + 0.1 * k) for k in range(3)])
    swaps = race_scrub_traces(ROSENBROCK, runs, "Adam", paths)
    line, heads = swaps
    assert figure.data[line].name.startswith("Adam (")  # the trace it swaps is Adam's path
    assert figure.data[heads].name == "current position"
    assert swaps[line]["x"].shape[1] == min(SCRUB_POINTS, paths.shape[1])
    assert swaps[line]["x"][:, -1].tolist() == pytest.approx(paths[:, -1, 0].tolist(), rel=1e-6)
    order = list(runs).index("Adam")
    others = [k for k in range(len(runs)) if k != order]
    for stop in range(3):
        assert swaps[heads]["x"][stop, order] == pytest.approx(paths[stop, -1, 0], rel=1e-6)
        np.testing.assert_allclose(
            swaps[heads]["y"][stop, others], [figure.data[heads].y[k] for k in others], rtol=1e-6
        )


def test_race_stop_names_are_the_legend_the_figure_shows_at_each_stop(runs, landscape):
    figure = race_figure(ROSENBROCK, landscape, background_uri(landscape), runs)
    names = race_stop_names(ROSENBROCK, runs, "Adam", "learning_rate", [0.001, 0.02, 0.3])
    [(line, per_stop)] = names.items()
    assert per_stop[1] == figure.data[line].name == "Adam (α=0.02, β1=0.9, β2=0.999, ε=1e-08)"
    assert per_stop[0] == "Adam (α=0.001, β1=0.9, β2=0.999, ε=1e-08)"
    assert per_stop[2].startswith("Adam (α=0.3, ")


def test_progress_stop_subtitles_name_each_stops_value_in_the_figures_subtitle(runs):
    figure = progress_figure(ROSENBROCK, runs)
    [(path, texts)] = progress_stop_subtitles(runs, "Adam", "beta2", [0.99, 0.999]).items()
    assert path == "title.subtitle.text"
    assert texts[1] == figure.layout.title.subtitle.text  # 0.999: the run's own value
    lines = texts[0].split("<br>")
    assert lines[1] == "Adam (α=0.02, β1=0.9, β2=0.99, ε=1e-08)"
    assert [lines[0], lines[2]] == [
        figure.layout.title.subtitle.text.split("<br>")[k] for k in (0, 2)
    ]


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_progress_scrub_traces_hold_the_curves_the_figure_draws_at_each_stop(runs, name):
    figure = progress_figure(ROSENBROCK, runs)
    own = runs[name].params
    # Stop 1 is the run itself; the others are other paths (shifted towards the minimum).
    paths = np.stack([0.5 * own + 0.5, own, 0.9 * own + 0.1])
    swaps = progress_scrub_traces(ROSENBROCK, runs, name, paths)
    order = list(runs).index(name)
    loss, distance = order, len(runs) + order
    assert set(swaps) == {loss, distance}
    assert figure.data[loss].name == figure.data[distance].name == name
    steps = swaps[loss]["x"][1].astype(int)
    assert len(steps) == CURVE_POINTS and steps[0] == 0 and steps[-1] == 1000
    # At the run's own stop, both curves are the figure's at those steps.
    for trace in (loss, distance):
        np.testing.assert_allclose(swaps[trace]["y"][1], figure.data[trace].y[steps], rtol=1e-6)
    # Elsewhere, the values of that stop's path: f − f* (f* = 0 here) and the distance to (1, 1).
    kept = paths[0, steps]
    f = (1 - kept[:, 0]) ** 2 + 100 * (kept[:, 1] - kept[:, 0] ** 2) ** 2
    np.testing.assert_allclose(swaps[loss]["y"][0], np.maximum(f, TINY), rtol=1e-6)
    np.testing.assert_allclose(
        swaps[distance]["y"][0], np.hypot(kept[:, 0] - 1, kept[:, 1] - 1), rtol=1e-6
    )


def test_summary_table_as_text_keeps_small_numbers_readable(runs):
    table = summary_table(ROSENBROCK, runs)
    text = as_text(table)
    assert list(text.columns) == list(table.columns)
    for column in ("final loss", "best loss", "path length"):
        for shown, value in zip(text[column], table[column], strict=True):
            assert float(shown) == pytest.approx(value, rel=1e-3)  # four significant digits
    assert as_text(table.assign(**{"final loss": 3e-13}))["final loss"].iloc[0] == "3e-13"
    assert list(text["diverged at step"]) == list(table["diverged at step"])
