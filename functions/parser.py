"""Safe parser for functions typed in as text: f(x, y) -> an `Objective` with a SymPy gradient.

Grammar: numbers written in decimal, the names x, y, pi and e, the operators + - * / ^ (or **),
parentheses, and calls of the functions in `FUNCTIONS`. Limits, all checked before any algebra:
at most `MAX_LENGTH` (300) characters, `MAX_NODES` (200) parts, `MAX_DEPTH` (40) levels of
nesting, numbers up to `MAX_LITERAL` (1e15) and constant exponents within ±`MAX_EXPONENT` (100).
Anything else raises `ExpressionError`, whose plain-text message starts with the column of the
problem ("Column 3: ...") when there is one, and says what is allowed instead.

The text only ever reaches `ast.parse`; a whitelist walk checks the tree. SymPy then builds,
differentiates and prints the function in a child process limited to `SYMPY_SECONDS` of CPU
time (`functions.isolated`), and hands back a straight-line program that NumPy runs
(`functions.tape`). Formulas are bounded for display: a LaTeX formula longer than `MAX_LATEX`
(2 000) characters is not kept, only its length, and LaTeX is not even produced for an
expression tree of more than `LATEX_NODES` nodes (its length is then a lower bound). The
kernel, and so every run, map and export, works either way.
"""

from __future__ import annotations

import ast
import re
import threading
import warnings
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from functions import isolated
from functions.messages import (
    ARITHMETIC,
    EXAMPLE,
    capitalised,
    comparison,
    keyword,
    misreading,
    quote,
    suggestion,
)
from functions.objective import MAX_LATEX, Domain, Formula, Kernel, Objective, Point
from functions.tape import Tape, kernel_from_tape

__all__ = [
    "FUNCTIONS",
    "LATEX_NODES",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LATEX",
    "MAX_LENGTH",
    "MAX_LITERAL",
    "MAX_NODES",
    "SYMPY_SECONDS",
    "ExpressionError",
    "parse_expression",
]

MAX_LENGTH = 300  # characters of user text
MAX_NODES = 200  # expression nodes in the syntax tree
MAX_DEPTH = 40  # nesting of calls, powers and parentheses; a flat sum counts as one level
MAX_LITERAL = 1e15  # largest number that may be written literally
MAX_EXPONENT = 100  # largest |exponent| when the exponent is a constant
# SymPy's CPU time for one function, in whole seconds. The slowest input of the benchmark
# corpus (bench/parser.py) that SymPy finishes needs about 1.3 s; the two it refuses need 8 s
# and more than 14 s.
SYMPY_SECONDS = 5
# Nodes of an expression tree past which its LaTeX is not produced: printing takes about 10-20
# µs a node, and every node prints at least half a character, so a tree this large could not
# fit `MAX_LATEX` anyway.
LATEX_NODES = 20_000


class ExpressionError(ValueError):
    """A typed-in expression was refused; the message says what is wrong and what is allowed.

    The message is plain text, never Markdown. `column` is the 1-based column of the problem in
    the text as typed, or None when the problem is not at one place (the text is too long, or
    the function divides by zero somewhere).

    >>> try:
    ...     parse_expression("x +")
    ... except ExpressionError as error:
    ...     print(error.column, error)
    3 Column 3: '+' needs something after it, such as x + 1
    """

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


def _at(column: int, message: str) -> ExpressionError:
    return ExpressionError(f"Column {column}: {message}", column)


def _at_keyword(word: str, column: int) -> ExpressionError:
    return _at(column, keyword(word))


def _at_comparison(text: str, column: int) -> ExpressionError:
    return _at(column, comparison(text))


class _Function(NamedTuple):
    name: str  # the name the symbolic side knows it by
    arity: int
    # Folds constant arguments in float64, so that 9^9^9-style constants are sized up in
    # bounded time before SymPy (which computes exactly) ever sees them.
    numeric: Callable[..., np.floating]


def _functions() -> dict[str, _Function]:
    table: list[tuple[tuple[str, ...], int, Callable[..., np.floating]]] = [
        (("sin",), 1, np.sin),
        (("cos",), 1, np.cos),
        (("tan",), 1, np.tan),
        (("sec",), 1, lambda a: 1 / np.cos(a)),
        (("csc",), 1, lambda a: 1 / np.sin(a)),
        (("cot",), 1, lambda a: 1 / np.tan(a)),
        (("arcsin", "asin"), 1, np.arcsin),
        (("arccos", "acos"), 1, np.arccos),
        (("arctan", "atan"), 1, np.arctan),
        (("arctan2", "atan2"), 2, np.arctan2),
        (("sinh",), 1, np.sinh),
        (("cosh",), 1, np.cosh),
        (("tanh",), 1, np.tanh),
        (("arcsinh", "asinh"), 1, np.arcsinh),
        (("arccosh", "acosh"), 1, np.arccosh),
        (("arctanh", "atanh"), 1, np.arctanh),
        (("exp",), 1, np.exp),
        (("log", "ln"), 1, np.log),
        (("log10",), 1, np.log10),
        (("log2",), 1, np.log2),
        (("sqrt",), 1, np.sqrt),
        (("abs",), 1, np.abs),
        (("sign",), 1, np.sign),
    ]
    return {
        name: _Function(names[0], arity, numeric)
        for names, arity, numeric in table
        for name in names
    }


FUNCTIONS = _functions()
NAMES = ("x", "y", "pi", "e")
_NAME_VALUES = {"pi": np.pi, "e": np.e}
_FUNCTION_LIST = ", ".join(dict.fromkeys(function.name for function in FUNCTIONS.values()))
_ALLOWED_NAMES = f"x, y, pi, e and the functions {_FUNCTION_LIST}"

_BINARY: dict[type[ast.operator], Callable[[np.float64, np.float64], np.floating]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}
_OPERATOR_TEXT = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.Invert: "~",
}
_COMPARISON_TEXT = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
# Additive and multiplicative chains are flat to SymPy, so `x+x+...+x` is not "deep".
_GROUP = {ast.Add: 0, ast.Sub: 0, ast.Mult: 1, ast.Div: 1}
_NOT_COUNTED = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)

_DECIMAL = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_WHITESPACE = str.maketrans("\t\n\r\x0b\x0c", "     ")
_UNICODE_HINTS = {
    "²": "write ^2",
    "³": "write ^3",
    "×": "write *",
    "·": "write *",
    "÷": "write /",
    "−": "write -",
    "π": "write pi",
}


class _Source:
    """The user's text and the text handed to `ast.parse`, with a column map between them."""

    def __init__(self, original: str) -> None:
        self.original = original
        start = len(original) - len(original.lstrip(" "))
        # A leading space is an IndentationError for ast.parse, and `^` becomes `**` because
        # Python's `^` is xor with the wrong precedence; `origin` maps every parsed character
        # (plus the end) back to its index in the user's text, so errors point at what they typed.
        chars: list[str] = []
        self.origin: list[int] = []
        for index in range(start, len(original)):
            replacement = "**" if original[index] == "^" else original[index]
            chars.append(replacement)
            self.origin.extend([index] * len(replacement))
        self.origin.append(len(original))
        self.text = "".join(chars)

    def column(self, offset: int) -> int:
        """1-based column in the user's text of character `offset` of the parsed text."""
        return self.origin[max(0, min(offset, len(self.origin) - 1))] + 1

    def snippet(self, node: ast.AST) -> str:
        start = getattr(node, "col_offset", 0)
        end = getattr(node, "end_col_offset", None) or start + 1
        return self.original[self.origin[start] : self.origin[max(end - 1, 0)] + 1]

    def quote(self, node: ast.AST) -> str:
        """The node's text for a message, shortened so that the message stays readable."""
        return quote(self.snippet(node))

    def after(self, node: ast.AST) -> int:
        """Offset of the first character after `node` that is not a space or `)`."""
        offset = getattr(node, "end_col_offset", None) or getattr(node, "col_offset", 0)
        while offset < len(self.text) and self.text[offset] in " )":
            offset += 1
        return offset


def _prepare(text: str) -> _Source:
    if not isinstance(text, str):
        raise TypeError(f"expression must be a str, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"The expression is too long: {len(text)} characters — at most {MAX_LENGTH} are allowed"
        )
    # One space per whitespace character keeps columns aligned and the text on one line.
    text = text.translate(_WHITESPACE)
    for index, char in enumerate(text):
        if not " " <= char <= "~":
            # Also stops Python's NFKC folding of identifiers (a fullwidth x would become x).
            hint = _UNICODE_HINTS.get(char, "use x, y, numbers, + - * / ^ and function names")
            raise _at(index + 1, f"{char!r} is not allowed — {hint}")
        if char == "#":
            # Python would drop the rest of the line as a comment, silently.
            raise _at(index + 1, f"'#' is not allowed — {EXAMPLE}")
    if not text.strip():
        raise ExpressionError(f"The expression is empty — {EXAMPLE}")
    return _Source(text)


def _syntax_error(source: _Source, error: SyntaxError) -> ExpressionError:
    found = misreading(source.original, FUNCTIONS)
    if found is not None:
        return _at(*found)
    offset = (error.offset or 1) - 1
    return _at(source.column(offset), f"this cannot be read as a formula — {EXAMPLE}")


def _parse(source: _Source) -> ast.Expression:
    try:
        with warnings.catch_warnings():
            # e.g. "1if x else 2" warns about a literal before the tree is refused anyway.
            warnings.simplefilter("ignore")
            return ast.parse(source.text, mode="eval")
    except SyntaxError as error:
        raise _syntax_error(source, error) from None
    except (RecursionError, MemoryError, ValueError):
        # CPython's parser gives up on pathological nesting with these rather than SyntaxError.
        raise ExpressionError("The expression is nested too deeply to read") from None


def _check_size(tree: ast.Expression) -> None:
    # Iterative, so that measuring a deep tree cannot itself overflow the stack.
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(
                f"The expression has too many parts: more than {MAX_NODES} numbers, names "
                "and operations"
            )
        if depth > MAX_DEPTH:
            raise ExpressionError(f"The expression is nested too deeply (limit {MAX_DEPTH} levels)")
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _NOT_COUNTED):
                continue
            same_chain = (
                isinstance(node, ast.BinOp)
                and isinstance(child, ast.BinOp)
                and child is node.left
                and _GROUP.get(type(node.op), -1) == _GROUP.get(type(child.op), -2)
            )
            stack.append((child, depth if same_chain else depth + 1))


# --- The whitelist walk -----------------------------------------------------------------------


class _Checker:
    """Whitelist walk over the syntax tree; returns the float value of constant subtrees."""

    def __init__(self, source: _Source) -> None:
        self.source = source

    def column(self, node: ast.AST) -> int:
        return self.source.column(getattr(node, "col_offset", 0))

    def column_after(self, node: ast.AST) -> int:
        return self.source.column(self.source.after(node))

    def check(self, node: ast.AST) -> float | None:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.forbidden(node)

    def forbidden(self, node: ast.AST) -> ExpressionError:
        column = self.column(node)
        if isinstance(node, ast.Lambda):
            return _at_keyword("lambda", column)
        if isinstance(node, ast.IfExp):
            return _at_keyword("if", self.column_after(node.body))
        if isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            return _at_keyword(word, self.column_after(node.values[0]))
        if isinstance(node, ast.Await | ast.Yield | ast.YieldFrom):
            return _at_keyword("await" if isinstance(node, ast.Await) else "yield", column)
        if isinstance(node, ast.Compare):
            text = _COMPARISON_TEXT.get(type(node.ops[0]), "?")
            return _at_comparison(text, self.column_after(node.left))
        if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            what = {
                ast.ListComp: "a list comprehension",
                ast.SetComp: "a set comprehension",
                ast.DictComp: "a dict comprehension",
                ast.GeneratorExp: "a generator expression",
            }[type(node)]
            return _at(column, f"{what} ('... for ... in ...') is not allowed — {EXAMPLE}")
        if isinstance(node, ast.Attribute):
            return _at(
                self.column_after(node.value),
                f"attribute {quote('.' + node.attr)} is not allowed — a dot may only appear "
                f"inside a number; {EXAMPLE}",
            )
        if isinstance(node, ast.Subscript):
            return _at(
                self.column_after(node.value),
                "indexing with [...] is not allowed — use ( ) for grouping",
            )
        if isinstance(node, ast.List):
            return _at(column, "'[' is not allowed — use ( ) for grouping")
        if isinstance(node, ast.Set | ast.Dict):
            return _at(column, "'{' is not allowed — use ( ) for grouping")
        if isinstance(node, ast.Tuple):
            if not node.elts:
                return _at(column, "empty parentheses — write an expression inside them")
            return _at(
                self.column_after(node.elts[0]),
                "',' is only allowed between the arguments of a function, as in atan2(y, x)",
            )
        if isinstance(node, ast.NamedExpr):
            return _at(
                self.column_after(node.target),
                "':=' (assignment) is not allowed — type only the expression, such as x^2 + y^2",
            )
        if isinstance(node, ast.Starred):
            return _at(column, "'*' before an argument (unpacking) is not allowed — write sin(x)")
        if isinstance(node, ast.JoinedStr | ast.FormattedValue):
            return _at(column, f"an f-string (text in quotes) is not allowed — {EXAMPLE}")
        return _at(column, f"{self.source.quote(node)} is not allowed — {EXAMPLE}")

    def constant(self, node: ast.Constant) -> float:
        value = node.value
        column = self.column(node)
        if isinstance(value, bool) or value is None:
            raise _at_keyword(repr(value), column)
        if value is Ellipsis:
            raise _at(column, f"'...' is not allowed — {EXAMPLE}")
        if isinstance(value, str | bytes):
            raise _at(column, f"text in quotes is not allowed — {EXAMPLE}")
        quoted = self.source.quote(node)
        if isinstance(value, complex):
            raise _at(column, f"complex number {quoted} is not allowed — {EXAMPLE}")
        if not isinstance(value, int | float) or not _DECIMAL.fullmatch(self.source.snippet(node)):
            raise _at(column, f"number {quoted} must be written in decimal, like 12, 0.5 or 1e-3")
        if not abs(value) <= MAX_LITERAL:
            raise _at(column, f"number {quoted} is too large — at most 1e15")
        return float(value)

    def name(self, node: ast.Name) -> float | None:
        if node.id in ("x", "y"):
            return None
        if node.id in _NAME_VALUES:
            return _NAME_VALUES[node.id]
        column = self.column(node)
        if node.id in FUNCTIONS:
            raise _at(
                column,
                f"'{node.id}' is a function — write it with its argument in parentheses, "
                f"such as {node.id}(x)",
            )
        hint = suggestion(node.id, [*NAMES, *FUNCTIONS])
        raise _at(
            column,
            f"unknown name {quote(node.id)} — "
            + capitalised(hint, f"allowed are {_ALLOWED_NAMES}"),
        )

    def unary(self, node: ast.UnaryOp) -> float | None:
        if isinstance(node.op, ast.Not):
            raise _at_keyword("not", self.column(node))
        if not isinstance(node.op, ast.USub | ast.UAdd):
            text = _OPERATOR_TEXT.get(type(node.op), type(node.op).__name__)
            raise _at(self.column(node), f"operator '{text}' is not allowed — {ARITHMETIC}")
        value = self.check(node.operand)
        if value is None:
            return None
        return self.fold(-value if isinstance(node.op, ast.USub) else value, node)

    def binary(self, node: ast.BinOp) -> float | None:
        operation = _BINARY.get(type(node.op))
        column = self.column_after(node.left)
        if operation is None:
            text = _OPERATOR_TEXT.get(type(node.op), type(node.op).__name__)
            raise _at(column, f"operator '{text}' is not allowed — {ARITHMETIC}")
        left = self.check(node.left)
        right = self.check(node.right)
        if isinstance(node.op, ast.Pow) and right is not None:
            if right > MAX_EXPONENT:
                raise _at(
                    column,
                    f"exponent {_format_number(right)} is too large — at most {MAX_EXPONENT}",
                )
            if right < -MAX_EXPONENT:
                raise _at(
                    column,
                    f"exponent {_format_number(right)} is too negative — at least -{MAX_EXPONENT}",
                )
        if left is None or right is None:
            return None
        return self.fold(operation(np.float64(left), np.float64(right)), node)

    def call(self, node: ast.Call) -> float | None:
        func = node.func
        if not isinstance(func, ast.Name):
            # `(x+1)(x-1)` and `2(x)` are products without `*`; `(lambda: 1)()` or `x.real()`
            # are refused for what is before the parenthesis.
            self.check(func)
            raise _at(
                self.column_after(func),
                "implicit multiplication is not supported — write '*' before the parenthesis",
            )
        column = self.column(func)
        if func.id in NAMES:
            raise _at(column, f"'{func.id}' is not a function — write {func.id}*(...) to multiply")
        function = FUNCTIONS.get(func.id)
        if function is None:
            hint = suggestion(func.id, list(FUNCTIONS))
            raise _at(
                column,
                f"unknown function {quote(func.id)} — "
                + capitalised(hint, f"allowed functions: {_FUNCTION_LIST}"),
            )
        example = f"{func.id}(y, x)" if function.arity == 2 else f"{func.id}(x)"
        if node.keywords:
            argument = node.keywords[0]
            what = (
                "'**' unpacking is"
                if argument.arg is None
                else "keyword arguments (name=value) are"
            )
            raise _at(self.column(argument), f"{what} not allowed — write {example}")
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise self.forbidden(argument)
        if len(node.args) != function.arity:
            plural = "s" if function.arity != 1 else ""
            raise _at(
                column,
                f"{func.id}() takes {function.arity} argument{plural}, got {len(node.args)} — "
                f"write {example}",
            )
        values = [self.check(argument) for argument in node.args]
        if any(value is None for value in values):
            return None
        return self.fold(function.numeric(*(np.float64(v) for v in values)), node)

    def fold(self, value: np.floating | float, node: ast.expr) -> float:
        value = float(value)
        if np.isfinite(value):
            return value
        what = (
            "not a real number — sqrt, log and the like need arguments in their domain"
            if np.isnan(value)
            else "infinite — numbers must stay below about 1e308, and nothing may be divided "
            "by zero"
        )
        raise _at(self.column(node), f"{self.source.quote(node)} is {what}")


def _format_number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e16:
        return str(int(value))
    return f"{value:.6g}"


# --- From checked text to an objective --------------------------------------------------------


class Derived(NamedTuple):
    """What the symbolic side hands back: the program, the formulas, and the trees' sizes."""

    tape: Tape
    formulas: tuple[Formula, Formula, Formula]
    nodes: tuple[int, int, int]  # expression-tree nodes of f, ∂f/∂x, ∂f/∂y


class _Compiled(NamedTuple):
    text: str
    derived: Derived
    kernel: Kernel


def _checked_tree(text: str) -> tuple[_Source, ast.Expression]:
    source = _prepare(text)
    tree = _parse(source)
    _check_size(tree)
    with np.errstate(all="ignore"):
        _Checker(source).check(tree.body)
    return source, tree


def _normalised(tree: ast.Expression) -> str:
    return ast.unparse(tree).replace(" ** ", "^")


# The helper process imports the symbolic side (and SymPy) once; this process never does.
isolated.preload("functions.symbolic")


def _derive(source: _Source, tree: ast.Expression) -> Derived:
    try:
        return isolated.call(
            "functions.symbolic:derive",
            source,
            tree,
            MAX_LATEX,
            LATEX_NODES,
            cpu_seconds=SYMPY_SECONDS,
            refusals=("ExpressionError",),
        )
    except isolated.Refused as refusal:
        _, message, column = refusal.args
        raise ExpressionError(message, column) from None
    except isolated.TooSlow:
        raise ExpressionError(
            f"The expression takes too long to differentiate: SymPy needed more than "
            f"{SYMPY_SECONDS} s — try a shorter or simpler expression"
        ) from None
    except isolated.Failed as failure:
        raise ExpressionError(
            f"SymPy could not differentiate this expression ({failure}) — try a simpler one"
        ) from None


def _compile(text: str) -> _Compiled:
    source, tree = _checked_tree(text)
    derived = _derive(source, tree)
    try:
        kernel = kernel_from_tape(derived.tape)
        kernel(np.float64(0.5), np.float64(-0.25))
        kernel(np.array([0.0, 1.0]), np.array([[2.0], [-3.0]]))
    except Exception as error:  # any failure of the program means: cannot evaluate
        raise ExpressionError(
            f"The expression cannot be evaluated numerically ({type(error).__name__})"
        ) from None
    return _Compiled(_normalised(tree), derived, kernel)


@lru_cache(maxsize=128)
def _outcome(text: str) -> _Compiled | tuple[str, int | None]:
    """The compiled function, or the refusal's message and column: both are cached, so that a
    page that reruns on every widget change pays for a slow refusal only once.

    An entry is small: LaTeX past `MAX_LATEX` is not kept, and the program holds each distinct
    subexpression once (a few thousand instructions for the largest inputs of bench/parser.py).
    """
    try:
        return _compile(text)
    except ExpressionError as error:
        return str(error), error.column


# Sessions that open one shared link parse the same text at the same moment: the first does the
# work, the others wait for it and then find it in the cache.
_PENDING_GUARD = threading.Lock()
_PENDING: dict[str, threading.Lock] = {}


def _compiled(text: str) -> _Compiled:
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        _prepare(text)  # raises; keeps huge text out of the cache
    with _PENDING_GUARD:
        pending = _PENDING.setdefault(text, threading.Lock())
    try:
        with pending:
            outcome = _outcome(text)
    except isolated.Unavailable as error:
        # Not the text's fault, so not cached: the next rerun tries again.
        raise ExpressionError(
            f"The function could not be differentiated just now ({error}) — try again"
        ) from None
    finally:
        with _PENDING_GUARD:
            if _PENDING.get(text) is pending:
                del _PENDING[text]
    if isinstance(outcome, _Compiled):
        return outcome
    raise ExpressionError(*outcome)


def _default_start(domain: Domain) -> Point:
    (x_low, x_high), (y_low, y_high) = domain
    # 70% of the way from the centre to the upper-left corner: inside, and off any symmetry axis.
    x_centre, y_centre = (x_low + x_high) / 2, (y_low + y_high) / 2
    return (x_centre + 0.7 * (x_low - x_centre), y_centre + 0.7 * (y_high - y_centre))


def parse_expression(
    text: str,
    *,
    domain: Domain = ((-5.0, 5.0), (-5.0, 5.0)),
    start: Point | None = None,
) -> Objective:
    """Turn typed-in text such as ``(1-x)^2 + 100*(y-x^2)^2`` into an `Objective`.

    Grammar: numbers, `x`, `y`, `pi`, `e`, `+ - * / ^ **`, parentheses and calls of the functions
    in `FUNCTIONS`, within the limits in the module docstring. Anything else raises
    `ExpressionError` naming the column of the problem. The objective's formulas are bounded
    by `MAX_LATEX` (2 000) characters each: `objective.formulas()` says which are displayable
    and how long each is; its kernel works whether they are or not.

    >>> import numpy as np
    >>> rosenbrock = parse_expression("(1-x)^2 + 100*(y-x^2)^2")
    >>> rosenbrock.title
    'f(x, y) = (1 - x)^2 + 100 * (y - x^2)^2'
    >>> rosenbrock.gradient(np.array([[1.0, 1.0], [0.0, 0.0]])).tolist()
    [[0.0, 0.0], [-2.0, 0.0]]
    >>> [formula.latex for formula in parse_expression("x^2 + y^2").formulas()]
    ['x^{2} + y^{2}', '2 x', '2 y']
    >>> parse_expression("x^2 + lambda: 1")
    Traceback (most recent call last):
    ...
    functions.parser.ExpressionError: Column 7: 'lambda' is not allowed — write an expression \
in x and y, such as x^2 + y^2
    """
    (x_low, x_high), (y_low, y_high) = domain
    if not (
        np.isfinite([x_low, x_high, y_low, y_high]).all() and x_low < x_high and y_low < y_high
    ):
        raise ValueError(f"Invalid domain: {domain!r} (need finite low < high on both axes)")
    compiled = _compiled(text)
    f, fx, fy = compiled.derived.formulas
    point = _default_start(domain) if start is None else start
    return Objective(
        name="custom",
        title=f"f(x, y) = {_short(compiled.text)}",
        kernel=compiled.kernel,
        domain=((float(x_low), float(x_high)), (float(y_low), float(y_high))),
        minima=(),
        start=(float(point[0]), float(point[1])),
        latex=f.latex,
        note="A function you typed in; its gradient comes from SymPy.",
        gradient_latex=(fx.latex, fy.latex),
        source=text,
        too_long=tuple(formula for formula in (f, fx, fy) if not formula.displayable),
    )


TITLE_CHARACTERS = 60  # of the typed text in a title: figures and tables stay readable


def _short(text: str) -> str:
    """The typed text for titles, cut to `TITLE_CHARACTERS` (the whole text stays in `source`)."""
    return text if len(text) <= TITLE_CHARACTERS else text[: TITLE_CHARACTERS - 1] + "…"
