"""Benchmark of the Inside Adam page in a real browser: slider change -> its charts redrawn.

    python bench/inside_adam.py                 # starts the app on a free port, 21 changes
    python bench/inside_adam.py --changes 41    # more changes
    python bench/inside_adam.py --url http://127.0.0.1:8501   # an app that is already running

Each change is one arrow-key press on a hyperparameter slider: α (`--slider alpha`, the
default) or β1 (`--slider beta1`). α changes the two charts at the top (the bias-correction
chart does not depend on it) and turns around at the end of its range, so after its first
pass the runs come from the cache, as when a student moves the slider back; β1 changes all
three visible charts and only meets values not seen before, so every change makes new runs.
The time runs from the key press to the moment those charts show their new figures (checked
on each animation frame, in the page) and the script has finished. Prints the median and
quartiles, and the bytes the page received per change. Needs Playwright and
/usr/bin/chromium, like tests/browser.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import launch_chromium, start_app, stop_app

# Counts the bytes of every websocket message the page receives (Streamlit's deltas).
COUNT_BYTES = """(() => {
    const Native = window.WebSocket;
    window.__benchBytes = 0;
    window.WebSocket = function (...args) {
        const socket = new Native(...args);
        socket.addEventListener("message", event => {
            const data = event.data;
            window.__benchBytes += data.byteLength ?? data.size ?? data.length ?? 0;
        });
        return socket;
    };
    window.WebSocket.prototype = Native.prototype;
    Object.assign(window.WebSocket, Native);
})();"""

# Marks every chart as old and resolves, in the page, when `n` of them have been replaced or
# re-plotted and the script is idle; returns the time of that frame (performance.now()).
ARM = """n => {
    const charts = () => [
        ...document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot')];
    const old = new Map(charts().map(p => [p, p._fullLayout]));
    window.__benchDone = null;
    window.__benchBytes = 0;
    const check = () => {
        const idle = document.querySelector(
            "[data-testid='stApp'][data-test-script-state='notRunning']");
        const fresh = charts().filter(p => p._fullLayout && old.get(p) !== p._fullLayout);
        if (idle && fresh.length >= n) { window.__benchDone = performance.now(); return; }
        requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
    return performance.now();
}"""


def wait_idle(page, charts: int) -> None:
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=60_000)
    page.wait_for_timeout(300)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000
    )
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot').length >= n",
        arg=charts,
        timeout=60_000,
    )


SLIDERS = {
    "alpha": ("α — learning rate", 2),
    "beta1": ("β1 — momentum of the gradient average", 3),
}


def measure(url: str, changes: int, slider_name: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1440, "height": 1200})
        page.add_init_script(COUNT_BYTES)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        # The root first: a fresh server runs a deep-linked page without app.py's navigation.
        page.goto(url)
        wait_idle(page, 1)
        page.goto(f"{url}/inside_adam")
        wait_idle(page, 3)
        page.wait_for_timeout(1000)
        label, redrawn = SLIDERS[slider_name]
        slider = page.get_by_role("slider", name=label)
        slider.focus()
        key = "ArrowLeft"
        times, sizes = [], []
        for index in range(changes + 1):
            # At either end of the slider, turn around.
            value = slider.input_value()
            if value == slider.get_attribute("min"):
                key = "ArrowRight"
            elif value == slider.get_attribute("max"):
                key = "ArrowLeft"
            started = page.evaluate(ARM, redrawn)
            page.keyboard.press(key)
            page.wait_for_function("() => window.__benchDone !== null", timeout=30_000)
            done = page.evaluate("() => window.__benchDone")
            sizes.append(page.evaluate("() => window.__benchBytes"))
            if index:  # the first change warms the caches of a new process
                times.append(done - started)
            page.wait_for_timeout(250)
        browser.close()
    quartiles = statistics.quantiles(times, n=4)
    print(f"{slider_name} slider change -> {redrawn} charts redrawn, {len(times)} changes (ms):")
    print(f"  median {statistics.median(times):.0f}   quartiles {quartiles[0]:.0f} / "
          f"{quartiles[2]:.0f}   min {min(times):.0f}   max {max(times):.0f}")  # fmt: skip
    print(f"  received per change (all deltas): median {statistics.median(sizes) / 1024:.0f} KB")
    if errors:
        print("  page errors:", errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an app that is already running (default: start one)")
    parser.add_argument("--changes", type=int, default=21, help="at least 15 for a median")
    parser.add_argument("--slider", choices=sorted(SLIDERS), default="alpha")
    args = parser.parse_args()
    server = None
    url = args.url
    if url is None:
        server, url = start_app()
    try:
        measure(url, args.changes, args.slider)
    finally:
        if server is not None:
            stop_app(server)


if __name__ == "__main__":
    main()
