"""Benchmark of the optimizer core: prints figures, asserts nothing.

    python bench/core.py            # about a minute on a 2-core machine
    python bench/core.py --quick    # smaller sizes, for a smoke run

1. 10 000 Adam trajectories x 1 000 steps on Rosenbrock with `run(record="final")`, against
   (a) a plain batched NumPy loop written below and (b) the per-trajectory loop of a tutorial
   Adam class, timed on a subset and scaled linearly (all of it would take minutes).
2. One trajectory x 1 000 steps with `record="full"` for Adam, SGD and RMSProp, and Adam's
   against a plain recording loop written below (what a student's loop keeps per step).
3. A 100 x 100 (learning rate x beta1) sweep x 1 000 steps in one `run` call.
4. 40 000 start points x 500 steps on Himmelblau.

Each figure is the median of several repeats (the minimum is shown too).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from functions import get_function
from optim import SGD, Adam, RMSProp, run
from optim.allocator import keep_freed_memory


def timed(fn, repeats: int) -> tuple[float, float]:
    """(median, min) wall time of `fn()` in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def plain_batched_adam(x0: np.ndarray, steps: int, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam on Rosenbrock for a (B, 2) batch, the way one writes it with NumPy arrays."""
    p = x0.copy()
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t in range(1, steps + 1):
        x, y = p[:, 0], p[:, 1]
        g = np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=-1)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


def plain_recording_adam(x0, steps: int, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam trajectory on Rosenbrock, keeping every step's θ, f, g, m, v, m̂, v̂ and
    effective learning rate, as a plain NumPy loop does it."""
    kernel = get_function("rosenbrock").kernel
    p = np.array(x0, dtype=float)
    m = np.zeros(2)
    v = np.zeros(2)
    params, loss = np.empty((steps + 1, 2)), np.empty(steps + 1)
    grads, ms, vs = np.empty((steps, 2)), np.empty((steps, 2)), np.empty((steps, 2))
    m_hats, v_hats, rates = np.empty((steps, 2)), np.empty((steps, 2)), np.empty((steps, 2))
    params[0] = p
    for t in range(1, steps + 1):
        f, gx, gy = kernel(p[0], p[1])
        g = np.array([gx, gy])
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        rate = lr / (np.sqrt(v_hat) + eps)
        p = p - rate * m_hat
        loss[t - 1], grads[t - 1], ms[t - 1], vs[t - 1] = f, g, m, v
        m_hats[t - 1], v_hats[t - 1], rates[t - 1], params[t] = m_hat, v_hat, rate, p
    loss[steps] = kernel(p[0], p[1])[0]
    return params, loss


class TutorialAdam:
    """The Adam class every tutorial shows: state m, v, t and an `update` method."""

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.lr, self.beta1, self.beta2, self.epsilon = lr, beta1, beta2, epsilon
        self.m = self.v = None
        self.t = 0

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = np.zeros_like(params), np.zeros_like(params)
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * grads
        self.v = self.beta2 * self.v + (1 - self.beta2) * grads**2
        m_hat = self.m / (1 - self.beta1**self.t)
        v_hat = self.v / (1 - self.beta2**self.t)
        return params - self.lr * m_hat / (np.sqrt(v_hat) + self.epsilon)


def rosenbrock_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def per_trajectory(x0: np.ndarray, steps: int) -> np.ndarray:
    out = []
    for start in x0:
        opt, p = TutorialAdam(), start.copy()
        for _ in range(steps):
            p = opt.update(p, rosenbrock_grad(p))
        out.append(p)
    return np.array(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args()
    quick = args.quick
    repeats = 3 if quick else 7
    batch, steps = (2_000, 200) if quick else (10_000, 1_000)
    rng = np.random.default_rng(0)
    x0 = rng.uniform([-2, -1], [2, 3], size=(batch, 2))

    # As the app does (app.py): keep freed heap memory for the next step's temporaries.
    kept = keep_freed_memory()
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}, malloc top pad: {kept}")
    print(f"\n1. {batch} Adam trajectories x {steps} steps on Rosenbrock (record='final')")
    ours = run(Adam(), "rosenbrock", x0, steps, record="final")
    reference = plain_batched_adam(x0, steps)
    assert np.allclose(ours.final_params, reference, rtol=1e-9, atol=1e-12), "results differ"
    core = timed(lambda: run(Adam(), "rosenbrock", x0, steps, record="final"), repeats)
    plain = timed(lambda: plain_batched_adam(x0, steps), repeats)
    subset = 20 if quick else 50
    single = timed(lambda: per_trajectory(x0[:subset], steps), 1 if quick else 3)
    single_all = single[0] * batch / subset
    print(f"   optim.run                 median {core[0]:.3f} s   (min {core[1]:.3f})")
    print(f"   plain batched NumPy loop  median {plain[0]:.3f} s   (min {plain[1]:.3f})")
    print(
        f"   tutorial class, one trajectory at a time: {single[0]:.3f} s for {subset}, "
        f"scaled to {batch}: {single_all:.1f} s"
    )
    print(
        f"   speed vs plain loop: {plain[0] / core[0]:.2f}x "
        f"(best of repeats {plain[1] / core[1]:.2f}x; target >= 0.9x)"
    )
    print(f"   speed vs per-trajectory loop: {single_all / core[0]:.0f}x (target >= 100x)")

    print(f"\n2. one trajectory x {steps} steps, record='full' (target <= 25 ms each)")
    start = (-1.5, 2.5)
    full = run(Adam(), "rosenbrock", start, steps)
    plain_params, _ = plain_recording_adam(start, steps)
    assert np.allclose(full.params, plain_params, rtol=1e-9, atol=1e-12), "results differ"
    for optimizer in (
        Adam(learning_rate=1e-3),
        SGD(learning_rate=1e-3),
        RMSProp(learning_rate=1e-3),
    ):
        t = timed(lambda o=optimizer: run(o, "rosenbrock", start, steps), repeats * 3)
        print(f"   {optimizer.name:8s} median {t[0] * 1e3:.1f} ms   (min {t[1] * 1e3:.1f})")
        if optimizer.name == "Adam":
            adam_full = t
    recording = timed(lambda: plain_recording_adam(start, steps), repeats * 3)
    print(
        f"   plain recording loop (Adam) median {recording[0] * 1e3:.1f} ms   "
        f"(min {recording[1] * 1e3:.1f})"
    )
    print(
        f"   Adam full record vs plain recording loop: {adam_full[0] / recording[0]:.2f}x "
        f"(best of repeats {adam_full[1] / recording[1]:.2f}x; target <= 1.5x)"
    )

    grid = 30 if quick else 100
    print(
        f"\n3. {grid}x{grid} sweep (learning rate x beta1) x {steps} steps, one run call "
        "(target <= 1 s)"
    )
    lr, beta1 = np.meshgrid(np.logspace(-4, 0, grid), np.linspace(0, 0.999, grid), indexing="ij")
    sweep = timed(
        lambda: run(
            Adam(learning_rate=lr, beta1=beta1),
            "rosenbrock",
            np.broadcast_to((-1.5, 2.5), (grid, grid, 2)),
            steps,
            record="final",
        ),
        repeats,
    )
    print(f"   median {sweep[0]:.3f} s   (min {sweep[1]:.3f})")

    side, basin_steps = (100, 100) if quick else (200, 500)
    print(f"\n4. {side * side} start points x {basin_steps} steps on Himmelblau (target <= 1.5 s)")
    axis = np.linspace(-5, 5, side)
    starts = np.stack(np.meshgrid(axis, axis, indexing="xy"), axis=-1)
    basins = timed(
        lambda: run(Adam(learning_rate=0.05), "himmelblau", starts, basin_steps, record="final"),
        repeats,
    )
    print(f"   median {basins[0]:.3f} s   (min {basins[1]:.3f})")


if __name__ == "__main__":
    main()
