"""Benchmark of ui.chart against st.plotly_chart and a bare page, in a real browser.

    python bench/chart.py                # about four minutes
    python bench/chart.py --changes 30   # more slider changes per mechanism

One server runs tests/browser/chart_app.py with `--runner.postScriptGC false`; four pages
are open on it at once and every round moves each page's "alpha" slider once, so that all
mechanisms see the same machine load:

- component: the figure in ui.chart (with a heatmap and a curve chart beside it);
- component, no pieces: the same, but every piece resent on every change (the "before");
- st.plotly_chart: the same figure in Streamlit's own chart;
- bare: the slider and a line of text.

Prints, per mechanism: slider change -> new legend drawn (median, min, max), bytes received
over the websocket per change, server CPU and the browser main thread's CPU per change
(which, unlike the latency, hardly depends on what else the machine runs), and first load
(navigation until drawn; the component's bundle load time per iframe). Then, on the
component: live-slider redraws per second while its slider moves every display frame, and
playback frames per second after an update. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import launch_chromium, start_app, stop_app

# In the Streamlit page: the iframe of chart `key`, and its graph and counters.
FIND = """
const chart = key => [...document.querySelectorAll("iframe")].find(f => {
    try { return f.contentDocument.body.dataset.key === key; } catch (e) { return false; }
});
const stats = key => chart(key)?.contentWindow.adamLabChart;
const graph = key => chart(key)?.contentDocument.getElementById("graph");
"""
# What is on screen: the first legend entry, "path 0 (alpha=0.55)" (or the bare page's line
# of text, "alpha=0.55").
SHOWN = {
    "component": "graph('demo')?.querySelector('.legendtext')?.textContent",
    "component, no pieces": "graph('demo')?.querySelector('.legendtext')?.textContent",
    "st.plotly_chart": "document.querySelector('.js-plotly-plot .legendtext')?.textContent",
    "bare": "[...document.querySelectorAll('[data-testid=stText]')]"
    ".map(e => e.textContent).find(t => t.startsWith('alpha='))",
}
QUERY = {
    "component": "",
    "component, no pieces": "?pieces=off",
    "st.plotly_chart": "?view=plotly",
    "bare": "?view=bare",
}


def start_chart_app(
    log: Path | None = None, *, post_script_gc: bool = True, timeout: float = 60
) -> tuple[subprocess.Popen, str]:
    """A Streamlit process serving the chart test page on a free localhost port, and its URL
    once it answers its health check (the browser tests use it too)."""
    return start_app(
        log,
        timeout,
        script="tests/browser/chart_app.py",
        args=("--runner.postScriptGC", str(post_script_gc).lower()),
    )


def thread_seconds(session) -> float:
    """CPU time of the page's main thread (its charts' iframes run on it too)."""
    metrics = session.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "ThreadTime")


def wait_drawn(page, mode: str, text: str | None = None, timeout: float = 60_000) -> None:
    """Until the legend shows `text` (or anything, when None); polled every display frame."""
    page.wait_for_function(
        f"text => {{ {FIND} const now = {SHOWN[mode]}; "
        "return text === null ? Boolean(now) : now === text; }",
        arg=text,
        polling="raf",
        timeout=timeout,
    )


def idle(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")


LOADS = {  # first-load cases: what is shown -> (mechanism, query)
    "component, 1 chart": ("component", "?charts=1"),
    "component, 3 charts": ("component", ""),
    "st.plotly_chart": ("st.plotly_chart", "?view=plotly"),
    "bare": ("bare", "?view=bare"),
}


def scrub_rate(page, key: str, seconds: float = 3.0) -> dict[str, float]:
    """Drag chart `key`'s first live slider every display frame for `seconds`: redraws and
    slider moves per second."""
    return page.evaluate(
        f"""([key, seconds]) => {{ {FIND}
        const s = stats(key), input = chart(key).contentDocument
            .querySelector('input[type=range]');
        const first = s.scrubDraws, max = Number(input.max);
        return new Promise(resolve => {{
            const start = performance.now();
            let k = 0;
            const tick = () => {{
                k += 1;
                input.value = String(k % (2 * max) < max ? k % max : max - k % max);
                input.dispatchEvent(new Event('input', {{bubbles: true}}));
                if (performance.now() - start < 1000 * seconds) requestAnimationFrame(tick);
                else resolve({{redraws: (s.scrubDraws - first) /
                              ((performance.now() - start) / 1000),
                              moves: k / ((performance.now() - start) / 1000)}});
            }};
            requestAnimationFrame(tick);
        }}); }}""",
        [key, seconds],
    )


def playback(page, key: str) -> float:
    """Press the figure's own Play in chart `key`: frames per second actually drawn."""
    return page.evaluate(
        f"""key => {{ {FIND}
        const g = graph(key);
        return new Promise(resolve => {{
            let frames = 0, first = null;
            g.on('plotly_animatingframe', () => {{ frames += 1; first ??= performance.now(); }});
            g.on('plotly_animated', () =>
                resolve(frames / ((performance.now() - first) / 1000)));
            const play = [...g.querySelectorAll('.updatemenu-button')]
                .find(b => b.textContent.includes('Play'));
            play.dispatchEvent(new MouseEvent('click', {{bubbles: true}}));
        }}); }}""",
        key,
    )


def first_loads(browser, url: str, rounds: int) -> dict:
    loads: dict[str, list[float]] = {case: [] for case in LOADS}
    bundle_ms: list[list[int]] = []
    for _ in range(rounds):
        for case, (mode, query) in LOADS.items():
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            page = context.new_page()
            start = time.perf_counter()
            page.goto(url + query)
            wait_drawn(page, mode)
            if case == "component, 3 charts":
                page.wait_for_function(
                    f"() => {{ {FIND} return ['heat', 'curve'].every(k => stats(k)?.draws); }}"
                )
            loads[case].append(time.perf_counter() - start)
            if case == "component, 3 charts":
                bundle_ms.append(
                    page.evaluate(
                        f"() => {{ {FIND} return ['demo', 'heat', 'curve']"
                        ".map(k => stats(k).bundleMs[0]); }"
                    )
                )
            context.close()
    return {"loads": loads, "bundle_ms": bundle_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=24)
    parser.add_argument("--loads", type=int, default=3)
    args = parser.parse_args()
    # Imported here, so that the browser tests can import this module without Playwright.
    from playwright.sync_api import sync_playwright

    from bench.ui import cpu_seconds

    server, url = start_chart_app(post_script_gc=False)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            # A first visit warms the server (imports, caches) for every mechanism.
            warm = browser.new_page()
            for mode, query in QUERY.items():
                warm.goto(url + query)
                wait_drawn(warm, mode)
            warm.close()

            pages, received, sessions = {}, {}, {}
            for mode, query in QUERY.items():
                page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
                sizes: list[int] = []

                def on_socket(ws, sizes=sizes) -> None:
                    ws.on("framereceived", lambda payload: sizes.append(len(payload)))

                page.on("websocket", on_socket)
                page.goto(url + query)
                wait_drawn(page, mode)
                idle(page)
                pages[mode], received[mode] = page, sizes
                sessions[mode] = page.context.new_cdp_session(page)
                sessions[mode].send("Performance.enable")

            latency = {mode: [] for mode in QUERY}
            kilobytes = {mode: [] for mode in QUERY}
            cpu = {mode: [] for mode in QUERY}
            browser_cpu = {mode: [] for mode in QUERY}
            for index in range(args.changes):
                key = "ArrowRight" if (index // 6) % 2 == 0 else "ArrowLeft"
                for mode, page in pages.items():
                    slider = page.get_by_role("slider", name="alpha")
                    old = float(slider.input_value())
                    new = round(old + (0.05 if key == "ArrowRight" else -0.05), 2)
                    slider.focus()
                    received[mode].clear()
                    used = cpu_seconds(server.pid)
                    thread = thread_seconds(sessions[mode])
                    start = time.perf_counter()
                    slider.press(key)
                    shows = f"alpha={new:g}" if mode == "bare" else f"path 0 (alpha={new:g})"
                    wait_drawn(page, mode, shows)
                    latency[mode].append((time.perf_counter() - start) * 1000)
                    idle(page)
                    page.wait_for_timeout(150)  # let the last messages of the run arrive
                    cpu[mode].append((cpu_seconds(server.pid) - used) * 1000)
                    browser_cpu[mode].append((thread_seconds(sessions[mode]) - thread) * 1000)
                    kilobytes[mode].append(sum(received[mode]) / 1024)

            print(f"slider change -> drawn, {args.changes} changes per mechanism, interleaved")
            print(f"{'mechanism':<22}{'median':>8}{'min':>7}{'max':>7}{'KB/change':>11}"
                  f"{'server CPU':>12}{'browser CPU':>13}")  # fmt: skip
            for mode in QUERY:
                values = latency[mode]
                print(
                    f"{mode:<22}{statistics.median(values):>6.0f}ms{min(values):>5.0f}ms"
                    f"{max(values):>5.0f}ms{statistics.median(kilobytes[mode]):>9.1f}KB"
                    f"{statistics.median(cpu[mode]):>10.0f}ms"
                    f"{statistics.median(browser_cpu[mode]):>11.0f}ms"
                )

            page = pages["component"]
            rate = scrub_rate(page, "demo")
            print(
                f"live slider: {rate['redraws']:.1f} redraws/s while the slider moved "
                f"{rate['moves']:.1f} times/s (every display frame)"
            )
            fps = playback(page, "demo")
            print(f"playback after {args.changes} updates: {fps:.1f} frames/s (25 ms frames)")

            for page in pages.values():
                page.context.close()
            loads = first_loads(browser, url, args.loads)
            print(f"first load until drawn, warm server, new session (median of {args.loads}):")
            for case, values in loads["loads"].items():
                print(f"  {case:<22}{statistics.median(values):.2f} s  "
                      f"({', '.join(f'{v:.2f}' for v in values)})")  # fmt: skip
            print(
                "  bundle load in each of the 3 charts (asked -> run), per load: "
                + "; ".join(" / ".join(f"{ms}" for ms in row) + " ms" for row in loads["bundle_ms"])
            )
            browser.close()
    finally:
        stop_app(server)


if __name__ == "__main__":
    main()
