"""Packaging a user can trust: one version, the licence files, type information."""

import sys
from importlib import metadata
from pathlib import Path

import pytest

import skmlq

ROOT = Path(__file__).resolve().parents[1]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")


def pyproject():
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)


def test_version_has_one_source():
    project = pyproject()["project"]
    assert "version" not in project and "version" in project["dynamic"]
    attr = pyproject()["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "skmlq._version.__version__"
    try:
        installed = metadata.version("skmlq")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a plain checkout
        pytest.skip("skmlq is not installed")
    assert installed == skmlq.__version__


def test_licence_metadata_and_files():
    project = pyproject()["project"]
    assert project["license"] == "BSD-3-Clause"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("BSD 3-Clause License")
    for pattern in project["license-files"]:
        assert list(ROOT.glob(pattern)), f"license-files pattern {pattern!r} matches nothing"


def test_typed_marker_is_package_data():
    assert (Path(skmlq.__file__).parent / "py.typed").is_file()
    assert "py.typed" in pyproject()["tool"]["setuptools"]["package-data"]["skmlq"]


def test_test_extra_does_without_the_agpl_oracle():
    extras = pyproject()["project"]["optional-dependencies"]
    assert not any(req.startswith("cleanlab") for req in extras["test"])
    assert any(req.startswith("cleanlab") for req in extras["oracle"])
    # CI runs README's test command, which must install the oracle.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme.split("<!-- ci: test command -->", 1)[1].split("python ", 1)[1]
    assert "oracle" in command.splitlines()[0]


def _public_callables():
    import importlib
    import inspect

    from tests.test_docs import public_modules

    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj):
                yield f"{module_name}.{name}", obj.__init__
                # Its own methods and those of its skmlq bases (the estimator's mixins).
                members = {}
                for base in reversed(obj.__mro__):
                    if base.__module__.split(".")[0] == "skmlq":
                        members.update(vars(base))
                for attr, member in members.items():
                    if inspect.isfunction(member) and not attr.startswith("_"):
                        yield f"{module_name}.{name}.{attr}", member
            elif callable(obj):
                yield f"{module_name}.{name}", obj


def test_no_mutable_default_arguments():
    """A default shared between calls (a list, dict or set) could be changed by one."""
    import inspect

    offenders = []
    for qualified, func in _public_callables():
        try:
            parameters = inspect.signature(func).parameters.values()
        except (TypeError, ValueError):  # pragma: no cover - builtins
            continue
        offenders += [
            f"{qualified}({p.name}={p.default!r})"
            for p in parameters
            if isinstance(p.default, (list, dict, set, bytearray))
        ]
    assert not offenders, f"mutable default arguments: {offenders}"
