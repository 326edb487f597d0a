"""What a Markdown string displays: backslash escapes resolved, invisible joiners dropped."""

from __future__ import annotations

import re


def shown(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")
