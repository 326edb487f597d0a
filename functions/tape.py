"""Typed-in functions as straight-line programs: how their value and gradient are computed.

SymPy works out f, ∂f/∂x and ∂f/∂y in a child process (see `functions.symbolic`) and hands
back a `Tape`: each distinct subexpression once, in an order where every instruction only uses
earlier ones, written with plain names, numbers and indices. `kernel_from_tape` runs it with
NumPy. No code is generated or executed, and no SymPy object crosses into this process (SymPy
re-simplifies an expression as it is unpickled, which is the slow work the child is there for).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from functions.objective import Kernel

Instruction = tuple[str, tuple[int, ...], float | complex | None]


# Each operation does what SymPy's own NumPy printer (`lambdify`) writes for the same node, so
# that values agree with SymPy's to rounding: sec(a) is 1/cos(a), a^(1/2) is sqrt(a), and a
# power is Python's `**`, which gives NumPy's fast paths for the small exponents. A sum or
# product of n terms runs as n - 1 additions or multiplications, left to right.
OPERATIONS: dict[str, Callable[..., np.ndarray]] = {
    "add": operator.add,
    "mul": operator.mul,
    "pow": operator.pow,
    "sqrt": np.sqrt,
    "rsqrt": lambda a: 1 / np.sqrt(a),
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "sec": lambda a: 1 / np.cos(a),
    "csc": lambda a: 1 / np.sin(a),
    "cot": lambda a: 1 / np.tan(a),
    "asin": np.arcsin,
    "acos": np.arccos,
    "atan": np.arctan,
    "atan2": np.arctan2,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "tanh": np.tanh,
    "asinh": np.arcsinh,
    "acosh": np.arccosh,
    "atanh": np.arctanh,
    "exp": np.exp,
    "log": np.log,
    "abs": np.abs,
    "sign": np.sign,
    "re": np.real,
    "im": np.imag,
    "conjugate": np.conjugate,
    "arg": np.angle,
}
INPUTS = ("x", "y")
_BINARY = ("add", "mul", "pow", "atan2")


class Tape(NamedTuple):
    """A straight-line program for (f, ∂f/∂x, ∂f/∂y).

    Each instruction is `(operation, arguments, constant)`: an operation of `OPERATIONS` applied
    to the results of earlier instructions (by index), an input (`"x"`, `"y"`), or `"const"`
    with its number. `outputs` are the indices of f, ∂f/∂x and ∂f/∂y.

    >>> tape = Tape(
    ...     instructions=(("x", (), None), ("const", (), 2.0), ("pow", (0, 1), None),
    ...                   ("mul", (1, 0), None), ("const", (), 0.0)),
    ...     outputs=(2, 3, 4),
    ... )
    >>> f, gx, gy = kernel_from_tape(tape)(np.array([3.0]), np.array([5.0]))
    >>> f.tolist(), gx.tolist(), gy.tolist()
    ([9.0], [6.0], [0.0])
    """

    instructions: tuple[Instruction, ...]
    outputs: tuple[int, int, int]


class _Program(NamedTuple):
    """A tape laid out for a fast loop: every step is one call with one or two arguments."""

    template: list  # the constants in their slots, None elsewhere
    inputs: tuple[tuple[int, int], ...]  # (slot, 0 for x or 1 for y)
    # (slot, operation, first argument, second argument or -1, slots no later step needs)
    steps: tuple[tuple[int, Callable[..., np.ndarray], int, int, tuple[int, ...]], ...]


def _program(tape: Tape) -> _Program:
    count = len(tape.instructions)
    template: list = [None] * count
    inputs: list[tuple[int, int]] = []
    calls: list[tuple[int, Callable[..., np.ndarray], int, int]] = []
    for index, (name, arguments, value) in enumerate(tape.instructions):
        if any(not 0 <= argument < index for argument in arguments):
            raise ValueError(f"instruction {index} reads {arguments}, not all of them before it")
        if name == "const":
            if not isinstance(value, float | complex):
                raise ValueError(f"constant {index} is {value!r}, not a number")
            # Python numbers, as lambdify writes them: arrays combine with them fastest.
            template[index] = value
        elif name in INPUTS:
            inputs.append((index, INPUTS.index(name)))
        elif name in ("add", "mul") and len(arguments) > 2:
            # a + b + c + d as ((a + b) + c) + d, in slots past the tape's own.
            operation = OPERATIONS[name]
            first = arguments[0]
            for argument in arguments[1:-1]:
                template.append(None)
                calls.append((len(template) - 1, operation, first, argument))
                first = len(template) - 1
            calls.append((index, operation, first, arguments[-1]))
        else:
            operation = OPERATIONS[name]
            if len(arguments) != (2 if name in _BINARY else 1):
                raise ValueError(f"instruction {index} gives {name} {len(arguments)} arguments")
            second = arguments[1] if name in _BINARY else -1
            calls.append((index, operation, arguments[0], second))
    # Drop each result after the last step that reads it, so that a long program on a large
    # grid holds only the arrays it still needs; the outputs are kept to the end.
    last_read: dict[int, int] = {}
    for step, (_, _, first, second) in enumerate(calls):
        last_read[first] = step
        if second >= 0:
            last_read[second] = step
    for output in tape.outputs:
        last_read.pop(output, None)
    drops: list[list[int]] = [[] for _ in calls]
    for slot, step in last_read.items():
        if template[slot] is None:  # constants stay; they are scalars
            drops[step].append(slot)
    steps = tuple(
        (slot, operation, first, second, tuple(drop))
        for (slot, operation, first, second), drop in zip(calls, drops, strict=True)
    )
    return _Program(template, tuple(inputs), steps)


def _real_array(result: object, shape: tuple[int, ...], taken: Sequence[np.ndarray]) -> np.ndarray:
    array = np.asarray(result)
    if np.iscomplexobj(array):
        # SymPy may rewrite e.g. sqrt(-x^2) as I*|x|; a value that is not real is NaN here,
        # as it would be from NumPy's own sqrt of a negative number.
        array = np.where(array.imag == 0, array.real, np.nan)
    fresh = not any(np.may_share_memory(array, other) for other in taken)
    if array.dtype != np.float64 or array.shape != shape or not fresh:
        # Constants come out as scalars, `f = x` is the input itself and ∂f/∂x may be the same
        # result as ∂f/∂y; each output gets its own full-shape float64 array.
        array = np.array(np.broadcast_to(array, shape), dtype=np.float64)
    return array


def kernel_from_tape(tape: Tape) -> Kernel:
    """The kernel `(x, y) -> (f, ∂f/∂x, ∂f/∂y)` that runs `tape` on arrays of any shape."""
    template, inputs, steps = _program(tape)
    outputs = tape.outputs

    def kernel(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        shape = np.broadcast_shapes(x.shape, y.shape)
        values = template.copy()
        for slot, which in inputs:
            values[slot] = y if which else x
        with np.errstate(all="ignore"):
            for slot, operation, first, second, drop in steps:
                if second < 0:
                    values[slot] = operation(values[first])
                else:
                    values[slot] = operation(values[first], values[second])
                for done in drop:
                    values[done] = None
        results: list[np.ndarray] = []
        for output in outputs:
            results.append(_real_array(values[output], shape, [x, y, *results]))
        return results[0], results[1], results[2]

    return kernel
