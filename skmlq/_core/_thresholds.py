"""Per-class confident thresholds ``[t0, t1]``: column 0 the absent side, column 1 the given.

Computed from additive sums over row blocks, so that batches (streaming) and dask
chunks reach exactly the in-memory thresholds. Inputs are trusted.
"""

import numpy as np

from ..utils._blocks import iter_blocks, row_blocks
from ..utils._labels import indicator_block, positives_per_class
from ..utils._sparse import FilledSparseMatrix
from ._sparse_union import sparse_threshold_sums

__all__ = ["confident_thresholds", "threshold_sums", "thresholds_from_sums"]

# Floor of the per-side thresholds (docs/architecture.rst, "Reference parity", rule T1).
_THRESHOLD_FLOOR = 2e-6
# Threshold of a side that no example is annotated with.
_EMPTY_SIDE_THRESHOLD = 2.0


def confident_thresholds(Y, P):
    """Per-class one-vs-rest thresholds ``[t0, t1]``, shape (n_classes, 2), float64.

    ``t1`` is the mean of ``p`` over the examples annotated with the class and
    ``t0`` the mean of ``1 - p`` over the others; a side without examples gets 2.
    Both are floored at 2e-6. Computed in one pass over row blocks with float64
    accumulators, whatever the dtype of ``P``.
    """
    return thresholds_from_sums(*threshold_sums(Y, P), P.shape[0])


def threshold_sums(Y, P):
    """Sums over the rows of ``(Y, P)`` that :func:`thresholds_from_sums` finalises.

    Returns ``(sum_pos, sum_all, n_pos)``, each of shape (n_classes,): the float64
    sum of ``p`` over the annotated examples of each class and over all examples,
    and the int64 number of annotated examples. Sums of several row ranges (batches,
    dask chunks) add up to the sums of their union, which is how the streaming and
    dask paths reach the in-memory thresholds.
    """
    if isinstance(P, FilledSparseMatrix):
        return (*sparse_threshold_sums(Y, P), positives_per_class(Y))
    n_samples, n_classes = P.shape

    def block_sums(start, stop):
        # C order: the summation order, hence the last bit, must not depend on layout.
        block = np.ascontiguousarray(P[start:stop])
        return (
            np.multiply(block, indicator_block(Y, start, stop)).sum(axis=0, dtype=np.float64),
            block.sum(axis=0, dtype=np.float64),
        )

    sum_pos = np.zeros(n_classes)
    sum_all = np.zeros(n_classes)
    # Added in block order, so the result is the same with or without threads.
    for block_pos, block_all in iter_blocks(block_sums, row_blocks(n_samples, n_classes)):
        sum_pos += block_pos
        sum_all += block_all
    return sum_pos, sum_all, positives_per_class(Y)


def thresholds_from_sums(sum_pos, sum_all, n_pos, n_samples):
    """Thresholds ``[t0, t1]`` (n_classes, 2) from the sums over all examples.

    ``n_pos`` is the number of annotated examples per class and ``n_samples`` the
    total number of examples the sums cover.
    """
    n_neg = n_samples - n_pos
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(n_pos > 0, sum_pos / n_pos, _EMPTY_SIDE_THRESHOLD)
        t0 = np.where(n_neg > 0, (n_neg - (sum_all - sum_pos)) / n_neg, _EMPTY_SIDE_THRESHOLD)
    return np.maximum(np.column_stack([t0, t1]), _THRESHOLD_FLOOR)
