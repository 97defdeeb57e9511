"""Dataset-level counts of flagged annotations, from a per-class issue mask.

Inputs are trusted. Every (K, 2) array is indexed by side: column 0 the absent
side (the class is not annotated: a flag there means the class is *missing*),
column 1 the given side (the class is annotated: a flag there means it is *wrong*).
"""

import numpy as np
import scipy.sparse as sp

from ..utils._blocks import row_blocks
from ..utils._labels import indicator_block

__all__ = ["health_score", "issue_counts"]


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
