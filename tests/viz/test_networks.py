"""Figures, tables and the CSV export of the Networks page: valid Plotly, the right traces and
frames, the numbers they carry, payload bounds, and a strict CSV that reads back."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from nets import MLP, PRESETS, compare, grid_search, load, train
from nets.data import bag_of_words
from optim import SGD, Adam, RMSProp
from tests.plotly_data import values
from viz.networks import (
    BOUNDARY_FRAMES,
    LEVELS,
    MAX_FRAMES,
    W1_PAYLOAD,
    boundary_figure,
    boundary_grids,
    generalisation_figure,
    generalisation_numbers,
    grid_search_figure,
    grid_search_table,
    history_csv,
    history_table,
    metrics_figure,
    rare_to_frequent,
    rate_bands_figure,
    w1_rates_figure,
    word_rates,
    words_figure,
)
from viz.style import color_of


def spec(figure: go.Figure) -> dict:
    """The JSON the browser receives, after full Plotly validation (raises if invalid)."""
    validated = go.Figure(figure.to_dict())
    return json.loads(pio.to_json(validated, validate=False))


def payload(figure: go.Figure) -> int:
    return len(pio.to_json(figure, validate=False))


@pytest.fixture(scope="module")
def moons():
    return load("moons", size=150, seed=2)


@pytest.fixture(scope="module")
def runs(moons):
    model = PRESETS["moons"].model(moons)
    optimizers = {
        "Adam": Adam(learning_rate=0.02),
        "SGD": SGD(learning_rate=0.1),
        "RMSProp": RMSProp(learning_rate=0.01),
    }
    return {
        name: train(
            model, o, moons.X, moons.y, epochs=12, batch_size=16, validation=moons.validation
        )
        for name, o in optimizers.items()
    }


@pytest.fixture(scope="module")
def diverging(moons):
    """Adam that learns, and SGD that blows up in its second epoch."""
    model = MLP((2, 8, 1), hidden="relu", output="linear")
    y = moons.y * 10.0
    validation = (moons.X_val, moons.y_val * 10.0)
    return {
        "Adam": train(
            model,
            Adam(learning_rate=0.01),
            moons.X,
            y,
            epochs=6,
            batch_size=16,
            validation=validation,
        ),
        "SGD": train(
            model,
            SGD(learning_rate=1.5),
            moons.X,
            y,
            epochs=6,
            batch_size=16,
            validation=validation,
        ),
    }


@pytest.fixture(scope="module")
def words():
    data = bag_of_words()
    model = PRESETS["course_bag_of_words"].model(data)
    runs = {
        name: train(model, o, data.X, data.y, epochs=40, batch_size=3)
        for name, o in (("Adam", Adam(learning_rate=0.01)), ("SGD", SGD(learning_rate=0.1)))
    }
    return data, runs


@pytest.fixture(scope="module")
def digits_runs():
    data = load("digits")
    model = PRESETS["digits"].model(data)
    optimizers = {"Adam": Adam(learning_rate=1e-3), "SGD": SGD(learning_rate=0.1)}
    runs = compare(model, optimizers, data.X, data.y, epochs=2, validation=data.validation)
    return runs


def all_numbers(data: dict) -> np.ndarray:
    """Every numeric array of every trace, decoded as the browser decodes it."""
    found = []
    for trace in data["data"]:
        for key in ("x", "y", "z"):
            if key in trace and trace[key] is not None:
                array = values(trace[key])
                if array.dtype.kind in "fiu":
                    found.append(np.ravel(array).astype(float))
    return np.concatenate(found)


# -- loss and accuracy ------------------------------------------------------------------------
def test_metrics_figure_structure(runs):
    data = spec(metrics_figure(runs))
    traces = data["data"]
    assert len(traces) == 12  # 3 optimizers × (train, validation) × (loss, accuracy)
    assert {t["type"] for t in traces} == {"scatter"}
    for trace in traces:
        name = trace["name"].split()[0]
        assert trace["line"]["color"] == color_of(name)
        assert trace["line"]["dash"] == ("dash" if "validation" in trace["name"] else "solid")
        assert len(values(trace["y"])) == 13  # epochs 0 … 12
    adam_loss = next(t for t in traces if t["name"] == "Adam train" and t["yaxis"] == "y")
    np.testing.assert_allclose(values(adam_loss["y"]), runs["Adam"].train_loss, rtol=1e-6)
    assert values(adam_loss["y"]).dtype == np.float32
    assert data["layout"]["yaxis"]["type"] == "log"
    assert data["layout"]["yaxis2"]["range"] == [0, 1.02]
    assert "same θ_0 and minibatches" in data["layout"]["title"]["subtitle"]["text"]
    # The legend sits under the title block, above the plot: it cannot overlap the title.
    assert data["layout"]["legend"]["y"] == 1.0 and data["layout"]["legend"]["yanchor"] == "bottom"


def test_metrics_of_a_regression_have_one_panel(diverging):
    data = spec(metrics_figure(diverging))
    assert "xaxis2" not in data["layout"]
    assert {t["yaxis"] for t in data["data"]} == {"y"}


def test_a_diverged_run_is_drawn_up_to_where_it_stopped(diverging):
    sgd = diverging["SGD"]
    assert sgd.diverged_at > 0, "the fixture must diverge"
    data = spec(metrics_figure(diverging))
    lines = [t for t in data["data"] if t["name"] == "SGD train"]
    assert len(values(lines[0]["y"])) == sgd.diverged_epoch + 1
    crosses = [t for t in data["data"] if t["name"] == "SGD diverged"]
    assert crosses and crosses[0]["marker"]["symbol"] == "x"
    for figure in (metrics_figure(diverging), rate_bands_figure(diverging)):
        assert np.all(np.isfinite(all_numbers(spec(figure))))
    bands = spec(rate_bands_figure(diverging))
    sgd_lines = [t for t in bands["data"] if t.get("legendgroup") == "SGD"]
    assert all(len(values(t["y"])) == sgd.diverged_at - 1 for t in sgd_lines)


# -- effective rates ----------------------------------------------------------------------------
def test_rate_bands_structure_and_values(runs):
    data = spec(rate_bands_figure(runs))
    layers = runs["Adam"].model.n_layers
    traces = data["data"]
    # Adam and RMSProp: two bands (4 edges) and a median per layer; SGD: one line per layer.
    assert len(traces) == layers * (5 + 1 + 5)
    for k in range(layers):
        axis = "y" if k == 0 else f"y{k + 1}"
        assert data["layout"][f"yaxis{k + 1 if k else ''}"]["type"] == "log"
        adam = [t for t in traces if t["legendgroup"] == "Adam" and t["yaxis"] == axis]
        assert [t.get("fill") for t in adam] == [None, "tonexty", None, "tonexty", None]
        median = values(adam[-1]["y"])
        np.testing.assert_allclose(median, runs["Adam"].rate_quantiles[:, k, 2], rtol=1e-6)
        sgd = [t for t in traces if t["legendgroup"] == "SGD" and t["yaxis"] == axis]
        assert len(sgd) == 1 and "one rate for all" in sgd[0]["name"]
        np.testing.assert_allclose(values(sgd[0]["y"]), 0.1, rtol=1e-6)
    assert payload(rate_bands_figure(runs)) < 60_000


def test_rate_bands_are_thinned_to_max_points(moons):
    model = MLP((2, 4, 1), hidden="tanh")
    history = train(model, Adam(), moons.X, moons.y, epochs=200, batch_size=16)  # 1 600 steps
    data = spec(rate_bands_figure({"Adam": history}))
    lengths = {len(values(t["y"])) for t in data["data"]}
    assert max(lengths) <= 500 and data["data"][0]["dx"] == 4


def test_w1_heatmap_frames(runs):
    history = runs["Adam"]
    figure = w1_rates_figure(history, "Adam")
    data = spec(figure)
    assert [t["type"] for t in data["data"]] == ["heatmap"]
    frames = data["frames"]
    assert 2 <= len(frames) <= MAX_FRAMES
    assert len({f["name"] for f in frames}) == len(frames)
    assert len(data["layout"]["sliders"][0]["steps"]) == len(frames)
    assert all(f["traces"] == [0] for f in frames)
    inputs, hidden = history.model.blocks[0].shape
    last = values(frames[-1]["data"][0]["z"])
    assert last.shape == (inputs, hidden) and last.dtype == np.uint8
    heat = data["data"][0]
    assert (heat["zmin"], heat["zmax"]) == (0, LEVELS)  # one scale for every frame
    # Decode with the colour bar: its ticks are rates at code positions, linear in log10.
    bar = heat["colorbar"]
    ticks = np.array(bar["tickvals"], dtype=float)
    rates = np.array([float(t) for t in bar["ticktext"]])
    slope, offset = np.polyfit(ticks, np.log10(rates), 1)
    decoded = offset + slope * last
    exact = np.log10(history.w1_rates[-1])
    inside = (last > 0) & (last < LEVELS)  # the ends also hold the clipped outer percent
    assert inside.mean() > 0.5
    np.testing.assert_allclose(decoded[inside], exact[inside], atol=1.01 * slope / 2)
    assert np.all(exact[last == 0] <= decoded[last == 0] + slope / 2)
    assert np.all(exact[last == LEVELS] >= decoded[last == LEVELS] - slope / 2)
    every = np.stack([values(f["data"][0]["z"]) for f in frames])
    assert every.min() == 0 and every.max() == LEVELS  # the scale spans what is shown
    assert payload(figure) < 60_000


def test_digits_generalisation_and_a_large_w1(digits_runs):
    runs = digits_runs
    numbers = generalisation_numbers(runs)
    assert set(numbers["optimizer"]) == {"Adam", "SGD"}
    assert numbers["validation accuracy"].between(0, 1).all()
    figure = generalisation_figure(runs)
    spec(figure)
    # 64 × 64 weights: the frames are capped by the payload budget, not only by MAX_FRAMES.
    heat = w1_rates_figure(runs["Adam"], "Adam")
    assert len(heat.frames) == W1_PAYLOAD // (64 * 64) == 40
    assert payload(heat) < 2 * W1_PAYLOAD


def test_w1_heatmap_names_the_words(words):
    data, runs = words
    figure = spec(w1_rates_figure(runs["Adam"], "Adam", feature_names=data.feature_names))
    assert figure["data"][0]["y"] == list(data.feature_names)
    with pytest.raises(ValueError, match="feature_names has 2 names for 20 inputs"):
        w1_rates_figure(runs["Adam"], "Adam", feature_names=("a", "b"))


@pytest.mark.parametrize(
    "build", [metrics_figure, rate_bands_figure, generalisation_numbers], ids=lambda f: f.__name__
)
def test_no_runs_is_a_clear_error(build):
    with pytest.raises(ValueError, match="No runs to draw"):
        build({})


def test_batched_histories_are_refused_by_the_per_optimizer_figures(search):
    with pytest.raises(ValueError, match="this History is a batch of models"):
        metrics_figure({"grid": search.history})


def test_rate_figures_need_recorded_rates(moons):
    model = MLP((2, 4, 1))
    history = train(model, Adam(), moons.X, moons.y, epochs=2, rates=False)
    with pytest.raises(ValueError, match="rates=False"):
        rate_bands_figure({"Adam": history})
    with pytest.raises(ValueError, match="rates=False"):
        w1_rates_figure(history, "Adam")


# -- decision boundaries -------------------------------------------------------------------
def test_boundary_figure_structure(runs, moons):
    figure = boundary_figure(runs, moons, resolution=30)
    data = spec(figure)
    heatmaps = [t for t in data["data"] if t["type"] == "heatmap"]
    points = [t for t in data["data"] if t["type"] == "scatter"]
    assert len(heatmaps) == 3 and len(points) == 6  # two classes per panel
    frames = data["frames"]
    assert 2 <= len(frames) <= BOUNDARY_FRAMES
    for frame in frames:
        assert frame["traces"] == [0, 1, 2]
        assert all(values(d["z"]).dtype == np.uint8 for d in frame["data"])
    assert payload(figure) < 250_000
    # The last frame is each network's final probability of class 1, in whole percents.
    xs, ys = values(heatmaps[0]["x"]).astype(float), values(heatmaps[0]["y"]).astype(float)
    gx, gy = np.meshgrid(xs, ys)
    for index, name in enumerate(runs):
        history = runs[name]
        probability = history.model.predict(history.params, np.stack([gx.ravel(), gy.ravel()], 1))
        expected = np.rint(100 * probability[:, 0]).reshape(gy.shape)
        np.testing.assert_allclose(values(frames[-1]["data"][index]["z"]), expected, atol=1)
    # The first frame is θ_0, the same for every optimizer.
    first = [values(d["z"]) for d in frames[0]["data"]]
    assert frames[0]["name"] == "0"
    np.testing.assert_array_equal(first[0], first[1])
    np.testing.assert_array_equal(first[0], first[2])


def test_boundary_needs_two_inputs(runs):
    data = load("random")
    history = train(PRESETS["course_dense"].model(data), Adam(), data.X, data.y, epochs=1)
    with pytest.raises(ValueError, match="no 2-D decision boundary"):
        boundary_grids(history, np.zeros(3), np.zeros(3), np.array([0]))


# -- rare and frequent words ----------------------------------------------------------------
def test_adam_gives_rare_words_larger_rates_than_frequent_ones(words):
    data, runs = words
    ratios = rare_to_frequent(runs, data)
    assert ratios["SGD"] == pytest.approx(1.0)
    assert ratios["Adam"] > 2  # about 4 on the nine sentences
    table = word_rates(runs, data)
    assert list(table["word"]) == list(data.feature_names)
    np.testing.assert_allclose(table["SGD rate"], 0.1, rtol=1e-7)  # α, stored as float32


def test_words_figure_structure(words):
    data, runs = words
    figure = spec(words_figure(runs, data))
    lines = [t for t in figure["data"] if t["mode"] == "lines"]
    dots = [t for t in figure["data"] if t["mode"] == "markers"]
    assert len(lines) == 4 and len(dots) == 2
    assert {t["line"]["dash"] for t in lines} == {"solid", "dash"}
    assert len(values(dots[0]["y"])) == len(data.feature_names)
    assert "rare/frequent" in figure["layout"]["title"]["subtitle"]["text"]


# -- grid search ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def search(moons):
    model = MLP((2, 6, 1), hidden="tanh")
    return grid_search(
        model, moons.X, moons.y, epochs=3, batch_size=16, validation=moons.validation
    )


def test_grid_search_table(search):
    table = grid_search_table(search)
    assert len(table) == 12 and list(table["rank"]) == list(range(1, 13))
    assert list(table.columns[:4]) == ["rank", "α", "β1", "β2"]
    assert table["final training loss"].is_monotonic_increasing
    best = search.ranking()[0]
    assert table.loc[0, "α"] == search.settings[best]["learning_rate"]
    assert table["diverged in epoch"].isna().all()


def test_grid_search_heatmap(search):
    data = spec(grid_search_figure(search))
    heat = data["data"][0]
    z = values(heat["z"])
    assert z.shape == (4, 3)  # (β1, β2) combinations down, α across
    assert heat["x"] == ["0.001", "0.01", "0.1"]
    assert heat["y"][0] == "β1=0.9, β2=0.999"
    k = 4  # α = 0.01, β1 = 0.9, β2 = 0.999
    assert search.settings[k] == {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999}
    assert z[0, 1] == pytest.approx(np.log10(search.final_loss[k]), rel=1e-6)


def test_grid_search_marks_diverged_models(moons):
    model = MLP((2, 6, 1), output="linear")
    y = moons.y * 10
    diverging = grid_search(
        model, moons.X, y, "SGD", {"learning_rate": (0.01, 3.0)}, epochs=4, batch_size=16
    )
    assert diverging.history.diverged_at[1] > 0
    table = grid_search_table(diverging)
    assert table["diverged in epoch"].isna().tolist() == [True, False]
    heat = spec(grid_search_figure(diverging))["data"][0]
    assert np.isnan(values(heat["z"])[0, 1]) and heat["text"][0][1].startswith("diverged")


# -- generalisation ------------------------------------------------------------------------
def test_generalisation_numbers(runs):
    numbers = generalisation_numbers(runs)
    assert list(numbers["optimizer"]) == ["Adam", "SGD", "RMSProp"]
    for _, row in numbers.iterrows():
        history = runs[row["optimizer"]]
        assert row["final training loss"] == history.train_loss[-1]
        assert row["final validation loss"] == history.validation_loss[-1]
        assert row["loss gap (validation − training)"] == pytest.approx(
            history.validation_loss[-1] - history.train_loss[-1]
        )
        assert row["accuracy gap (training − validation)"] == pytest.approx(
            history.train_accuracy[-1] - history.validation_accuracy[-1]
        )
        assert row["lowest validation loss"] == history.validation_loss.min()
    figure = spec(generalisation_figure(runs))
    subtitle = figure["layout"]["title"]["subtitle"]["text"]
    assert "Adam: validation − training loss =" in subtitle


def test_generalisation_needs_validation(moons):
    history = train(MLP((2, 3, 1)), Adam(), moons.X, moons.y, epochs=1)
    with pytest.raises(ValueError, match="without a validation set"):
        generalisation_numbers({"Adam": history})


# -- CSV -------------------------------------------------------------------------------------
def test_csv_round_trip(runs):
    raw = history_csv(runs)
    text = raw.decode()
    assert "nan" not in text.lower() and "inf" not in text.lower()
    table = pd.read_csv(io.BytesIO(raw))
    history = runs["RMSProp"]
    rows = table[table["run"] == "RMSProp"].reset_index(drop=True)
    assert len(rows) == history.steps + 1 and rows["step"].tolist() == list(
        range(history.steps + 1)
    )
    assert np.isnan(rows.loc[0, "step_loss"])  # θ_0: no step yet, an empty cell
    np.testing.assert_array_equal(rows["step_loss"][1:], history.step_loss)  # 17 digits: exact
    np.testing.assert_array_equal(rows["learning_rate"][1:], history.learning_rate)
    np.testing.assert_array_equal(rows["layer2_rate_q75"][1:], history.rate_quantiles[:, 1, 3])
    ends = rows["train_loss"].notna()
    assert rows.loc[ends, "step"].tolist() == list(
        range(0, history.steps + 1, history.steps_per_epoch)
    )
    np.testing.assert_array_equal(rows.loc[ends, "train_loss"], history.train_loss)
    np.testing.assert_array_equal(
        rows.loc[ends, "validation_accuracy"], history.validation_accuracy
    )
    assert rows["settings"][0] == "α=0.01, ρ=0.99, ε=1e-08"
    assert not rows["diverged"].any()


def test_csv_of_a_diverged_run_and_of_a_batch(diverging, search):
    table = pd.read_csv(io.BytesIO(history_csv(diverging)))
    sgd = table[table["run"] == "SGD"]
    first = int(diverging["SGD"].diverged_at)
    assert sgd["diverged"].tolist() == [step >= first for step in sgd["step"]]
    assert table["train_accuracy"].isna().all()  # a regression has no accuracy: empty cells
    raw = history_csv({"grid": search.history})
    assert "nan" not in raw.decode().lower()
    batch = pd.read_csv(io.BytesIO(raw))
    assert sorted(batch["model"].unique()) == list(range(12))
    model = batch[batch["model"] == 5]
    np.testing.assert_array_equal(model["step_loss"][1:], search.history.step_loss[:, 5])
    assert model["settings"].iloc[0].startswith("α=0.01, β1=0.9, β2=0.9999")
    assert history_table({}).empty
