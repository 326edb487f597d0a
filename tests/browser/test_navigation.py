"""Links into a page work even when they are the first request a fresh server sees."""

from __future__ import annotations

import pytest

from bench.harness import stop_app
from tests.browser.conftest import WAIT, array_attribute_mismatches, start_server, wait_for_app

pytestmark = pytest.mark.browser

# The app's navigation (app.py), in order.
TITLES = ["Playground", "Inside Adam", "Networks", "Sweep", "Basins", "Noise"]
# True once the sidebar lists exactly these titles.
NAVIGATION = """titles => {
    const links = [...document.querySelectorAll("[data-testid='stSidebarNav'] a")]
        .map(a => a.innerText.trim());
    return links.length === titles.length && titles.every((t, i) => links[i].endsWith(t));
}"""


@pytest.mark.parametrize(
    ("path", "title", "charts"),
    [
        ("experiments", "Sweep", ["ex_sweep_chart", "ex_sweep_loss", "ex_sweep_path"]),
        ("inside_adam", "Inside Adam", ["ia_path", "ia_steps_chart", "ia_bias_factors"]),
        ("basins", "Basins of attraction", ["ex_basins_chart", "ex_basins_path", "ex_basins_loss"]),
    ],
)
def test_deep_link_on_a_fresh_server_opens_the_page_inside_the_app(browser, path, title, charts):
    server, url = start_server(f"streamlit-{path}.log")
    try:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(WAIT)
        errors, missing = [], []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("response", lambda r: r.status == 404 and missing.append(r.url[len(url) :]))
        page.goto(f"{url}/{path}")
        # The app's own navigation (not the legacy one built from the pages/ folder).
        page.wait_for_function(NAVIGATION, arg=TITLES)
        # Its charts load their files from the app's root, not from under the page's path.
        wait_for_app(page, charts)
        assert page.locator("h1").first.inner_text().startswith(title)
        # Streamlit never looked the path up in the pages/ folder: no "Page not found" dialog
        # (pages/ has no experiments.py) over the page, taking its keys and clicks.
        assert page.get_by_role("dialog").count() == 0
        assert page.get_by_text("Page not found").count() == 0
        assert errors == []
        # The charts' cached listing of array attributes is plotly.js's own, on every trace.
        checked, wrong = array_attribute_mismatches(page)
        assert checked >= 2 * len(charts) and wrong == []
        # Streamlit's frontend first looks for its server under the page's own path; those two
        # probes are the only requests allowed to miss.
        assert set(missing) <= {f"/{path}/_stcore/health", f"/{path}/_stcore/host-config"}
        page.close()
    finally:
        stop_app(server)


# The scripts a page fetched that its HTML, as served, does not name (ui/assets.py: the page
# names the code of its elements up front, so that none of it waits for the script's
# messages; Streamlit adds links of its own to the live page as it imports code).
UNNAMED_SCRIPTS = """async () => {
    const html = await (await fetch(location.href)).text();
    const served = new DOMParser().parseFromString(html, "text/html");
    const named = new Set([...served.querySelectorAll("link[rel=modulepreload], script[src]")]
        .map(e => new URL(e.getAttribute("href") ?? e.getAttribute("src"), location.href).href));
    return performance.getEntriesByType("resource").map(entry => entry.name)
        .filter(name => new URL(name).pathname.includes("/static/js/") && !named.has(name));
}"""


@pytest.mark.parametrize("path", ["", "inside_adam", "networks", "experiments", "basins", "noise"])
def test_a_first_visit_fetches_only_code_the_page_named(page, app_url, path):
    page.goto(f"{app_url}/{path}")
    wait_for_app(page, charts=1)
    page.wait_for_load_state("networkidle")  # the elements' code has come
    assert page.evaluate(UNNAMED_SCRIPTS) == []
