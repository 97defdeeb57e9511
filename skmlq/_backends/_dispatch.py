"""Where the rows live: in memory (numpy, scipy.sparse, memory maps) or in dask chunks.

:func:`label_quality_scores` is the body of both public rank functions: dask
inputs go to ``_dask``, everything else is validated once
(:func:`check_scoring_inputs`) and scored by the one block driver.
"""

from .._core._aggregation import resolve_aggregator
from .._core._driver import score_blocks, scoring_thresholds
from ..utils._labels import check_labels
from ..utils._optional import uses_dask
from ..utils._validation import (
    check_n_classes, check_pred_probs, check_scoring_options, check_thresholds,
)
from ._dask import dask_label_quality_scores

__all__ = ["check_scoring_inputs", "label_quality_scores"]


def check_scoring_inputs(labels, pred_probs, method, adjust_pred_probs, thresholds=None,
                         n_classes=None):
    """Validate the inputs shared by every scoring entry point.

    Returns ``(Y, P, thresholds)`` where ``thresholds`` is None unless
    ``adjust_pred_probs`` is true; then it is the checked ``thresholds`` argument,
    or the confident thresholds of all rows if that is None. ``n_classes`` (of
    earlier batches), if given, is the number of columns ``pred_probs`` must have.
    """
    P = check_n_classes(check_pred_probs(pred_probs), n_classes, "earlier batches")
    Y = check_labels(labels, n_samples=P.shape[0], n_classes=P.shape[1])
    check_scoring_options(method, adjust_pred_probs, thresholds)
    if thresholds is not None:
        thresholds = check_thresholds(thresholds, P.shape[1])
    return Y, P, scoring_thresholds(Y, P, adjust_pred_probs, thresholds)


def label_quality_scores(labels, pred_probs, *, method, adjust_pred_probs, aggregator_kwargs,
                         thresholds, per_class, n_classes=None):
    """Aggregated (N,) or per-class (N, K) scores, lazy for dask inputs."""
    if uses_dask(labels, pred_probs):
        return dask_label_quality_scores(
            labels, pred_probs, method=method, adjust_pred_probs=adjust_pred_probs,
            aggregator_kwargs=aggregator_kwargs, thresholds=thresholds, per_class=per_class,
        )
    aggregate = None if per_class else resolve_aggregator(aggregator_kwargs)
    Y, P, thresholds = check_scoring_inputs(
        labels, pred_probs, method, adjust_pred_probs, thresholds, n_classes
    )
    return score_blocks(Y, P, method, thresholds, aggregate)
