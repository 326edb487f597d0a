"""The project's promises about itself: README commands, CI script, requirements."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def readme_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    return [line for block in blocks for line in block.strip().splitlines()]


def test_readme_has_exactly_the_two_setup_commands():
    commands = readme_commands()
    assert len(commands) == 2
    start, test = commands
    assert "pip install -r requirements.txt" in start and "streamlit run app.py" in start
    assert "pip install -r requirements-dev.txt" in test and "pytest" in test


def test_ci_runs_the_readme_test_command_with_browsers_required():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "apt-get install" in ci and "chromium" in ci
    assert "ADAMLAB_REQUIRE_BROWSER=1" in ci
    assert "set -euo pipefail" in ci
    # .ci/run takes the command from the README itself; check that its pattern finds it.
    pattern = re.search(r"grep -E '([^']+)' README.md", ci).group(1)
    assert [c for c in readme_commands() if re.search(pattern, c)] == [readme_commands()[1]]


def test_runtime_requirements_are_the_agreed_ones_with_ranges():
    text = (ROOT / "requirements.txt").read_text().splitlines()
    lines = [line for line in text if line.strip() and not line.startswith("#")]
    names = {re.split(r"[\[<>=!~ ]", line)[0].lower() for line in lines}
    assert names >= {"streamlit", "numpy", "plotly", "pandas", "sympy"}
    assert all(re.search(r">=.*<", line) for line in lines), "each requirement needs a range"


def test_streamlit_serves_with_its_performance_extra():
    # streamlit[performance]: Streamlit's server runs on uvloop and parses HTTP with httptools
    # when they are installed (about 0.25 s off a first load and 10 ms of CPU per change here).
    import importlib.util

    assert "streamlit[performance]" in (ROOT / "requirements.txt").read_text()
    assert importlib.util.find_spec("uvloop") and importlib.util.find_spec("httptools")


def test_streamlit_run_serves_the_app_through_st_app_which_warms_up_first():
    # `streamlit run app.py` looks for an st.App in the file (without running it) and then
    # serves it with uvicorn; the App's lifespan imports the heavy modules before any visitor.
    from streamlit.web.server.app_discovery import discover_asgi_app

    assert discover_asgi_app(ROOT / "app.py").is_asgi_app
    script = """
import asyncio, json, sys
import app
before = [m for m in app.WARM_UP if m in sys.modules]

async def start():
    async with app.warm_up(app.app):
        return [m for m in app.WARM_UP if m in sys.modules]

after = asyncio.run(start())
print(json.dumps([type(app.app).__name__, app.app.script_path.name, list(app.WARM_UP),
                  before, after, "ui.chart" in sys.modules]))
"""
    shown = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    kind, script_name, warm, before, after, chart = json.loads(shown.strip().splitlines()[-1])
    assert (kind, script_name) == ("App", "app.py")
    # Imported as a module, the file builds the App and draws nothing; the warm-up imports
    # the heavy modules, and leaves the chart (which declares its component) to a session.
    assert {"pandas", "plotly.graph_objects", "viz.paths"} <= set(warm)
    assert "pandas" not in before and "viz.paths" not in before
    assert after == warm and not chart
