"""The `Objective` record: pickling through the package's registered reconstructor, with no
import from `objective.py` back to the modules that make objectives."""

from __future__ import annotations

import ast
import copy
import copyreg
import pickle
from pathlib import Path

import numpy as np
import pytest

from functions import Objective, get_function, list_functions, parse_expression
from functions import objective as objective_module


@pytest.mark.parametrize("name", list_functions())
def test_builtins_pickle_to_the_registry_object(name: str) -> None:
    objective = get_function(name)
    assert pickle.loads(pickle.dumps(objective)) is objective
    assert copy.deepcopy(objective) is objective


@pytest.mark.parametrize(
    "text", ["(1-x)^2 + 100*(y-x^2)^2", "sin(x)*cos(y)", "(x/y)^(y/x)^(x/y)^(y/x)^(x/y)^(y/x)"]
)
def test_typed_in_functions_pickle_by_their_text(text: str) -> None:
    domain = ((-2.0, 3.0), (-1.0, 4.0))
    objective = parse_expression(text, domain=domain, start=(0.5, 1.5))
    restored = pickle.loads(pickle.dumps(objective))
    assert restored == objective  # every field but the kernel, which is not compared
    assert (restored.source, restored.domain, restored.start) == (text, domain, (0.5, 1.5))
    assert restored.formulas() == objective.formulas()
    p = np.array([[0.7, 1.3], [1.2, 0.9]])
    np.testing.assert_array_equal(restored.value(p), objective.value(p))
    np.testing.assert_array_equal(restored.gradient(p), objective.gradient(p))


def test_the_package_registers_the_reconstructor() -> None:
    assert Objective in copyreg.dispatch_table
    assert "__reduce__" not in vars(Objective) and "__reduce_ex__" not in vars(Objective)


def test_objective_module_imports_neither_maker() -> None:
    tree = ast.parse(Path(objective_module.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):  # nested imports too, such as one inside a method
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    assert not {name for name in imported if "builtin" in name or "parser" in name}, imported
    assert {name.split(".")[0] for name in imported} <= {
        "__future__",
        "collections",
        "dataclasses",
        "typing",
        "numpy",
    }, imported
