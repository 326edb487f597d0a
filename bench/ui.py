"""Benchmark of the pages in a real browser (Playwright + the system Chromium): prints figures.

    python bench/ui.py                 # about five minutes on a 2-core machine
    python bench/ui.py --changes 30    # more slider changes for each median
    python bench/ui.py --against ../other-checkout   # this checkout against another, A/B

In one run, interleaved round by round so that the machine's load hits every case alike:
1. slider change -> every chart on screen redrawn, median over `--changes` changes, on the
   Playground (Adam's α), Inside Adam (α), the Sweep page (the fixed α of the β1 × β2 sweep,
   a whole grid per value) and a bare Streamlit page with a slider and a line of text
   (the floor: tests/browser/chart_app.py?view=bare), served twice: with Streamlit's defaults,
   and with its post-run garbage collection off, as the app's own runs nearly are (app.py
   freezes what lives as long as the server). Each change is an arrow key on the
   sidebar slider; values walk five steps right, five left, and so on, so only the first five
   changes are new to the server's caches and to the page, and the overall medians are those
   of values seen before. The new and the seen are also reported apart (on the Sweep a new α
   costs a new grid, about a quarter of a second of server CPU, and a second run that sends
   the next stop; on the Playground a new α sends every live stop of its other sliders again).
   Two clocks: "in the page" runs from the key's event to the display frame in which every
   chart on screen shows the new value (the page's own timestamps: what a user waits): a
   chart whose live slider follows the sidebar's slider redraws from its precomputed stops
   before the rerun's figure arrives, any other chart when the rerun's figure is drawn;
   "rerun drawn" runs to the frame that shows the rerun's last figure. "As polled" runs
   from Playwright's key press until its polling sees the rerun's charts drawn, which adds
   the round trips of driving the browser (about 25–60 ms here). The page's timestamps also
   split the rerun into its phases: key -> the rerun request leaves, -> the server's first
   answer, -> the first chart gets its figure, -> the last chart is drawn.
   Also per change: bytes received over the websocket and the server's CPU time (in the
   kernel's clock ticks, 10 ms here: medians come out as multiples of 10).
2. live scrub on the Playground: redraws per second while the map's own α slider is dragged.
3. playback of the Playground's animation, frames per second actually drawn at 1×.
4. first load until every chart is drawn: the first visitor of a freshly started server, and
   new sessions on a warm one (median of `--loads`); the bare page's first load (until its
   line of text shows), interleaved with those, is the floor.
Targets (issue "Instant pages"): 1. ≤ 120 ms, ≤ 150 KB, ≤ 60 ms CPU; 2. ≥ 30/s; 3. ≥ 30/s;
4. fresh ≤ 4 s, warm ≤ 2 s.

With --against, the same slider changes and warm first loads on this checkout and on another
one (an older commit, say), each served by its own process, alternating change by change and
load by load, so that both see the same machine: on a shared machine, where absolute times
move by a third from one hour to the next, only such a comparison tells what a change gained.
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

from bench.chart import FIND, playback, scrub_rate, start_chart_app
from bench.harness import launch_chromium, start_app, stop_app

VIEWPORT = {"width": 1440, "height": 1400}
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# Every chart iframe has drawn, and none has a render pending.
ALL_DRAWN = f"""n => {{ {FIND}
    const frames = [...document.querySelectorAll('iframe')].map(f => {{
        try {{ return f.contentWindow.adamLabChart; }} catch (e) {{ return null; }} }})
        .filter(Boolean);
    return frames.length >= n && frames.every(s => s.draws > 0 && s.draws + s.skipped >= s.renders);
}}"""
# What a change must show before it counts as drawn: a chart's text that holds the new value.
SHOWS = {
    "Playground": ("pg_race", "graph(key)?.querySelector('.legend')?.textContent"),
    "Inside Adam": ("ia_path", "graph(key)?.querySelector('.gtitle')?.parentNode?.textContent"),
    "Sweep": ("ex_sweep_chart", "graph(key)?.querySelector('.gtitle')?.textContent"),
    "bare": (None, "[...document.querySelectorAll('[data-testid=stText]')]"
             ".map(e => e.textContent).find(t => t.startsWith('alpha='))"),
}  # fmt: skip
SHOWS["bare, GC off"] = SHOWS["bare"]
PAGES = {  # case -> (path, slider label, index among sliders with that label, charts on screen)
    "Playground": ("", "α — learning rate", 1, 2),
    "Inside Adam": ("inside_adam", "α — learning rate", 0, 3),
    "Sweep": ("experiments", "α — learning rate", 0, 3),
    "bare": ("?view=bare", "alpha", 0, 0),
    "bare, GC off": ("?view=bare", "alpha", 0, 0),
}
BARE = ("bare", "bare, GC off")


# The page's own clock (epoch milliseconds): the last key event, the websocket's messages out
# and in, and on the bare page the frame that shows its new line of text. Top frame only.
INSTRUMENT = """
if (window === window.top) {
    const now = () => performance.timeOrigin + performance.now();
    const bench = window.__bench = {key: 0, sent: [], received: [], text: 0};
    addEventListener("keydown", e => { bench.key = performance.timeOrigin + e.timeStamp; }, true);
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener("message", () => bench.received.push(now()));
        }
        send(data) { bench.sent.push(now()); return super.send(data); }
    };
    if (location.search.includes("view=bare")) {
        let last = null;
        new MutationObserver(() => {
            const text = [...document.querySelectorAll("[data-testid=stText]")]
                .map(e => e.textContent).find(t => t.startsWith("alpha="));
            if (text && text !== last) {
                last = text;
                requestAnimationFrame(() => { bench.text = now(); });
            }
        }).observe(document, {subtree: true, childList: true, characterData: true});
    }
}
"""
# The change as the page saw it: [key -> every chart shows it, key -> request out, -> first
# answer, -> first chart's figure in, -> last chart drawn by the rerun, key -> that], in
# milliseconds; null where not seen. A chart shows the change when a live slider that
# follows the page's slider has redrawn it (times.lives) or else when the rerun's figure is
# drawn (times.settled), whichever comes first.
TIMELINE = """() => {
    const bench = window.__bench;
    const charts = [...document.querySelectorAll("iframe")].map(f => {
        try { return f.contentWindow.adamLabChart; } catch (e) { return null; } })
        .filter(s => s && s.times.settled > bench.key);
    const live = s => (s.times.lives ?? []).find(t => t > bench.key);  // the first after the key
    const shows = s => Math.min(...[live(s), s.times.settled].filter(t => t > bench.key));
    // A chart whose figure the change left as it was (settled without drawing) showed it all along.
    const changed = charts.filter(s => s.ms.received > bench.key || live(s));
    const drawn = changed.length ? Math.max(...changed.map(shows)) : bench.text;
    const settled = charts.length ? Math.max(...charts.map(s => s.times.settled)) : bench.text;
    const sent = bench.sent.find(t => t >= bench.key);
    const answer = bench.received.find(t => t >= (sent ?? Infinity));
    // A chart handed the figure it already shows settles without drawing: its ms are older.
    const drew = charts.filter(s => s.ms.received > bench.key);
    const message = drew.length ? Math.min(...drew.map(s => s.ms.received)) : null;
    const span = (a, b) => (a && b ? b - a : null);
    return [span(bench.key, drawn), span(bench.key, sent), span(sent, answer),
            span(answer, message), span(message, charts.length ? settled : null),
            span(bench.key, settled)];
}"""
WALK = 5  # the slider walks this many stops right, as many left, and so on
PHASES = ("key -> request", "-> answer", "-> chart's figure", "-> all drawn")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def shown(page, case: str) -> str:
    key, expression = SHOWS[case]
    return page.evaluate(f"key => {{ {FIND} return {expression} || ''; }}", key) or ""


def wait_all_drawn(page, charts: int, timeout: float = 120_000) -> None:
    page.wait_for_selector(IDLE, timeout=timeout)
    if charts:
        page.wait_for_function(ALL_DRAWN, arg=charts, polling="raf", timeout=timeout)


def open_page(browser, url: str, case: str):
    path, label, index, charts = PAGES[case]
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INSTRUMENT)
    page = context.new_page()
    received: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: received.append(len(p))))
    page.goto(f"{url}/{path}" if not path.startswith("?") else url + path)
    wait_all_drawn(page, charts)
    page.wait_for_timeout(500)
    return page, page.get_by_role("slider", name=label).nth(index), received


def change(page, slider, case: str, key: str, received: list[int], pid: int) -> tuple:
    """One arrow key on `slider`: (ms until drawn as polled, KB received, server CPU ms,
    the page's timeline: see TIMELINE)."""
    charts = PAGES[case][3]
    before = shown(page, case)
    slider.focus()
    received.clear()
    page.evaluate("() => { __bench.sent = []; __bench.received = []; }")
    used = cpu_seconds(pid)
    start = time.perf_counter()
    slider.press(key)
    key_, expression = SHOWS[case]
    page.wait_for_function(
        f"([key, before]) => {{ {FIND} const now = {expression}; return now && now !== before; }}",
        arg=[key_, before],
        polling="raf",
        timeout=120_000,
    )
    if charts:
        page.wait_for_function(ALL_DRAWN, arg=charts, polling="raf", timeout=120_000)
    drawn = (time.perf_counter() - start) * 1000
    page.wait_for_selector(IDLE, timeout=120_000)
    page.wait_for_timeout(200)  # the run's last messages
    timeline = page.evaluate(TIMELINE)
    return drawn, sum(received) / 1024, (cpu_seconds(pid) - used) * 1000, timeline


def first_load(browser, url: str, case: str = "Playground") -> float:
    """Seconds from a new session's navigation until the page shows: every chart drawn (the
    bare page: its line of text)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    start = time.perf_counter()
    path = PAGES[case][0]
    page.goto(f"{url}/{path}" if not path.startswith("?") else url + path)
    if case in BARE:
        expression = SHOWS[case][1]
        page.wait_for_function(f"() => Boolean({expression})", polling="raf", timeout=120_000)
    else:
        wait_all_drawn(page, PAGES[case][3])
    seconds = time.perf_counter() - start
    context.close()
    return seconds


def summary(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):6.0f}  min {min(values):5.0f}  max {max(values):5.0f}"
    )


def changes_of(opened: dict, pids: dict, changes: int) -> dict:
    """`changes` arrow keys on each opened page, one page after the other, round by round (in
    the reverse order every other round): key -> the four lists of `change`'s results."""
    results = {key: ([], [], [], []) for key in opened}
    for index in range(changes):
        arrow = "ArrowRight" if (index // WALK) % 2 == 0 else "ArrowLeft"
        order = list(opened.items())
        for key, (page, slider, received) in order if index % 2 == 0 else order[::-1]:
            case = key[1] if isinstance(key, tuple) else key
            measured = change(page, slider, case, arrow, received, pids[key])
            for store, value in zip(results[key], measured, strict=True):
                store.append(value)
    return results


def print_changes(results: dict) -> None:
    """Per page: latency in the page (every chart shows the change; the rerun's charts are
    drawn) and as polled, KB, server CPU, then the phases of the rerun."""
    print(
        f"   {'page':<24} {'ms until every chart shows it, in the page':<43} "
        f"{'rerun drawn':>11} {'as polled':>9} {'KB/change':>9} {'server CPU ms':>13}"
    )
    for case, (polled, kilobytes, cpu, timelines) in results.items():
        in_page = [t[0] for t in timelines if t[0] is not None]
        rerun = [t[5] for t in timelines if t[5] is not None]
        print(
            f"   {case:<24} {summary(in_page) if in_page else 'not seen':<43} "
            f"{statistics.median(rerun) if rerun else float('nan'):>11.0f} "
            f"{statistics.median(polled):>9.0f} {statistics.median(kilobytes):>9.1f} "
            f"{statistics.median(cpu):>13.0f}"
        )
    print(
        f"   the first {WALK} changes reach values new to the server's caches and to the page, "
        "the others values seen before: medians, new | seen; the server CPU's mean of the seen "
        "in brackets (its ticks are 10 ms: over many changes the mean tells smaller changes)"
    )
    print(f"   {'page':<24} {'in the page ms':>15} {'KB/change':>15} {'server CPU ms':>22}")
    for case, (_, kilobytes, cpu, timelines) in results.items():
        in_page = [t[0] if t[0] is not None else float("nan") for t in timelines]

        def median(values: list[float]) -> str:
            return f"{statistics.median(values):.0f}" if values else "-"  # --changes ≤ WALK

        cells = [f"{median(v[:WALK])} | {median(v[WALK:])}" for v in (in_page, kilobytes, cpu)]
        seen = cpu[WALK:]
        cells[-1] += f" ({statistics.mean(seen):.1f})" if seen else ""
        widths = (15, 15, 22)
        print(f"   {case:<24} " + " ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
    print("   where a change's time goes, medians in ms: " + " | ".join(PHASES))
    for case, (_, _, _, timelines) in results.items():
        phases = [[t[k] for t in timelines if t[k] is not None] for k in range(1, len(PHASES) + 1)]
        print(
            f"   {case:<24} "
            + " | ".join(f"{statistics.median(p):.0f}" if p else "-" for p in phases)
        )


def compare(other: Path, changes: int, loads: int) -> None:
    """This checkout against `other`: slider changes and warm first loads, interleaved."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        servers = {"this": start_app(), other.name or str(other): start_app(root=other)}
        try:
            warm: dict[str, list[float]] = {label: [] for label in servers}
            for _, url in servers.values():
                first_load(browser, url)  # each server's first visitor: not counted
            for index in range(loads):
                order = list(servers.items())
                for label, (_, url) in order if index % 2 == 0 else order[::-1]:
                    warm[label].append(first_load(browser, url))
            opened = {
                (label, case): open_page(browser, url, case)
                for label, (_, url) in servers.items()
                for case in PAGES
                if case not in BARE
            }
            pids = {key: servers[key[0]][0].pid for key in opened}
            results = changes_of(opened, pids, changes)
        finally:
            for server, _ in servers.values():
                stop_app(server)
            browser.close()

    print(f"1. slider change -> every chart on screen redrawn ({changes} changes each)")
    print_changes({f"{case} ({label})": r for (label, case), r in sorted(results.items())})
    print(f"2. warm first load of the Playground, {loads} each")
    for label, seconds in warm.items():
        print(
            f"   {label:<24} median {statistics.median(seconds):.2f} s, "
            f"min {min(seconds):.2f}, max {max(seconds):.2f}"
        )
    this, that = warm.values()
    differences = [a - b for a, b in zip(this, that, strict=True)]  # loaded one after the other
    print(
        f"   this − other, load by load: median {statistics.median(differences):+.2f} s, "
        f"min {min(differences):+.2f}, max {max(differences):+.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument(
        "--against", type=Path, help="another checkout of the app, compared with this one"
    )
    args = parser.parse_args()
    if args.against:
        compare(args.against.resolve(), args.changes, args.loads)
        return

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        server, url = start_app()
        # The floor, twice: with Streamlit's defaults, and with its post-run GC off.
        floors = {"bare": start_chart_app(), "bare, GC off": start_chart_app(post_script_gc=False)}
        bare_url = floors["bare"][1]
        try:
            fresh = first_load(browser, url)  # the very first visitor of this server
            first_load(browser, bare_url, "bare")  # its first visitor: not counted
            warm, bare = [], []
            for _ in range(args.loads):
                warm.append(first_load(browser, url))
                bare.append(first_load(browser, bare_url, "bare"))

            servers = {case: floors.get(case, (server, url)) for case in PAGES}
            opened = {case: open_page(browser, servers[case][1], case) for case in PAGES}
            pids = {case: servers[case][0].pid for case in PAGES}
            results = changes_of(opened, pids, args.changes)

            playground = opened["Playground"][0]
            rate = scrub_rate(playground, "pg_race")["redraws"]
            fps = playback(playground, "pg_race")
        finally:
            for process, _ in (*floors.values(), (server, url)):
                stop_app(process)
            browser.close()

    print(f"1. slider change -> every chart on screen redrawn ({args.changes} changes each)")
    print_changes(results)
    print("   targets: ≤ 120 ms until drawn, ≤ 150 KB, ≤ 60 ms server CPU per change")
    print(f"2. live scrub on the Playground: {rate:.1f} redraws/s  (target ≥ 30)")
    print(f"3. playback at 1×: {fps:.1f} frames/s  (target ≥ 30)")
    print(
        f"4. first load until both Playground charts are drawn: first visitor of a fresh server "
        f"{fresh:.2f} s (target ≤ 4); warm server, new session median "
        f"{statistics.median(warm):.2f} s, min {min(warm):.2f} s (target ≤ 2); the bare page, "
        f"interleaved: median {statistics.median(bare):.2f} s, min {min(bare):.2f} s"
    )


if __name__ == "__main__":
    main()
