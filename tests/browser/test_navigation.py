"""Links into a page work even when they are the first request a fresh server sees."""

from __future__ import annotations

import pytest

from bench.harness import stop_app
from tests.browser.conftest import start_server, wait_for_app

pytestmark = pytest.mark.browser

TITLES = ["Playground", "Inside Adam", "Sweep", "Basins", "Noise"]


@pytest.mark.parametrize(
    ("path", "title"),
    [("experiments", "Sweep"), ("inside_adam", "Inside Adam"), ("basins", "Basins of attraction")],
)
def test_deep_link_on_a_fresh_server_opens_the_page_inside_the_app(browser, path, title):
    server, url = start_server(f"streamlit-{path}.log")
    try:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        errors, missing = [], []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("response", lambda r: r.status == 404 and missing.append(r.url[len(url) :]))
        page.goto(f"{url}/{path}")
        # The app's own navigation (not the legacy one built from the pages/ folder).
        page.wait_for_function(
            "titles => { const links = Array.from(document.querySelectorAll("
            "\"[data-testid='stSidebarNav'] a\")).map(a => a.innerText.trim());"
            " return links.length === titles.length && titles.every((t, i) => links[i].endsWith(t)); }",
            arg=TITLES,
            timeout=30_000,
        )
        wait_for_app(page, charts=0)
        assert page.locator("h1").first.inner_text().startswith(title)
        assert errors == []
        # Streamlit's frontend first looks for its server under the page's own path; those two
        # probes are the only requests allowed to miss.
        assert set(missing) <= {f"/{path}/_stcore/health", f"/{path}/_stcore/host-config"}
        page.close()
    finally:
        stop_app(server)
