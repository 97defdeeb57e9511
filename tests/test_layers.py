"""The import layers of the package (the map in the docstring of ``skmlq``).

Every ``import`` of every module of skmlq, at module level or inside a function, is
read with ``ast``. A module may import from its own layer or from the layers below
it, never from a layer above; the module graph has no cycle; and a few parts have
rules of their own (``RULES``): the estimator never imports the measuring tool,
the measuring tool stands on the core alone, the command line on the public API.
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


def part(name):
    """The top-level part of skmlq a module belongs to (``skmlq.cli._score`` ->
    ``skmlq.cli``)."""
    return ".".join(name.split(".")[:2])


# Rules beyond the layer order: what each of these parts may import from the rest of
# skmlq (its own modules always), and why.
RULES = {
    "skmlq._estimator": (
        lambda target: part(target) != "skmlq.benchmarking",
        "the estimator never imports skmlq.benchmarking: the measuring tool must not be "
        "part of what it measures (the noise of score() comes from skmlq._core._noise)",
    ),
    "skmlq.benchmarking": (
        lambda target: part(target) in ("skmlq._core", "skmlq.utils", "skmlq._version"),
        "skmlq.benchmarking imports only skmlq._core and skmlq.utils: it measures the "
        "rest of the package, so it depends on none of it",
    ),
    "skmlq.cli": (
        lambda target: part(target) not in ("skmlq._core", "skmlq._backends"),
        "the command line uses the public API (its packages, their private modules "
        "included) and skmlq.utils, never the core or the backends directly",
    ),
}

# Edges the command line has today into the layers below the public API: `skmlq
# score` streams its row blocks through the core's driver. A new edge fails; one
# that disappears must be removed from here (so this list only shrinks).
KNOWN_EXCEPTIONS = {
    ("skmlq.cli._score", "skmlq._backends"),
    ("skmlq.cli._score", "skmlq._core._aggregation"),
    ("skmlq.cli._score", "skmlq._core._driver"),
}


def rule_violations(graph, exceptions=frozenset()):
    """``(module, target, why)`` for every edge of ``graph`` that breaks a rule."""
    found = []
    for name, targets in graph.items():
        rule = RULES.get(part(name))
        if rule is None:
            continue
        allowed, why = rule
        for target in sorted(targets):
            if (part(target) != part(name) and not allowed(target)
                    and (name, target) not in exceptions):
                found.append((name, target, why))
    return found


def test_the_parts_keep_their_rules():
    broken = rule_violations(GRAPH, KNOWN_EXCEPTIONS)
    assert not broken, "\n".join(f"{n} imports {t}: {why}" for n, t, why in broken)


def test_known_exceptions_still_exist():
    gone = sorted((n, t) for n, t in KNOWN_EXCEPTIONS if t not in GRAPH.get(n, ()))
    assert not gone, f"no longer imported, remove from KNOWN_EXCEPTIONS: {gone}"


@pytest.mark.parametrize("name, target", [
    ("skmlq._estimator._scoring", "skmlq.benchmarking._noise"),
    ("skmlq._estimator", "skmlq.benchmarking"),
    ("skmlq.benchmarking._noise", "skmlq.rank"),
    ("skmlq.benchmarking._metrics", "skmlq._estimator._scoring"),
    ("skmlq.benchmarking._noise", "skmlq._backends._dispatch"),
    ("skmlq.cli._audit", "skmlq._core._driver"),
    ("skmlq.cli._score", "skmlq._backends._dask"),
])
def test_the_checker_sees_each_rules_forbidden_edge(name, target):
    assert rule_violations({name: {target}}, KNOWN_EXCEPTIONS) == [
        (name, target, RULES[part(name)][1])
    ]


def test_the_rules_see_real_edges():
    # Edges each rule allows exist in the graph, so the rules read real imports.
    assert "skmlq._core._noise" in GRAPH["skmlq._estimator._scoring"]
    assert "skmlq._core._noise" in GRAPH["skmlq.benchmarking._noise"]
    assert "skmlq.report" in GRAPH["skmlq.cli._score"]
    assert not rule_violations({"skmlq.benchmarking._noise": {"skmlq.utils._validation"},
                                "skmlq.cli._audit": {"skmlq.report._summary"},
                                "skmlq._estimator._fit": {"skmlq._core._second_stage"}})


REPO = Path(__file__).resolve().parents[1]


def test_research_is_not_product():
    """Experiments live in research/, not in the package or among the benchmarks."""
    assert (REPO / "research" / "README.md").is_file()
    strays = [p.name for p in (REPO / "benchmarks").glob("*.py")
              if not (p.name.startswith(("bench_", "_")) or p.name == "run.py")]
    assert not strays, (
        f"benchmarks/ holds benchmarks only (bench_*.py, helpers _*.py, run.py): {strays}")
    assert not [m for m in MODULES if "research" in m]
