"""Lazy scoring of dask arrays chunked by rows, with the same block core as numpy.

Each row chunk of ``pred_probs`` (with the matching rows of the labels) is
validated and scored by the very functions the in-memory path uses
(``check_pred_probs``, ``check_labels``, ``threshold_sums``, ``score_blocks``), so
results equal numpy's; a dask array's dtype is checked by the same helper on an
empty array of that dtype. ``adjust_pred_probs=True`` adds one reduction:
per-chunk threshold sums, added up and finalised by ``thresholds_from_sums``.

Chunks may be scipy.sparse matrices (``da.from_array(csr, chunks=(rows, K),
asarray=False)``, or ``map_blocks`` returning CSR): each chunk is then read as
sparse predictions with fill value 0 (or the fill of an in-memory
``FilledSparseMatrix`` matched to dask labels) and scored by the sparse core, so a
chunk costs O(its stored entries + K), never a dense block. Such chunks must hold
whole rows: the implicit entries of a row are folded into its score in one place.

dask is an optional dependency (``pip install "skmlq[dask]"``): this module never
imports it at import time, and :func:`uses_dask` only looks at ``sys.modules``
(an object cannot be a dask array unless dask is already imported).
"""

import numpy as np
import scipy.sparse as sp

from .._core._aggregation import resolve_aggregator
from .._core._driver import score_blocks
from .._core._thresholds import threshold_sums, thresholds_from_sums
from ..utils._errors import InputValueError
from ..utils._labels import check_labels, indicator_block
from ..utils._optional import import_dask_array, is_dask_array, is_sparse_dask_array
from ..utils._sparse import (
    FilledSparseMatrix, check_probabilities, check_sparse_row_chunks, is_sparse_probabilities,
)
from ..utils._validation import check_pred_probs, check_scoring_options, check_thresholds

__all__ = ["dask_confident_thresholds", "dask_label_quality_scores"]


def _check_known_shape(x, name):
    if any(np.isnan(n) for n in x.shape):
        raise InputValueError(
            f"{name} is a dask array with unknown chunk sizes (shape {x.shape}); call "
            f"{name}.compute_chunk_sizes() first so that rows can be matched."
        )


def _check_dask_pred_probs(P, name="pred_probs"):
    if P.ndim != 2:
        raise InputValueError(
            f"{name} is a dask array of shape {P.shape}; expected a 2-D array of shape "
            f"(n_samples, n_classes)."
        )
    _check_known_shape(P, name)
    # dtype and columns by the in-memory check on an empty array of the same kind;
    # the values are checked chunk by chunk when the result is computed.
    dtype = check_pred_probs(np.empty((0, P.shape[1]), dtype=P.dtype), name).dtype
    if P.dtype != dtype:
        P = P.astype(dtype)
    if is_sparse_dask_array(P):
        check_sparse_row_chunks(P, name)
    elif P.numblocks[1] != 1:
        # A row's K values must sit in one chunk (aggregation reads whole rows).
        P = P.rechunk({1: -1})
    return P


def _check_dask_labels(Y, shape, row_chunks, name="labels"):
    if Y.ndim != 2 or Y.dtype.kind not in "biuf":
        raise InputValueError(
            f"{name} is a dask array of shape {Y.shape} and dtype {Y.dtype}; a dask "
            f"{name} must be a 2-D 0/1 indicator array (bool or int), chunked by rows."
        )
    _check_known_shape(Y, name)
    if Y.shape != shape:
        raise InputValueError(
            f"{name} has shape {Y.shape} but pred_probs has shape {shape}; they must "
            f"describe the same examples and classes."
        )
    if is_sparse_dask_array(Y):
        check_sparse_row_chunks(Y, name)
    if Y.chunks != (row_chunks, (shape[1],)):
        Y = Y.rechunk((row_chunks, (shape[1],)))
    return Y


def _dask_indicator(Y, row_chunks, da, sparse=False):
    """A checked numpy/CSR indicator as a dask bool array with the given row chunks
    (of CSR chunks with ``sparse``: those of sparse predictions)."""
    if sparse:
        return da.from_array(sp.csr_matrix(Y), chunks=(row_chunks, -1), asarray=False)
    if not sp.issparse(Y):
        return da.from_array(Y, chunks=(row_chunks, -1))
    import dask

    Y_delayed = dask.delayed(Y)
    bounds = np.cumsum((0,) + tuple(row_chunks))
    blocks = [
        da.from_delayed(
            dask.delayed(indicator_block)(Y_delayed, int(start), int(stop)),
            shape=(int(stop - start), Y.shape[1]),
            dtype=bool,
            meta=np.empty((0, 0), dtype=bool),
        )
        for start, stop in zip(bounds[:-1], bounds[1:])
    ]
    return da.concatenate(blocks, axis=0)


def _dask_inputs(labels, pred_probs):
    """Return ``(Y, P, fill)`` with ``Y`` and ``P`` dask arrays of equal row chunks and
    one column chunk; ``fill`` is the (K,) fill value of sparse chunks (None for
    dense ones)."""
    da = import_dask_array()
    fill = None
    if is_dask_array(pred_probs):
        P = _check_dask_pred_probs(pred_probs)
        if is_sparse_dask_array(P):
            fill = np.zeros(P.shape[1])
    else:
        P_np = check_probabilities(pred_probs)
        row_chunks = "auto"
        if is_dask_array(labels):
            _check_known_shape(labels, "labels")
            row_chunks = labels.chunks[0]
        if is_sparse_probabilities(P_np):
            # In-memory sparse predictions beside dask labels: CSR row chunks, the
            # fill value passed along to every chunk.
            fill = P_np.fill
            P = da.from_array(P_np.matrix, chunks=(row_chunks, -1), asarray=False)
        else:
            P = da.from_array(P_np, chunks=(row_chunks, -1))
    if is_dask_array(labels):
        Y = _check_dask_labels(labels, P.shape, P.chunks[0])
    else:
        Y_checked = check_labels(labels, n_samples=P.shape[0], n_classes=P.shape[1],
                                 sparse=fill is not None)
        Y = _dask_indicator(Y_checked, P.chunks[0], da, sparse=fill is not None)
    return Y, P, fill


def _checked_chunk(P_chunk, Y_chunk, block_info, fill=None):
    """Validate one row chunk with the in-memory checks; name its first row on error.

    A sparse chunk (``fill`` given) becomes a ``FilledSparseMatrix`` and its labels
    a CSR indicator, as :func:`~skmlq.utils._sparse.check_probabilities` makes them.
    """
    start = block_info[0]["array-location"][0][0] if block_info else 0
    try:
        if fill is None:
            P = check_pred_probs(P_chunk)
        else:
            P = check_probabilities(P_chunk)
            P = FilledSparseMatrix._from_checked(P.indptr, P.indices, P.data, P.shape, fill)
        Y = check_labels(Y_chunk, n_samples=P.shape[0], n_classes=P.shape[1],
                         sparse=fill is not None)
    except (TypeError, ValueError) as exc:
        raise type(exc)(
            f"{exc} (in the dask chunk that starts at row {start}: the row number above "
            f"counts from that chunk's first row)"
        ) from None
    return Y, P


def _sums_chunk(P_chunk, Y_chunk, fill, block_info=None):
    Y, P = _checked_chunk(P_chunk, Y_chunk, block_info, fill)
    sum_pos, sum_all, n_pos = threshold_sums(Y, P)
    return np.stack([sum_pos, sum_all, n_pos.astype(np.float64)])[np.newaxis]


def _finalise_sums(sums, n_samples):
    return thresholds_from_sums(sums[0], sums[1], sums[2], n_samples)


def _lazy_thresholds(Y, P, fill, da):
    """The thresholds of all rows as a lazy (n_classes, 2) dask array (one reduction)."""
    n_samples, n_classes = P.shape
    partial = da.blockwise(
        _sums_chunk, "bsk", P, "bk", Y, "bk", fill, None,
        new_axes={"s": 3}, adjust_chunks={"b": 1},
        dtype=np.float64, meta=np.empty((0, 0, 0)),
    )
    sums = partial.sum(axis=0)
    return sums.map_blocks(
        _finalise_sums, n_samples, chunks=((n_classes,), (2,)), dtype=np.float64
    )


def _scores_chunk(P_chunk, Y_chunk, thresholds, method, aggregator_kwargs, per_class,
                  fill=None, block_info=None):
    Y, P = _checked_chunk(P_chunk, Y_chunk, block_info, fill)
    aggregate = None if per_class else resolve_aggregator(aggregator_kwargs)
    return score_blocks(Y, P, method, thresholds, aggregate)


def dask_confident_thresholds(labels, pred_probs):
    """Lazy :func:`~skmlq.rank.get_confident_thresholds` of dask inputs."""
    da = import_dask_array()
    Y, P, fill = _dask_inputs(labels, pred_probs)
    return _lazy_thresholds(Y, P, fill, da)


def dask_label_quality_scores(labels, pred_probs, *, method, adjust_pred_probs,
                              aggregator_kwargs, thresholds, per_class):
    """Lazy label quality scores (aggregated or per class) of dask inputs.

    Options are validated now (as the numpy path does); values of the arrays are
    validated chunk by chunk when the result is computed.
    """
    da = import_dask_array()
    check_scoring_options(method, adjust_pred_probs, thresholds)
    if not per_class:
        resolve_aggregator(aggregator_kwargs)
    Y, P, fill = _dask_inputs(labels, pred_probs)
    if per_class and fill is not None:
        raise InputValueError(
            "per-class scores of sparse dask chunks are not available: each chunk's "
            "would be a FilledSparseMatrix, which a dask array cannot hold. Score the "
            "predictions in memory (a scipy.sparse matrix or FilledSparseMatrix gives "
            "a FilledSparseMatrix of per-class scores), or take the aggregated scores "
            "of get_label_quality_scores."
        )
    if thresholds is not None:
        thresholds = check_thresholds(thresholds, P.shape[1])
    elif adjust_pred_probs:
        thresholds = _lazy_thresholds(Y, P, fill, da).to_delayed().ravel()[0]
    if per_class:
        return da.map_blocks(
            _scores_chunk, P, Y, thresholds, method, aggregator_kwargs, True,
            dtype=P.dtype, chunks=P.chunks, meta=np.empty((0, 0), dtype=P.dtype),
        )
    return da.map_blocks(
        _scores_chunk, P, Y, thresholds, method, aggregator_kwargs, False, fill,
        drop_axis=1, dtype=P.dtype, meta=np.empty((0,), dtype=P.dtype),
    )
