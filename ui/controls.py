"""Widgets declared once: drawn with their URL binding, checked when a link carries their value.

Streamlit's `bind="query-params"` keeps every setting in the URL and silently drops a value it
cannot use. A shared link with a typo should say so, so each control here also knows how to
check a raw query value and explain what is wrong with it (`check_query`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st


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
    help: str | None = None

    def check(self, raw: str | list[str]) -> str | None:
        """Why `raw` (from the URL) is not a valid value, or None if it is."""
        return None

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

    def check(self, raw: str | list[str]) -> str | None:
        value = _float(raw) if isinstance(raw, str) else None
        if value is None:
            return "not a number"
        if not self.low <= value <= self.high:
            return f"outside {self.low:g} … {self.high:g}"
        return None


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

    def check(self, raw: str | list[str]) -> str | None:
        # The URL holds the label shown on screen (what `format_func` makes of an option).
        if not isinstance(raw, str) or raw not in self.labels():
            return "not one of the choices"
        return None

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

    def check(self, raw: str | list[str]) -> str | None:
        values = [raw] if isinstance(raw, str) else list(raw)
        unknown = [value for value in values if value not in self.options]
        return f"unknown {', '.join(unknown)}" if unknown else None

    def render(self, container: Any = st, **kwargs: Any) -> Any:
        return container.multiselect(
            self.label,
            options=list(self.options),
            default=list(self.default),
            **self._bound(**kwargs),
        )


@dataclass(frozen=True)
class Text(Control):
    max_chars: int = 300

    def check(self, raw: str | list[str]) -> str | None:
        if not isinstance(raw, str):
            return "not a single text"
        return f"longer than {self.max_chars} characters" if len(raw) > self.max_chars else None

    def render(self, container: Any = st, **kwargs: Any) -> Any:
        return container.text_input(
            self.label, value=self.default, max_chars=self.max_chars, **self._bound(**kwargs)
        )


@dataclass(frozen=True)
class Toggle(Control):
    """An on/off switch; the URL carries "true" or "false"."""

    def check(self, raw: str | list[str]) -> str | None:
        if not isinstance(raw, str) or raw.lower() not in ("true", "false"):
            return "not true or false"
        return None

    def render(self, container: Any = st, **kwargs: Any) -> Any:
        return container.toggle(self.label, value=bool(self.default), **self._bound(**kwargs))


@dataclass(frozen=True)
class Controls:
    """All the controls of one page, by key."""

    items: tuple[Control, ...] = field(default_factory=tuple)

    def __getitem__(self, key: str) -> Control:
        for control in self.items:
            if control.key == key:
                return control
        raise KeyError(key)

    def defaults(self) -> dict[str, Any]:
        return {control.key: control.default for control in self.items}

    def check_query(self, query: Any) -> list[str]:
        """Problems with the link's values, as "key=value (why)" lines; unknown keys ignored."""
        problems = []
        for control in self.items:
            if control.key not in query:
                continue
            values = query.get_all(control.key)
            raw: str | list[str] = values if isinstance(control, MultiChoice) else values[-1]
            reason = control.check(raw)
            if reason:
                shown = raw if isinstance(raw, str) else ",".join(raw)
                problems.append(f"{control.key}={shown[:40]} ({reason})")
        return problems

    def warn_about_link(self) -> None:
        """Show which values of the page's link were unusable (their defaults are used)."""
        problems = self.check_query(st.query_params)
        if problems:
            st.warning(
                "This link contained values that cannot be used, so their defaults are shown "
                "instead: " + "; ".join(problems)
            )

    def reset(self, state: Any) -> None:
        """Put every control back to its default (in `st.session_state`)."""
        for control in self.items:
            state[control.key] = control.default
