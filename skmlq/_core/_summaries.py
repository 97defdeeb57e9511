"""Dataset-level counts of flagged annotations, from a per-class issue mask, and the
model's ranking quality per class from bounded summaries (histograms).

Inputs are trusted. Every (K, 2) array is indexed by side: column 0 the absent
side (the class is not annotated: a flag there means the class is *missing*),
column 1 the given side (the class is annotated: a flag there means it is *wrong*).
"""

import numpy as np
import scipy.sparse as sp

from ..utils._blocks import BLOCK_ELEMENTS, row_blocks
from ..utils._labels import indicator_block

__all__ = ["binned_ranking_quality", "health_score", "issue_counts",
           "probability_histograms"]


def issue_counts(Y, mask):
    """Flagged annotations per class and side, shape (K, 2), int64.

    Column 0 counts the absent annotations flagged (classes to add), column 1 the
    given annotations flagged (classes to remove).
    """
    n_samples, n_classes = mask.shape
    counts = np.zeros((n_classes, 2), dtype=np.int64)
    if sp.issparse(mask):  # a CSR mask of sparse predictions, with a CSR Y: O(nnz)
        rows = np.repeat(np.arange(n_samples, dtype=np.int64), np.diff(mask.indptr))
        cols = mask.indices.astype(np.int64)
        y_rows = np.repeat(np.arange(n_samples, dtype=np.int64), np.diff(Y.indptr))
        y_keys = (y_rows * n_classes + Y.indices)[np.asarray(Y.data, dtype=bool)]
        keys = rows * n_classes + cols
        pos = np.minimum(np.searchsorted(y_keys, keys), max(y_keys.size - 1, 0))
        given = (y_keys[pos] == keys) if y_keys.size else np.zeros(keys.size, dtype=bool)
        counts[:, 0] = np.bincount(cols[~given], minlength=n_classes)
        counts[:, 1] = np.bincount(cols[given], minlength=n_classes)
        return counts
    for start, stop in row_blocks(n_samples, n_classes):
        y = indicator_block(Y, start, stop)
        m = mask[start:stop]
        counts[:, 0] += np.count_nonzero(m & ~y, axis=0)
        counts[:, 1] += np.count_nonzero(m & y, axis=0)
    return counts


def health_score(mask):
    """Fraction of examples without any flagged annotation, as a numpy.float64."""
    flagged = np.diff(mask.indptr) > 0 if sp.issparse(mask) else mask.any(axis=1)
    return np.float64(1.0 - np.count_nonzero(flagged) / mask.shape[0])


def probability_histograms(Y, P, n_bins):
    """Per class, the counts of given and of all examples in ``n_bins`` equal bins of
    [0, 1]: two int64 arrays (K, n_bins), accumulated in row blocks (memory-mapped
    input is read once, in order; memory is O(K * n_bins), not O(N))."""
    n_samples, n_classes = P.shape
    given = np.zeros(n_classes * n_bins, dtype=np.int64)
    total = np.zeros(n_classes * n_bins, dtype=np.int64)
    offsets = np.arange(n_classes, dtype=np.int64) * n_bins
    # Every bincount returns all K * n_bins counts: blocks of at least that many
    # values keep its cost near the reading's (at the default block size and 50
    # classes it wrote 6.5 MB of counts for every 1 MB of probabilities read).
    for start, stop in row_blocks(n_samples, n_classes, max(BLOCK_ELEMENTS, total.size)):
        p = np.asarray(P[start:stop])
        bins = (p * n_bins).astype(np.int64)
        np.minimum(bins, n_bins - 1, out=bins)  # p == 1 goes into the last bin
        bins += offsets
        total += np.bincount(bins.ravel(), minlength=total.size)
        given += np.bincount(bins[indicator_block(Y, start, stop)], minlength=given.size)
    return given.reshape(n_classes, n_bins), total.reshape(n_classes, n_bins)


def binned_ranking_quality(given, total):
    """Average precision and AUROC per class from probability histograms.

    The definitions of ``average_precision_score`` and ``roc_auc_score`` with every
    bin taken as one tie group (the exact values when the probabilities within a bin
    are equal). Returns ``(ap, auc, auc_bound)``: ``auc_bound`` bounds the AUROC's
    error, half the share of (given, absent) pairs that fall in the same bin (the
    only pairs whose order the bins do not know). NaN for a class with no given or
    no absent example.
    """
    # In chunks of classes: the ten or so (classes, n_bins) temporaries of all 50
    # classes at 16,384 bins would hold about 60 MB, more than the rest of a
    # streamed command.
    n_classes, n_bins = given.shape
    out = np.full((3, n_classes), np.nan)
    for c0, c1 in row_blocks(n_classes, n_bins):
        out[:, c0:c1] = _binned_ranking_quality(given[c0:c1], total[c0:c1])
    return out[0], out[1], out[2]


def _binned_ranking_quality(given, total):
    pos = given[:, ::-1].astype(np.float64)  # highest probabilities first
    neg = (total - given)[:, ::-1].astype(np.float64)
    n_pos, n_neg = pos.sum(axis=1), neg.sum(axis=1)
    tp, seen = np.cumsum(pos, axis=1), np.cumsum(pos + neg, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(seen > 0, tp / np.maximum(seen, 1), 0.0)
        ap = (pos * precision).sum(axis=1) / n_pos
        above = tp - pos  # given examples in higher bins
        auc = (neg * (above + 0.5 * pos)).sum(axis=1) / (n_pos * n_neg)
        bound = 0.5 * (pos * neg).sum(axis=1) / (n_pos * n_neg)
    judged = (n_pos > 0) & (n_neg > 0)
    return (np.where(judged, ap, np.nan), np.where(judged, auc, np.nan),
            np.where(judged, bound, np.nan))
