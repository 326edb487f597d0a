"""Start the app on a free localhost port and drive the system Chromium: shared by the
browser tests and the browser benchmarks."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling home, which this closed
# network refuses; --no-sandbox because tests run as root in CI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(
    log: Path | None = None,
    timeout: float = 60,
    *,
    script: str | Path = "app.py",
    args: Sequence[str] = (),
    root: Path = ROOT,
) -> tuple[subprocess.Popen, str]:
    """A fresh Streamlit process serving `script` (relative to `root`, by default this
    checkout), run from `root`, and its URL once it answers its health check.

    `args` go to `streamlit run` after the harness's own options, so they may override them,
    e.g. `("--runner.postScriptGC", "false")`. Another checkout as `root` compares two
    versions of the app (bench/ui.py --against).
    """
    port = free_port()
    output = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - lives with the process
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            *args,
        ],
        cwd=root,
        stdout=output,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.3)
    exited = server.poll()  # a bad option or a missing script ends it at once
    stop_app(server)
    if exited is not None:
        raise RuntimeError(f"streamlit run {script} exited with status {exited}")
    raise RuntimeError(f"streamlit run {script} did not start within {timeout:g} s")


def stop_app(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
