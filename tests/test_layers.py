"""The import layers of the package (the map in the docstring of ``skmlq``).

Every ``import`` of every module of skmlq, at module level or inside a function, is
read with ``ast``. A module may import from its own layer or from the layers below
it, never from a layer above; and the module graph has no cycle.
"""

import ast
from pathlib import Path

import pytest

import skmlq

PACKAGE_DIR = Path(skmlq.__file__).parent

# Layer of each top-level part of the package, bottom (0) to top.
LAYERS = {
    "skmlq.utils": 0,
    "skmlq._version": 0,
    "skmlq._core": 1,
    "skmlq._backends": 2,
    "skmlq.rank": 3,
    "skmlq.filter": 3,
    "skmlq.dataset": 3,
    "skmlq.plotting": 3,
    "skmlq.model_selection": 3,
    "skmlq.benchmarking": 3,
    "skmlq.datasets": 3,
    "skmlq._estimator": 3,
    "skmlq.report": 3,
    "skmlq.cli": 4,
    "skmlq.__main__": 5,
    "skmlq": 5,
}


def module_name(path):
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def layer(name):
    """Layer of a module: that of the longest prefix listed in LAYERS."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in LAYERS:
            return LAYERS[prefix]
    raise AssertionError(f"{name} is in no layer: add it to LAYERS and to the map")


def imports_of(name):
    """Modules of skmlq that ``name`` imports (``from P import m`` counts as P.m
    when m is a module, else as P)."""
    path = MODULES[name]
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "skmlq")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            if target.split(".")[0] != "skmlq":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    return {m for m in found if m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def test_every_module_has_a_layer():
    assert MODULES, PACKAGE_DIR
    for name in MODULES:
        layer(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_goes_up_a_layer(name):
    upward = sorted(m for m in GRAPH[name] if layer(m) > layer(name))
    assert not upward, f"{name} (layer {layer(name)}) imports from a layer above: {upward}"


def test_no_import_cycle():
    state = {}
    stack = []

    def visit(name):
        state[name] = "open"
        stack.append(name)
        for target in sorted(GRAPH[name]):
            if target not in MODULES:
                raise AssertionError(f"{name} imports {target}, which does not exist")
            if state.get(target) == "open":
                cycle = stack[stack.index(target):] + [target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[name] = "done"

    for name in sorted(MODULES):
        if name not in state:
            visit(name)


def test_the_checker_sees_upward_edges_and_cycles():
    # The graph must contain known edges, or the tests above would pass vacuously.
    assert "skmlq._core._driver" in GRAPH["skmlq._backends._dispatch"]
    assert "skmlq.utils._labels" in GRAPH["skmlq._core._driver"]
    assert "skmlq.report._build" in GRAPH["skmlq._estimator._reports"]  # in a method
