"""The documentation covers the public API: every name a public module exports."""

import importlib
import pkgutil
import re
from pathlib import Path

import skmlq

DOCS = Path(__file__).resolve().parents[1] / "docs"


def public_modules():
    """skmlq and every submodule whose dotted path has no part starting with '_'."""
    names = ["skmlq"]
    for info in pkgutil.walk_packages(skmlq.__path__, prefix="skmlq."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


def documented_names():
    """Fully qualified names listed in the autosummary tables of docs/api.rst."""
    names, module, in_table = set(), None, False
    for line in (DOCS / "api.rst").read_text(encoding="utf-8").splitlines():
        if line.startswith(".. currentmodule::"):
            module = line.split("::", 1)[1].strip()
        elif line.startswith(".. autosummary::"):
            in_table = True
        elif in_table and re.match(r"^   [A-Za-z_][\w.]*$", line):
            names.add(f"{module}.{line.strip()}")
        elif in_table and line and not line.startswith(" "):
            in_table = False
    return names


def resolve(dotted):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def test_every_public_name_is_in_the_api_reference():
    documented = documented_names()
    documented_objects = {id(resolve(name)) for name in documented}
    missing = []
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            if name.startswith("__"):
                continue
            qualified = f"{module_name}.{name}"
            if qualified not in documented and id(getattr(module, name)) not in documented_objects:
                missing.append(qualified)
    assert not missing, (
        f"public names missing from docs/api.rst: {missing}; add each to the autosummary "
        "table of its module (see the note at the top of docs/api.rst)"
    )


def test_api_reference_lists_only_existing_names():
    for name in documented_names():
        resolve(name)  # raises if the page names something that does not exist


def test_every_public_module_has_all():
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        assert hasattr(module, "__all__"), f"{module_name} has no __all__"
