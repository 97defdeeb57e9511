"""Where the rows live: in memory (numpy, scipy.sparse, memory maps) or in dask chunks.

:func:`label_quality_scores` is the body of both public rank functions: dask
inputs go to ``_dask``, everything else is validated once
(:func:`check_scoring_inputs`) and scored by the one block driver.
"""

from .._core._aggregation import resolve_aggregator
from .._core._driver import score_blocks, scoring_thresholds
from .._core._second_stage import fit_second_stage, second_stage_thresholds
from .._core._sparse_stage import sparse_fit_second_stage, sparse_stage_thresholds
from ..utils._defaults import (
    COOCCURRENCE, DEFAULT_COOCCURRENCE_C, DEFAULT_COOCCURRENCE_FOLDS,
    DEFAULT_COOCCURRENCE_NEIGHBORS, POSTERIOR_METHODS, SCORING_METHODS, SECOND_STAGE_METHODS,
)
from ..utils._errors import InputValueError
from ..utils._labels import check_labels
from ..utils._optional import uses_dask
from ..utils._sparse import check_probabilities, is_sparse_probabilities
from ..utils._validation import (
    check_cooccurrence_options, check_cooccurrence_params, check_n_classes,
    check_pred_probs, check_scoring_options, check_thresholds,
)
from ._dask import dask_label_quality_scores

__all__ = ["check_scoring_inputs", "check_second_stage_inputs", "label_quality_scores"]


def check_scoring_inputs(labels, pred_probs, method, adjust_pred_probs, thresholds=None,
                         n_classes=None, allow_sparse=False):
    """Validate the inputs shared by every scoring entry point.

    Returns ``(Y, P, thresholds)`` where ``thresholds`` is None unless
    ``adjust_pred_probs`` is true; then it is the checked ``thresholds`` argument,
    or the confident thresholds of all rows if that is None. ``n_classes`` (of
    earlier batches), if given, is the number of columns ``pred_probs`` must have.
    With ``allow_sparse``, sparse ``pred_probs`` become a checked
    ``FilledSparseMatrix`` (and ``Y`` a CSR matrix); otherwise they are an error
    that asks for dense predictions (entry points whose outputs are dense).
    """
    check = check_probabilities if allow_sparse else check_pred_probs
    P = check_n_classes(check(pred_probs), n_classes, "earlier batches")
    Y = check_labels(labels, n_samples=P.shape[0], n_classes=P.shape[1],
                     sparse=is_sparse_probabilities(P))
    check_scoring_options(method, adjust_pred_probs, thresholds)
    if thresholds is not None:
        thresholds = check_thresholds(thresholds, P.shape[1])
    return Y, P, scoring_thresholds(Y, P, adjust_pred_probs, thresholds)


def check_second_stage_inputs(labels, pred_probs, adjust_pred_probs, thresholds=None,
                              cooccurrence_params=None, random_state=0,
                              method=COOCCURRENCE, check_count=False, allow_sparse=False):
    """Validate the inputs of a second-stage ``method``; fit its stage if not given.

    Returns ``(Y, P, thresholds, params)``: the thresholds are those of the
    second-stage probabilities (None unless ``adjust_pred_probs``). ``check_count``
    is passed to the fit, for callers that report the expected count. With
    ``allow_sparse``, sparse ``pred_probs`` become a checked ``FilledSparseMatrix``
    (and ``Y`` a CSR matrix), fitted and scored in O(stored entries)
    (``_sparse_stage``).
    """
    P = (check_probabilities if allow_sparse else check_pred_probs)(pred_probs)
    sparse = is_sparse_probabilities(P)
    Y = check_labels(labels, n_samples=P.shape[0], n_classes=P.shape[1], sparse=sparse)
    check_scoring_options(method, adjust_pred_probs, thresholds, methods=SCORING_METHODS)
    if thresholds is not None:
        thresholds = check_thresholds(thresholds, P.shape[1])
    if cooccurrence_params is None:
        options = check_cooccurrence_options(
            DEFAULT_COOCCURRENCE_C, DEFAULT_COOCCURRENCE_FOLDS, random_state,
            DEFAULT_COOCCURRENCE_NEIGHBORS,
        )
        fit = sparse_fit_second_stage if sparse else fit_second_stage
        cooccurrence_params = fit(Y, P, *options, check_count=check_count)
    else:
        check_cooccurrence_params(cooccurrence_params, P.shape[1])
    if adjust_pred_probs and thresholds is None:
        thresholds = (sparse_stage_thresholds if sparse else second_stage_thresholds)(
            Y, P, cooccurrence_params)
    return Y, P, thresholds, cooccurrence_params


def label_quality_scores(labels, pred_probs, *, method, adjust_pred_probs, aggregator_kwargs,
                         thresholds, per_class, n_classes=None, cooccurrence_params=None):
    """Aggregated (N,) or per-class (N, K) scores, lazy for dask inputs."""
    check_scoring_options(method, adjust_pred_probs, thresholds, methods=SCORING_METHODS,
                          cooccurrence_params=cooccurrence_params)
    if method in SECOND_STAGE_METHODS:
        if uses_dask(labels, pred_probs):
            raise InputValueError(
                f"method={method!r} is not available for dask inputs; compute the "
                f"arrays (or score them in memory-mapped form) instead."
            )
        aggregate = None if per_class else resolve_aggregator(aggregator_kwargs)
        Y, P, thresholds, params = check_second_stage_inputs(
            labels, pred_probs, adjust_pred_probs, thresholds, cooccurrence_params,
            method=method, allow_sparse=True,
        )
        scorer = method if method in POSTERIOR_METHODS else "self_confidence"
        return score_blocks(Y, P, scorer, thresholds, aggregate, second_stage=params)
    if uses_dask(labels, pred_probs):
        return dask_label_quality_scores(
            labels, pred_probs, method=method, adjust_pred_probs=adjust_pred_probs,
            aggregator_kwargs=aggregator_kwargs, thresholds=thresholds, per_class=per_class,
        )
    aggregate = None if per_class else resolve_aggregator(aggregator_kwargs)
    Y, P, thresholds = check_scoring_inputs(
        labels, pred_probs, method, adjust_pred_probs, thresholds, n_classes, allow_sparse=True
    )
    return score_blocks(Y, P, method, thresholds, aggregate)
