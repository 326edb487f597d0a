"""Safe parser for functions typed in as text: f(x, y) -> an `Objective` with a SymPy gradient.

The text only ever reaches `ast.parse`; a whitelist walk checks the tree and builds SymPy by hand.
"""

from __future__ import annotations

import ast
import cmath
import difflib
import keyword
import re
import warnings
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import sympy

from functions.objective import Domain, Kernel, Objective, Point

MAX_LENGTH = 300  # characters of user text
MAX_NODES = 200  # expression nodes in the syntax tree
MAX_DEPTH = 40  # nesting of calls, powers and parentheses; a flat sum counts as one level
MAX_LITERAL = 1e15  # largest number that may be written literally
MAX_EXPONENT = 100  # largest |exponent| when the exponent is a constant

X = sympy.Symbol("x", real=True)
Y = sympy.Symbol("y", real=True)


class ExpressionError(ValueError):
    """A typed-in expression was refused; the message says what is wrong and at which column."""


class _Function(NamedTuple):
    arity: int
    symbolic: Callable[..., sympy.Expr]
    # Folds constant arguments in float64, so that 9^9^9-style constants are sized up in
    # bounded time before SymPy (which computes exactly) ever sees them.
    numeric: Callable[..., np.floating]


def _functions() -> dict[str, _Function]:
    table: list[tuple[tuple[str, ...], _Function]] = [
        (("sin",), _Function(1, sympy.sin, np.sin)),
        (("cos",), _Function(1, sympy.cos, np.cos)),
        (("tan",), _Function(1, sympy.tan, np.tan)),
        (("sec",), _Function(1, sympy.sec, lambda a: 1 / np.cos(a))),
        (("csc",), _Function(1, sympy.csc, lambda a: 1 / np.sin(a))),
        (("cot",), _Function(1, sympy.cot, lambda a: 1 / np.tan(a))),
        (("arcsin", "asin"), _Function(1, sympy.asin, np.arcsin)),
        (("arccos", "acos"), _Function(1, sympy.acos, np.arccos)),
        (("arctan", "atan"), _Function(1, sympy.atan, np.arctan)),
        (("arctan2", "atan2"), _Function(2, sympy.atan2, np.arctan2)),
        (("sinh",), _Function(1, sympy.sinh, np.sinh)),
        (("cosh",), _Function(1, sympy.cosh, np.cosh)),
        (("tanh",), _Function(1, sympy.tanh, np.tanh)),
        (("arcsinh", "asinh"), _Function(1, sympy.asinh, np.arcsinh)),
        (("arccosh", "acosh"), _Function(1, sympy.acosh, np.arccosh)),
        (("arctanh", "atanh"), _Function(1, sympy.atanh, np.arctanh)),
        (("exp",), _Function(1, sympy.exp, np.exp)),
        (("log", "ln"), _Function(1, sympy.log, np.log)),
        (("log10",), _Function(1, lambda a: sympy.log(a, 10), np.log10)),
        (("log2",), _Function(1, lambda a: sympy.log(a, 2), np.log2)),
        (("sqrt",), _Function(1, sympy.sqrt, np.sqrt)),
        (("abs",), _Function(1, sympy.Abs, np.abs)),
        (("sign",), _Function(1, sympy.sign, np.sign)),
    ]
    return {name: function for names, function in table for name in names}


FUNCTIONS = _functions()
NAMES = {"x": X, "y": Y, "pi": sympy.pi, "e": sympy.E}
_NAME_VALUES = {"pi": np.pi, "e": np.e}

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
    ast.Not: "not",
}
_FORBIDDEN = {
    ast.Attribute: "Attribute access",
    ast.Subscript: "Indexing",
    ast.Slice: "Slicing",
    ast.Lambda: "'lambda'",
    ast.IfExp: "'if ... else'",
    ast.Compare: "Comparison",
    ast.BoolOp: "'and'/'or'",
    ast.NamedExpr: "Assignment",
    ast.ListComp: "A comprehension",
    ast.SetComp: "A comprehension",
    ast.DictComp: "A comprehension",
    ast.GeneratorExp: "A generator",
    ast.List: "A list",
    ast.Tuple: "A tuple (a comma outside a function call)",
    ast.Set: "A set",
    ast.Dict: "A dict",
    ast.JoinedStr: "An f-string",
    ast.FormattedValue: "An f-string",
    ast.Starred: "'*' unpacking",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield'",
}
# Additive and multiplicative chains are flat to SymPy, so `x+x+...+x` is not "deep".
_GROUP = {ast.Add: 0, ast.Sub: 0, ast.Mult: 1, ast.Div: 1}
_NOT_COUNTED = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)

_DECIMAL = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_]\w*)|(?P<other>.))"
)
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

    def snippet(self, node: ast.expr) -> str:
        end = node.end_col_offset if node.end_col_offset is not None else node.col_offset + 1
        return self.original[self.origin[node.col_offset] : self.origin[max(end - 1, 0)] + 1]

    def quote(self, node: ast.expr) -> str:
        """The node's text for a message, shortened so that the message stays readable."""
        text = self.snippet(node)
        return f"'{text}'" if len(text) <= 30 else f"'{text[:27]}...'"

    def after(self, node: ast.expr) -> int:
        """Offset of the first character after `node` that is not a space or `)`."""
        offset = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        while offset < len(self.text) and self.text[offset] in " )":
            offset += 1
        return offset


def _prepare(text: str) -> _Source:
    if not isinstance(text, str):
        raise TypeError(f"expression must be a str, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"The expression is too long ({len(text)} characters, limit {MAX_LENGTH})"
        )
    # One space per whitespace character keeps columns aligned and the text on one line.
    text = text.translate(_WHITESPACE)
    for index, char in enumerate(text):
        if not " " <= char <= "~":
            # Also stops Python's NFKC folding of identifiers (a fullwidth x would become x).
            hint = _UNICODE_HINTS.get(char, "use x, y, numbers, + - * / ^ and function names")
            raise ExpressionError(
                f"Character {char!r} at column {index + 1} is not allowed: {hint}"
            )
    if not text.strip():
        raise ExpressionError("The expression is empty")
    return _Source(text)


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


def _syntax_error(source: _Source, error: SyntaxError) -> ExpressionError:
    implicit = _implicit_multiplication(source)
    if implicit is not None:
        return implicit
    message = (error.msg or "invalid syntax").split(". Perhaps")[0]
    offset = (error.offset or 1) - 1
    return ExpressionError(f"Syntax error at column {source.column(offset)}: {message}")


def _implicit_multiplication(source: _Source) -> ExpressionError | None:
    """Find two operands side by side ("2x", "x y", ")(") to suggest the missing `*`."""
    previous: tuple[str, str, int] | None = None  # kind, text, end offset
    for match in _TOKEN.finditer(source.text):
        kind = match.lastgroup
        token = match.group(kind) if kind else ""
        start = match.start(kind) if kind else match.end()
        if kind == "name" and keyword.iskeyword(token):
            previous = None
            continue
        if previous is not None:
            before_kind, before, end = previous
            operand_before = before_kind in ("number", "name") or before == ")"
            operand_after = kind in ("number", "name") or token == "("
            is_call = before_kind == "name" and token == "("
            # "1.5.2" splits into two numbers with nothing between; that is not a product.
            glued_numbers = before_kind == kind == "number" and start == end
            if operand_before and operand_after and not is_call and not glued_numbers:
                if before_kind == "name" and before in FUNCTIONS:
                    return ExpressionError(
                        f"'{before}' at column {source.column(end - len(before))} needs "
                        f"parentheses: write {before}({token})"
                    )
                left = "(...)" if before == ")" else before
                right = "(...)" if token == "(" else token
                return ExpressionError(
                    f"Implicit multiplication is not supported at column "
                    f"{source.column(start)}: write {left}*{right}"
                )
        previous = (kind or "other", token, match.end())
    return None


def _check_size(tree: ast.Expression) -> None:
    # Iterative, so that measuring a deep tree cannot itself overflow the stack.
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(f"The expression has too many parts (limit {MAX_NODES})")
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


def _nearest(name: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(name.lower(), options, n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def _format_number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e16:
        return str(int(value))
    return f"{value:.6g}"


class _Checker:
    """Whitelist walk over the syntax tree; returns the float value of constant subtrees."""

    def __init__(self, source: _Source) -> None:
        self.source = source

    def column(self, node: ast.AST) -> int:
        return self.source.column(getattr(node, "col_offset", 0))

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
        what = _FORBIDDEN.get(type(node), f"'{type(node).__name__}'")
        offset = getattr(node, "col_offset", 0)
        if isinstance(node, ast.Attribute | ast.Subscript):
            offset = self.source.after(node.value)  # point at the '.' or '['
        return ExpressionError(f"{what} is not allowed at column {self.source.column(offset)}")

    def constant(self, node: ast.Constant) -> float:
        value = node.value
        column = self.column(node)
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise ExpressionError(f"'{value!r}' is not allowed at column {column}")
        if isinstance(value, str | bytes):
            raise ExpressionError(f"Text in quotes is not allowed at column {column}")
        if isinstance(value, complex):
            raise ExpressionError(f"Complex numbers are not allowed at column {column}")
        text = self.source.snippet(node)
        if not isinstance(value, int | float) or not _DECIMAL.fullmatch(text):
            raise ExpressionError(
                f"Number {self.source.quote(node)} at column {column} must be written in decimal, "
                "like 12, 0.5 or 1e-3"
            )
        if not abs(value) <= MAX_LITERAL:
            raise ExpressionError(
                f"Number {self.source.quote(node)} at column {column} is too large (limit 1e15)"
            )
        return float(value)

    def name(self, node: ast.Name) -> float | None:
        if node.id in ("x", "y"):
            return None
        if node.id in _NAME_VALUES:
            return _NAME_VALUES[node.id]
        column = self.column(node)
        if node.id in FUNCTIONS:
            raise ExpressionError(
                f"'{node.id}' at column {column} is a function: write {node.id}(...) with "
                "its argument in parentheses"
            )
        hint = _nearest(node.id, list(NAMES))
        raise ExpressionError(
            f"Unknown name '{node.id}' at column {column} — allowed: x, y, pi, e.{hint}"
        )

    def unary(self, node: ast.UnaryOp) -> float | None:
        if not isinstance(node.op, ast.USub | ast.UAdd):
            text = _OPERATOR_TEXT.get(type(node.op), type(node.op).__name__)
            raise ExpressionError(f"Operator '{text}' is not allowed at column {self.column(node)}")
        value = self.check(node.operand)
        if value is None:
            return None
        return self.fold(-value if isinstance(node.op, ast.USub) else value, node)

    def binary(self, node: ast.BinOp) -> float | None:
        operation = _BINARY.get(type(node.op))
        column = self.source.column(self.source.after(node.left))
        if operation is None:
            text = _OPERATOR_TEXT.get(type(node.op), type(node.op).__name__)
            raise ExpressionError(
                f"Operator '{text}' is not allowed at column {column} — allowed: + - * / ^"
            )
        left = self.check(node.left)
        right = self.check(node.right)
        if isinstance(node.op, ast.Pow) and right is not None:
            if right > MAX_EXPONENT:
                raise ExpressionError(
                    f"Exponent {_format_number(right)} is too large (limit {MAX_EXPONENT}) "
                    f"at column {column}"
                )
            if right < -MAX_EXPONENT:
                raise ExpressionError(
                    f"Exponent {_format_number(right)} is too negative (limit -{MAX_EXPONENT}) "
                    f"at column {column}"
                )
        if left is None or right is None:
            return None
        return self.fold(operation(np.float64(left), np.float64(right)), node)

    def call(self, node: ast.Call) -> float | None:
        func = node.func
        if isinstance(func, ast.Attribute | ast.Subscript):
            raise self.forbidden(func)
        if not isinstance(func, ast.Name):
            column = self.source.column(self.source.after(func))
            raise ExpressionError(
                f"Implicit multiplication is not supported at column {column}: write '*' before "
                "the parenthesis"
            )
        column = self.column(func)
        if func.id in NAMES:
            raise ExpressionError(
                f"'{func.id}' at column {column} is not a function: write {func.id}*(...) "
                "to multiply"
            )
        function = FUNCTIONS.get(func.id)
        if function is None:
            hint = _nearest(func.id, list(FUNCTIONS))
            raise ExpressionError(
                f"Function '{func.id}' is not allowed at column {column}.{hint} "
                f"Allowed: {', '.join(FUNCTIONS)}"
            )
        if node.keywords:
            keyword_node = node.keywords[0]
            raise ExpressionError(
                f"Keyword arguments are not allowed at column {self.column(keyword_node)}"
            )
        if len(node.args) != function.arity:
            plural = "s" if function.arity != 1 else ""
            raise ExpressionError(
                f"{func.id}() at column {column} takes {function.arity} argument{plural}, "
                f"got {len(node.args)}"
            )
        values = [self.check(argument) for argument in node.args]
        if any(value is None for value in values):
            return None
        return self.fold(function.numeric(*(np.float64(v) for v in values)), node)

    def fold(self, value: np.floating | float, node: ast.expr) -> float:
        value = float(value)
        if np.isfinite(value):
            return value
        what = "not a real number" if np.isnan(value) else "infinite"
        raise ExpressionError(f"{self.source.quote(node)} at column {self.column(node)} is {what}")


class _Builder:
    """Builds the SymPy expression from a checked tree.

    Constants that only appear after SymPy simplifies (`x - x + 700.0`) escape the float fold,
    so every constant SymPy produces is sized up here before anything is built on top of it.
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
            raise ExpressionError(f"The expression cannot be simplified safely ({error})") from None
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
                column = self.source.column(self.source.after(node.left))
                raise ExpressionError(
                    f"Exponent {sympy.sstr(right)} is too large (limit ±{MAX_EXPONENT}) "
                    f"at column {column}"
                )
            return left**right
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)  # the checker allows nothing else
            arguments = [self.build(argument) for argument in node.args]
            return FUNCTIONS[node.func.id].symbolic(*arguments)
        raise AssertionError(f"unchecked node {type(node).__name__}")

    def guard(self, expression: sympy.Expr, node: ast.expr) -> sympy.Expr:
        if expression.free_symbols:
            return expression
        where = f"{self.source.quote(node)} at column {self.source.column(node.col_offset)}"
        if expression.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
            raise ExpressionError(f"{where} is not a finite number (is something divided by zero?)")
        try:
            value = complex(expression)
        except (ArithmeticError, TypeError, ValueError, RecursionError):
            raise ExpressionError(f"{where} is too large") from None
        if not cmath.isfinite(value):
            raise ExpressionError(f"{where} is too large")
        if value.imag != 0:
            raise ExpressionError(f"{where} is not a real number")
        return expression


def _real_array(result: object, shape: tuple[int, ...], taken: Sequence[np.ndarray]) -> np.ndarray:
    array = np.asarray(result)
    if np.iscomplexobj(array):
        # SymPy may rewrite e.g. sqrt(-x^2) as I*|x|; a value that is not real is NaN here,
        # as it would be from NumPy's own sqrt of a negative number.
        array = np.where(array.imag == 0, array.real, np.nan)
    fresh = not any(np.may_share_memory(array, other) for other in taken)
    if array.dtype != np.float64 or array.shape != shape or not fresh:
        # Constants come back as scalars, `f = x` returns the input itself and CSE can return
        # one array for two outputs; each output gets its own full-shape float64 array.
        array = np.array(np.broadcast_to(array, shape), dtype=np.float64)
    return array


def _numeric_safe(expression: sympy.Expr) -> sympy.Expr:
    # lambdify prints Integers as Python ints, and NumPy refuses ints beyond float range.
    big = {
        number: sympy.Float(number)
        for number in expression.atoms(sympy.Rational)
        if max(abs(number.p), abs(number.q)) > 2**53
    }
    return expression.xreplace(big) if big else expression


def _make_kernel(f: sympy.Expr, fx: sympy.Expr, fy: sympy.Expr) -> Kernel:
    # lambdify generates code from the SymPy expressions, which were built only from
    # whitelisted pieces; the user's text is long gone by now.
    numeric = sympy.lambdify(
        (X, Y), [_numeric_safe(f), _numeric_safe(fx), _numeric_safe(fy)], modules="numpy", cse=True
    )

    def kernel(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        shape = np.broadcast_shapes(x.shape, y.shape)
        with np.errstate(all="ignore"):
            results = numeric(x, y)
        outputs: list[np.ndarray] = []
        for result in results:
            outputs.append(_real_array(result, shape, [x, y, *outputs]))
        return outputs[0], outputs[1], outputs[2]

    return kernel


def _without_dirac(expression: sympy.Expr) -> sympy.Expr:
    # d/dx sign(x) is 2·δ(x): zero wherever it can be evaluated, which is what an optimizer sees.
    return expression.replace(sympy.DiracDelta, lambda *_: sympy.Integer(0))


class _Compiled(NamedTuple):
    text: str
    expression: sympy.Expr
    kernel: Kernel
    latex: str
    gradient_latex: tuple[str, str]


def _checked_tree(text: str) -> tuple[_Source, ast.Expression]:
    source = _prepare(text)
    tree = _parse(source)
    _check_size(tree)
    with np.errstate(all="ignore"):
        _Checker(source).check(tree.body)
    return source, tree


def _normalised(tree: ast.Expression) -> str:
    return ast.unparse(tree).replace(" ** ", "^")


@lru_cache(maxsize=128)
def _compile(text: str) -> _Compiled:
    source, tree = _checked_tree(text)
    f = _Builder(source).build(tree.body)
    fx, fy = (_without_dirac(sympy.diff(f, symbol)) for symbol in (X, Y))
    for part in (f, fx, fy):
        if part.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
            raise ExpressionError("The expression divides by zero")
        if part.has(sympy.Derivative, sympy.Subs):
            raise ExpressionError("SymPy cannot differentiate this expression")
    kernel = _make_kernel(f, fx, fy)
    try:
        kernel(np.float64(0.5), np.float64(-0.25))
        kernel(np.array([0.0, 1.0]), np.array([[2.0], [-3.0]]))
    except Exception as error:  # any failure of generated code means: cannot evaluate
        raise ExpressionError(
            f"The expression cannot be evaluated numerically ({type(error).__name__})"
        ) from None
    return _Compiled(
        _normalised(tree), f, kernel, sympy.latex(f), (sympy.latex(fx), sympy.latex(fy))
    )


def parse_to_sympy(text: str) -> sympy.Expr:
    """The SymPy expression for `text` (symbols `X`, `Y` are real); raises `ExpressionError`."""
    return _compile(text).expression


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
    in `FUNCTIONS`. Anything else raises `ExpressionError` naming the column of the problem.
    """
    (x_low, x_high), (y_low, y_high) = domain
    if not (
        np.isfinite([x_low, x_high, y_low, y_high]).all() and x_low < x_high and y_low < y_high
    ):
        raise ValueError(f"Invalid domain: {domain!r} (need finite low < high on both axes)")
    compiled = _compile(text)
    point = _default_start(domain) if start is None else start
    return Objective(
        name="custom",
        title=f"f(x, y) = {compiled.text}",
        kernel=compiled.kernel,
        domain=((float(x_low), float(x_high)), (float(y_low), float(y_high))),
        minima=(),
        start=(float(point[0]), float(point[1])),
        latex=compiled.latex,
        note="A function you typed in; its gradient comes from SymPy.",
        gradient_latex=compiled.gradient_latex,
        source=text,
    )
