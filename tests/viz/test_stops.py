"""viz.stops: what a live slider swaps into a figure, taken from the figure built at each stop."""

from __future__ import annotations

import numpy as np
import pytest

from viz.stops import figure_arrays, stops_of, window

# α's stops on the pages (ui.hyperparameters.LEARNING_RATES), from 1e-5 to 1.
RATES = tuple(float(f"{m * 10.0**e:.12g}") for e in range(-5, 0) for m in (1, 1.5, 2, 3, 5, 7))
RATES = (*RATES, 1.0)


def curve_figure(scale: float, title: str = "α = 1") -> dict:
    steps = np.arange(1, 1001, dtype=float)
    return {
        "data": [
            {"type": "scatter", "x0": 1, "dx": 2, "y": scale / steps},  # drawn from x0/dx
            {"type": "scatter", "x": [0.0, 1.0], "y": [5.0, 5.0]},  # the same at every stop
            {"type": "scatter", "x": steps, "y": scale * steps, "customdata": steps},
            {"type": "heatmap", "z": [[1, 2], [3, 4]]},
        ],
        "layout": {"title": {"text": "Curves", "subtitle": {"text": title}}},
    }


def test_figure_arrays_thin_the_curves_and_give_x0_dx_traces_their_x():
    arrays = figure_arrays(curve_figure(1.0), points=100)
    assert set(arrays.traces) == {0, 1, 2, 3}  # scatter traces with a y, and the heatmap
    np.testing.assert_array_equal(arrays.traces[3]["z"], [[1, 2], [3, 4]])
    assert arrays.traces[3]["z"].dtype == np.float32 and set(arrays.traces[3]) == {"z"}
    thinned = arrays.traces[0]
    keep = np.unique(np.linspace(0, 999, 100).round().astype(int))
    np.testing.assert_array_equal(thinned["x"], 1 + 2 * keep)
    np.testing.assert_allclose(thinned["y"], 1 / (1 + keep), rtol=1e-7)
    assert thinned["x"].dtype == np.float32
    # A trace whose points carry customdata keeps every point: clicks read them by index.
    assert len(arrays.traces[2]["x"]) == 1000
    assert arrays.texts == {"title.text": "Curves", "title.subtitle.text": "α = 1"}
    assert len(figure_arrays(curve_figure(1.0)).traces[0]["y"]) == 1000  # no points: all


def test_a_plotly_figure_gives_the_same_arrays_as_its_dict():
    import plotly.graph_objects as go

    spec = curve_figure(3.0)
    spec["data"][3]["z"] = np.arange(12.0).reshape(3, 4)  # sent as base64 with its shape
    built = figure_arrays(go.Figure(spec), points=100)  # to_dict() sends arrays as base64
    plain = figure_arrays(spec, points=100)
    assert built.traces.keys() == plain.traces.keys()
    for index, arrays in plain.traces.items():
        for name, array in arrays.items():
            np.testing.assert_array_equal(built.traces[index][name], array)
    assert built.traces[3]["z"].shape == (3, 4)


def test_figure_arrays_leave_out_the_traces_named_in_skip():
    spec = curve_figure(1.0)
    spec["data"][3]["name"] = "cells"
    assert set(figure_arrays(spec, skip={"cells"}).traces) == {0, 1, 2}


def test_stops_of_keeps_what_changes_from_stop_to_stop():
    stops = [figure_arrays(curve_figure(s, f"α = {s}"), points=50) for s in (0.5, 1.0, 2.0)]
    traces, texts = stops_of(stops)
    assert set(traces) == {0, 2}  # trace 1 is the same at every stop
    assert [float(y[0]) for y in traces[0]["y"]] == [0.5, 1.0, 2.0]
    assert len(traces[0]["x"]) == 3 and np.array_equal(traces[0]["x"][0], traces[0]["x"][2])
    assert texts == {"title.subtitle.text": ["α = 0.5", "α = 1.0", "α = 2.0"]}


def test_stops_of_swaps_heatmaps_and_only_traces_of_one_kind_at_every_stop():
    stops = [figure_arrays(curve_figure(s), points=50) for s in (0.5, 1.0)]
    stops[1].traces[3]["z"] = np.array([[1, 2], [3, np.nan]], np.float32)
    stops[0].traces[3]["z"] = stops[1].traces[3]["z"].copy()
    traces, _ = stops_of(stops)
    assert 3 not in traces  # NaN where NaN: the same
    stops[1].traces[3]["z"] = np.array([[1, 2], [3, 5]], np.float32)
    traces, _ = stops_of(stops)
    assert np.isnan(traces[3]["z"][0][1, 1]) and traces[3]["z"][1][1, 1] == 5
    assert set(traces[3]) == {"z"}
    stops[1].traces[2] = {"z": np.zeros((2, 2), np.float32)}  # another kind of trace there
    assert 2 not in stops_of(stops)[0]


@pytest.mark.parametrize(
    ("current", "reach", "expected"),
    [
        (0.02, 2, ([0.01, 0.015, 0.02, 0.03, 0.05], 2)),
        (1e-5, 2, ([1e-5, 1.5e-5, 2e-5], 0)),  # the first stop: nothing below
        (1.0, 1, ([0.7, 1.0], 1)),  # the last
        (0.021, 1, ([0.015, 0.02, 0.03], 1)),  # the nearest stop is the centre
    ],
)
def test_window_takes_the_stops_around_the_nearest(current, reach, expected):
    assert window(RATES, current, reach) == expected
