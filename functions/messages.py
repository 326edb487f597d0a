"""How the parser words a refusal, and what text that Python cannot parse most likely got wrong.

Messages are plain text (a page shows them as text, never as Markdown), quote at most `QUOTED`
characters of what was typed, and say what is allowed instead. The parser adds the column
("Column 3: ...") and raises them as `functions.parser.ExpressionError`.
"""

from __future__ import annotations

import difflib
import itertools
import keyword as python_keyword
import re
from collections.abc import Collection, Sequence
from typing import NamedTuple

QUOTED = 40  # characters of the user's text that a message quotes at most
EXAMPLE = "write an expression in x and y, such as x^2 + y^2"
ARITHMETIC = "use + - * / ^ instead"

Problem = tuple[int, str]  # 1-based column, and the message without its "Column n: "


def short(text: str) -> str:
    """At most `QUOTED` characters of the user's `text`, for a message.

    >>> short("x" * 50)
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'
    """
    return text if len(text) <= QUOTED else f"{text[: QUOTED - 1]}…"


def quote(text: str) -> str:
    """`text` in single quotes for a message, at most `QUOTED` characters of it."""
    return f"'{short(text)}'"


def keyword(word: str) -> str:
    """The message for a Python keyword (or True, False, None) in a formula."""
    return f"'{word}' is not allowed — {EXAMPLE}"


def comparison(operator: str) -> str:
    """The message for a comparison such as `<` in a formula."""
    return f"comparison '{operator}' is not allowed — {EXAMPLE}"


# --- Unknown names: suggest only what is genuinely close -------------------------------------

_PRODUCT_PARTS = re.compile(r"pi|x|y|e|\d+")


def _one_swap(a: str, b: str) -> bool:
    """`a` and `b` differ by two neighbouring letters swapped ("cso" and "cos")."""
    if len(a) != len(b):
        return False
    different = [i for i, (p, q) in enumerate(zip(a, b, strict=True)) if p != q]
    return (
        len(different) == 2
        and different[1] == different[0] + 1
        and a[different[0]] == b[different[1]]
        and a[different[1]] == b[different[0]]
    )


def suggestion(name: str, options: Sequence[str]) -> str:
    """'write x*y to multiply; ' or "did you mean 'sin'? " for an unknown name, or "".

    >>> suggestion("sinn", ["sin", "cos"]), suggestion("xy", ["x", "y"])
    ("did you mean 'sin'? ", 'write x*y to multiply; ')
    >>> suggestion("vars", ["arcsin", "sin"])
    ''
    """
    parts = _PRODUCT_PARTS.findall(name)
    if len(parts) > 1 and "".join(parts) == name:
        return f"write {'*'.join(parts)} to multiply; "
    lowered = name.lower()
    # A cutoff of 0.75 keeps sinn → sin and sqr → sqrt but not vars → arcsin (0.6); difflib
    # scores a swap of two letters low, so those are looked for on their own.
    close = [lowered] if lowered in options else []
    close = close or difflib.get_close_matches(lowered, options, n=1, cutoff=0.75)
    if not close and len(lowered) >= 3:
        close = [option for option in options if _one_swap(lowered, option)][:1]
    return f"did you mean '{close[0]}'? " if close else ""


def capitalised(hint: str, rest: str) -> str:
    """`hint` then `rest`, which starts a new sentence after a question."""
    return f"{hint}{rest[0].upper()}{rest[1:]}" if hint.endswith("? ") else f"{hint}{rest}"


# --- Text that Python cannot parse: find what the user most likely meant ----------------------


class _Token(NamedTuple):
    kind: str  # number, name, operator, open, close, comma, quote or other
    text: str
    start: int  # index in the user's text

    @property
    def column(self) -> int:
        return self.start + 1

    @property
    def end(self) -> int:
        return self.start + len(self.text)


_LEXEME = re.compile(
    r"""(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
      | (?P<name>[A-Za-z_]\w*)
      | (?P<operator>\*\*|//|<<|>>|<=|>=|==|!=|:=|->|[-+*/^%@&|~<>=])
      | (?P<open>[(\[{])
      | (?P<close>[)\]}])
      | (?P<comma>,)
      | (?P<quote>["'])
      | (?P<other>\S)""",
    re.VERBOSE,
)
_ARITHMETIC_OPERATORS = ("+", "-", "*", "/", "^", "**")
_AFTER = {"+": "x + 1", "-": "x - 1", "*": "2*x", "/": "x/2", "^": "x^2", "**": "x**2"}
_COMPARISONS = ("<", ">", "<=", ">=", "==", "!=")


def _tokens(text: str) -> list[_Token]:
    return [
        _Token(match.lastgroup or "other", match.group(), match.start())
        for match in _LEXEME.finditer(text)
    ]


def _quoted(tokens: Sequence[_Token]) -> Problem | None:
    for token in tokens:
        if token.kind == "quote":
            return token.column, f"text in quotes is not allowed — {EXAMPLE}"
    return None


def _keyword(tokens: Sequence[_Token]) -> Problem | None:
    for token in tokens:
        if token.kind == "name" and python_keyword.iskeyword(token.text):
            return token.column, keyword(token.text)
    return None


def _stray(tokens: Sequence[_Token]) -> Problem | None:
    """The first character or operator that has no place in a formula at all."""
    for token in tokens:
        text, column = token.text, token.column
        if token.kind == "operator" and text not in _ARITHMETIC_OPERATORS:
            if text in _COMPARISONS:
                return column, comparison(text)
            if text in ("=", ":="):
                return column, (
                    f"'{text}' (assignment) is not allowed — type only the expression, such "
                    "as x^2 + y^2, not f = x^2 + y^2"
                )
            return column, f"operator '{text}' is not allowed — {ARITHMETIC}"
        if text in "[]{}" and token.kind in ("open", "close"):
            return column, f"'{text}' is not allowed — use ( ) for grouping"
        if token.kind == "other":
            if text == ";":
                return column, "';' is not allowed — write one expression in x and y"
            if text == ".":
                return column, "'.' is only allowed inside a number, such as 0.5"
            return column, (
                f"'{text}' is not allowed — use numbers, x, y, pi, e, + - * / ^, "
                "parentheses and functions such as sin(x)"
            )
    return None


def _unbalanced(tokens: Sequence[_Token]) -> Problem | None:
    opened: list[_Token] = []
    for token in tokens:
        if token.kind == "open":
            opened.append(token)
        elif token.kind == "close":
            if not opened:
                return token.column, f"'{token.text}' has no matching '(' — remove it or add a '('"
            opened.pop()
    if opened:
        # The innermost one: the ')' that is missing most likely belongs at the end.
        return opened[-1].column, "'(' is unclosed — add a ')' to close it"
    return None


def _misplaced_operator(tokens: Sequence[_Token]) -> Problem | None:
    """An operator or comma with nothing on one side: `x +`, `* x`, `x +* y`, `atan2(,y)`."""
    for index, token in enumerate(tokens):
        before = tokens[index - 1] if index > 0 else None
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        ends = after is None or after.kind in ("close", "comma")
        starts = before is None or before.kind in ("open", "comma")
        if token.kind == "operator" and token.text in _ARITHMETIC_OPERATORS:
            example = _AFTER[token.text]
            if ends:
                return token.column, f"'{token.text}' needs something after it, such as {example}"
            if token.text in ("+", "-"):
                continue  # also signs: -x, x*-y and x^-2 are fine
            if starts:
                return token.column, f"'{token.text}' needs something before it, such as {example}"
            if before is not None and before.kind == "operator":
                return token.column, (
                    f"'{token.text}' follows '{before.text}' with nothing in between — "
                    "remove one of them or write a value between them"
                )
        elif token.kind == "comma" and (starts or ends):
            return token.column, "',' needs an argument on each side, as in atan2(y, x)"
    return None


def _bad_number(tokens: Sequence[_Token]) -> Problem | None:
    for token, following in itertools.pairwise([*tokens, None]):
        if token.kind != "number":
            continue
        if following is not None and following.kind == "number" and following.start == token.end:
            return token.column, (
                f"{quote(token.text + following.text)} is not a number — write decimals with "
                "one point, such as 1.25"
            )
        if re.fullmatch(r"0+\d+", token.text):
            return token.column, (
                f"{quote(token.text)} starts with a zero — write {short(token.text.lstrip('0'))}"
            )
    return None


def _implicit_multiplication(
    tokens: Sequence[_Token], functions: Collection[str]
) -> Problem | None:
    """Two operands side by side ("2x", "x y", ")(") where a `*` is missing."""
    for before, token in itertools.pairwise(tokens):
        if python_keyword.iskeyword(before.text) or python_keyword.iskeyword(token.text):
            continue
        operand_before = before.kind in ("number", "name") or before.text == ")"
        operand_after = token.kind in ("number", "name") or token.text == "("
        is_call = before.kind == "name" and token.text == "("
        if not operand_before or not operand_after or is_call:
            continue
        right = "(...)" if token.text == "(" else short(token.text)
        if before.kind == "name" and before.text in functions:
            return (
                before.column,
                f"'{before.text}' needs parentheses — write {before.text}({right})",
            )
        left = "(...)" if before.text == ")" else short(before.text)
        if token.text in functions:
            right += "(...)"
        return token.column, f"implicit multiplication is not supported — write {left}*{right}"
    return None


def misreading(text: str, functions: Collection[str]) -> Problem | None:
    """What in `text`, which Python could not parse, is most likely wrong, and where.

    The checks run from the most certain to the least: quotes and keywords are wrong wherever
    they are, a missing `)` or a dangling operator is clear once those are out of the way, and a
    missing `*` is the guess left when nothing else fits. None when none of them applies.

    >>> misreading("x +", ["sin"])
    (3, "'+' needs something after it, such as x + 1")
    >>> misreading("sin x", ["sin"])
    (1, "'sin' needs parentheses — write sin(x)")
    """
    tokens = _tokens(text)
    for diagnose in (_quoted, _keyword, _stray, _unbalanced, _misplaced_operator, _bad_number):
        found = diagnose(tokens)
        if found is not None:
            return found
    return _implicit_multiplication(tokens, functions)
