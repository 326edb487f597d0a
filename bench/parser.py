"""Benchmark of the typed-in function parser on slow and huge inputs: prints figures, asserts
nothing.

    python bench/parser.py          # about a minute on a 2-core machine

For each input of tests/functions/corpus.py: how long parsing took (SymPy works in a child
process limited to `SYMPY_SECONDS` of CPU time), the size of the larger partial derivative as
an expression tree, the length of its LaTeX against `MAX_LATEX`, and how long the kernel takes
on a 200 x 200 grid (what the contour map evaluates) and at one point (what one step of one run
costs). Then the same for a few everyday inputs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from functions import parser
from functions.parser import MAX_LATEX, SYMPY_SECONDS, ExpressionError, parse_expression
from tests.functions.corpus import CORPUS

EVERYDAY = [
    ("sphere", "x^2 + y^2"),
    ("rosenbrock", "(1-x)^2 + 100*(y-x^2)^2"),
    ("himmelblau", "(x^2+y-11)^2 + (x+y^2-7)^2"),
    ("gaussian-bumps", "-exp(-(x-1)^2-y^2) - 0.5*exp(-(x+1)^2-(y-1)^2)"),
]


def measure(name: str, text: str) -> None:
    parser._outcome.cache_clear()  # time the work, not the cache
    start = time.perf_counter()
    try:
        objective = parse_expression(text)
    except ExpressionError as error:
        seconds = time.perf_counter() - start
        print(f"{name:28s} {len(text):4d} {seconds:7.2f}  refused: {str(error)[:60]}")
        return
    seconds = time.perf_counter() - start
    nodes = parser._compiled(text).derived.nodes
    _, fx, fy = objective.formulas()
    grid = np.linspace(0.5, 1.5, 200)
    x, y = np.meshgrid(grid, grid)
    kernel_start = time.perf_counter()
    objective.kernel(x, y)
    kernel_ms = (time.perf_counter() - kernel_start) * 1000
    point = (np.array([0.7]), np.array([1.2]))
    point_start = time.perf_counter()
    for _ in range(200):
        objective.kernel(*point)
    point_us = (time.perf_counter() - point_start) / 200 * 1e6
    sizes = "  ".join(
        f"{'' if f.exact else '>'}{f.length:>7,d}{'' if f.displayable else '*'}".replace(",", " ")
        for f in (fx, fy)
    )
    print(
        f"{name:28s} {len(text):4d} {seconds:7.2f} {max(nodes[1:]):>8,d}  {sizes}  "
        f"{kernel_ms:7.1f} {point_us:8.0f}".replace(",", " ")
    )


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    print(
        f"LaTeX past {MAX_LATEX} characters is not displayed (*); SymPy gets "
        f"{SYMPY_SECONDS} s of CPU time per function; > marks a lower bound (LaTeX not produced)."
    )
    print()
    header = f"{'input':28s} {'chars':>4s} {'parse s':>7s} {'nodes':>8s}  {'∂f/∂x LaTeX':>8s}"
    print(f"{header}  {'∂f/∂y LaTeX':>8s}  {'grid ms':>7s} {'point µs':>8s}")
    for case in CORPUS:
        measure(case.name, case.text)
    print()
    for name, text in EVERYDAY:
        measure(name, text)


if __name__ == "__main__":
    main()
