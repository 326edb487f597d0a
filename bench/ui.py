"""Benchmark of the Playground in a real browser (Playwright + the system Chromium).

    python bench/ui.py               # about two minutes
    python bench/ui.py --changes 30  # more slider changes for the median

Measures, on the default scenario (3 optimizers x 1 000 steps):
1. first load: navigation until the two charts (paths; loss and distance) are drawn, on a
   server that has just started (cold: imports and first computations included) and again in
   a new browser session (warm);
2. slider change -> race chart redrawn: Adam's α moved one stop with the keyboard, timed until
   the browser's figure shows the new path (median of `--changes`, alternating new values so
   the server cache never answers);
3. bytes the server sends over the websocket per change;
4. server CPU time per change (user + system time of the server process, from /proc);
5. animation playback: frames per second actually drawn while playing at 1× (30 asked for).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import launch_chromium, start_app, stop_app

CHARTS = "[data-testid='stPlotlyChart'] .js-plotly-plot"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_charts(page, count: int = 2) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.wait_for_function(
        'n => document.querySelectorAll("' + CHARTS + '").length >= n', arg=count, timeout=60_000
    )


def adam_label(page) -> str:
    return page.locator(CHARTS).first.evaluate(
        "gd => gd._fullData.filter(t => t.mode === 'lines')[1].name"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()

    server, url = start_app()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            loads = []
            for _ in range(4):
                context = browser.new_context(viewport={"width": 1440, "height": 1000})
                page = context.new_page()
                start = time.perf_counter()
                page.goto(url)
                wait_for_charts(page)
                loads.append(time.perf_counter() - start)
                context.close()
            print("1. first load (until the 2 charts are drawn)")
            print(
                f"   cold server: {loads[0]:.2f} s; warm, new session: median "
                f"{statistics.median(loads[1:]):.2f} s  (target <= 2.5 s)"
            )

            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            page = context.new_page()
            received: list[int] = []

            def on_socket(ws) -> None:
                ws.on("framereceived", lambda payload: received.append(len(payload)))

            page.on("websocket", on_socket)
            page.goto(url)
            wait_for_charts(page)
            page.wait_for_timeout(1000)
            slider = page.get_by_role("slider", name="α — learning rate").nth(1)
            latencies, sizes, cpu = [], [], []
            for index in range(args.changes):
                before = adam_label(page)
                received.clear()
                used = cpu_seconds(server.pid)
                slider.focus()
                start = time.perf_counter()
                # Walk right then left so that every value is new to the server's cache.
                slider.press("ArrowRight" if (index // 8) % 2 == 0 else "ArrowLeft")
                page.wait_for_function(
                    'old => { const gd = document.querySelector("' + CHARTS + '");'
                    " const t = gd._fullData.filter(t => t.mode === 'lines')[1];"
                    " return t && t.name !== old; }",
                    arg=before,
                    polling="raf",
                    timeout=30_000,
                )
                latencies.append((time.perf_counter() - start) * 1000)
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
                page.wait_for_timeout(300)
                cpu.append((cpu_seconds(server.pid) - used) * 1000)
                sizes.append(sum(received) / 1024)
            median = statistics.median(latencies)
            print(
                f"2. slider change -> race chart redrawn: median {median:.0f} ms"
                f" (min {min(latencies):.0f}, max {max(latencies):.0f}, n={len(latencies)})"
                "  (target <= 150 ms)"
            )
            print(
                f"3. sent over the websocket per change: median {statistics.median(sizes):.0f} KB"
                "  (target <= 300 KB)"
            )
            print(
                f"4. server CPU per change: median {statistics.median(cpu):.0f} ms"
                "  (target <= 100 ms)"
            )

            fps = page.locator(CHARTS).first.evaluate(
                """gd => new Promise(resolve => {
                    let frames = 0, first = null;
                    gd.on('plotly_animatingframe', () => {
                        frames += 1; first ??= performance.now(); });
                    gd.on('plotly_animated', () =>
                        resolve(frames / ((performance.now() - first) / 1000)));
                    const play = Array.from(gd.querySelectorAll('.updatemenu-button'))
                        .find(b => b.textContent.includes('Play'));
                    play.dispatchEvent(new MouseEvent('click', {bubbles: true}));
                })"""
            )
            print(f"5. animation playback at 1×: {fps:.1f} frames/s drawn  (target >= 30)")
            browser.close()
    finally:
        stop_app(server)


if __name__ == "__main__":
    main()
