"""Benchmark of nets/ against torch: prints figures, asserts nothing.

    PYTHONPATH=. /path/to/torch-venv/bin/python bench/nets.py          # with torch (and NumPy)
    .venv/bin/python bench/nets.py                                     # ours only, with figures
    ... bench/nets.py --quick                                          # fewer repeats

torch is imported only if it is installed (torch==2.13.0 CPU; its venv needs NumPy too). The
figure builders need Plotly, so the page's figures are timed only where Plotly is installed.

1. The course's network: Dense 20→64→1 (relu/sigmoid, binary cross-entropy), Adam α = 1e-3,
   50 epochs, batch 32, on 1 000 × 20 random data (1 600 steps). Ours in float64, with and
   without the effective-rate summaries, against torch in float32 as a user writes it:
   nn.Sequential, BCEWithLogitsLoss, torch.optim.Adam, and either a DataLoader over a
   TensorDataset (shuffle=True) or manual slicing of a torch.randperm; with torch's default
   thread count and with torch.set_num_threads(1).
2. The course's grid search: α ∈ {0.001, 0.01, 0.1} × β1 ∈ {0.9, 0.95} × β2 ∈ {0.999, 0.9999}
   on the same network and data: one batched `grid_search` call against torch training the 12
   models one after another (manual slicing, the faster torch loop of section 1).
3. The page's default view: two moons (500 points, 400 for training), 2→16→16→1 tanh, 50
   epochs, batch 32, Adam (α = 0.01), SGD (α = 0.1) and RMSProp (α = 0.01) with validation and
   every summary the page draws, in one `compare` call (and, for reference, one `train` call
   per optimizer); and, where Plotly is installed, the figures built from them.

4. The effective-rate summaries: np.quantile on every step against the chunked sort nets uses.

Every figure is the best of several repeats, with the median and the spread (max − min) beside
it; ours and torch's repeats alternate, so that a busy machine slows both alike. OpenBLAS
splits even small matrix products over both cores; on a busy machine that costs more than it
saves, so run it once more with OPENBLAS_NUM_THREADS=1 to see the single-threaded figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nets import MLP, PRESETS, compare, grid_search, load, train
from optim import SGD, Adam, RMSProp

try:
    import torch
except ImportError:  # the project's own venv has no torch
    torch = None


def interleaved(jobs: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Wall times of each job, repeats alternating between the jobs."""
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(repeats):
        for name, job in jobs.items():
            start = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - start)
    return times


def line(label: str, times: list[float]) -> str:
    best, median, spread = min(times), statistics.median(times), max(times) - min(times)
    return f"   {label:52s} best {best:7.3f} s   median {median:7.3f}   spread {spread:6.3f}"


# -- torch, written as a user would ------------------------------------------------------------
def torch_course_run(
    X: np.ndarray,
    y: np.ndarray,
    threads: int | None,
    loader: bool,
    lr=1e-3,
    betas=(0.9, 0.999),
    epochs: int = 50,
) -> float:
    if threads is not None:
        torch.set_num_threads(threads)
    features = torch.tensor(X, dtype=torch.float32)
    labels = torch.tensor(y, dtype=torch.float32)
    model = torch.nn.Sequential(torch.nn.Linear(20, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, betas=betas)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    if loader:
        batches = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(features, labels), batch_size=32, shuffle=True
        )
        for _ in range(epochs):
            for xb, yb in batches:
                optimizer.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                optimizer.step()
    else:
        for _ in range(epochs):
            order = torch.randperm(len(features))
            for start in range(0, len(features), 32):
                index = order[start : start + 32]
                optimizer.zero_grad()
                loss = loss_fn(model(features[index]), labels[index])
                loss.backward()
                optimizer.step()
    return loss.item()


def course(repeats: int, thread_counts: list[int | None]) -> None:
    data = load("random")
    model = MLP((20, 64, 1), hidden="relu", output="sigmoid")
    print("1. Course network 20→64→1, 50 epochs × 32 minibatches = 1 600 Adam steps")
    jobs: dict[str, Callable[[], object]] = {
        "nets.train, float64, with rate summaries": lambda: train(
            model, Adam(learning_rate=1e-3), data.X, data.y, epochs=50, batch_size=32
        ),
        "nets.train, float64, rates=False": lambda: train(
            model, Adam(learning_rate=1e-3), data.X, data.y, epochs=50, batch_size=32, rates=False
        ),
    }
    default_threads = None
    if torch is not None:
        default_threads = torch.get_num_threads()
        for threads in [default_threads if t is None else t for t in thread_counts]:
            for loader in (True, False):
                how = "DataLoader" if loader else "manual slicing"
                label = f"torch float32, {how}, {threads} thread{'s' * (threads > 1)}"
                jobs[label] = lambda t=threads, ld=loader: torch_course_run(data.X, data.y, t, ld)
    times = interleaved(jobs, repeats)
    for label, values in times.items():
        print(line(label, values))
    if torch is not None:
        torch.set_num_threads(default_threads)
        ours = min(times["nets.train, float64, with rate summaries"])
        torch_best = min(v for k, v in ((k, min(t)) for k, t in times.items()) if "torch" in k)
        fastest = min((min(t), k) for k, t in times.items() if "torch" in k)[1]
        print(
            f"   -> ours (with summaries) / fastest torch ({fastest}): {ours / torch_best:.2f}× "
            "(target ≤ 1.5×)"
        )
    print()


def grid(repeats: int) -> None:
    data = load("random")
    model = MLP((20, 64, 1), hidden="relu", output="sigmoid")
    print("2. Course grid search: 12 Adam models × 1 600 steps")
    settings = [
        (lr, b1, b2) for lr in (0.001, 0.01, 0.1) for b1 in (0.9, 0.95) for b2 in (0.999, 0.9999)
    ]
    jobs: dict[str, Callable[[], object]] = {
        "nets.grid_search, one batched call (rates=False)": lambda: grid_search(
            model, data.X, data.y, epochs=50, batch_size=32
        ),
        "nets.grid_search, one batched call, with rate summaries": lambda: grid_search(
            model, data.X, data.y, epochs=50, batch_size=32, rates=True
        ),
    }
    if torch is not None:
        # One thread only: section 1 shows torch's default threads no faster on this size of
        # network, and far slower when the machine is busy.
        threads = torch.get_num_threads()
        label = "torch float32, 12 models one after another, 1 thread"
        jobs[label] = lambda: [
            torch_course_run(data.X, data.y, 1, False, lr, (b1, b2)) for lr, b1, b2 in settings
        ]
    times = interleaved(jobs, repeats)
    for label, values in times.items():
        print(line(label, values))
    if torch is not None:
        torch.set_num_threads(threads)
        ours = min(times["nets.grid_search, one batched call (rates=False)"])
        best_torch = min(min(v) for k, v in times.items() if "torch" in k)
        print(f"   -> torch (best) / ours: {best_torch / ours:.1f}× faster (target ≥ 10×, ~1 s)")
    print()


def page(repeats: int) -> None:
    preset = PRESETS["moons"]
    data = load("moons")
    model = preset.model(data)
    optimizers = {
        "Adam": Adam(learning_rate=0.01),
        "SGD": SGD(learning_rate=0.1),
        "RMSProp": RMSProp(learning_rate=0.01),
    }
    print(
        f"3. Page default view: {model.describe()}, {len(data.X)} training points, "
        f"{preset.epochs} epochs, batch {preset.batch_size}, Adam + SGD + RMSProp"
    )

    settings = {
        "epochs": preset.epochs,
        "batch_size": preset.batch_size,
        "seed": 0,
        "validation": data.validation,
    }

    def compute() -> dict:
        return compare(model, optimizers, data.X, data.y, **settings)

    def one_by_one() -> dict:
        return {n: train(model, o, data.X, data.y, **settings) for n, o in optimizers.items()}

    jobs: dict[str, Callable[[], object]] = {
        "nets.compare: training + summaries, 3 optimizers": compute,
        "3 × nets.train (one call per optimizer)": one_by_one,
    }
    try:
        import plotly.io as pio

        from viz import networks
    except ImportError:
        networks = None
    if networks is not None:
        histories = compute()

        def figures() -> int:
            built = [
                networks.metrics_figure(histories),
                networks.rate_bands_figure(histories),
                networks.w1_rates_figure(histories["Adam"], "Adam"),
                networks.boundary_figure(histories, data),
            ]
            return sum(len(pio.to_json(f, validate=False)) for f in built)

        jobs["figures: build + to_json (4 figures)"] = figures
    times = interleaved(jobs, repeats)
    for label, values in times.items():
        print(line(label, values))
    total = sum(min(v) for k, v in times.items() if "3 ×" not in k)
    print(
        f"   -> server compute per redraw (compare + figures), best: {total:.3f} s (target ≤ 1 s)"
    )
    if networks is not None:
        print(f"   payload of the four figures: {figures() / 1024:.0f} KB")
    else:
        print("   (figures not timed: Plotly is not installed in this interpreter)")
    print()


def summaries(repeats: int) -> None:
    """What the chunked quantiles save: np.quantile on every step's rates, per layer, against
    nets' reduction of a buffered chunk of steps (one sort per layer and chunk)."""
    from nets.training import QUANTILES, _layer_quantiles

    model = MLP((20, 64, 1))
    steps = 1600
    rng = np.random.default_rng(0)
    rates = np.exp(rng.normal(-3, 1, size=(steps, 1, model.n_parameters)))
    slices = model.layer_slices()
    out = np.empty((steps, 1, len(slices), len(QUANTILES)))

    def per_step() -> None:
        for t in range(steps):
            for k, layer in enumerate(slices):
                out[t, 0, k] = np.quantile(rates[t, 0, layer], QUANTILES)

    def chunked() -> None:
        for k, layer in enumerate(slices):
            _layer_quantiles(rates[:, :, layer], out[:, :, k])

    print(f"4. Rate summaries of {steps} steps of the course network, quantiles per layer")
    times = interleaved({"np.quantile on every step": per_step, "chunked sort": chunked}, repeats)
    for label, values in times.items():
        print(line(label, values))
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke run")
    parser.add_argument(
        "--torch-threads",
        default="default,1",
        help="torch thread counts for section 1, e.g. 'default,1' (the default) or '1'",
    )
    args = parser.parse_args()
    thread_counts = [
        None if t.strip() == "default" else int(t) for t in args.torch_threads.split(",")
    ]
    repeats = 2 if args.quick else 5
    print(
        f"NumPy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}, "
        f"Python {sys.version.split()[0]}, {repeats} repeats each\n"
    )
    course(repeats, thread_counts)
    grid(max(2, repeats - 2))
    page(repeats)
    summaries(repeats)


if __name__ == "__main__":
    main()
