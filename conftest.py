"""Doctests of modules whose examples need an optional dependency skip without it
(the install without extras runs the rest: CI's minimal environment)."""

import importlib.util

import pytest

# Module file (relative to the repository) -> the module its examples import.
_DOCTEST_NEEDS = {
    "skmlq/plotting/_displays.py": "matplotlib",
    "skmlq/plotting/_plots.py": "matplotlib",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if not isinstance(item, pytest.DoctestItem):
            continue
        path = item.path.relative_to(config.rootpath).as_posix()
        needed = _DOCTEST_NEEDS.get(path)
        if needed is not None and importlib.util.find_spec(needed) is None:
            item.add_marker(pytest.mark.skip(
                reason=f"the example needs {needed} (pip install \"skmlq[plot]\")"))
