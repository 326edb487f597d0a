"""Experiment figures and tables: structure, colours, click layers and payload size."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from optim.experiments import (
    BLEW_UP,
    CONVERGED,
    DIVERGED,
    NOT_CONVERGED,
    STALLED,
    Axis,
    basins,
    compare_basins,
    grid_search,
    noise_study,
    sweep,
)
from viz.experiments import (
    BASIN_COLORS,
    COLOR_BY,
    DIVERGED_COLOR,
    STALLED_COLOR,
    _log_ticks,
    axis_ticks,
    basin_names,
    basin_shares,
    basins_figure,
    basins_table,
    cell_from_point,
    csv_on_demand,
    grid_search_table,
    noise_figure,
    noise_summary,
    noise_table,
    noise_verdict,
    sweep_figure,
    sweep_table,
    table_csv,
)
from viz.style import OPTIMIZER_COLORS


@pytest.fixture(scope="module")
def mixed_sweep():
    """SGD + momentum on a bowl: some cells converge, some stall, some diverge."""
    return sweep(
        "SGD + momentum",
        "rotated_quadratic",
        (-2.5, 1.0),
        200,
        Axis("learning_rate", 1e-4, 1.0, 8, "log"),
        Axis("momentum", 0.0, 0.99, 6, "nines"),
    )


@pytest.fixture(scope="module")
def maps():
    return compare_basins(
        {"SGD": ("SGD", {"learning_rate": 0.025}), "Adam": ("Adam", {"learning_rate": 0.05})},
        "himmelblau",
        60,
        24,
    )


@pytest.fixture(scope="module")
def study():
    return noise_study(
        "rosenbrock",
        (-1.5, 2.5),
        900,
        {
            "SGD": {"learning_rate": 0.001},
            "SGD + momentum": {"learning_rate": 0.001},
            "RMSProp": {"learning_rate": 0.01},
            "Adam": {"learning_rate": 0.05},
        },
        noise=1.0,
        sparsity=0.3,
        seeds=6,
    )


def data_of(figure: go.Figure) -> list[dict]:
    return go.Figure(figure.to_dict()).to_dict()["data"]  # validates every property


def test_mixed_sweep_has_every_status(mixed_sweep):
    assert set(np.unique(mixed_sweep.status).tolist()) == {CONVERGED, STALLED, BLEW_UP}


@pytest.mark.parametrize("color", COLOR_BY)
def test_sweep_figure_is_valid_and_colours_what_its_mode_says(mixed_sweep, color):
    figure = sweep_figure(mixed_sweep, color, selected=(2, 3), title="t")
    data = data_of(figure)
    heatmaps = [t for t in figure.data if t.type == "heatmap" and t.name != "cells"]
    status = mixed_sweep.status
    if color == "status":
        assert len(heatmaps) == 1
    else:
        values = np.asarray(heatmaps[0].z)
        assert values.shape == mixed_sweep.shape and values.dtype == np.float32
        assert np.all(np.isnan(values[status == BLEW_UP]))
        if color == "loss":
            gap = mixed_sweep.final_loss - 0.0
            alive = status != BLEW_UP
            np.testing.assert_allclose(
                values[alive], np.log10(np.maximum(gap[alive], 1e-16)), rtol=1e-6
            )
        else:
            assert np.all(np.isnan(values[status == STALLED]))
            np.testing.assert_array_equal(
                values[status == CONVERGED], mixed_sweep.converged_at[status == CONVERGED]
            )
    codes = np.asarray(heatmaps[-1].z)
    assert codes.dtype == np.uint8
    assert np.all(codes[status == BLEW_UP] == 2)
    assert np.all(codes[status == STALLED] == (0 if color == "loss" else 1))
    assert np.all(codes[status == CONVERGED] == (3 if color == "status" else 0))
    scale = heatmaps[-1].colorscale
    assert scale[2 * 2][1] == DIVERGED_COLOR and scale[2 * 1][1] == STALLED_COLOR
    names = {t["name"] for t in data if t.get("showlegend") is not False and "name" in t}
    assert "diverged" in names
    # The ring around the selected cell.
    ring = [t for t in figure.data if t.type == "scatter" and t.hoverinfo == "skip" and t.x[0]]
    assert ring and ring[-1].x == (3,) and ring[-1].y == (2,)


def test_sweep_hover_layer_gives_every_cell_its_values_and_takes_the_clicks(mixed_sweep):
    figure = sweep_figure(mixed_sweep, "loss")
    (layer,) = [t for t in figure.data if t.name == "cells"]
    assert figure.data.index(layer) > max(
        k for k, t in enumerate(figure.data) if t.type == "heatmap" and t.name != "cells"
    )
    ny, nx = mixed_sweep.shape
    customdata = np.asarray(layer.customdata)
    assert customdata.shape == (ny, nx, 2) and customdata.dtype == np.float32
    np.testing.assert_allclose(customdata[2, :, 0], mixed_sweep.x_values, rtol=1e-6)
    np.testing.assert_allclose(customdata[:, 3, 1], mixed_sweep.y_values, rtol=1e-6)
    expected = mixed_sweep.final_loss.astype(np.float32)  # f* = 0; float32 on the wire
    np.testing.assert_array_equal(np.asarray(layer.z), expected)
    steps = next(t for t in sweep_figure(mixed_sweep, "steps").data if t.name == "cells")
    np.testing.assert_array_equal(np.asarray(steps.z), mixed_sweep.converged_at)
    assert set(np.asarray(layer.colorscale)[:, 1]) == {"rgba(0,0,0,0)"}  # invisible
    assert "click" in layer.hovertemplate and "%{z:.3g}" in layer.hovertemplate
    assert "customdata[1]" in layer.hovertemplate and "customdata[2]" not in layer.hovertemplate
    assert not [t for t in figure.data if t.type == "scattergl"]  # not in the partial bundle


@pytest.mark.parametrize("color", COLOR_BY)
def test_sweeps_with_and_without_diverged_cells_have_their_traces_in_the_same_places(color):
    """α's live slider swaps one sweep figure's arrays into another's, trace by trace."""

    def figure(high_rate: float):
        result = sweep(
            "SGD + momentum",
            "rotated_quadratic",
            (-2.5, 1.0),
            200,
            Axis("learning_rate", 1e-4, high_rate, 8, "log"),
            Axis("momentum", 0.0, 0.99, 6, "nines"),
        )
        marks = [(1e-4, 0.9)]
        return result, sweep_figure(result, color, selected=result.best_cell(), marks=marks)

    calm, wild = figure(1e-3), figure(1.0)
    assert BLEW_UP not in calm[0].status and BLEW_UP in wild[0].status
    kinds = [[(t.type, t.name) for t in f.data if t.x != (None,)] for _, f in (calm, wild)]
    assert kinds[0] == kinds[1]
    swatches = [t.name for t in wild[1].data if t.x == (None,)]
    assert "diverged" in swatches and len(wild[1].data) == len(kinds[1]) + len(swatches)
    status = next(t for t in calm[1].data if t.name == "status")
    assert color != "loss" or not np.asarray(status.z).any()  # nothing covered: transparent


@pytest.mark.parametrize(
    ("low", "high", "labels"),
    [
        (-16.0, 1.3, None),  # many decades: powers of ten inside the range, at most about eight
        (0.8044, 0.8406, ["6.37", "6.51", "6.65", "6.79", "6.93"]),  # within one decade
        (-2.5, -1.2, ["0.00316", "0.00668", "0.0141", "0.0299", "0.0631"]),  # one power inside
    ],
)
def test_colour_bar_ticks_fall_inside_the_values_shown(low, high, labels):
    ticks = _log_ticks(low, high)
    assert len(ticks["tickvals"]) >= 2
    assert all(low <= t <= high for t in ticks["tickvals"])
    if labels is None:
        assert ticks["tickvals"] == [-16, -13, -10, -7, -4, -1]
        assert ticks["ticktext"][0] == "10<sup>−16</sup>"
    else:
        assert ticks["ticktext"] == labels


def test_cell_from_point_maps_a_selection_point_to_row_and_column():
    assert cell_from_point({"x": 3, "y": 5}, (6, 8)) == (5, 3)
    assert cell_from_point({"x": 2.6, "y": 0.4}, (6, 8)) == (0, 3)  # a ring between cells
    assert cell_from_point({"x": 8, "y": 0}, (6, 8)) is None
    assert cell_from_point({"x": None, "y": 1}, (6, 8)) is None
    assert cell_from_point({}, (6, 8)) is None


def test_axis_ticks_sit_at_the_positions_of_round_values():
    axis = Axis("learning_rate", 1e-4, 1.0, 50, "log")
    positions, labels = axis_ticks(axis)
    assert labels == ["0.0001", "0.001", "0.01", "0.1", "1"]
    np.testing.assert_allclose(positions, [0, 12.25, 24.5, 36.75, 49])
    positions, labels = axis_ticks(Axis("beta2", 0.9, 0.99999, 100, "nines"))
    assert labels == ["0.9", "0.99", "0.999", "0.9999", "0.99999"]
    np.testing.assert_allclose(positions, [0, 24.75, 49.5, 74.25, 99])
    positions, labels = axis_ticks(Axis("momentum", 0.0, 0.99, 12, "linear"))
    assert labels[0] == "0" and np.all(np.diff(positions) > 0)


def test_course_grid_marks_are_placed_on_their_cells():
    result = sweep(
        "Adam",
        "sphere",
        (1.0, 1.0),
        10,
        Axis("learning_rate", 1e-3, 0.1, 5, "log"),
        Axis("beta1", 0.9, 0.99, 3, "nines"),
    )
    marks = [(0.001, 0.9), (0.01, 0.95), (0.1, 0.9), (0.5, 0.9)]  # the last is outside
    figure = sweep_figure(result, marks=marks, marks_name="grid")
    trace = next(t for t in figure.data if t.name == "grid")
    np.testing.assert_allclose(trace.x, [0, 2, 4])
    np.testing.assert_allclose(trace.y, [0, result.y.position(0.95), 0])


def test_sweep_payload_stays_small(mixed_sweep):
    grid = sweep(
        "Adam",
        "rosenbrock",
        (-1.5, 2.5),
        30,
        Axis("beta1", 0.5, 0.999, 100, "nines"),
        Axis("beta2", 0.9, 0.99999, 100, "nines"),
    )
    for color in COLOR_BY:
        size = len(pio.to_json(sweep_figure(grid, color, selected=(0, 0)), validate=False))
        assert size < 350_000, (color, size)
    assert len(pio.to_json(sweep_figure(mixed_sweep), validate=False)) < 20_000


def test_sweep_figure_refuses_an_unknown_colouring(mixed_sweep):
    with pytest.raises(ValueError, match="Invalid color"):
        sweep_figure(mixed_sweep, "speed")


# -- basins ---------------------------------------------------------------------------------
def test_basin_maps_colour_each_start_by_its_label(maps):
    assert set(np.unique(maps["SGD"].labels)) >= {DIVERGED, NOT_CONVERGED, 1}
    figure = basins_figure(maps, selected=(4, 5), title="t")
    data_of(figure)
    heatmaps = [t for t in figure.data if t.type == "heatmap"]
    assert [h.xaxis or "x" for h in heatmaps] == ["x", "x2"]
    for heatmap, result in zip(heatmaps, maps.values(), strict=True):
        codes = np.asarray(heatmap.z)
        assert codes.dtype == np.uint8 and codes.shape == result.labels.shape
        expected = np.where(result.labels >= 0, result.labels, 4)
        expected = np.where(result.labels == DIVERGED, 5, expected)
        np.testing.assert_array_equal(codes, expected)
        colors = [heatmap.colorscale[2 * code][1] for code in range(6)]
        assert colors == [*BASIN_COLORS[:4], STALLED_COLOR, DIVERGED_COLOR]
    names = basin_names(maps["SGD"].objective)
    swatches = {t.name for t in figure.data if t.type == "scatter" and t.x == (None,)}
    present = set(np.unique(np.concatenate([m.labels.ravel() for m in maps.values()])))
    assert swatches == {names[int(label)] for label in present}
    stars = [t for t in figure.data if t.name == "known minima"]
    assert len(stars) == 2 and len(stars[0].x) == 4


def test_basin_maps_take_clicks_on_their_own_cells(maps):
    figure = basins_figure(maps)
    heatmaps = [t for t in figure.data if t.type == "heatmap"]
    for heatmap, name in zip(heatmaps, maps, strict=True):
        assert name in heatmap.hovertemplate and "click" in heatmap.hovertemplate
    assert not [t for t in figure.data if t.type == "scattergl"]  # not in the partial bundle


def test_basin_maps_keep_the_domain_aspect():
    result = basins("Adam", {"learning_rate": 0.02}, "six_hump_camel", 20, 21)
    figure = basins_figure({"Adam": result, "Adam again": result})
    layout = figure.to_dict()["layout"]
    # The domain is 4 wide and 2 tall on 21 × 21 starts: a row is half as tall as a column.
    assert layout["yaxis"]["scaleratio"] == pytest.approx(0.5)
    assert layout["yaxis2"]["scaleanchor"] == "x2"


def test_basin_tables_and_shares(maps):
    table = basins_table(maps)
    assert len(table) == 24 * 24
    first = maps["SGD"]
    np.testing.assert_array_equal(table["start x"], np.tile(first.x, 24))
    np.testing.assert_array_equal(table["start y"], np.repeat(first.y, 24))
    names = basin_names(first.objective)
    assert table["Adam: reached"].tolist() == [names[int(v)] for v in maps["Adam"].labels.ravel()]
    shares = basin_shares(maps)
    assert shares[["SGD", "Adam"]].sum().tolist() == pytest.approx([1.0, 1.0])
    assert shares["where the run ended"].tolist()[-2:] == [
        names[NOT_CONVERGED],
        names[DIVERGED],
    ]


# -- noise ----------------------------------------------------------------------------------
def test_noise_figure_draws_band_mean_and_clean_run_per_optimizer(study):
    figure = noise_figure(study, title="t")
    data_of(figure)
    assert len(figure.data) == 4 * 4
    for index, name in enumerate(study.loss):
        high, low, clean, mean = figure.data[4 * index : 4 * index + 4]
        assert low.fill == "tonexty"
        assert mean.line.color == OPTIMIZER_COLORS[name] == clean.line.color
        assert clean.line.dash == "dot"
        assert mean.showlegend is not False and name in mean.name
        assert len(mean.x) <= 401 and mean.x[-1] == study.steps
        summary = study.summary(name)
        steps = np.asarray(mean.x)
        np.testing.assert_allclose(
            mean.y, np.maximum(summary["geometric mean"][steps], 1e-16), rtol=1e-6
        )
        assert np.all(np.asarray(low.y) <= np.asarray(high.y))
    assert figure.layout.yaxis.type == "log"
    assert len(pio.to_json(figure, validate=False)) < 120_000


def test_noise_tables(study):
    table = noise_table(study)
    assert len(table) == 4 * (study.steps + 1)
    adam = table[table["optimizer"] == "Adam"]
    np.testing.assert_allclose(adam["median"], np.median(study.loss["Adam"], axis=1))
    summary = noise_summary(study)
    assert summary["optimizer"].tolist() == list(study.loss)
    verdict = noise_verdict(study)
    medians = summary.set_index("optimizer")["median"]
    assert verdict.index(medians.idxmin()) < verdict.index(medians.idxmax())


# -- sweep and grid-search tables -----------------------------------------------------------
def test_sweep_table_round_trips_through_csv(mixed_sweep):
    table = sweep_table(mixed_sweep)
    assert len(table) == mixed_sweep.final_loss.size
    back = pd.read_csv(io.BytesIO(table_csv(table)))
    np.testing.assert_array_equal(back["final loss"], mixed_sweep.final_loss.ravel())
    np.testing.assert_array_equal(
        back["learning_rate"], np.tile(mixed_sweep.x_values, mixed_sweep.shape[0])
    )
    np.testing.assert_array_equal(
        back["momentum"], np.repeat(mixed_sweep.y_values, mixed_sweep.shape[1])
    )
    diverged = back["diverged at step"].fillna(-1).astype(int)
    np.testing.assert_array_equal(diverged, mixed_sweep.diverged_at.ravel())
    assert set(back["status"]) == {"converged", "not converged", "diverged"}


def test_a_csv_on_demand_builds_its_table_only_when_asked(mixed_sweep):
    built = []

    def table(sweep):
        built.append(sweep)
        return sweep_table(sweep)

    make = csv_on_demand(table, mixed_sweep)
    assert built == []  # a run that draws the button builds nothing
    assert make() == table_csv(sweep_table(mixed_sweep)) and built == [mixed_sweep]


def test_grid_search_table_is_best_first():
    search = grid_search("Adam", "rosenbrock", (-1.5, 2.5), 200)
    table = grid_search_table(search)
    assert table["rank"].tolist() == list(range(1, 13))
    assert list(table.columns[1:4]) == ["α", "β1", "β2"]
    assert np.all(np.diff(table["final loss"]) >= 0)
