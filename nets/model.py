"""A small multilayer perceptron in NumPy: one flat parameter vector, its loss and exact gradient.

The parameters of a network are one vector θ = concat(W1.ravel(), b1, W2.ravel(), b2, …), each
W_k of shape (inputs, outputs) and a = x @ W + b (Keras's kernel layout). The optimizers of
`optim` are elementwise on (..., n) arrays, so to them a network is just a longer θ, and a
batch of B networks is a (B, n) array.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

HIDDEN: tuple[str, ...] = ("relu", "tanh")
# Each output activation has exactly one loss: the pairs whose gradient is (output − target).
LOSSES: dict[str, str] = {
    "sigmoid": "binary_crossentropy",
    "linear": "mse",
    "softmax": "sparse_categorical_crossentropy",
}
OUTPUTS: tuple[str, ...] = tuple(LOSSES)
CLASSIFICATION: tuple[str, ...] = ("sigmoid", "softmax")
# The largest network the app trains: 200 000 parameters are 1.6 MB per copy of θ. A step of
# Adam touches about 20 copies (θ, g, m, v and temporaries), and the page trains three
# optimizers side by side, so one step stays near 100 MB/s of memory traffic on a small
# machine. The digits network 64→64→10 has 4 810 parameters, the course's largest 2 817.
MAX_PARAMETERS = 200_000
EVALUATION_PRODUCT = 2**17  # rows × inputs × outputs of one product when evaluating whole sets


def _size(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"Invalid {what}: {value!r} (must be a positive integer)")
    return int(value)


@dataclass(frozen=True)
class Block:
    """Where one weight matrix or bias vector lives in θ: `theta[..., offset:offset + size]`."""

    name: str  # "W1", "b1", "W2", …
    layer: int  # 0 for the first layer
    shape: tuple[int, ...]  # (inputs, outputs) for W, (outputs,) for b
    offset: int

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def slice(self) -> slice:
        return slice(self.offset, self.offset + self.size)


@dataclass(frozen=True)
class MLP:
    """A fully connected network: `sizes` = (inputs, hidden…, outputs).

    `hidden` is the activation of every hidden layer (relu or tanh); `output` and `loss` go in
    pairs: sigmoid + binary_crossentropy, linear + mse, softmax +
    sparse_categorical_crossentropy (`loss` may be left out: it follows from `output`).
    Losses are means over the rows (and, for mse and a multi-output sigmoid, over the
    outputs), as Keras and torch report them; cross-entropies are computed from the logits,
    so they are exact for any logit.

    >>> model = MLP((20, 64, 1), hidden="relu", output="sigmoid", loss="binary_crossentropy")
    >>> model.n_parameters, [b.name for b in model.blocks]
    (1409, ['W1', 'b1', 'W2', 'b2'])
    >>> model.init(seed=0).shape
    (1409,)
    """

    sizes: tuple[int, ...]
    hidden: str = "relu"
    output: str = "sigmoid"
    loss: str | None = None
    blocks: tuple[Block, ...] = field(init=False, repr=False, compare=False)
    # Per layer: (W's slice, W's shape, b's slice), read on every step of training.
    _layers: tuple[tuple[slice, tuple[int, int], slice], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        sizes = self.sizes
        if isinstance(sizes, str) or not isinstance(sizes, Sequence) or len(sizes) < 2:
            raise ValueError(
                f"Invalid sizes: {sizes!r} (must list the inputs, any hidden layers and the "
                "outputs, e.g. (20, 64, 1))"
            )
        sizes = (
            _size(sizes[0], "number of inputs"),
            *(_size(s, "hidden layer size") for s in sizes[1:-1]),
            _size(sizes[-1], "number of outputs"),
        )
        object.__setattr__(self, "sizes", sizes)
        if self.hidden not in HIDDEN:
            raise ValueError(
                f"Invalid hidden: {self.hidden!r} (must be one of {', '.join(HIDDEN)})"
            )
        if not isinstance(self.output, str) or self.output not in LOSSES:
            raise ValueError(
                f"Invalid output: {self.output!r} (must be one of {', '.join(OUTPUTS)})"
            )
        if self.loss is None:
            object.__setattr__(self, "loss", LOSSES[self.output])
        elif not isinstance(self.loss, str) or self.loss != LOSSES[self.output]:
            pairs = ", ".join(f"{o} + {loss}" for o, loss in LOSSES.items())
            raise ValueError(
                f"Invalid loss: {self.loss!r} for a {self.output} output (allowed pairs: {pairs})"
            )
        if self.output == "softmax" and sizes[-1] < 2:
            raise ValueError(
                f"Invalid number of outputs: {sizes[-1]} for softmax (must be ≥ 2 classes; "
                "use a sigmoid output for two classes with one output)"
            )
        blocks, offset = [], 0
        for k, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
            for block in (
                Block(f"W{k + 1}", k, (fan_in, fan_out), offset),
                Block(f"b{k + 1}", k, (fan_out,), offset + fan_in * fan_out),
            ):
                blocks.append(block)
                offset += block.size
        if offset > MAX_PARAMETERS:
            raise ValueError(
                f"Invalid sizes: {self.describe()} has {offset:,} parameters "
                f"(at most {MAX_PARAMETERS:,})"
            )
        object.__setattr__(self, "blocks", tuple(blocks))
        layers = tuple(
            (w.slice, w.shape, b.slice) for w, b in zip(blocks[::2], blocks[1::2], strict=True)
        )
        object.__setattr__(self, "_layers", layers)

    # -- shape of θ -----------------------------------------------------------------------------
    @property
    def n_parameters(self) -> int:
        """The length n of θ."""
        last = self.blocks[-1]
        return last.offset + last.size

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    @property
    def inputs(self) -> int:
        return self.sizes[0]

    @property
    def outputs(self) -> int:
        return self.sizes[-1]

    @property
    def task(self) -> str:
        """ "binary", "multiclass" or "regression"."""
        return {"sigmoid": "binary", "softmax": "multiclass", "linear": "regression"}[self.output]

    @property
    def is_classifier(self) -> bool:
        return self.output in CLASSIFICATION

    def block(self, name: str) -> Block:
        """The block called `name` ("W1", "b2", …)."""
        for block in self.blocks:
            if block.name == name:
                return block
        names = ", ".join(b.name for b in self.blocks)
        raise ValueError(f"Invalid block: {name!r} (this network has {names})")

    def layer_slices(self) -> tuple[slice, ...]:
        """θ's range of each layer, W_k and b_k together (they are adjacent)."""
        return tuple(
            slice(self.blocks[2 * k].offset, self.blocks[2 * k + 1].slice.stop)
            for k in range(self.n_layers)
        )

    def layer_names(self) -> tuple[str, ...]:
        """ "layer 1 (20→64)", … for legends."""
        return tuple(
            f"layer {k + 1} ({i}→{o})" for k, (i, o) in enumerate(itertools.pairwise(self.sizes))
        )

    def describe(self) -> str:
        """ "20→64→1 relu/sigmoid"."""
        return f"{'→'.join(map(str, self.sizes))} {self.hidden}/{self.output}"

    def unpack(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """Views of θ per block: W_k as (..., inputs, outputs), b_k as (..., outputs).

        >>> model = MLP((2, 3, 1))
        >>> {name: v.shape for name, v in model.unpack(np.zeros((5, 13))).items()}
        {'W1': (5, 2, 3), 'b1': (5, 3), 'W2': (5, 3, 1), 'b2': (5, 1)}
        """
        theta = np.asarray(theta)
        self._check_theta(theta)
        lead = theta.shape[:-1]
        return {b.name: theta[..., b.slice].reshape(lead + b.shape) for b in self.blocks}

    def init(self, seed: int = 0) -> np.ndarray:
        """θ_0 as Keras's `Dense` draws it: W ~ U(−√(6/(in+out)), +√(6/(in+out))) (Glorot
        uniform), b = 0. Weights are drawn layer by layer from numpy.random.default_rng(seed),
        each W in its (inputs, outputs) row-major order."""
        rng = np.random.default_rng(seed)
        theta = np.zeros(self.n_parameters)
        for block in self.blocks[::2]:
            fan_in, fan_out = block.shape
            limit = math.sqrt(6.0 / (fan_in + fan_out))
            theta[block.slice] = rng.uniform(-limit, limit, size=block.shape).ravel()
        return theta

    # -- data -----------------------------------------------------------------------------------
    def _check_theta(self, theta: np.ndarray) -> None:
        if theta.ndim not in (1, 2) or theta.shape[-1] != self.n_parameters:
            raise ValueError(
                f"Invalid theta shape: {theta.shape} (must be ({self.n_parameters},) or "
                f"(models, {self.n_parameters}) for {self.describe()})"
            )

    def check_data(self, X: Any, y: Any, what: str = "") -> tuple[np.ndarray, np.ndarray]:
        """X as float (N, inputs) and y as the loss needs it, or a ValueError saying why not.

        y is (N, outputs) for sigmoid and linear outputs (targets in [0, 1] for sigmoid) and
        (N,) integer class labels in [0, outputs) for softmax.
        """
        name = f"{what} " if what else ""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.inputs or X.shape[0] < 1:
            raise ValueError(
                f"Invalid {name}X shape: {X.shape} (must be (rows, {self.inputs}) with rows ≥ 1)"
            )
        if not np.all(np.isfinite(X)):
            raise ValueError(f"Invalid {name}X: it holds NaN or infinite values")
        rows = X.shape[0]
        if self.output == "softmax":
            labels = np.asarray(y)
            if labels.shape != (rows,):
                raise ValueError(
                    f"Invalid {name}y shape: {labels.shape} (must be ({rows},): one integer "
                    "class label per row)"
                )
            integers = labels.dtype.kind in "iub" or (
                labels.dtype.kind == "f" and np.all(labels == np.round(labels))
            )
            if not integers:
                raise ValueError(f"Invalid {name}y: class labels must be integers")
            labels = labels.astype(np.int64)
            bad = (labels < 0) | (labels >= self.outputs)
            if bad.any():
                raise ValueError(
                    f"Invalid {name}y label: {labels[bad][0]} (must be in [0, {self.outputs}))"
                )
            return X, labels
        targets = np.asarray(y, dtype=float)
        if targets.shape != (rows, self.outputs):
            hint = " (reshape a vector with y.reshape(-1, 1))" if targets.shape == (rows,) else ""
            raise ValueError(
                f"Invalid {name}y shape: {targets.shape} (must be ({rows}, {self.outputs})){hint}"
            )
        if not np.all(np.isfinite(targets)):
            raise ValueError(f"Invalid {name}y: it holds NaN or infinite values")
        if self.output == "sigmoid" and (targets.min() < 0 or targets.max() > 1):
            raise ValueError(f"Invalid {name}y: sigmoid targets must be in [0, 1]")
        return X, targets

    # -- forward and backward ---------------------------------------------------------------------
    def _weights(self, theta: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W, b) views per layer of a (B, n) θ: W (B, in, out), b (B, 1, out)."""
        models = theta.shape[0]
        return [
            (
                theta[:, w].reshape(models, *shape),
                theta[:, b].reshape(models, 1, shape[1]),
            )
            for w, shape, b in self._layers
        ]

    def _forward(
        self, theta: np.ndarray, X: np.ndarray
    ) -> tuple[list[np.ndarray], np.ndarray, list]:
        """Activations of every layer (inputs first) and the output logits, for (B, n) θ.

        X is shared by all B models, so the first product is (N, in) @ (B, in, out).
        """
        weights = self._weights(theta)
        activations = [X]
        a = X
        for W, b in weights[:-1]:
            z = np.matmul(a, W)
            z += b
            # The activation overwrites z: the backward pass needs only a (relu′ and tanh′
            # are functions of a).
            a = np.maximum(z, 0.0, out=z) if self.hidden == "relu" else np.tanh(z, out=z)
            activations.append(a)
        W, b = weights[-1]
        logits = np.matmul(a, W)
        logits += b
        return activations, logits, weights

    def _loss_and_delta(
        self, logits: np.ndarray, y: np.ndarray, need_delta: bool = True
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The mean loss per model (B,) and ∂loss/∂logits (B, N, outputs)."""
        rows = logits.shape[1]
        if self.output == "sigmoid":
            # BCE from logits z, target y: −y·log σ(z) − (1 − y)·log(1 − σ(z)) = softplus(z) − y·z,
            # with softplus(z) = log(1 + e^z) = logaddexp(0, z), exact for any z.
            count = rows * self.outputs
            softplus = np.logaddexp(0.0, logits)
            loss = (softplus - y * logits).sum(axis=(1, 2)) / count
            if not need_delta:
                return loss, None
            # σ(z) = e^(z − softplus(z)): the exponent is ≤ 0, so it never overflows.
            sigma = np.subtract(logits, softplus, out=softplus)
            np.exp(sigma, out=sigma)
            sigma -= y
            sigma *= 1.0 / count  # ∂/∂z of the mean: (σ(z) − y)/count
            return loss, sigma
        if self.output == "linear":
            count = rows * self.outputs
            error = logits - y
            loss = np.einsum("bij,bij->b", error, error) / count  # mean of (ŷ − y)²
            if not need_delta:
                return loss, None
            error *= 2.0 / count  # ∂/∂ŷ of the mean: 2(ŷ − y)/count
            return loss, error
        # softmax + sparse categorical cross-entropy: −log softmax(z)[label], with the
        # log-sum-exp taken around the largest logit so that no exponential overflows.
        shifted = logits - logits.max(axis=2, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=2, keepdims=True)
        picked = np.take_along_axis(shifted, np.broadcast_to(y[None, :, None], (1, rows, 1)), 2)
        loss = (np.log(total) - picked).sum(axis=(1, 2)) / rows
        if not need_delta:
            return loss, None
        exp /= total  # softmax(z)
        exp[:, np.arange(rows), y] -= 1.0  # ∂/∂z: softmax(z) − onehot(y), over rows
        exp /= rows
        return loss, exp

    def _backward(
        self,
        activations: list[np.ndarray],
        delta: np.ndarray,
        weights: list,
        grad: np.ndarray,
    ) -> None:
        """Backpropagation: fill `grad` (B, n) from ∂loss/∂logits, layer by layer."""
        models = grad.shape[0]
        for k in range(self.n_layers - 1, -1, -1):
            w, shape, b = self._layers[k]
            a = activations[k]
            gW = grad[:, w].reshape(models, *shape)
            if a.ndim == 2:
                np.matmul(a.T, delta, out=gW)  # ∂L/∂W_k = a_{k−1}ᵀ δ_k
            else:
                np.matmul(a.transpose(0, 2, 1), delta, out=gW)
            delta.sum(axis=1, out=grad[:, b])  # ∂L/∂b_k = Σ_rows δ_k
            if k:
                W = weights[k][0]
                if W.shape[2] == 1:
                    # One output unit: δ_k W_kᵀ is an outer product, which a broadcast
                    # multiply does several times faster than a stack of matrix products.
                    delta = delta * W.transpose(0, 2, 1)
                else:
                    delta = np.matmul(delta, W.transpose(0, 2, 1))  # ∂L/∂a_{k−1} = δ_k W_kᵀ
                if self.hidden == "relu":
                    delta *= a > 0  # relu′(z) = 1 where z > 0 (where a > 0)
                else:
                    delta *= 1.0 - a * a  # tanh′(z) = 1 − tanh²(z)

    def _loss_and_gradient(
        self, theta: np.ndarray, X: np.ndarray, y: np.ndarray, grad: np.ndarray
    ) -> np.ndarray:
        """Mean loss per model for a (B, n) θ on checked data; the gradient goes into `grad`."""
        activations, logits, weights = self._forward(theta, X)
        loss, delta = self._loss_and_delta(logits, y)
        self._backward(activations, delta, weights, grad)
        return loss

    def loss_and_gradient(self, theta: Any, X: Any, y: Any) -> tuple[Any, np.ndarray]:
        """The mean loss over the rows of X and its gradient with respect to θ.

        θ is (n,) or (B, n) (B models at once); the loss is then a float or a (B,) array and
        the gradient has θ's shape. Exact (backpropagation), checked against central
        differences in the tests.

        >>> model = MLP((2, 3, 1), hidden="tanh", output="linear", loss="mse")
        >>> theta = model.init(seed=1)
        >>> loss, grad = model.loss_and_gradient(theta, [[1.0, 2.0]], [[0.5]])
        >>> grad.shape, round(float(loss), 6)
        ((13,), 0.019499)
        """
        theta = np.asarray(theta, dtype=float)
        self._check_theta(theta)
        X, y = self.check_data(X, y)
        flat = np.ascontiguousarray(theta.reshape(-1, self.n_parameters))
        grad = np.empty_like(flat)
        with np.errstate(over="ignore", invalid="ignore"):
            loss = self._loss_and_gradient(flat, X, y, grad)
        if theta.ndim == 1:
            return float(loss[0]), grad[0]
        return loss, grad

    def evaluate(
        self, theta: Any, X: Any, y: Any
    ) -> tuple[np.ndarray | float, np.ndarray | float | None]:
        """(mean loss, accuracy) of θ on (X, y); accuracy is None for a regression (mse).

        Accuracy is the share of rows whose predicted class is the label: argmax of the
        softmax, or σ(z) > 0.5 for a sigmoid (averaged over the outputs, as Keras's
        binary accuracy).
        """
        theta = np.asarray(theta, dtype=float)
        self._check_theta(theta)
        X, y = self.check_data(X, y)
        loss, accuracy = self._evaluate(
            np.ascontiguousarray(theta.reshape(-1, self.n_parameters)), X, y
        )
        if theta.ndim == 1:
            return float(loss[0]), None if accuracy is None else float(accuracy[0])
        return loss, accuracy

    def _evaluate(
        self, theta: np.ndarray, X: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Mean loss and accuracy per model of a (B, n) θ, a chunk of rows at a time.

        OpenBLAS splits a matrix product over every core once rows × inputs × outputs passes
        about 2¹⁸; on a busy server that made a whole-set evaluation ten times slower. Chunks
        of rows keep each product under `EVALUATION_PRODUCT`, single-threaded.
        """
        widest = max(a * b for a, b in itertools.pairwise(self.sizes))
        chunk = max(16, EVALUATION_PRODUCT // widest)
        rows = X.shape[0]
        loss = np.zeros(theta.shape[0])
        correct = np.zeros(theta.shape[0])
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, rows, chunk):
                part_X, part_y = X[start : start + chunk], y[start : start + chunk]
                _, logits, _ = self._forward(theta, part_X)
                part_loss, _ = self._loss_and_delta(logits, part_y, need_delta=False)
                loss += part_loss * len(part_X)  # means over the chunk, weighted by its rows
                if self.output == "sigmoid":
                    correct += ((logits > 0) == (part_y > 0.5)).mean(axis=2).sum(axis=1)
                elif self.output == "softmax":
                    correct += (logits.argmax(axis=2) == part_y).sum(axis=1)
        accuracy = correct / rows if self.is_classifier else None
        return loss / rows, accuracy

    def predict(self, theta: Any, X: Any) -> np.ndarray:
        """The network's output: probabilities for sigmoid and softmax, values for linear.

        (N, outputs) for θ of shape (n,); (B, N, outputs) for (B, n).
        """
        theta = np.asarray(theta, dtype=float)
        self._check_theta(theta)
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.inputs:
            raise ValueError(f"Invalid X shape: {X.shape} (must be (rows, {self.inputs}))")
        flat = np.ascontiguousarray(theta.reshape(-1, self.n_parameters))
        with np.errstate(over="ignore", invalid="ignore"):
            _, logits, _ = self._forward(flat, X)
        if self.output == "sigmoid":
            out = np.exp(-np.logaddexp(0.0, -logits))  # σ(z), without overflow
        elif self.output == "softmax":
            out = np.exp(logits - logits.max(axis=2, keepdims=True))
            out /= out.sum(axis=2, keepdims=True)
        else:
            out = logits
        return out[0] if theta.ndim == 1 else out
