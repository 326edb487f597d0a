"""Slow and huge inputs for the parser, each within its limits (300 characters, 200 parts,
40 levels): towers of powers of quotients, nested exp/log, long products of sums, deep
compositions, high constant powers of sums, and a few inputs that send SymPy's simplification
into long detours. Shared by tests/functions/test_formulas.py and bench/parser.py."""

from __future__ import annotations

from typing import NamedTuple


class Case(NamedTuple):
    name: str
    text: str
    parsed: bool  # False: refused, because SymPy needs more than its CPU-time budget


def _tower(levels: list[str], count: int) -> str:
    return "^".join(levels * count)


CORPUS = [
    # Towers of powers of quotients: each level's derivative repeats all the levels above it.
    Case("tower-of-quotients", _tower(["(x/y)", "(y/x)"], 19), True),
    Case("tower-of-shifted-quotients", _tower(["(x/(y+1))", "(y/(x+2))"], 12), True),
    Case("tower-of-sum-quotients", _tower(["((x+y)/(x-y))", "((x-y)/(x+y))"], 10), True),
    Case("tower-of-three-quotients", _tower(["((x+1)/y)", "(x/(y+1))", "((y+2)/x)"], 8), True),
    Case("tower-of-variables", _tower(["x", "y"], 19), True),
    Case("exp-of-tower", "exp(" + _tower(["(x/y)", "(y/x)"], 17) + ")", True),
    Case(
        "tower-of-trig-sums",
        "(sin(x)+cos(y))^(sin(y)*cos(x))^(sin(x*y))^(cos(x*y))^(sin(x+y)/2)^(cos(x-y))^(tan(x)/2)",
        True,
    ),
    Case(
        "sum-of-quotient-powers", "+".join(f"(x/(y+{k}))^(y/(x+{k}))" for k in range(1, 12)), True
    ),
    # Nested exp and log.
    Case("nested-exp-log", "exp(log(" * 9 + "x*y+1" + ")+x)+y" * 9, True),
    Case("nested-log10", "log10(" * 10 + "x^2+y^2+2" + ")+2" * 10, True),
    # Long products of sums: n factors give n terms of n - 1 factors each.
    Case("product-of-sums", "*".join(f"(x+{k}*y+{k})" for k in range(1, 22)), True),
    Case("product-of-powers-of-sums", "*".join(f"(x+{k}*y)^{k}" for k in range(1, 22)), True),
    # Deep compositions.
    Case("deep-trig-composition", "sin(cos(tan(" * 12 + "x*y" + ")))" * 12, True),
    Case(
        "deep-mixed-composition",
        "".join(["sqrt(1+", "atan(", "tanh(", "log(2+"][i % 4] for i in range(24))
        + "x/y"
        + ")" * 24,
        True,
    ),
    Case("nested-atan2", "atan2(" * 15 + "x" + ", y+x)" * 15, True),
    Case("continued-fraction", "x/(1+y/(1+" * 9 + "x" + "))" * 9, True),
    # High constant powers of sums.
    Case("high-powers-of-sums", "(x+y+1)^100*(x-y+2)^99*(x*y+3)^98/(x^2+y^2+1)^97", True),
    Case("nested-high-powers", "(((x+y)^7+x)^7+y)^7*(((y-x)^7+y)^7+x)^7", True),
    # Short, harmless-looking inputs on which SymPy's simplification spends many seconds: as it
    # builds |u| or tanh(u) it asks whether u is real, zero or positive, and for these u the
    # answer takes polynomial algebra (8 s and more than 14 s of CPU time).
    Case("nested-abs", "abs(" * 18 + "x-y" + ")-x" * 18, False),
    Case(
        "slow-simplification",
        "tanh(((x*y)+atan((x/(y+1))))*(exp(((3^((x)*(x))+(((y/x))*(2))^(log((y/(x+2)))))"
        "/(2^(atan2((y)*(2),((y/x))*((y/x))))))/((atan2((y)/(y),atan2((x*y),(x/(y+1)))))"
        "*(((x*y)^((x*y)))*((2)/((x+y))))+((y/x))/((x*y))+atan2(cos(y),((x-y))^((x*y)))))))",
        False,
    ),
]
