"""nets/ sits beside optim/ in the one-way flow: NumPy only, no Streamlit, Plotly or pandas."""

from __future__ import annotations

from pathlib import Path

from tests.test_architecture import imported_roots

NETS = Path(__file__).parents[2] / "nets"


def test_nets_imports_no_upstream_layer():
    files = sorted(NETS.rglob("*.py"))
    assert files
    for path in files:
        bad = imported_roots(path) & {"streamlit", "plotly", "pandas", "viz", "pages", "ui"}
        assert not bad, f"{path.name} imports {sorted(bad)}"
