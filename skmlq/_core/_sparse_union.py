"""The explicit entries of sparse predictions and labels, by row blocks.

``P`` is a checked :class:`~skmlq.utils._sparse.FilledSparseMatrix`, ``Y`` a checked
CSR indicator. An entry is *explicit* if ``P`` stores it or ``Y`` annotates it; every
other entry of class k is *implicit*: ``p = fill[k]``, ``y = 0``. The passes of the
sparse core (``_sparse``, the thresholds, confident learning) read the explicit
entries of one row block at a time, so their temporaries stay block-sized.
"""

import numpy as np

from ..utils._blocks import BLOCK_ELEMENTS, iter_blocks

__all__ = ["sparse_blocks", "sparse_threshold_sums", "union_block"]


def sparse_blocks(P, Y, target=BLOCK_ELEMENTS):
    """Row blocks ``[(start, stop), ...]`` of about ``target`` explicit entries each."""
    n_samples = P.shape[0]
    if n_samples == 0:
        return []
    weight = P.indptr.astype(np.int64) + Y.indptr + np.arange(n_samples + 1)
    cuts = np.searchsorted(weight, np.arange(target, int(weight[-1]), target))
    bounds = np.unique(np.concatenate([[0], cuts, [n_samples]]))
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))


def _entries(indptr, start, stop):
    """Local row of each stored entry of rows start:stop, and the entry range."""
    lo, hi = int(indptr[start]), int(indptr[stop])
    rows = np.repeat(np.arange(stop - start, dtype=np.int64), np.diff(indptr[start:stop + 1]))
    return rows, lo, hi


def union_block(P, Y, start, stop):
    """Explicit entries of rows ``start:stop`` in canonical (row, column) order.

    Returns ``(indptr, cols, p, y)``: ``indptr`` (n + 1,) local row pointers, ``cols``
    int64 columns, ``p`` the probabilities (the stored value, or the fill value of an
    annotated class not stored) in the dtype of ``P``, ``y`` the bool annotations.
    """
    n_classes = P.shape[1]
    prow, plo, phi = _entries(P.indptr, start, stop)
    pcol = P.indices[plo:phi].astype(np.int64)
    yrow, ylo, yhi = _entries(Y.indptr, start, stop)
    ycol = Y.indices[ylo:yhi].astype(np.int64)
    given = np.asarray(Y.data[ylo:yhi], dtype=bool)
    if not given.all():  # explicit False entries of a boolean CSR
        yrow, ycol = yrow[given], ycol[given]
    pkey = prow * n_classes + pcol
    ykey = yrow * n_classes + ycol
    pos = np.searchsorted(pkey, ykey)
    found = pos < pkey.size
    found[found] = pkey[pos[found]] == ykey[found]
    y_stored = np.zeros(pkey.size, dtype=bool)
    y_stored[pos[found]] = True
    only = ~found
    okey, ocol = ykey[only], ycol[only]
    # Merge the two sorted key lists (disjoint) into canonical order: an annotation not
    # stored goes where its key would be inserted among the stored ones (``pos``), and
    # each stored entry moves up by the number of those inserted before it.
    inserted = pos[only]
    dest_o = np.arange(okey.size) + inserted
    dest_p = np.arange(pkey.size)
    if okey.size:
        dest_p += np.cumsum(np.bincount(inserted, minlength=pkey.size + 1))[:pkey.size]
    size = pkey.size + okey.size
    cols = np.empty(size, dtype=np.int64)
    cols[dest_p] = pcol
    cols[dest_o] = ocol
    p = np.empty(size, dtype=P.dtype)
    p[dest_p] = P.data[plo:phi]
    p[dest_o] = P.fill[ocol]
    y = np.ones(size, dtype=bool)
    y[dest_p] = y_stored
    counts = np.bincount(prow, minlength=stop - start)
    counts += np.bincount(yrow[only], minlength=stop - start)
    indptr = np.zeros(stop - start + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr, cols, p, y


# --------------------------------------------------------------------------- thresholds
def sparse_threshold_sums(Y, P):
    """``(sum_pos, sum_all)`` of ``_thresholds.threshold_sums`` in O(nnz).

    Implicit entries add ``fill[k]`` to ``sum_all`` once per example that holds
    neither a stored probability nor an annotation of class k.
    """
    n_samples, n_classes = P.shape

    def block_sums(start, stop):
        _, cols, p, y = union_block(P, Y, start, stop)
        return (np.bincount(cols[y], weights=p[y], minlength=n_classes),
                np.bincount(cols, weights=p, minlength=n_classes),
                np.bincount(cols, minlength=n_classes))

    sum_pos = np.zeros(n_classes)
    sum_all = np.zeros(n_classes)
    n_explicit = np.zeros(n_classes, dtype=np.int64)
    for block_pos, block_all, block_n in iter_blocks(block_sums, sparse_blocks(P, Y)):
        sum_pos += block_pos
        sum_all += block_all
        n_explicit += block_n
    sum_all += P.fill.astype(P.dtype).astype(np.float64) * (n_samples - n_explicit)
    return sum_pos, sum_all
