"""Per-class confident thresholds as a public, reusable value.

``adjust_pred_probs=True`` needs thresholds computed from *all* rows. Exposing them
lets a caller compute them once (in a first pass over a memory-mapped file, over
the batches of a data loader, or lazily with dask) and pass them back through the
``thresholds=`` keyword of the rank functions when scoring a part of the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._backends._dask import dask_confident_thresholds
from .._core._thresholds import confident_thresholds
from ..utils._labels import check_labels
from ..utils._optional import uses_dask
from ..utils._sparse import check_probabilities, is_sparse_probabilities

if TYPE_CHECKING:
    import numpy as np

    from ..utils._typing import Labels, ProbabilityArray

__all__ = ["get_confident_thresholds"]


def get_confident_thresholds(labels: Labels, pred_probs: ProbabilityArray) -> np.ndarray:
    """Per-class one-vs-rest confident thresholds used by ``adjust_pred_probs=True``.

    For class k, ``t1`` (the given side, column 1) is the mean predicted
    probability ``p`` over the examples annotated with k, and ``t0`` (the absent
    side, column 0) the mean of ``1 - p`` over the examples not annotated with k;
    a side without any example gets 2, and both are floored at 2e-6. This is the
    quantity cleanlab returns from ``get_confident_thresholds(..., multi_label=True)``.

    Parameters
    ----------
    labels : list of lists of int, array-like of shape (n_samples, n_classes) or \
sparse matrix
        The given annotations: class indices per example, or a 0/1 indicator
        (dense, scipy.sparse or a dask array chunked by rows).
    pred_probs : array-like, sparse matrix or FilledSparseMatrix of shape \
(n_samples, n_classes)
        Out-of-sample predicted probability that each class applies. A dask array
        chunked by rows gives a lazy result. Sparse predictions (see
        :class:`~skmlq.utils.FilledSparseMatrix`) cost O(nnz).

    Returns
    -------
    thresholds : ndarray of shape (n_classes, 2), float64
        Row k is ``[t0, t1]`` of class k. A lazy dask array if either input is one.

    See Also
    --------
    get_label_quality_scores : Pass ``thresholds=`` together with
        ``adjust_pred_probs=True`` to score a subset of rows with thresholds fitted
        on all of them.
    LabelQualityScorer : Fits the same thresholds over batches.

    Notes
    -----
    Computed in one pass over row blocks with float64 accumulators, so
    memory-mapped inputs larger than RAM are fine.

    Examples
    --------
    >>> from skmlq.rank import get_confident_thresholds, get_label_quality_scores
    >>> labels = [[1], [0, 2], [0]]
    >>> pred_probs = [[0.1, 0.9, 0.1], [0.4, 0.1, 0.9], [0.8, 0.3, 0.2]]
    >>> thresholds = get_confident_thresholds(labels, pred_probs)
    >>> thresholds
    array([[0.9 , 0.6 ],
           [0.8 , 0.9 ],
           [0.85, 0.9 ]])
    >>> get_label_quality_scores(labels[:2], pred_probs[:2], adjust_pred_probs=True,
    ...                          thresholds=thresholds)
    array([0.7209..., 0.6042...])
    """
    if uses_dask(labels, pred_probs):
        return dask_confident_thresholds(labels, pred_probs)
    P = check_probabilities(pred_probs)
    Y = check_labels(labels, n_samples=P.shape[0], n_classes=P.shape[1],
                     sparse=is_sparse_probabilities(P))
    return confident_thresholds(Y, P)
