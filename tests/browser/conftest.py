"""Real-browser fixtures: the app on a free localhost port, driven by the system Chromium.

Locally the browser tests are skipped when /usr/bin/chromium is missing; with
ADAMLAB_REQUIRE_BROWSER=1 (set by .ci/run) a missing browser is an error instead.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bench.harness import CHROMIUM, ROOT, launch_chromium, start_app, stop_app

ARTIFACTS = ROOT / "artifacts"


def _require_browser() -> None:
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("ADAMLAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests must run here, but {CHROMIUM} or playwright is missing")
        pytest.skip(f"{CHROMIUM} or playwright not installed")


def start_server(log_name: str = "streamlit.log") -> tuple[subprocess.Popen, str]:
    """A fresh app server for a test (its output in artifacts/), and its URL."""
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        return start_app(ARTIFACTS / log_name)
    except RuntimeError as error:
        pytest.fail(f"{error}; see artifacts/{log_name}")


@pytest.fixture(scope="session")
def app_url():
    _require_browser()
    server, url = start_server()
    yield url
    stop_app(server)


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


def wait_for_app(page, charts: int = 1, timeout: float = 30_000) -> None:
    """Wait until the script has run and `charts` Plotly charts have drawn."""
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=timeout)
    page.wait_for_timeout(200)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
    )
    if charts:
        page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot').length"
            " >= n",
            arg=charts,
            timeout=timeout,
        )
