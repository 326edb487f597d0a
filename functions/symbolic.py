"""The symbolic side of a typed-in function: SymPy builds f from the checked syntax tree,
differentiates it, prints its LaTeX within bounds and writes all three out as a `Tape`.

This runs in a child process under a CPU-time limit (`functions.parser` calls `derive` through
`functions.isolated`), because SymPy simplifies as it goes and a few short inputs keep it busy
for minutes. Expressions are walked as graphs, each distinct subexpression once: a derivative
repeats its subexpressions many times over, and a tree walk would pay for every repetition.
"""

from __future__ import annotations

import ast
import cmath
import contextlib
import math
from collections.abc import Callable, Iterable, Sequence

import sympy

from functions.messages import short
from functions.objective import LABELS, Formula
from functions.parser import (
    FUNCTIONS,
    LATEX_NODES,
    MAX_EXPONENT,
    MAX_LATEX,
    Derived,
    ExpressionError,
    _at,
    _Source,
)
from functions.tape import Instruction, Tape

X = sympy.Symbol("x", real=True)
Y = sympy.Symbol("y", real=True)
NAMES = {"x": X, "y": Y, "pi": sympy.pi, "e": sympy.E}

# By the name `functions.parser.FUNCTIONS` gives each function (its first spelling).
SYMBOLIC: dict[str, Callable[..., sympy.Expr]] = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sec": sympy.sec,
    "csc": sympy.csc,
    "cot": sympy.cot,
    "arcsin": sympy.asin,
    "arccos": sympy.acos,
    "arctan": sympy.atan,
    "arctan2": sympy.atan2,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "arcsinh": sympy.asinh,
    "arccosh": sympy.acosh,
    "arctanh": sympy.atanh,
    "exp": sympy.exp,
    "log": sympy.log,
    "log10": lambda a: sympy.log(a, 10),
    "log2": lambda a: sympy.log(a, 2),
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "sign": sympy.sign,
}

# SymPy's classes as `functions.tape.OPERATIONS` names them; derivatives bring in re and im
# (of |u| where u may be complex) besides the functions one can type.
OPERATION_NAMES: dict[type, str] = {
    sympy.Add: "add",
    sympy.Mul: "mul",
    sympy.sin: "sin",
    sympy.cos: "cos",
    sympy.tan: "tan",
    sympy.sec: "sec",
    sympy.csc: "csc",
    sympy.cot: "cot",
    sympy.asin: "asin",
    sympy.acos: "acos",
    sympy.atan: "atan",
    sympy.atan2: "atan2",
    sympy.sinh: "sinh",
    sympy.cosh: "cosh",
    sympy.tanh: "tanh",
    sympy.asinh: "asinh",
    sympy.acosh: "acosh",
    sympy.atanh: "atanh",
    sympy.exp: "exp",
    sympy.log: "log",
    sympy.Abs: "abs",
    sympy.sign: "sign",
    sympy.re: "re",
    sympy.im: "im",
    sympy.conjugate: "conjugate",
    sympy.arg: "arg",
}
_NOT_FINITE = (sympy.zoo, sympy.oo, -sympy.oo, sympy.nan)


class _Builder:
    """Builds the SymPy expression from a checked tree.

    Constants that only appear after SymPy simplifies (`x - x + 700.0`) escape the parser's
    float fold, so every constant SymPy produces is sized up here before anything is built on
    top of it.
    """

    def __init__(self, source: _Source) -> None:
        self.source = source

    def build(self, node: ast.expr) -> sympy.Expr:
        try:
            expression = self.node(node)
        except ExpressionError:
            raise
        except (ArithmeticError, RecursionError, MemoryError, TypeError, ValueError) as error:
            # SymPy's own limits (e.g. "too many digits") surface as these.
            raise ExpressionError(
                f"The expression cannot be simplified safely ({short(str(error))})"
            ) from None
        return self.guard(expression, node)

    def node(self, node: ast.expr) -> sympy.Expr:
        if isinstance(node, ast.Constant):
            return (
                sympy.Integer(node.value)
                if isinstance(node.value, int)
                else sympy.Float(node.value)
            )
        if isinstance(node, ast.Name):
            return NAMES[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left, right = self.build(node.left), self.build(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if isinstance(node.op, ast.Div):
                return left / right
            if not right.free_symbols and not abs(complex(right)) <= MAX_EXPONENT:
                raise _at(
                    self.source.column(self.source.after(node.left)),
                    f"exponent {short(sympy.sstr(right))} is too large — at most ±{MAX_EXPONENT}",
                )
            return left**right
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)  # the checker allows nothing else
            arguments = [self.build(argument) for argument in node.args]
            return SYMBOLIC[FUNCTIONS[node.func.id].name](*arguments)
        raise AssertionError(f"unchecked node {type(node).__name__}")

    def guard(self, expression: sympy.Expr, node: ast.expr) -> sympy.Expr:
        if expression.free_symbols:
            return expression
        column = self.source.column(node.col_offset)
        quoted = self.source.quote(node)
        if expression.has(*_NOT_FINITE):
            raise _at(column, f"{quoted} is not a finite number (is something divided by zero?)")
        try:
            value = complex(expression)
        except (ArithmeticError, TypeError, ValueError, RecursionError):
            raise _at(column, f"{quoted} is too large") from None
        if not cmath.isfinite(value):
            raise _at(column, f"{quoted} is too large")
        if value.imag != 0:
            raise _at(column, f"{quoted} is not a real number")
        return expression


def postorder(roots: Iterable[sympy.Basic]) -> list[sympy.Basic]:
    """Every distinct subexpression of `roots` once, each after all of its arguments."""
    order: list[sympy.Basic] = []
    seen: set[sympy.Basic] = set()
    stack: list[tuple[sympy.Basic, bool]] = [(root, False) for root in reversed(list(roots))]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((argument, False) for argument in reversed(node.args))
    return order


def tree_sizes(nodes: Sequence[sympy.Basic]) -> dict[sympy.Basic, int]:
    """Nodes of each expression as a tree (what a printer walks), for nodes in postorder."""
    sizes: dict[sympy.Basic, int] = {}
    for node in nodes:
        sizes[node] = 1 + sum(sizes[argument] for argument in node.args)
    return sizes


def _without_dirac(expression: sympy.Expr) -> sympy.Expr:
    # d/dx sign(x) is 2·δ(x): zero wherever it can be evaluated, which is what an optimizer sees.
    zero = sympy.Integer(0)
    deltas = {node: zero for node in postorder([expression]) if isinstance(node, sympy.DiracDelta)}
    return expression.xreplace(deltas) if deltas else expression


def _number(node: sympy.Basic) -> float | complex:
    if node is sympy.I:
        return 1j
    try:
        return float(node)
    except OverflowError:
        # An exact integer beyond float range, e.g. the 10^315 of x*10^15*...*10^15.
        return math.copysign(math.inf, 1 if node.is_positive else -1)


def _instruction(node: sympy.Basic, index: dict[sympy.Basic, int]) -> Instruction:
    if node == X:
        return ("x", (), None)
    if node == Y:
        return ("y", (), None)
    if node.is_Number or node.is_NumberSymbol or node is sympy.I:
        return ("const", (), _number(node))
    if isinstance(node, sympy.Pow):
        base, exponent = node.args
        if exponent == sympy.S.Half:
            return ("sqrt", (index[base],), None)
        if exponent == -sympy.S.Half:
            return ("rsqrt", (index[base],), None)
        return ("pow", (index[base], index[exponent]), None)
    name = OPERATION_NAMES.get(type(node))
    if name is None:
        raise ExpressionError(
            f"The expression cannot be evaluated numerically: SymPy writes it with "
            f"{type(node).__name__}"
        )
    return (name, tuple(index[argument] for argument in node.args), None)


def to_tape(f: sympy.Expr, fx: sympy.Expr, fy: sympy.Expr) -> Tape:
    """The straight-line program for (f, ∂f/∂x, ∂f/∂y).

    SymPy's common-subexpression elimination goes first, as lambdify's does: besides repeated
    subexpressions it finds repeated groups of factors and terms (n products of n - 1 of the
    same factors share most of their multiplications).
    """
    replacements, reduced = sympy.cse([f, fx, fy], symbols=sympy.numbered_symbols("_t"))
    index: dict[sympy.Basic, int] = {}
    instructions: list[Instruction] = []

    def emit(expression: sympy.Basic) -> int:
        for node in postorder([expression]):
            if node not in index:
                index[node] = len(instructions)
                instructions.append(_instruction(node, index))
        return index[expression]

    for symbol, expression in replacements:
        index[symbol] = emit(expression)
    outputs = tuple(emit(expression) for expression in reduced)
    return Tape(tuple(instructions), (outputs[0], outputs[1], outputs[2]))


def formula(
    label: str, expression: sympy.Expr, nodes: int, max_latex: int, latex_nodes: int
) -> Formula:
    """The `Formula` for `expression`, printed only when its tree has at most `latex_nodes`."""
    if nodes > latex_nodes:
        # Every node prints at least half a character (a power's exponent of 1/2 or -1 hides
        # in its parent's \sqrt or \frac), so this is a lower bound on the LaTeX's length.
        return Formula(label, "", nodes // 2, displayable=False, exact=False)
    latex = sympy.latex(expression)
    displayable = len(latex) <= max_latex
    return Formula(label, latex if displayable else "", len(latex), displayable)


def derive(source: _Source, tree: ast.Expression, max_latex: int, latex_nodes: int) -> Derived:
    """f, ∂f/∂x and ∂f/∂y of a checked tree: the program, the bounded formulas, the sizes."""
    f = _Builder(source).build(tree.body)
    try:
        fx, fy = (_without_dirac(sympy.diff(f, symbol)) for symbol in (X, Y))
    except (ArithmeticError, RecursionError, TypeError, ValueError) as error:
        raise ExpressionError(
            f"SymPy cannot differentiate this expression ({type(error).__name__})"
        ) from None
    nodes = postorder([f, fx, fy])
    for node in nodes:
        if node in _NOT_FINITE:
            raise ExpressionError("The expression divides by zero")
        if isinstance(node, sympy.Derivative | sympy.Subs):
            raise ExpressionError("SymPy cannot differentiate this expression")
    sizes = tree_sizes(nodes)
    parts = (f, fx, fy)
    formulas = tuple(
        formula(label, part, sizes[part], max_latex, latex_nodes)
        for label, part in zip(LABELS, parts, strict=True)
    )
    return Derived(to_tape(*parts), formulas, (sizes[f], sizes[fx], sizes[fy]))


def _warm_up() -> None:
    # Children are forked from a process that imported this module: SymPy's caches and lazily
    # imported printers warmed here are theirs for free, which takes a simple function from
    # about 100 ms of work in a fresh process to a few.
    from functions.parser import _checked_tree

    for text in (
        "sin(x)*cos(y) + tan(x/y) + sec(x) + csc(y) + cot(x*y) + asin(x/9) + acos(y/9) + "
        "atan(x) + atan2(y, x) + sinh(x) + cosh(y) + tanh(x*y) + asinh(x) + acosh(2+y^2) + "
        "atanh(x/9) + exp(-x^2) + log(1+y^2) + log10(2+x^2) + log2(3+y^2) + sqrt(1+x^2) + "
        "abs(x-y) + sign(x)*y + (1-x)^2 + 100*(y-x^2)^2 + x^y",
        "x/(x-x)",
    ):
        with contextlib.suppress(ExpressionError):
            derive(*_checked_tree(text), max_latex=MAX_LATEX, latex_nodes=LATEX_NODES)


_warm_up()
