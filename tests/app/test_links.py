"""A shared link's values are used exactly as the page says, on every page alike: a value the
page cannot use is removed from the address, the default is shown, and the warning says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.markdown import shown

APP = str(Path(__file__).parents[2] / "app.py")
# Per page: a slider key with its default and range, and small settings that keep it fast.
PAGES = {
    "pages/playground.py": ("pg_steps", 1000, "10 … 5000", {"pg_optimizers": "SGD"}),
    "pages/inside_adam.py": ("ia_steps", 300, "10 … 1000", {}),
    "pages/sweep.py": ("ex_steps", 1000, "50 … 2000", {"ex_grid": "5"}),
    "pages/basins.py": ("ex_basin_steps", 500, "50 … 2000", {"ex_basin_grid": "20"}),
    "pages/noise.py": (
        "ex_noise_steps",
        500,
        "50 … 2000",
        {"ex_seeds": "2", "ex_tune": "set by hand"},
    ),
}


def open_page(page: str, query: dict) -> AppTest:
    """The page opened by a link: its widgets are drawn for the first time with the link's
    values (the Playground is the app's first page; others are switched to)."""
    at = AppTest.from_file(APP, default_timeout=120)
    if page != "pages/playground.py":
        at.run()
    for key, value in query.items():
        at.query_params[key] = value
    if page == "pages/playground.py":
        at.run()
    else:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def warning_text(at: AppTest) -> str:
    return " ".join(shown(w.value) for w in at.warning)


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        (["10", "90000"], "given 2 times"),
        ("90000", "outside"),
        ("many", "not a number"),
    ],
    ids=["repeated", "out-of-range", "not-a-number"],
)
@pytest.mark.parametrize("page", PAGES)
def test_an_unusable_value_is_removed_and_the_warning_says_what_is_shown(page, given, reason):
    key, default, bounds, small = PAGES[page]
    at = open_page(page, {**small, key: given})
    text = warning_text(at)
    assert f"{key}=" in text and reason in text, text
    if reason == "outside":
        assert bounds in text
    assert f"{default} is shown instead" in text
    assert at.slider(key=key).value == default  # what the warning says is what the page uses
    # The unusable value has left the address; the usable ones stay.
    assert key not in at.query_params
    for name, value in small.items():
        assert at.query_params[name] == value


def test_an_empty_optimizer_list_shows_the_defaults_and_says_so():
    at = open_page("pages/playground.py", {"pg_optimizers": ""})
    text = warning_text(at)
    assert "pg_optimizers= (an empty list): SGD, Adam, RMSProp is shown instead" in text
    assert at.multiselect(key="pg_optimizers").value == ["SGD", "Adam", "RMSProp"]


def test_an_over_long_expression_in_a_link_is_refused_whole_not_cut():
    long = "x^2 + " * 60 + "y^2"  # 363 characters
    at = open_page("pages/playground.py", {"pg_function": "Custom f(x, y)…", "pg_expression": long})
    text = warning_text(at)
    assert "363 characters, at most 300 are allowed" in text
    default = "sin(x)*cos(y) + 0.05*(x^2 + y^2)"
    assert f"{default} is shown instead" in text
    assert at.text_input(key="pg_expression").value == default


def test_over_long_typed_text_gets_an_inline_message_not_silence():
    at = open_page("pages/playground.py", {"pg_function": "Custom f(x, y)…"})
    at.text_input(key="pg_expression").input("x^2 + " * 60 + "y^2").run()
    assert not at.exception
    messages = " ".join(shown(e.value) for e in at.sidebar.error)
    assert "363" in messages and "300" in messages


def test_link_text_is_never_markup():
    at = open_page(
        "pages/playground.py",
        {"pg_steps": "[Log in again](http://example.com/x)", "pg_x": "![](http://e.com/p.png)"},
    )
    (warning,) = at.warning
    # Every bracket, parenthesis, colon and bang is escaped: Markdown shows them as typed.
    for raw in ("[Log in again](http://example.com/x)", "![](http://e.com/p.png)"):
        assert raw in shown(warning.value)
        assert raw not in warning.value
