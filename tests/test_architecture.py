"""The data flows one way: functions/optim/nets -> viz -> ui -> pages; lessons is content.
Imports must respect it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
UI = {"streamlit", "plotly", "pandas", "viz", "ui", "pages"}
FORBIDDEN = {
    "functions": UI | {"optim", "nets", "lessons"},
    "optim": UI | {"nets", "lessons"},
    "nets": UI | {"lessons"},
    "lessons": UI,
    "viz": {"streamlit", "ui", "pages"},
    "ui": {"pages"},
}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_upstream_layers(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    for path in files:
        bad = imported_roots(path) & FORBIDDEN[package]
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
