"""Benchmark of the Experiments page's core and figures: prints figures, asserts nothing.

    python bench/experiments.py            # about a minute on a 2-core machine
    python bench/experiments.py --quick    # smaller sizes, for a smoke run

1. Sweep: Adam β1 × β2 on Rosenbrock, 100 × 100 cells × 1 000 steps, one `sweep` call
   (target ≤ 1 s).
2. Basins: 200 × 200 = 40 000 starts × 500 steps on Himmelblau, one `basins` call per optimizer
   (target ≤ 1.5 s), and the page's pair of maps (SGD against Adam).
3. Noise: SGD, momentum, RMSProp and Adam × 20 seeds × 500 steps on Rosenbrock, with every step
   recorded, with and without the search for each optimizer's best α.
4. The figures the page draws from those results: build time and JSON size.

Every result is compared with the same work done one trajectory at a time: `optim.run` called
once per cell, start or seed in a Python loop. That loop is timed on a random subset and scaled
linearly to the full count (running all of it would take minutes); the output says so.
Each figure is the median of several repeats (the minimum is shown too).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import plotly.io as pio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.core import timed
from optim import run
from optim.catalog import make_optimizer
from optim.experiments import Axis, basins, compare_basins, noise_study, start_grid, sweep
from viz.experiments import basins_figure, noise_figure, sweep_figure

NOISE = {
    "SGD": {"learning_rate": 0.001},
    "SGD + momentum": {"learning_rate": 0.001, "momentum": 0.9},
    "RMSProp": {"learning_rate": 0.01},
    "Adam": {"learning_rate": 0.05},
}


def one_at_a_time(jobs: list, total: int, repeats: int) -> tuple[float, int]:
    """Seconds for `total` single runs, from timing `jobs` (a subset) and scaling linearly."""
    median, _ = timed(lambda: [job() for job in jobs], repeats)
    return median * total / len(jobs), len(jobs)


def report(label: str, batched: tuple[float, float], single: tuple[float, int], total: int):
    scaled, subset = single
    print(f"   {label:38s} median {batched[0]:.3f} s   (min {batched[1]:.3f})")
    print(
        f"   {'one trajectory at a time':38s} {scaled:.1f} s (timed on {subset} of {total:,}, "
        f"scaled)  ->  batched is {scaled / batched[0]:.0f}x faster"
    )


def payload(figure) -> str:
    return f"{len(pio.to_json(figure, validate=False)) / 1000:.0f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args()
    quick = args.quick
    repeats = 3 if quick else 5
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}")

    # 1. sweep ---------------------------------------------------------------------------------
    grid, steps = (30, 300) if quick else (100, 1000)
    x = Axis("beta1", 0.5, 0.999, grid, "nines")
    y = Axis("beta2", 0.9, 0.99999, grid, "nines")
    fixed = {"learning_rate": 0.02}
    print(f"\n1. sweep: Adam β1 × β2 on Rosenbrock, {grid} x {grid} cells x {steps} steps")

    def do_sweep():
        return sweep("Adam", "rosenbrock", (-1.5, 2.5), steps, x, y, fixed)

    result = do_sweep()
    cells = [tuple(c) for c in rng.integers(0, grid, size=(10 if quick else 40, 2))]
    jobs = [
        lambda c=c: run(result.optimizer(*c), "rosenbrock", (-1.5, 2.5), steps, record="final")
        for c in cells
    ]
    report(
        "one sweep call (target <= 1 s)",
        timed(do_sweep, repeats),
        one_at_a_time(jobs, grid * grid, 1),
        grid * grid,
    )
    for color in ("loss", "steps", "status"):
        t = timed(lambda c=color: sweep_figure(result, c, selected=(0, 0)), repeats)
        figure = sweep_figure(result, color, selected=(0, 0))
        print(f"   figure ({color:6s}) built in {t[0] * 1e3:.0f} ms, JSON {payload(figure)}")

    # 2. basins --------------------------------------------------------------------------------
    side, basin_steps = (60, 200) if quick else (200, 500)
    starts_total = side * side
    print(f"\n2. basins: {starts_total:,} starts x {basin_steps} steps on Himmelblau")
    xs, ys = start_grid(((-5.0, 5.0), (-5.0, 5.0)), side)
    picks = rng.integers(0, side, size=(10 if quick else 40, 2))
    for variant, settings in (("SGD", {"learning_rate": 0.01}), ("Adam", {"learning_rate": 0.05})):
        optimizer = make_optimizer(variant, settings)
        jobs = [
            lambda i=i, j=j, o=optimizer: run(
                o, "himmelblau", (xs[j], ys[i]), basin_steps, record="final"
            )
            for i, j in picks
        ]
        report(
            f"{variant} map, one call (target <= 1.5 s)",
            timed(
                lambda v=variant, s=settings: basins(v, s, "himmelblau", basin_steps, side), repeats
            ),
            one_at_a_time(jobs, starts_total, 1),
            starts_total,
        )
    pair = {"SGD": ("SGD", {"learning_rate": 0.01}), "Adam": ("Adam", {"learning_rate": 0.05})}
    t = timed(lambda: compare_basins(pair, "himmelblau", basin_steps, side), repeats)
    print(f"   {'both maps (the page)':38s} median {t[0]:.3f} s   (min {t[1]:.3f})")
    maps = compare_basins(pair, "himmelblau", basin_steps, side)
    t = timed(lambda: basins_figure(maps, selected=(0, 0)), repeats)
    print(f"   figure built in {t[0] * 1e3:.0f} ms, JSON {payload(basins_figure(maps))}")
    maps100 = compare_basins(pair, "himmelblau", basin_steps, 100)
    print(f"   (at the page's default 100 x 100: JSON {payload(basins_figure(maps100))})")

    # 3. noise ---------------------------------------------------------------------------------
    seeds, noise_steps = (5, 200) if quick else (20, 500)
    print(
        f"\n3. noise: 4 optimizers x {seeds} seeds x {noise_steps} steps on Rosenbrock, "
        "σ = 1, sparsity 0.5, every step recorded"
    )

    def do_noise(tune: bool):
        return noise_study(
            "rosenbrock",
            (-1.5, 2.5),
            noise_steps,
            NOISE,
            noise=1.0,
            sparsity=0.5,
            seeds=seeds,
            tune=tune,
        )

    jobs = [
        lambda v=v, h=h, s=s: run(
            make_optimizer(v, h),
            "rosenbrock",
            (-1.5, 2.5),
            noise_steps,
            noise=1.0,
            sparsity=0.5,
            seed=s,
        )
        for v, h in NOISE.items()
        for s in range(3)
    ]
    total = len(NOISE) * (seeds + 1)
    report(
        "study, α as given",
        timed(lambda: do_noise(False), repeats),
        one_at_a_time(jobs, total, 1),
        total,
    )
    t = timed(lambda: do_noise(True), repeats)
    print(f"   {'study with the α search (13 α)':38s} median {t[0]:.3f} s   (min {t[1]:.3f})")
    study = do_noise(True)
    t = timed(lambda: noise_figure(study), repeats)
    print(f"   figure built in {t[0] * 1e3:.0f} ms, JSON {payload(noise_figure(study))}")


if __name__ == "__main__":
    main()
