"""The project's promises about itself: README commands, CI script, requirements."""

from __future__ import annotations

import re
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
    lines = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if line.strip()]
    names = {re.split(r"[<>=!~ ]", line)[0].lower() for line in lines}
    assert names >= {"streamlit", "numpy", "plotly", "pandas", "sympy"}
    assert all(re.search(r">=.*<", line) for line in lines), "each requirement needs a range"
