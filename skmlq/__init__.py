"""skmlq: find annotation errors in multi-label classification data.

Every example, and every class annotation of it, gets a score in [0, 1] of how
likely it is correct, computed from out-of-sample predicted probabilities.

Where to start, by task
-----------------------
- Audit a data set with any scikit-learn classifier:
  :class:`skmlq.MultilabelLabelQuality` (``fit``, then ``find_label_issues``,
  ``audit_summary``, ``audit_report``, ``estimate_errors``).
- Clean the training annotations, then train: :class:`skmlq.CleanMultilabelClassifier`.
- Score given out-of-sample probabilities, as cleanlab's functions do:
  :mod:`skmlq.rank` (scores), :mod:`skmlq.filter` (issues), :mod:`skmlq.dataset`
  (data set health).
- Review and apply fixes: :mod:`skmlq.report` (issue tables, review files).
- Plots and the HTML report: :mod:`skmlq.plotting`.
- Folds that keep rare classes in every fold: :mod:`skmlq.model_selection`.
- Data: :mod:`skmlq.datasets` (bundled yeast, ARFF reader); noise for experiments:
  :mod:`skmlq.benchmarking`.
- The command line: ``skmlq --help``.

The layers of the package, for contributors, are described in the documentation's
architecture page.
"""

from ._version import __version__

__all__ = [
    "__version__",
    "CleanMultilabelClassifier",
    "MultilabelLabelQuality",
    "get_label_quality_scores",
    "get_label_quality_scores_per_class",
]

# Imported on first use, so that ``import skmlq`` (and ``skmlq --help``) does not
# load scikit-learn, scipy and numpy up front.
_LAZY = {
    "CleanMultilabelClassifier": "._estimator",
    "MultilabelLabelQuality": "._estimator",
    "get_label_quality_scores": ".rank",
    "get_label_quality_scores_per_class": ".rank",
}


# The public subpackages, also imported on first use: ``import skmlq`` then
# ``skmlq.datasets.load_yeast()`` works like ``import skmlq.datasets``.
_SUBPACKAGES = ("benchmarking", "cli", "dataset", "datasets", "filter", "model_selection",
                "plotting", "rank", "report", "utils")


def __getattr__(name):
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)  # sets the attribute too
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | set(_SUBPACKAGES))
