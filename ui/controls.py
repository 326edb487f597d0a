"""Widgets declared once: drawn with their URL binding, and an honest check of a shared link.

Streamlit's `bind="query-params"` keeps every setting in the URL, and on its own silently drops
a value it cannot use, truncates an over-long text, or shows nothing for an empty list. A link
sent to a class must do what its warning says, so each control here also parses a raw query
value (`parse`). `Controls.check_link` runs before any widget is drawn: every value a control
cannot use — not a number, out of range, not one of the choices, given twice, an empty list,
text over the limit — is removed from the URL, the widget shows its default, and the warning
names the value, why it was refused and what is shown instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

import streamlit as st
from streamlit.runtime.state import get_session_state

from ui.text import literal


def _float(raw: str) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Control:
    """Base: a widget key (also the query parameter), its label and default."""

    key: str
    label: str
    default: Any
    _: KW_ONLY
    help: str | None = None

    def parse(self, values: list[str]) -> tuple[Any, str | None]:
        """(value, None) for a usable link value, or (None, why not) — `values` are all the
        query's values for this key, in order."""
        if len(values) != 1:
            return None, f"given {len(values)} times"
        return self._parse_one(values[0])

    def _parse_one(self, raw: str) -> tuple[Any, str | None]:
        return raw, None

    def show(self, value: Any) -> str:
        """`value` as the widget shows it (for messages)."""
        return str(value)

    def coerce(self, value: Any) -> Any:
        """The widget value closest to `value` (e.g. a framework default between two stops)."""
        return value

    def render(self, container: Any = st, **kwargs: Any) -> Any:
        raise NotImplementedError

    def _bound(self, **kwargs: Any) -> dict[str, Any]:
        """The keyword arguments every widget gets: its key, help and URL binding."""
        return {"key": self.key, "help": self.help, "bind": "query-params", **kwargs}


@dataclass(frozen=True)
class _Ranged(Control):
    low: float = 0.0
    high: float = 1.0
    step: float = 0.01

    def _parse_one(self, raw: str) -> tuple[Any, str | None]:
        value = _float(raw)
        if value is None:
            return None, "not a number"
        if not self.low <= value <= self.high:
            return None, f"outside {self.low:g} … {self.high:g}"
        return (int(value) if isinstance(self.default, int) else value), None

    def show(self, value: Any) -> str:
        return f"{value:g}"


@dataclass(frozen=True)
class Slider(_Ranged):
    format: str | None = None

    def render(self, container: Any = st, **kwargs: Any) -> Any:
        cast = int if isinstance(self.default, int) else float
        return container.slider(
            self.label,
            min_value=cast(self.low),
            max_value=cast(self.high),
            value=self.default,
            step=cast(self.step),
            format=self.format,
            **self._bound(**kwargs),
        )


@dataclass(frozen=True)
class Number(_Ranged):
    low: float = -1e6
    high: float = 1e6
    step: float = 0.1
    format: str = "%.3f"

    def render(self, container: Any = st, **kwargs: Any) -> Any:
        return container.number_input(
            self.label,
            min_value=float(self.low),
            max_value=float(self.high),
            value=float(self.default),
            step=float(self.step),
            format=self.format,
            **self._bound(**kwargs),
        )


@dataclass(frozen=True)
class Choice(Control):
    """One of a list of options; `slider=True` draws a select-slider (ordered values)."""

    options: Sequence[Any] = ()
    format_func: Callable[[Any], str] = str
    slider: bool = False

    def labels(self) -> list[str]:
        return [self.format_func(option) for option in self.options]

    def coerce(self, value: Any) -> Any:
        numbers = all(isinstance(o, int | float) for o in self.options)
        if value in self.options or not numbers or not isinstance(value, int | float):
            return value

        def distance(option: float) -> float:  # on a log scale where both are positive
            if option > 0 and value > 0:
                return abs(math.log(option) - math.log(value))
            return math.inf if option != value else 0.0

        return min(self.options, key=distance)

    def _parse_one(self, raw: str) -> tuple[Any, str | None]:
        # The URL holds the label shown on screen (what `format_func` makes of an option).
        labels = self.labels()
        if raw not in labels:
            return None, "not one of the choices"
        return self.options[labels.index(raw)], None

    def show(self, value: Any) -> str:
        return self.format_func(value)

    def render(self, container: Any = st, **kwargs: Any) -> Any:
        options = list(self.options)
        if self.slider:
            return container.select_slider(
                self.label,
                options=options,
                value=self.default,
                format_func=self.format_func,
                **self._bound(**kwargs),
            )
        return container.selectbox(
            self.label,
            options=options,
            index=options.index(self.default),
            format_func=self.format_func,
            **self._bound(**kwargs),
        )


@dataclass(frozen=True)
class MultiChoice(Control):
    options: Sequence[str] = ()

    def parse(self, values: list[str]) -> tuple[Any, str | None]:
        if not [value for value in values if value]:
            return None, "an empty list"
        unknown = [value for value in values if value not in self.options]
        if unknown:
            return None, f"unknown {', '.join(unknown)}"
        if len(set(values)) != len(values):
            return None, "a choice given twice"
        return list(values), None

    def show(self, value: Any) -> str:
        return ", ".join(value) if value else "none"

    def render(self, container: Any = st, **kwargs: Any) -> Any:
        return container.multiselect(
            self.label,
            options=list(self.options),
            default=list(self.default),
            **self._bound(**kwargs),
        )


@dataclass(frozen=True)
class Text(Control):
    """Free text. A link's text may be at most `max_chars` long; the box itself accepts up to
    ten times that (pasting more is cut by the browser), so that text over the limit reaches
    the page, which says how long it is instead of cutting it silently."""

    max_chars: int = 300

    def _parse_one(self, raw: str) -> tuple[Any, str | None]:
        if len(raw) > self.max_chars:
            return None, f"{len(raw):,} characters, at most {self.max_chars:,} are allowed"
        return raw, None

    def render(self, container: Any = st, **kwargs: Any) -> Any:
        return container.text_input(
            self.label, value=self.default, max_chars=10 * self.max_chars, **self._bound(**kwargs)
        )


@dataclass(frozen=True)
class Toggle(Control):
    """An on/off switch; the URL carries "true" or "false"."""

    def _parse_one(self, raw: str) -> tuple[Any, str | None]:
        if raw.lower() not in ("true", "false"):
            return None, "not true or false"
        return raw.lower() == "true", None

    def show(self, value: Any) -> str:
        return "on" if value else "off"

    def render(self, container: Any = st, **kwargs: Any) -> Any:
        return container.toggle(self.label, value=bool(self.default), **self._bound(**kwargs))


@dataclass(frozen=True)
class LinkProblem:
    """A link value that was not used: which key, what it said, why, and what is shown."""

    key: str
    raw: str
    reason: str
    shown: str

    def message(self) -> str:
        """One line of the warning, as Markdown that shows the link's text literally."""
        return (
            f"{literal(self.key)}={literal(self.raw, 40)} ({literal(self.reason)}): "
            f"{literal(self.shown)} is shown instead"
        )


@dataclass(frozen=True)
class Controls:
    """All the controls of one page, by key."""

    items: tuple[Control, ...] = field(default_factory=tuple)

    def __getitem__(self, key: str) -> Control:
        for control in self.items:
            if control.key == key:
                return control
        raise KeyError(key)

    def check_query(self, query: Any) -> list[LinkProblem]:
        """Every value of `query` (st.query_params) a control cannot use; unknown keys are
        left alone (they may belong to another page)."""
        problems = []
        for control in self.items:
            values = query.get_all(control.key)
            if not values:
                continue
            _, reason = control.parse(values)
            if reason:
                shown = control.show(control.default)
                problems.append(LinkProblem(control.key, "&".join(values), reason, shown))
        return problems

    def check_link(self) -> list[LinkProblem]:
        """Remove the link's unusable values from the URL, so that every widget shows its
        default for them, and remember what was removed for `warn_about_link`. Call it before
        the first widget of the page is drawn."""
        problems = self.check_query(st.query_params)
        if problems:
            self.forget_link_values(problem.key for problem in problems)
            st.session_state[self._memory_key()] = problems
        return problems

    def linked_value(self, key: str) -> Any:
        """The value of a control that is not drawn in this run: the link's (which keeps the
        last value it had while drawn) when the control can use it, else its default."""
        control = self[key]
        raw = st.query_params.get_all(key)
        if raw:
            value, reason = control.parse(raw)
            if reason is None:
                return value
        return control.default

    def forget_link_values(self, keys: Iterable[str]) -> None:
        """Drop `keys` from the URL the page was opened with. Call it where code sets widgets
        that may not be drawn in this run (a preset, a reset): a widget drawn for the first
        time takes the link's value over one set in code, and a widget that is not drawn keeps
        its link value in the session (so an optimizer taken away and back keeps its settings)."""
        keys = [key for key in keys if st.query_params.get_all(key)]
        if keys:
            # Streamlit seeds a widget from the URL it was opened with, not from the current
            # query, so the values leave both (through its QueryParams object, the same calls
            # Streamlit makes when it drops a value it cannot parse itself).
            with get_session_state().query_params() as query:
                for key in keys:
                    query.remove_param(key)
                query.set_initial_query_params_from_current()

    def warn_about_link(self) -> None:
        """Check the link (see `check_link`) and show what was not used, for this session."""
        self.check_link()
        problems = st.session_state.get(self._memory_key())
        if problems:
            st.warning(
                "This link held values that cannot be used; they were removed from the address "
                "and the defaults are shown: " + "; ".join(p.message() for p in problems),
                icon=":material/link_off:",
            )

    def _memory_key(self) -> str:
        prefix = self.items[0].key.split("_")[0] if self.items else "page"
        return f"_{prefix}_link_problems"

    def reset(self, state: Any) -> None:
        """Put every control back to its default (in `st.session_state`), drawn or not."""
        self.forget_link_values(control.key for control in self.items)
        for control in self.items:
            state[control.key] = control.default
