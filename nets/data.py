"""Data sets for the networks, made from a seed or shipped in nets/data/ (nothing is downloaded),
a registry of them, and the course's networks as presets.

Every generator is deterministic: the same arguments give the same arrays, bit for bit.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nets.model import MLP, _size

DATA_DIR = Path(__file__).parent / "data"
TASKS: tuple[str, ...] = ("binary", "multiclass", "regression")
MAX_ROWS = 20_000  # generated sets: enough for any page, small enough to train in seconds


@dataclass(frozen=True, eq=False)
class Dataset:
    """Training rows (X, y) and, when there is one, a validation set (X_val, y_val).

    y is (N, 1) for binary and regression tasks and (N,) integer labels for multiclass ones,
    as `MLP.loss_and_gradient` expects. `feature_names` names the columns of X where they
    mean something (the words of a bag of words); `class_names` the classes.
    """

    name: str
    title: str
    description: str
    task: str
    X: np.ndarray
    y: np.ndarray
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    feature_names: tuple[str, ...] = ()
    class_names: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def inputs(self) -> int:
        return self.X.shape[1]

    @property
    def outputs(self) -> int:
        """Output units of a network for this task: one, or one per class."""
        return len(self.class_names) if self.task == "multiclass" else 1

    @property
    def validation(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(X_val, y_val) for `train(..., validation=...)`, or None."""
        return None if self.X_val is None else (self.X_val, self.y_val)

    def network(self, hidden_sizes: tuple[int, ...], hidden: str = "relu") -> MLP:
        """The MLP for this task: its inputs, `hidden_sizes`, and the task's output and loss."""
        output = {"binary": "sigmoid", "multiclass": "softmax", "regression": "linear"}[self.task]
        return MLP((self.inputs, *hidden_sizes, self.outputs), hidden=hidden, output=output)


def _check_share(validation: float) -> float:
    if not isinstance(validation, int | float) or not 0 <= validation < 1:
        raise ValueError(f"Invalid validation share: {validation!r} (must be in [0, 1))")
    return float(validation)


def _check_noise(noise: float) -> float:
    if not isinstance(noise, int | float) or not 0 <= noise <= 10:
        raise ValueError(f"Invalid noise: {noise!r} (must be in [0, 10])")
    return float(noise)


def _check_rows(size: int, low: int = 4) -> int:
    size = _size(size, "size")
    if not low <= size <= MAX_ROWS:
        raise ValueError(f"Invalid size: {size} (must be in [{low}, {MAX_ROWS:,}])")
    return size


def _split(
    X: np.ndarray, y: np.ndarray, validation: float, rng: np.random.Generator
) -> tuple[np.ndarray, ...]:
    """Shuffle the rows, then keep the last `validation` share of them for validation."""
    order = rng.permutation(len(X))
    X, y = X[order], y[order]
    held = round(len(X) * validation)
    if held == 0:
        return X, y, None, None
    return X[:-held], y[:-held], X[-held:], y[-held:]


# -- the course's random data -------------------------------------------------------------------
def random_data(
    rows: int = 1000, features: int = 20, validation_rows: int = 200, seed: int = 0
) -> Dataset:
    """The course's data: X ~ N(0, 1) of shape (rows, features), labels y ∈ {0, 1} drawn at
    random, y of shape (rows, 1). The labels have nothing to do with X, so a network can only
    memorise them: its validation loss (on `validation_rows` more rows drawn the same way)
    rises while the training loss falls.

    >>> data = random_data()
    >>> data.X.shape, data.y.shape, data.X_val.shape
    ((1000, 20), (1000, 1), (200, 20))
    """
    rows, features = _check_rows(rows), _size(features, "features")
    validation_rows = int(validation_rows)
    if not 0 <= validation_rows <= MAX_ROWS:
        raise ValueError(f"Invalid validation_rows: {validation_rows} (must be in [0, {MAX_ROWS}])")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, features))
    y = rng.integers(0, 2, size=(rows, 1)).astype(float)
    X_val = rng.normal(size=(validation_rows, features)) if validation_rows else None
    y_val = rng.integers(0, 2, size=(validation_rows, 1)).astype(float) if validation_rows else None
    return Dataset(
        "random",
        "Random data (1 000 × 20)",
        "The course's data set: 20 normal features, labels 0/1 at random. There is nothing to "
        "learn, only to memorise.",
        "binary",
        X,
        y,
        X_val,
        y_val,
        class_names=("0", "1"),
        options={"rows": rows, "features": features, "seed": seed},
    )


# -- two-dimensional sets ---------------------------------------------------------------------
def _labels(size: int) -> np.ndarray:
    return np.arange(size) % 2  # alternate classes: both have size/2 points (±1)


def _plane(
    name: str,
    title: str,
    description: str,
    points: np.ndarray,
    labels: np.ndarray,
    noise: float,
    validation: float,
    rng: np.random.Generator,
    options: dict[str, Any],
) -> Dataset:
    points = points + noise * rng.normal(size=points.shape)
    X, y, X_val, y_val = _split(points, labels.astype(float)[:, None], validation, rng)
    return Dataset(
        name, title, description, "binary", X, y, X_val, y_val, ("x", "y"), ("0", "1"), options
    )


def moons(size: int = 500, noise: float = 0.2, validation: float = 0.2, seed: int = 0) -> Dataset:
    """Two interleaving half circles (scikit-learn's `make_moons` shapes), centred on 0:
    class 0 on (cos t, sin t), class 1 on (1 − cos t, ½ − sin t), t ~ U(0, π), plus
    Gaussian noise of standard deviation `noise`; `validation` of the `size` points are held
    out.

    >>> data = moons(size=500, validation=0.2)
    >>> data.X.shape, data.X_val.shape, float(data.y.mean()).__round__(1)
    ((400, 2), (100, 2), 0.5)
    """
    size, noise, validation = _check_rows(size), _check_noise(noise), _check_share(validation)
    rng = np.random.default_rng(seed)
    labels = _labels(size)
    t = rng.uniform(0, np.pi, size)
    points = np.where(
        labels[:, None] == 0,
        np.stack([np.cos(t), np.sin(t)], axis=1),
        np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1),
    ) - np.array([0.5, 0.25])
    return _plane(
        "moons",
        "Two moons",
        "Two interleaving half circles: a curved boundary that a linear model cannot draw.",
        points,
        labels,
        noise,
        validation,
        rng,
        {"size": size, "noise": noise, "validation": validation, "seed": seed},
    )


def circles(
    size: int = 500, noise: float = 0.1, validation: float = 0.2, seed: int = 0, factor: float = 0.5
) -> Dataset:
    """Two concentric circles: class 0 of radius 1, class 1 of radius `factor`, uniform angle,
    plus Gaussian noise."""
    size, noise, validation = _check_rows(size), _check_noise(noise), _check_share(validation)
    if not isinstance(factor, int | float) or not 0 < factor < 1:
        raise ValueError(f"Invalid factor: {factor!r} (must be in (0, 1))")
    rng = np.random.default_rng(seed)
    labels = _labels(size)
    angle = rng.uniform(0, 2 * np.pi, size)
    radius = np.where(labels == 0, 1.0, factor)
    points = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return _plane(
        "circles",
        "Circles",
        "One class inside a ring of the other: the boundary must close on itself.",
        points,
        labels,
        noise,
        validation,
        rng,
        {"size": size, "noise": noise, "validation": validation, "seed": seed, "factor": factor},
    )


def spirals(
    size: int = 500, noise: float = 0.05, validation: float = 0.2, seed: int = 0, turns: float = 1.5
) -> Dataset:
    """Two interleaved spirals of `turns` turns: r = t, angle = 2π·turns·t + π·class,
    t ~ U(0.05, 1), plus Gaussian noise. Hard for a small network."""
    size, noise, validation = _check_rows(size), _check_noise(noise), _check_share(validation)
    if not isinstance(turns, int | float) or not 0 < turns <= 5:
        raise ValueError(f"Invalid turns: {turns!r} (must be in (0, 5])")
    rng = np.random.default_rng(seed)
    labels = _labels(size)
    t = rng.uniform(0.05, 1.0, size)
    angle = 2 * np.pi * turns * t + np.pi * labels
    points = t[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return _plane(
        "spirals",
        "Spirals",
        "Two interleaved spirals: many turns of the boundary, learnt slowly.",
        points,
        labels,
        noise,
        validation,
        rng,
        {"size": size, "noise": noise, "validation": validation, "seed": seed, "turns": turns},
    )


# -- handwritten digits ---------------------------------------------------------------------
def _read_digits() -> tuple[np.ndarray, np.ndarray]:
    with gzip.open(DATA_DIR / "digits.csv.gz", "rt") as file:
        table = np.loadtxt(file, delimiter=",", dtype=np.float64)
    return table[:, :-1], table[:, -1].astype(np.int64)


_DIGITS: tuple[np.ndarray, np.ndarray] | None = None


def digits(validation: float = 0.2, seed: int = 0) -> Dataset:
    """The 8×8 handwritten digits (1 797 images, classes 0–9; UCI, shipped by scikit-learn,
    see nets/data/README.md): pixels scaled from 0…16 to 0…1, labels (N,) for softmax.

    >>> data = digits()
    >>> data.X.shape, data.X_val.shape, data.outputs
    ((1438, 64), (359, 64), 10)
    """
    global _DIGITS
    validation = _check_share(validation)
    if _DIGITS is None:
        _DIGITS = _read_digits()
    pixels, labels = _DIGITS
    rng = np.random.default_rng(seed)
    X, y, X_val, y_val = _split(pixels / 16.0, labels, validation, rng)
    return Dataset(
        "digits",
        "Handwritten digits (8×8)",
        "1 797 small images of the digits 0–9: real data, where train and validation "
        "scores part ways.",
        "multiclass",
        X,
        y,
        X_val,
        y_val,
        tuple(f"pixel {r},{c}" for r in range(8) for c in range(8)),
        tuple(str(d) for d in range(10)),
        {"validation": validation, "seed": seed},
    )


# -- the nine sentences ---------------------------------------------------------------------
SENTENCES: tuple[tuple[str, int], ...] = (
    ("I love this movie", 1),
    ("This movie is great", 1),
    ("What a wonderful film", 1),
    ("I really enjoyed this film", 1),
    ("A true masterpiece", 1),
    ("I hate this movie", 0),
    ("This movie is boring", 0),
    ("What a terrible film", 0),
    ("I did not enjoy this movie", 0),
)


def tokens(sentence: str) -> list[str]:
    """Lower-case words: "I love this movie" → ["i", "love", "this", "movie"]."""
    return re.findall(r"[a-z']+", sentence.lower())


def bag_of_words(sentences: tuple[tuple[str, int], ...] = SENTENCES) -> Dataset:
    """Nine short reviews as a bag of words: X[i, j] = 1 if word j occurs in sentence i.

    Most words occur once ("masterpiece", "boring"), a few in many sentences ("this" in six,
    "movie" in five): a rare word's weights get a gradient only when its sentence is in the
    minibatch, which is where Adam's per-parameter rates part from SGD's single α.
    The vocabulary is ordered from the most frequent word to the rarest.

    >>> data = bag_of_words()
    >>> data.X.shape, data.feature_names[:3]
    ((9, 20), ('this', 'movie', 'i'))
    """
    words = [tokens(text) for text, _ in sentences]
    counts: dict[str, int] = {}
    for sentence in words:
        for word in dict.fromkeys(sentence):
            counts[word] = counts.get(word, 0) + 1
    first = {word: i for i, word in enumerate(w for sentence in words for w in sentence)}
    vocabulary = sorted(counts, key=lambda w: (-counts[w], first[w]))
    index = {word: j for j, word in enumerate(vocabulary)}
    X = np.zeros((len(sentences), len(vocabulary)))
    for i, sentence in enumerate(words):
        X[i, [index[w] for w in sentence]] = 1.0
    y = np.array([[float(label)] for _, label in sentences])
    return Dataset(
        "bag_of_words",
        "Nine sentences (bag of words)",
        "Nine short movie reviews, positive or negative, each a row of 0/1 word features: "
        "sparse inputs, with rare and frequent words.",
        "binary",
        X,
        y,
        feature_names=tuple(vocabulary),
        class_names=("negative", "positive"),
        options={},
    )


def word_counts(data: Dataset) -> np.ndarray:
    """In how many rows each feature is non-zero (a word's document frequency)."""
    return np.count_nonzero(data.X, axis=0)


# -- regression ---------------------------------------------------------------------------------
def regression(
    rows: int = 1000, noise: float = 0.1, validation: float = 0.2, seed: int = 0
) -> Dataset:
    """A smooth function of 10 normal features plus noise, for the course's 10→64→32→1
    regressor: y = sin(x₁) + ½·x₂·x₃ + 0.3·x₄² − 0.2·x₅ + 0.4·tanh(x₆ + x₇) − 0.3
    (x₈, x₉, x₁₀ are distractors) + noise·N(0, 1), y of shape (rows, 1)."""
    rows, noise, validation = _check_rows(rows), _check_noise(noise), _check_share(validation)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 10))
    y = (
        np.sin(X[:, 0])
        + 0.5 * X[:, 1] * X[:, 2]
        + 0.3 * X[:, 3] ** 2
        - 0.2 * X[:, 4]
        + 0.4 * np.tanh(X[:, 5] + X[:, 6])
        - 0.3
    )
    y = (y + noise * rng.normal(size=rows))[:, None]
    X, y, X_val, y_val = _split(X, y, validation, rng)
    return Dataset(
        "regression",
        "Smooth regression (10 features)",
        "y is a smooth function of 7 of 10 normal features, plus noise.",
        "regression",
        X,
        y,
        X_val,
        y_val,
        tuple(f"x{j + 1}" for j in range(10)),
        options={"rows": rows, "noise": noise, "validation": validation, "seed": seed},
    )


# -- registry -------------------------------------------------------------------------------
@dataclass(frozen=True)
class DatasetInfo:
    """A data set the app offers: its generator and which of its settings a page may change."""

    name: str
    title: str
    description: str
    task: str
    make: Callable[..., Dataset]
    options: tuple[str, ...] = ()  # adjustable keyword arguments of `make`, e.g. size, noise
    two_dimensional: bool = False


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo(
            "random",
            "Random data (1 000 × 20)",
            "The course's data: random labels that can only be memorised.",
            "binary",
            random_data,
            ("seed",),
        ),
        DatasetInfo(
            "moons",
            "Two moons",
            "Two interleaving half circles (2-D).",
            "binary",
            moons,
            ("size", "noise", "validation", "seed"),
            True,
        ),
        DatasetInfo(
            "circles",
            "Circles",
            "A disc inside a ring (2-D).",
            "binary",
            circles,
            ("size", "noise", "validation", "seed"),
            True,
        ),
        DatasetInfo(
            "spirals",
            "Spirals",
            "Two interleaved spirals (2-D).",
            "binary",
            spirals,
            ("size", "noise", "validation", "seed"),
            True,
        ),
        DatasetInfo(
            "digits",
            "Handwritten digits (8×8)",
            "1 797 real images of the digits 0–9, ten classes.",
            "multiclass",
            digits,
            ("validation", "seed"),
        ),
        DatasetInfo(
            "bag_of_words",
            "Nine sentences (bag of words)",
            "Sparse 0/1 word features of nine short reviews.",
            "binary",
            bag_of_words,
        ),
        DatasetInfo(
            "regression",
            "Smooth regression (10 features)",
            "A smooth function of 10 features plus noise.",
            "regression",
            regression,
            ("rows", "noise", "validation", "seed"),
        ),
    )
}


def load(name: str, **options: Any) -> Dataset:
    """The data set called `name`, made with `options` (see `DATASETS[name].options`).

    >>> load("moons", size=100, noise=0.1).X.shape
    (80, 2)
    """
    try:
        info = DATASETS[name]
    except KeyError:
        raise ValueError(f"Unknown data set {name!r} (choose from {', '.join(DATASETS)})") from None
    unknown = set(options) - set(info.options)
    if unknown:
        allowed = ", ".join(info.options) or "none"
        raise ValueError(
            f"Invalid option for {name}: {', '.join(sorted(unknown))} (allowed: {allowed})"
        )
    return info.make(**options)


# -- presets: the course's networks and the page's default -----------------------------------------
@dataclass(frozen=True)
class Preset:
    """A network, its data and its training settings, one click away on the page.

    `course` marks the networks the course itself trains.
    """

    name: str
    title: str
    description: str
    dataset: str
    hidden_sizes: tuple[int, ...]
    hidden: str
    epochs: int
    batch_size: int
    course: bool = False

    def model(self, data: Dataset | None = None) -> MLP:
        """The preset's MLP, sized for `data` (by default its own data set, default options)."""
        return (data or load(self.dataset)).network(self.hidden_sizes, self.hidden)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "course_dense",
            "Dense 20→64→1 on random data",
            "The course's classifier: Dense(64, relu) → Dense(1, sigmoid), binary cross-entropy, "
            "50 epochs, batch 32, on 1 000 × 20 random data.",
            "random",
            (64,),
            "relu",
            50,
            32,
            course=True,
        ),
        Preset(
            "course_regressor",
            "Regressor 10→64→32→1",
            "The course's regressor whose learning rate it tracks: Dense(64, relu) → "
            "Dense(32, relu) → Dense(1), mean squared error.",
            "regression",
            (64, 32),
            "relu",
            50,
            32,
            course=True,
        ),
        Preset(
            "course_bag_of_words",
            "Bag-of-words classifier",
            "The course's sparse text example: nine sentences as 0/1 word features → "
            "Dense(8, relu) → Dense(1, sigmoid), minibatches of 3 sentences.",
            "bag_of_words",
            (8,),
            "relu",
            60,
            3,
            course=True,
        ),
        Preset(
            "moons",
            "Two moons 2→16→16→1",
            "A small tanh network drawing a curved boundary: the page's default view.",
            "moons",
            (16, 16),
            "tanh",
            50,
            32,
        ),
        Preset(
            "digits",
            "Digits 64→64→10",
            "Real images, ten classes: where Adam and SGD generalise differently.",
            "digits",
            (64,),
            "relu",
            30,
            32,
        ),
    )
}
DEFAULT_PRESET = "moons"
