"""Sphinx configuration of the skmlq documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (or
``make -C docs html``) from the repository root; ``make -C docs doctest`` runs the
``>>>`` examples of the pages. The build works offline: links to numpy, scipy and
scikit-learn (intersphinx) are only made when ``SKMLQ_DOCS_INTERSPHINX=1`` is set,
because fetching their inventories needs the network.
"""

import argparse
import contextlib
import doctest
import inspect
import io
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import skmlq  # noqa: E402
from sphinx.util import logging  # noqa: E402

logger = logging.getLogger(__name__)

project = "skmlq"
author = "the skmlq developers"
copyright = "2026, the skmlq developers"
release = skmlq.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
if os.environ.get("SKMLQ_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "pandas": ("https://pandas.pydata.org/docs", None),
    }

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip"]
root_doc = "index"
default_role = "literal"

# Every reference to skmlq's own objects must resolve. Names of other packages
# cannot be checked offline (no intersphinx), so they are exempt.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|scipy|sp|sklearn|pandas|pd|joblib|dask|distributed|matplotlib)"
               r"(\..*)?"),
    (r"py:.*", r"(array-like|array_like|ndarray|sparse matrix|callable|optional|default"
               r"|estimator object|DataFrame|Series|file-like|os\.PathLike|PathLike"
               r"|int|float|bool|str|dict|list|tuple|None|Axes|Figure|object)"),
]

# autosummary writes one page per public name (the API reference).
autosummary_generate = True
autosummary_imported_members = True
# Class pages list inherited members themselves (_templates/class.rst, skip_member).
autodoc_typehints = "none"  # the numpydoc Parameters sections say it all

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()

html_theme = "pydata_sphinx_theme"
html_title = f"skmlq {release}"
html_static_path = ["_static"]
html_css_files = ["bench.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 8,
    "navbar_align": "left",
}
html_sidebars = {"changelog": [], "benchmarks": []}
html_show_sourcelink = False

# Gallery: examples/ at the repository root, run at build time (each under a minute
# on 2 cores; sphinx-gallery prints its times).
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 1,
    "reference_url": {"skmlq": None},
    "abort_on_example_error": True,
}

# The options of the test suite's doctests (pyproject.toml), less pytest's NUMBER.
doctest_default_flags = (
    doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.IGNORE_EXCEPTION_DETAIL
    | doctest.DONT_ACCEPT_TRUE_FOR_1
)
doctest_global_setup = """
import numpy as np
np.set_printoptions(legacy=False)
"""


def write_cli_help(app):
    """Write ``skmlq [COMMAND] --help`` to _generated/ for the command-line page."""
    # The command line imports its parser lazily (fast start-up), from here.
    from skmlq.cli._parser import build_parser

    out = HERE / "user_guide" / "_generated"
    out.mkdir(exist_ok=True)
    parser = build_parser()
    subparsers = next(
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    )
    pages = {"skmlq": parser, **{f"skmlq-{name}": p for name, p in subparsers.choices.items()}}
    for name, p in pages.items():
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            p.print_help()
        _write_if_changed(out / f"{name}.txt", buffer.getvalue())
    # One section per sub-command, so that a new command appears by itself.
    sections = []
    for command in subparsers.choices:
        title = f"``skmlq {command}``"
        path = f"/user_guide/_generated/skmlq-{command}.txt"  # from the docs root
        sections += [title, "^" * len(title), "",
                     f".. literalinclude:: {path}", "   :language: text", ""]
    _write_if_changed(out / "commands.rst", "\n".join(sections))


def _write_if_changed(path, text):
    # Unchanged files keep their time stamp, so that Sphinx does not re-read pages.
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


# A fitted attribute as numpydoc renders it: "**estimator_** : estimator object".
_ATTRIBUTE_LINE = re.compile(r"^\s*\*\*(\w+_)\*\* : ")


def add_attribute_targets(app, what, name, obj, options, lines):
    """Give the fitted attributes of a class (``estimator_``...) link targets.

    numpydoc lists them under "Attributes" as text; an invisible
    ``py:attribute`` entry per name lets ``:attr:`estimator_``` resolve, so nitpicky
    mode still catches a reference to an attribute that does not exist.
    """
    if what != "class":
        return
    names = [m.group(1) for m in map(_ATTRIBUTE_LINE.match, lines) if m]
    for attribute in dict.fromkeys(names):
        lines += ["", f".. py:attribute:: {attribute}", "   :no-typesetting:", ""]


def _defined_outside_skmlq(obj):
    """Whether a class member is a method or descriptor of a class outside skmlq
    (scikit-learn's ``get_params``, ``Exception.with_traceback`` ...)."""
    obj = obj.fget if isinstance(obj, property) else obj
    obj = getattr(obj, "__func__", obj)  # classmethod, staticmethod
    if inspect.isfunction(obj):
        module = obj.__module__
    elif inspect.ismethoddescriptor(obj) or inspect.isdatadescriptor(obj):
        module = getattr(getattr(obj, "__objclass__", None), "__module__", None)
    else:
        return False  # data: documented where the class documents it
    return module is not None and module.split(".")[0] != "skmlq"


def skip_member(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated metadata-routing setters, and what a class
    inherits from outside skmlq (documented there).

    The class pages document inherited members (``class.rst``), so that a class
    composed of skmlq's private mixins (``MultilabelLabelQuality``) shows every
    method it offers; the methods of scikit-learn's and Python's base classes stay
    out, as they would without inherited members.
    """
    if re.fullmatch(r"set_\w+_request", name):
        return True
    if what == "class" and _defined_outside_skmlq(obj):
        return True
    return None


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def viewcode_source(app, modname):
    """The source of a module of skmlq for the [source] links, with the methods a
    public class inherits from the module's private mixins also tagged under the
    public class's name (``MultilabelLabelQuality.fit`` is ``_FitMixin.fit`` of
    ``skmlq._estimator._fit``). None, the default source, for other modules."""
    import importlib

    from sphinx.pycode import ModuleAnalyzer

    if modname.split(".")[0] != "skmlq":
        return None
    module = importlib.import_module(modname)
    aliases = {}
    for mixin in vars(module).values():
        if not (inspect.isclass(mixin) and mixin.__module__ == modname
                and mixin.__name__.startswith("_")):
            continue
        for sub in _subclasses(mixin):
            if sub.__name__.startswith("_"):
                continue
            for name in vars(mixin):
                if next(k for k in sub.__mro__ if name in vars(k)) is mixin:
                    aliases[f"{sub.__name__}.{name}"] = f"{mixin.__name__}.{name}"
    if not aliases:
        return None
    analyzer = ModuleAnalyzer.for_module(modname)
    analyzer.find_tags()
    tags = dict(analyzer.tags)
    tags.update({alias: tags[name] for alias, name in aliases.items() if name in tags})
    return analyzer.code, tags


def regenerate_screenshot(app):
    """The report screenshot of the README and the docs, from ``skmlq demo --html``."""
    if app.builder.name != "html":
        return
    sys.path.insert(0, str(Path(__file__).parent))
    from make_audit_report_png import regenerate_if_possible

    logger.info(regenerate_if_possible())


def setup(app):
    app.connect("builder-inited", write_cli_help)
    app.connect("builder-inited", regenerate_screenshot)
    app.connect("autodoc-process-docstring", add_attribute_targets, priority=600)
    app.connect("autodoc-skip-member", skip_member)
    app.connect("viewcode-find-source", viewcode_source)
