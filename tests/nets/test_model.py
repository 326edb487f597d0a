"""The network itself: gradients against central differences, the θ layout, Glorot init, stable
losses at extreme logits, batched θ, and the checks on what a network may be."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nets.model as model_module
from nets import MAX_PARAMETERS, MLP
from nets.model import HIDDEN, LOSSES

# (output, outputs): a two-output sigmoid is a multi-label classifier, which the mean over
# outputs must handle as Keras and torch do.
OUTPUT_CASES = (("sigmoid", 1), ("sigmoid", 2), ("linear", 3), ("softmax", 4))
CASES = [
    pytest.param(hidden, output, k, id=f"{hidden}-{output}{k}")
    for hidden in HIDDEN
    for output, k in OUTPUT_CASES
]


def targets(output: str, k: int, rows: int, rng: np.random.Generator) -> np.ndarray:
    if output == "softmax":
        return rng.integers(0, k, rows)
    if output == "sigmoid":
        return rng.uniform(0, 1, (rows, k))  # soft targets: BCE is defined for any y in [0, 1]
    return rng.normal(size=(rows, k))


def central_differences(model: MLP, theta: np.ndarray, X, y, h: float = 1e-6) -> np.ndarray:
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = h
        plus, _ = model.loss_and_gradient(theta + step, X, y)
        minus, _ = model.loss_and_gradient(theta - step, X, y)
        numeric[i] = (plus - minus) / (2 * h)
    return numeric


def reference_logits(model: MLP, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
    """The forward pass written plainly from the documented layout, layer by layer."""
    a, offset = X, 0
    for k, (fan_in, fan_out) in enumerate(zip(model.sizes[:-1], model.sizes[1:], strict=True)):
        W = theta[offset : offset + fan_in * fan_out].reshape(fan_in, fan_out)
        offset += fan_in * fan_out
        b = theta[offset : offset + fan_out]
        offset += fan_out
        z = a @ W + b
        a = (
            z
            if k == model.n_layers - 1
            else (np.maximum(z, 0) if model.hidden == "relu" else np.tanh(z))
        )
    assert offset == theta.size
    return a


@pytest.mark.parametrize(("hidden", "output", "k"), CASES)
def test_gradient_matches_central_differences(hidden, output, k):
    rng = np.random.default_rng(7)
    model = MLP((3, 5, 4, k), hidden=hidden, output=output)
    theta = rng.normal(scale=0.7, size=model.n_parameters)
    X = rng.normal(size=(9, 3))
    y = targets(output, k, 9, rng)
    # Central differences are only exact away from relu's kink: no pre-activation near 0.
    W1 = model.unpack(theta)["W1"]
    assert np.min(np.abs(X @ W1 + model.unpack(theta)["b1"])) > 1e-4
    loss, grad = model.loss_and_gradient(theta, X, y)
    numeric = central_differences(model, theta, X, y)
    assert np.isfinite(loss) and loss > 0
    np.testing.assert_allclose(grad, numeric, rtol=0, atol=1e-8 * np.max(np.abs(numeric)))


@pytest.mark.parametrize("output", LOSSES)
def test_gradient_without_hidden_layer(output):
    # (inputs, outputs) alone is a linear model: logistic, linear or softmax regression.
    rng = np.random.default_rng(3)
    k = 3 if output == "softmax" else 1
    model = MLP((4, k), output=output)
    theta = rng.normal(size=model.n_parameters)
    X, y = rng.normal(size=(6, 4)), targets(output, k, 6, rng)
    _, grad = model.loss_and_gradient(theta, X, y)
    numeric = central_differences(model, theta, X, y)
    np.testing.assert_allclose(grad, numeric, rtol=0, atol=1e-8 * np.max(np.abs(numeric)))


@pytest.mark.parametrize(("hidden", "output", "k"), CASES)
def test_batched_theta_equals_one_model_at_a_time(hidden, output, k):
    rng = np.random.default_rng(11)
    model = MLP((3, 6, k), hidden=hidden, output=output)
    thetas = rng.normal(size=(4, model.n_parameters))
    X, y = rng.normal(size=(8, 3)), targets(output, k, 8, rng)
    losses, grads = model.loss_and_gradient(thetas, X, y)
    assert losses.shape == (4,) and grads.shape == thetas.shape
    for b in range(4):
        loss, grad = model.loss_and_gradient(thetas[b], X, y)
        assert losses[b] == pytest.approx(loss, rel=1e-13)
        np.testing.assert_allclose(grads[b], grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("hidden", "output", "k"), CASES)
def test_loss_is_the_framework_mean(hidden, output, k):
    """The loss computed from the documented formulas, written out independently."""
    rng = np.random.default_rng(5)
    model = MLP((3, 4, k), hidden=hidden, output=output)
    theta = rng.normal(size=model.n_parameters)
    X, y = rng.normal(size=(7, 3)), targets(output, k, 7, rng)
    z = reference_logits(model, theta, X)
    if output == "sigmoid":
        p = 1 / (1 + np.exp(-z))
        expected = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    elif output == "linear":
        expected = np.mean((z - y) ** 2)
    else:
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        expected = np.mean(-np.log(p[np.arange(7), y]))
    loss, _ = model.loss_and_gradient(theta, X, y)
    assert loss == pytest.approx(expected, rel=1e-12)
    assert model.evaluate(theta, X, y)[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("hidden", "output", "k"), CASES)
def test_evaluation_in_chunks_of_rows_equals_the_whole(hidden, output, k, monkeypatch):
    rng = np.random.default_rng(8)
    model = MLP((3, 4, k), hidden=hidden, output=output)
    thetas = rng.normal(size=(2, model.n_parameters))
    X, y = rng.normal(size=(100, 3)), targets(output, k, 100, rng)
    whole_loss, whole_accuracy = model.evaluate(thetas, X, y)
    monkeypatch.setattr(model_module, "EVALUATION_PRODUCT", 1)  # 16 rows a chunk: 7 chunks
    loss, accuracy = model.evaluate(thetas, X, y)
    np.testing.assert_allclose(loss, whole_loss, rtol=1e-12)
    for b in range(2):
        expected, _ = model.loss_and_gradient(thetas[b], X, y)
        assert loss[b] == pytest.approx(expected, rel=1e-12)
        if output == "sigmoid":
            hits = (reference_logits(model, thetas[b], X) > 0) == (y > 0.5)
            assert accuracy[b] == pytest.approx(hits.mean(), rel=1e-12)
        elif output == "softmax":
            hits = reference_logits(model, thetas[b], X).argmax(axis=1) == y
            assert accuracy[b] == pytest.approx(hits.mean(), rel=1e-12)
    assert (accuracy is None) == (whole_accuracy is None) == (output == "linear")


@pytest.mark.parametrize(("hidden", "output", "k"), CASES)
def test_predict_follows_the_kernel_layout(hidden, output, k):
    rng = np.random.default_rng(2)
    model = MLP((3, 4, k), hidden=hidden, output=output)
    theta = rng.normal(size=model.n_parameters)
    X = rng.normal(size=(5, 3))
    z = reference_logits(model, theta, X)
    expected = {
        "sigmoid": 1 / (1 + np.exp(-z)),
        "linear": z,
        "softmax": np.exp(z) / np.exp(z).sum(axis=1, keepdims=True),
    }[output]
    np.testing.assert_allclose(model.predict(theta, X), expected, rtol=1e-12)
    batch = model.predict(np.stack([theta, 2 * theta]), X)
    assert batch.shape == (2, 5, k)
    np.testing.assert_allclose(batch[0], expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("output", "y", "loss", "gradient"),
    [
        # one weight w = ±1000 on x = 1: the logit is ±1000, far beyond exp's range
        ("sigmoid", [[0.0]], 1000.0, 1.0),  # softplus(1000) − 0 = 1000; σ − y = 1
        ("sigmoid", [[1.0]], 0.0, 0.0),
        ("softmax", [0], 1000.0, 1.0),  # logits (0, 1000), label 0: log-sum-exp = 1000
    ],
)
def test_cross_entropies_are_exact_at_extreme_logits(output, y, loss, gradient):
    if output == "sigmoid":
        model = MLP((1, 1), output="sigmoid")
        theta = np.array([1000.0, 0.0])  # W = 1000, b = 0
    else:
        model = MLP((1, 2), output="softmax")
        theta = np.array([0.0, 1000.0, 0.0, 0.0])  # logits (0, 1000); label 0
    value, grad = model.loss_and_gradient(theta, [[1.0]], y)
    assert value == loss
    assert np.all(np.isfinite(grad))
    assert np.max(np.abs(grad)) == pytest.approx(gradient)
    # And far on the other side, where 1 − σ(z) underflows: still finite and exact.
    value, _ = model.loss_and_gradient(-theta, [[1.0]], y)
    assert np.isfinite(value)


def test_sigmoid_loss_is_exact_for_large_negative_logits():
    # softplus(−40) = log(1 + e^−40) ≈ 4.25e-18: a naive log(1 − σ) would round it to 0.
    model = MLP((1, 1), output="sigmoid")
    value, _ = model.loss_and_gradient(np.array([-40.0, 0.0]), [[1.0]], [[0.0]])
    assert value == pytest.approx(math.log1p(math.exp(-40.0)), rel=1e-12)


def test_init_is_glorot_uniform_with_zero_biases():
    model = MLP((20, 64, 32, 1))
    theta = model.init(seed=0)
    parts = model.unpack(theta)
    for k, (fan_in, fan_out) in enumerate(zip(model.sizes[:-1], model.sizes[1:], strict=True)):
        W, b = parts[f"W{k + 1}"], parts[f"b{k + 1}"]
        limit = math.sqrt(6 / (fan_in + fan_out))
        assert W.shape == (fan_in, fan_out)
        assert np.all(np.abs(W) <= limit) and np.max(np.abs(W)) > 0.9 * limit
        assert np.all(b == 0)
    # Drawn layer by layer from default_rng(seed), each W in (in, out) row-major order.
    rng = np.random.default_rng(0)
    first = rng.uniform(-math.sqrt(6 / 84), math.sqrt(6 / 84), size=(20, 64))
    np.testing.assert_array_equal(parts["W1"], first)
    np.testing.assert_array_equal(model.init(seed=0), theta)
    assert not np.array_equal(model.init(seed=1), theta)


def test_layout_blocks_and_counts():
    model = MLP((20, 64, 1))
    assert model.n_parameters == 20 * 64 + 64 + 64 + 1 == 1409
    assert MLP((10, 64, 32, 1)).n_parameters == 2817
    assert [(b.name, b.shape, b.offset) for b in model.blocks] == [
        ("W1", (20, 64), 0),
        ("b1", (64,), 1280),
        ("W2", (64, 1), 1344),
        ("b2", (1,), 1408),
    ]
    assert model.layer_slices() == (slice(0, 1344), slice(1344, 1409))
    assert model.layer_names() == ("layer 1 (20→64)", "layer 2 (64→1)")
    assert model.block("b2").slice == slice(1408, 1409)
    theta = np.arange(model.n_parameters, dtype=float)
    assert model.unpack(theta)["W2"][5, 0] == 1344 + 5
    assert MLP((20, 64, 1)) == model and hash(MLP((20, 64, 1))) == hash(model)


def test_accuracy_is_the_share_of_correct_classes():
    model = MLP((1, 1), output="sigmoid")
    theta = np.array([1.0, 0.0])  # logit = x
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([[0.0], [1.0], [1.0], [1.0]])
    _, accuracy = model.evaluate(theta, X, y)
    assert accuracy == 0.75
    softmax = MLP((1, 3), output="softmax")
    theta = np.array([0.0, 1.0, -1.0, 0.0, 0.0, 0.0])  # logits (0, x, −x)
    _, accuracy = softmax.evaluate(theta, [[2.0], [-2.0], [3.0]], [1, 2, 0])
    assert accuracy == pytest.approx(2 / 3)
    assert MLP((1, 1), output="linear").evaluate(np.zeros(2), [[1.0]], [[1.0]])[1] is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": (20, 0, 1)}, r"Invalid hidden layer size: 0 \(must be a positive integer\)"),
        ({"sizes": (20, -3, 1)}, r"Invalid hidden layer size: -3"),
        ({"sizes": (20, 2.5, 1)}, r"Invalid hidden layer size: 2.5"),
        ({"sizes": (20, "64", 1)}, r"Invalid hidden layer size: '64'"),
        ({"sizes": (20, True, 1)}, r"Invalid hidden layer size: True"),
        ({"sizes": (0, 4, 1)}, r"Invalid number of inputs: 0"),
        ({"sizes": (20,)}, r"Invalid sizes: \(20,\)"),
        ({"sizes": "20,64,1"}, r"Invalid sizes: '20,64,1'"),
        (
            {"sizes": (20, 64, 1), "hidden": "sigmoid"},
            r"Invalid hidden: 'sigmoid' \(must be one of relu, tanh\)",
        ),
        ({"sizes": (20, 64, 1), "output": "relu"}, r"Invalid output: 'relu'"),
        (
            {"sizes": (20, 64, 1), "output": "sigmoid", "loss": "mse"},
            r"Invalid loss: 'mse' for a sigmoid output",
        ),
        ({"sizes": (20, 64, 1), "output": "softmax"}, r"Invalid number of outputs: 1 for softmax"),
        ({"sizes": (1000, 1000, 1)}, r"1,002,001 parameters \(at most 200,000\)"),
    ],
)
def test_invalid_networks_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(**kwargs)


def test_the_parameter_limit_is_inclusive():
    # 1 input → h hidden → 1 output has 3h + 1 parameters.
    h = (MAX_PARAMETERS - 1) // 3
    assert MLP((1, h, 1)).n_parameters <= MAX_PARAMETERS
    with pytest.raises(ValueError, match="at most"):
        MLP((1, h + 1, 1))


@pytest.mark.parametrize(
    ("output", "X", "y", "message"),
    [
        ("sigmoid", np.zeros((4, 3)), np.zeros((4, 1)), r"X shape: \(4, 3\) \(must be \(rows, 2\)"),
        (
            "sigmoid",
            np.zeros((4, 2)),
            np.zeros(4),
            r"y shape: \(4,\) \(must be \(4, 1\)\).*reshape",
        ),
        ("sigmoid", np.zeros((4, 2)), np.full((4, 1), 2.0), r"sigmoid targets must be in \[0, 1\]"),
        ("sigmoid", np.full((4, 2), np.nan), np.zeros((4, 1)), r"X: it holds NaN"),
        ("linear", np.zeros((4, 2)), np.full((4, 1), np.inf), r"y: it holds NaN or infinite"),
        (
            "softmax",
            np.zeros((4, 2)),
            np.array([0, 1, 2, 3]),
            r"y label: 3 \(must be in \[0, 3\)\)",
        ),
        ("softmax", np.zeros((4, 2)), np.zeros((4, 1)), r"y shape: \(4, 1\) \(must be \(4,\)"),
        ("softmax", np.zeros((4, 2)), np.array([0, 0.5, 1, 2]), r"class labels must be integers"),
    ],
)
def test_invalid_data_is_refused(output, X, y, message):
    model = MLP((2, 3, 3 if output == "softmax" else 1), output=output)
    with pytest.raises(ValueError, match=message):
        model.loss_and_gradient(model.init(0), X, y)


def test_theta_of_the_wrong_length_is_refused():
    model = MLP((2, 3, 1))
    with pytest.raises(ValueError, match=r"Invalid theta shape: \(12,\) \(must be \(13,\)"):
        model.loss_and_gradient(np.zeros(12), np.zeros((1, 2)), np.zeros((1, 1)))


def test_inputs_are_not_modified():
    rng = np.random.default_rng(0)
    model = MLP((3, 4, 2), output="softmax")
    theta, X, y = (
        rng.normal(size=model.n_parameters),
        rng.normal(size=(5, 3)),
        rng.integers(0, 2, 5),
    )
    copies = theta.copy(), X.copy(), y.copy()
    model.loss_and_gradient(theta, X, y)
    model.predict(theta, X)
    model.evaluate(theta, X, y)
    for before, after in zip(copies, (theta, X, y), strict=True):
        np.testing.assert_array_equal(before, after)
