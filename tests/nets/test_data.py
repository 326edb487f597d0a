"""Data sets: shapes, determinism, geometry of the 2-D sets, the shipped digits, the nine
sentences, the registry and the course's presets."""

from __future__ import annotations

import gzip
import hashlib

import numpy as np
import pytest

from nets import DATASETS, PRESETS, load
from nets.data import (
    DATA_DIR,
    DEFAULT_PRESET,
    SENTENCES,
    bag_of_words,
    circles,
    digits,
    moons,
    random_data,
    regression,
    spirals,
    tokens,
    word_counts,
)

DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


def arrays(data):
    return [a for a in (data.X, data.y, data.X_val, data.y_val) if a is not None]


@pytest.mark.parametrize("name", DATASETS)
def test_every_data_set_is_deterministic_and_fits_its_task(name):
    first, again = load(name), load(name)
    for a, b in zip(arrays(first), arrays(again), strict=True):
        np.testing.assert_array_equal(a, b)
    assert first.task == DATASETS[name].task
    assert first.X.ndim == 2 and np.all(np.isfinite(first.X))
    model = first.network((4,))
    assert model.inputs == first.inputs and model.outputs == first.outputs
    model.check_data(first.X, first.y)  # the shapes the loss expects
    if first.validation is not None:
        model.check_data(*first.validation, what="validation")


@pytest.mark.parametrize("name", [n for n, info in DATASETS.items() if "seed" in info.options])
def test_another_seed_gives_other_data(name):
    assert not np.array_equal(load(name, seed=0).X, load(name, seed=1).X)


def test_random_data_is_the_course_data():
    data = random_data()
    assert data.X.shape == (1000, 20) and data.y.shape == (1000, 1)
    assert set(np.unique(data.y)) == {0.0, 1.0}
    assert abs(data.X.mean()) < 0.05 and abs(data.X.std() - 1) < 0.05
    assert data.X_val.shape == (200, 20)
    # The labels are independent of X: no feature predicts them.
    correlations = [abs(np.corrcoef(data.X[:, j], data.y[:, 0])[0, 1]) for j in range(20)]
    assert max(correlations) < 0.12


@pytest.mark.parametrize("make", [moons, circles, spirals])
def test_planar_sets_split_and_balance(make):
    data = make(size=300, validation=0.2, seed=4)
    assert data.X.shape == (240, 2) and data.X_val.shape == (60, 2)
    assert data.y.shape == (240, 1) and data.inputs == 2
    both = np.concatenate([data.y, data.y_val])
    assert both.sum() == 150  # the classes alternate: exactly half of each
    assert make(size=300, validation=0.0).X_val is None


def test_moons_without_noise_lie_on_their_half_circles():
    data = moons(size=200, noise=0.0, validation=0.0)
    x, y = data.X[:, 0] + 0.5, data.X[:, 1] + 0.25  # undo the centring
    outer = data.y[:, 0] == 0
    np.testing.assert_allclose(np.hypot(x[outer], y[outer]), 1.0)
    assert np.all(y[outer] >= -1e-12)
    np.testing.assert_allclose(np.hypot(1 - x[~outer], 0.5 - y[~outer]), 1.0)


def test_circles_without_noise_have_their_radii():
    data = circles(size=100, noise=0.0, validation=0.0, factor=0.3)
    radius = np.hypot(data.X[:, 0], data.X[:, 1])
    np.testing.assert_allclose(radius[data.y[:, 0] == 0], 1.0)
    np.testing.assert_allclose(radius[data.y[:, 0] == 1], 0.3)


def test_noise_moves_the_points():
    clean, noisy = moons(noise=0.0, seed=2), moons(noise=0.3, seed=2)
    shift = np.abs(noisy.X - clean.X)
    assert 0.1 < shift.mean() < 0.4


def test_spirals_interleave():
    data = spirals(size=400, noise=0.0, validation=0.0)
    radius = np.hypot(data.X[:, 0], data.X[:, 1])
    assert radius.min() >= 0.05 - 1e-12 and radius.max() <= 1.0 + 1e-12
    # Opposite classes at the same radius are half a turn apart.
    angle = np.arctan2(data.X[:, 1], data.X[:, 0])
    expected = 2 * np.pi * 1.5 * radius + np.pi * data.y[:, 0]
    np.testing.assert_allclose(np.cos(angle - expected), 1.0, atol=1e-9)


def test_digits_are_the_shipped_file():
    path = DATA_DIR / "digits.csv.gz"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == DIGITS_SHA256
    with gzip.open(path, "rt") as file:
        first = np.array(file.readline().split(","), dtype=float)
    data = digits(validation=0.0)
    assert data.X.shape == (1797, 64) and data.y.shape == (1797,)
    assert data.X.min() == 0.0 and data.X.max() == 1.0
    counts = np.bincount(data.y, minlength=10)
    assert counts.sum() == 1797 and counts.min() >= 170  # about 180 of each digit
    # Row order is shuffled from the seed; the first image of the file is somewhere in it.
    matches = np.all(first[:64] / 16 == data.X, axis=1)
    assert matches.sum() >= 1 and np.all(data.y[matches] == first[64])
    split = digits()
    assert split.X.shape == (1438, 64) and split.X_val.shape == (359, 64)


def test_the_nine_sentences_as_a_bag_of_words():
    data = bag_of_words()
    assert len(SENTENCES) == 9
    assert data.X.shape == (9, len(data.feature_names)) and data.y.shape == (9, 1)
    assert set(np.unique(data.X)) == {0.0, 1.0}
    for row, (text, _) in zip(data.X, SENTENCES, strict=True):
        words = {data.feature_names[j] for j in np.flatnonzero(row)}
        assert words == set(tokens(text))
    assert data.y[:, 0].tolist() == [label for _, label in SENTENCES]
    counts = word_counts(data)
    assert np.all(np.diff(counts) <= 0)  # most frequent first
    assert counts[0] >= 5 and (counts == 1).sum() >= 10  # frequent and rare words both
    assert data.feature_names[0] == "this" and "masterpiece" in data.feature_names


def test_regression_is_a_smooth_function_plus_noise():
    clean = regression(rows=400, noise=0.0, validation=0.0, seed=3)
    x = clean.X
    expected = (
        np.sin(x[:, 0])
        + 0.5 * x[:, 1] * x[:, 2]
        + 0.3 * x[:, 3] ** 2
        - 0.2 * x[:, 4]
        + 0.4 * np.tanh(x[:, 5] + x[:, 6])
        - 0.3
    )
    np.testing.assert_allclose(clean.y[:, 0], expected, rtol=1e-12, atol=1e-12)
    noisy = regression(rows=400, noise=0.5, validation=0.0, seed=3)
    assert 0.4 < np.std(noisy.y - clean.y) < 0.6


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: load("mnist"), r"Unknown data set 'mnist' \(choose from random, moons"),
        (lambda: load("moons", rows=10), r"Invalid option for moons: rows \(allowed: size, noise"),
        (lambda: load("bag_of_words", seed=1), r"allowed: none"),
        (lambda: moons(size=2), r"Invalid size: 2 \(must be in \[4, 20,000\]\)"),
        (lambda: moons(noise=-1), r"Invalid noise: -1"),
        (lambda: moons(validation=1.0), r"Invalid validation share: 1.0"),
        (lambda: circles(factor=1.5), r"Invalid factor: 1.5"),
        (lambda: spirals(turns=0), r"Invalid turns: 0"),
    ],
)
def test_bad_options_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_course_presets():
    dense = PRESETS["course_dense"]
    model = dense.model()
    assert model.sizes == (20, 64, 1) and (model.hidden, model.output) == ("relu", "sigmoid")
    assert (dense.epochs, dense.batch_size, dense.course) == (50, 32, True)
    regressor = PRESETS["course_regressor"].model()
    assert regressor.sizes == (10, 64, 32, 1) and regressor.loss == "mse"
    words = PRESETS["course_bag_of_words"].model()
    assert words.inputs == len(bag_of_words().feature_names)
    assert PRESETS["digits"].model().loss == "sparse_categorical_crossentropy"
    assert DEFAULT_PRESET in PRESETS
    for preset in PRESETS.values():
        assert preset.dataset in DATASETS
