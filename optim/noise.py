"""Reproducible gradient noise and sparsity, a pure function of (seed, step, coordinate).

Each number is drawn from a counter-based generator (the SplitMix64 mixer applied to the seed,
the step and the coordinate), not from a stateful stream. So the noise a trajectory sees does
not depend on which other trajectories share its batch: a batch equals separate runs even with
noise, and a trajectory that stops early does not shift anyone else's draws.
"""

from __future__ import annotations

import numpy as np

_GAMMA = np.uint64(0x9E3779B97F4A7C15)  # SplitMix64's increment (2^64 / golden ratio)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TWO_PI = 2 * np.pi
_STREAMS = 3  # per coordinate: two uniforms for a normal (Box–Muller), one for sparsity


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's output function, in place on a uint64 array (wrapping arithmetic)."""
    z ^= z >> np.uint64(30)
    z *= _MIX1
    z ^= z >> np.uint64(27)
    z *= _MIX2
    z ^= z >> np.uint64(31)
    return z


def seed_keys(seed: int | np.ndarray) -> np.ndarray:
    """Scramble integer seeds into 64-bit keys (so seeds 0, 1, 2 give unrelated streams)."""
    seeds = np.asarray(seed)
    if seeds.dtype.kind not in "iu":
        raise ValueError(f"Invalid seed: {seed!r} (must be an integer or an integer array)")
    # a fresh array (0-d included), so the in-place mixing never touches the caller's seeds
    return _mix(np.array(seeds, dtype=np.int64).view(np.uint64).copy())


def _uniform(keys: np.ndarray, step: int, stream: int, shape: tuple[int, ...]) -> np.ndarray:
    """Uniform numbers in (0, 1] of `shape` = (n, *batch); keys broadcast over the batch."""
    n = shape[0]
    counters = (np.uint64(step) * np.uint64(n * _STREAMS) + np.uint64(stream * n)) + np.arange(
        n, dtype=np.uint64
    ).reshape((n,) + (1,) * (len(shape) - 1))
    z = np.broadcast_to(keys, shape) + counters * _GAMMA
    z = _mix(z)
    return ((z >> np.uint64(11)).astype(float) + 1.0) * 2.0**-53


def perturb(
    grads: np.ndarray,
    keys: np.ndarray,
    step: int,
    noise: float | np.ndarray,
    sparsity: float | np.ndarray,
) -> np.ndarray:
    """g + σ·N(0, 1) per coordinate, then each coordinate zeroed with probability `sparsity`.

    `grads` is component-first, (n, *batch); `keys` (from `seed_keys`), `noise` and
    `sparsity` are scalars or have the batch shape. A zeroed coordinate is multiplied by 0, so
    a non-finite gradient stays non-finite (and is caught as divergence).
    """
    with np.errstate(over="ignore"):
        out = grads
        if np.any(noise):
            u1 = _uniform(keys, step, 0, grads.shape)
            u2 = _uniform(keys, step, 1, grads.shape)
            normal = np.sqrt(-2.0 * np.log(u1)) * np.cos(_TWO_PI * u2)
            out = grads + noise * normal
        if np.any(sparsity):
            keep = _uniform(keys, step, 2, grads.shape) > sparsity
            out = out * keep
    return out
