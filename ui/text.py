"""Text that came from a link, a widget or a typed expression, made safe to show as text.

Streamlit renders the body of `st.warning`, `st.error`, `st.info`, `st.caption` and
`st.markdown` as Markdown, with Streamlit's extras: `$…$` as LaTeX, `:red[…]` colours,
`:material/…:` icons and emoji shortcodes. A value such as `[Log in](http://…)` or
`![](http://…/pixel.png)` would become a live link or a request to an outside server, and
`__import__` would turn bold. `literal()` escapes every ASCII punctuation character (CommonMark
allows a backslash before any of them), so the text reads exactly as typed, and bounds its
length. GitHub-flavoured Markdown also turns bare `http://…`, `www.…` and e-mail addresses into
links after escapes are resolved, so an invisible word joiner (U+2060) breaks those three
patterns. Plotly titles use `viz.style.plain_text`, which escapes HTML instead.
"""

from __future__ import annotations

import re
import string

MAX_SHOWN = 80  # characters of user text quoted in a message
MAX_MESSAGE = 500  # characters of a whole message that may contain user text

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp)(?=:)|\bwww(?=\.))|(?=@)")
_JOINER = "\u2060"  # zero-width: the text looks the same, but is no longer a link
_SPACE = re.compile(r"\s+")


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis.

    >>> shorten("a\\nb"), shorten("x" * 100, 10)
    ('a b', 'xxxxxxxxx…')
    """
    text = _SPACE.sub(" ", str(text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def literal(text: str, limit: int | None = MAX_SHOWN) -> str:
    """`text` as Markdown that displays exactly these characters (shortened to `limit`).

    >>> print(literal("[Log in](x.io) **bold** $x$ :red[y] <b>"))
    \\[Log in\\]\\(x\\.io\\) \\*\\*bold\\*\\* \\$x\\$ \\:red\\[y\\] \\<b\\>
    """
    text = shorten(text, limit) if limit is not None else _SPACE.sub(" ", str(text))
    text = _AUTOLINK.sub(lambda m: (m.group(1) or "") + _JOINER, text)
    return _PUNCTUATION.sub(r"\\\1", text)


def markdown_table(table) -> str:
    """A pandas DataFrame as a Markdown table whose every cell and heading shows as text
    (`literal`): a static table without the script of Streamlit's table element (its Arrow
    decoder alone is about a megabyte for the browser to load).

    >>> import pandas as pd
    >>> print(markdown_table(pd.DataFrame({"name": ["a|b", "*c*"], "loss": ["1e-12", "—"]})))
    | name | loss |
    |---|---|
    | a\\|b | 1e\\-12 |
    | \\*c\\* | — |
    """

    def row(cells) -> str:
        return "| " + " | ".join(literal(str(c), None) for c in cells) + " |"

    lines = [row(table.columns), "|" + "---|" * len(table.columns)]
    lines += [row(values) for values in table.itertuples(index=False)]
    return "\n".join(lines)
