"""skmlq: find annotation errors in multi-label classification data.

Every example, and every class annotation of it, gets a score in [0, 1] of how
likely it is correct, computed from out-of-sample predicted probabilities.

Map of the package
------------------
The layers, bottom to top. A module imports only from its own layer or the layers
below it, and there is no import cycle (``tests/test_layers.py`` walks the imports
and fails otherwise; it also holds the rules of the estimator, of
``skmlq.benchmarking`` and of ``skmlq.cli`` below).

1. ``skmlq.utils`` (and ``skmlq._version``) -- foundations, importing nothing
   else of skmlq.
   ``_validation`` holds **every check of user input and options** (bool,
   interval, choices, ``pred_probs``, thresholds, first offending row/column);
   ``_labels`` the **one label conversion** (``check_labels``: lists of class
   indices, dense or sparse indicators -> one checked indicator); ``_blocks`` the
   row blocks and the thread pool; ``_optional`` the imports of pandas,
   matplotlib and dask; ``_docstrings`` shared parameter docs; ``_warnings`` the
   warning helper (attributed to the caller's line); ``_errors`` the exception
   classes of bad input (``InputValueError``, ``InputTypeError``); ``_defaults``
   the **one home of every default value**. The public ``skmlq.utils`` exports
   the format helpers (``labels_to_indicator``).
2. ``skmlq._core`` -- the numerical core; it **trusts its inputs**. **All
   formulas live here**: ``_scoring`` (per-class scores), ``_thresholds``
   (confident thresholds), ``_aggregation`` (aggregation kernels),
   ``_driver`` (``score_blocks``, the one block driver every score goes
   through), ``_cooccurrence`` (the second stage of ``method="cooccurrence"``),
   ``_error_proba`` (the noise model of the error probabilities and of
   ``method="noise_posterior"``), ``_single_error`` (the one-error mixture of
   ``method="single_error"``), ``_second_stage`` (fits the stage and both in
   one first pass),
   ``_confident_learning`` (counting, calibrated joint, budgets, issue masks),
   ``_summaries`` (dataset counts, health score), ``_verdict`` (the one verdict
   of every audit view: flags, suggested changes, order, expected count),
   ``_count`` (whether the noise model pins the expected count down), ``_noise`` (seeded noise
   kernels: the errors the estimator's ``score`` injects and the generators of
   ``skmlq.benchmarking`` draw). New scoring methods or error
   probabilities go here, as a module per concept, called through ``_driver``.
3. ``skmlq._backends`` -- where the rows live: ``_dispatch`` (in memory, the
   validation of scoring inputs), ``_dask`` (lazy dask chunks), ``_streaming``
   (batches: ``LabelQualityScorer``).
4. Public API -- thin public ``__init__`` files with ``__all__`` over private
   modules: ``skmlq.rank``, ``skmlq.filter`` (``_api``: option checks and warning
   policy), ``skmlq.dataset`` (``_tables``: the only place cleanlab's column
   names appear), ``skmlq.plotting``, ``skmlq.model_selection`` (the splitter),
   ``skmlq.datasets`` (the bundled yeast data, ``_base``, and the ARFF reader,
   ``_arff``), ``skmlq._estimator`` (``MultilabelLabelQuality``, in
   ``_estimator``, composed of a mixin per job: ``_fit``, ``_scoring``,
   ``_reports`` on ``_base``; with ``_targets``, ``_proba``, ``_cross_fit``,
   ``_progress``, ``_error_estimate``) and
   ``skmlq.report`` (the issue report ``_build``, ``_apply`` of suggested fixes,
   ``_review`` files, ``_summary``: model quality and the audit summary). New
   public modules (displays) belong to this layer, as a subpackage each;
   displays and HTML reports go in ``skmlq.plotting``. ``skmlq.benchmarking``
   holds the seeded noise generators and detection metrics (``_noise``,
   ``_metrics``); it is the measuring tool, so it imports only ``_core`` and
   ``utils``, and the estimator never imports it.
5. ``skmlq.cli`` -- the command line (``skmlq``, ``python -m skmlq``); it uses
   the public API (its packages, their private modules included) and ``utils``,
   not ``_core`` or ``_backends`` (``skmlq score``'s use of the block driver is
   the listed exception).

Vocabulary: an annotation's side is **given** (y=1) or **absent** (y=0); every
array of shape (K, 2) indexed by side has column 0 = absent, column 1 = given. A
wrong annotation is **wrong** (given, should be removed: ``to_remove``) or
**missing** (absent, should be added: ``to_add``). The rules that reproduce the
reference implementation to the last example are in ``docs/architecture.rst``.
"""

from ._version import __version__

__all__ = [
    "__version__",
    "MultilabelLabelQuality",
    "get_label_quality_scores",
    "get_label_quality_scores_per_class",
]

# Imported on first use, so that ``import skmlq`` (and ``skmlq --help``) does not
# load scikit-learn, scipy and numpy up front.
_LAZY = {
    "MultilabelLabelQuality": "._estimator",
    "get_label_quality_scores": ".rank",
    "get_label_quality_scores_per_class": ".rank",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
