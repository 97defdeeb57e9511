"""Conversion of every accepted multi-label ``labels`` form to one representation.

Every public entry point (``skmlq.rank``, ``skmlq.filter``, ``skmlq.dataset``, the
splitter, the estimator and the command line) calls :func:`check_labels` once, at
the boundary (the estimator and the command line first map class *names* to
column indices). The result is either the caller's dense array (never copied,
never written) or a CSR matrix built from a list of lists or a sparse input. Consumers
read row blocks of it as boolean arrays with :func:`indicator_block`, which keeps
peak memory proportional to the block, not to N x K.
"""

from __future__ import annotations

from itertools import chain
from numbers import Integral
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from . import _blocks
from ._blocks import row_blocks
from ._errors import InputTypeError, InputValueError
from ._sparse import gather_sparse_chunks
from ._validation import as_numeric_array, first_offending

if TYPE_CHECKING:
    from ._typing import Labels

__all__ = ["check_labels", "indicator_block", "labels_to_indicator", "positives_per_class"]

_ACCEPTED = (
    "a list of lists of integer class indices (e.g. [[1], [0, 2], []]), a dense "
    "(n_samples, n_classes) 0/1 indicator array, or a scipy.sparse 0/1 indicator matrix"
)


def _raise_bad_index(flat, indptr, n_classes, name):
    """Raise the error for the first entry of ``flat`` that is not a class index."""
    limit = "n_classes" if n_classes is None else n_classes
    for j, v in enumerate(flat):
        row = int(np.searchsorted(indptr, j, side="right") - 1)
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, Integral):
            raise InputTypeError(
                f"{name}[{row}] contains {v!r} of type {type(v).__name__}; class "
                f"indices must be integers in [0, {limit}). Accepted forms: {_ACCEPTED}."
            )
        if n_classes is not None and not 0 <= v < n_classes:
            break
    else:  # every entry is an integer, so one is too large for an index array
        row, v = 0, max(flat)
        j = flat.index(v)
        row = int(np.searchsorted(indptr, j, side="right") - 1)
    raise InputValueError(
        f"{name}[{row}] contains class index {v}, but there are {limit} classes "
        f"(pred_probs has {limit} columns); class indices must be integers in [0, {limit})."
    )


def _as_index_array(flat):
    """``flat`` as an int64 array, or None if some entry is not an integer index.

    The sum of the entries is an integer only if every entry is one (a float makes it
    a float, a non-number raises); that check is about 5x cheaper than the type
    discovery of ``np.asarray`` and lets ``np.fromiter``, which would silently
    truncate 1.5 to 1, do the conversion. A list starting with a bool is taken for a
    row of an indicator and rejected.
    """
    if not flat:
        return np.zeros(0, dtype=np.int64)
    # The set of types is collected at C speed; a bool anywhere (True is an int to
    # Python) or a non-integer makes the slow path find and name it.
    if not all(issubclass(t, Integral) and not issubclass(t, (bool, np.bool_))
               for t in set(map(type, flat))):
        return None
    try:
        return np.fromiter(flat, dtype=np.int64, count=len(flat))
    except (TypeError, ValueError, OverflowError):
        return None


# Rows of a list of lists: sequences of class indices. A str, bytes, dict or set has
# a length and iterates, but means something else (characters, bytes, keys, no order).
_ROW_TYPES = (list, tuple, np.ndarray, range)


def _list_of_lists_to_csr(labels, n_classes, name):
    rows = labels if isinstance(labels, (list, tuple)) else list(labels)
    lengths = None
    if all(issubclass(t, _ROW_TYPES) for t in set(map(type, rows))):
        try:
            lengths = np.fromiter(map(len, rows), dtype=np.intp, count=len(rows))
        except TypeError:  # a 0-d array
            pass
    if lengths is None:
        for i, row in enumerate(rows):
            if not isinstance(row, _ROW_TYPES) or isinstance(row, np.ndarray) and row.ndim != 1:
                raise InputTypeError(
                    f"{name}[{i}] is {row!r} of type {type(row).__name__}; each entry of "
                    f"{name} must be a list of class indices (an empty list means no "
                    f"class applies). For one class per example, pass [[c] for c in "
                    f"{name}]. Accepted forms: {_ACCEPTED}."
                )
    indptr = np.zeros(len(rows) + 1, dtype=np.intp)
    np.cumsum(lengths, out=indptr[1:])
    flat = list(chain.from_iterable(rows))
    indices = _as_index_array(flat)
    if indices is None:
        _raise_bad_index(flat, indptr, n_classes, name)
    if n_classes is None:
        n_classes = int(indices.max()) + 1 if indices.size else 0
    out_of_range = (indices < 0) | (indices >= n_classes)
    if out_of_range.any():
        bad = int(np.flatnonzero(out_of_range)[0])
        row = int(np.searchsorted(indptr, bad, side="right") - 1)
        raise InputValueError(
            f"{name}[{row}] contains class index {int(indices[bad])}, but there are "
            f"{n_classes} classes (pred_probs has {n_classes} columns); class indices "
            f"must be integers in [0, {n_classes})."
        )
    data = np.ones(indices.size, dtype=bool)
    Y = sp.csr_matrix(
        (data, indices.astype(np.int32 if n_classes < 2**31 else np.int64), indptr),
        shape=(len(rows), n_classes),
    )
    # Duplicate indices within a row ([1, 1]) mean the same as one occurrence.
    Y.sum_duplicates()
    Y.data[:] = True
    return Y


def _sparse_to_csr(labels, name):
    """Any scipy.sparse indicator as CSR, with the stored values checked first.

    Stored duplicates of an entry mean one annotation, as ``[1, 1]`` in a list does,
    in every format: scipy's conversions to CSR would add them up (two stored 1s
    becoming a 2), so non-CSR formats are checked and or-ed entry by entry.
    """
    if labels.format == "csr":
        return sp.csr_matrix(labels)  # shares data with the caller's matrix
    coo = labels.tocoo()  # duplicates kept
    if coo.dtype.kind not in "biuf":
        raise InputTypeError(
            f"{name} is a sparse matrix of dtype {coo.dtype}; expected 0/1 values."
        )
    data = coo.data
    bad = (data != 0) & (data != 1)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputValueError(
            f"{name} has value {data[pos].item()!r} at row {int(coo.row[pos])}, column "
            f"{int(coo.col[pos])}; an indicator matrix may only contain 0 and 1."
        )
    given = data != 0
    Y = sp.csr_matrix((np.ones(int(given.sum()), dtype=bool),
                       (coo.row[given], coo.col[given])), shape=coo.shape)
    Y.data[:] = True  # summed duplicates of True
    return Y


def _check_columns(Y, n_classes, name, what):
    """Raise unless the indicator ``Y`` (``what``, for the message) has one column per
    class of pred_probs (``n_classes``; None when unknown)."""
    if n_classes is not None and Y.shape[1] != n_classes:
        raise InputValueError(
            f"{name} is {what} of shape {Y.shape}, but pred_probs has "
            f"{n_classes} columns; the indicator must have one column per class."
        )


def _check_sparse(labels, n_classes, name):
    Y = _sparse_to_csr(labels, name)
    _check_columns(Y, n_classes, name, "a sparse indicator")
    if Y.dtype.kind not in "biuf":
        raise InputTypeError(f"{name} is a sparse matrix of dtype {Y.dtype}; expected 0/1 values.")
    # Boolean data is 0/1 by construction; skipping it avoids two nnz-sized masks.
    bad = None if Y.dtype == bool else (Y.data != 0) & (Y.data != 1)
    if bad is not None and bad.any():
        pos = int(np.flatnonzero(bad)[0])
        row = int(np.searchsorted(Y.indptr, pos, side="right") - 1)
        raise InputValueError(
            f"{name} has value {Y.data[pos].item()!r} at row {row}, column {int(Y.indices[pos])}; "
            f"an indicator matrix may only contain 0 and 1."
        )
    if Y.dtype != bool or not Y.has_canonical_format or not Y.data[:Y.nnz].all():
        # A copy (never touch the caller's matrix) without stored False entries: the
        # counts per class read the stored indices.
        Y = Y.astype(bool)
        Y.eliminate_zeros()
        Y.sum_duplicates()
    return Y


def _check_dense(Y, n_classes, name):
    if Y.dtype.kind not in "biuf":
        raise InputTypeError(
            f"{name} is an array of dtype {Y.dtype}; an indicator array must be numeric "
            f"0/1 (bool or int). Accepted forms: {_ACCEPTED}."
        )
    _check_columns(Y, n_classes, name, "an indicator array")
    if Y.dtype.kind != "b":
        for start, stop in row_blocks(Y.shape[0], Y.shape[1]):
            block = Y[start:stop]
            bad = (block != 0) & (block != 1)
            if bad.any():
                i, j = first_offending(bad)
                raise InputValueError(
                    f"{name} has value {block[i, j].item()!r} at row {start + i}, column {j}; "
                    f"an indicator array may only contain 0 and 1."
                )
    return Y


def check_labels(labels, *, n_samples=None, n_classes=None, name="labels", sparse=False):
    """Validate ``labels`` and return a dense array or a CSR matrix of 0/1 values.

    Parameters
    ----------
    labels : list of lists of int, array-like of shape (n_samples, n_classes) or sparse matrix
        Class indices per example, or a 0/1 indicator. Python lists and tuples are
        always read as lists of class indices; numpy arrays with two dimensions and
        numeric dtype as indicators; ragged (object) arrays as lists of indices.
    n_samples : int, default=None
        Expected number of examples (``len(pred_probs)``), checked if given.
    n_classes : int, default=None
        Number of classes K (``pred_probs.shape[1]``). If None it is inferred: the
        largest index plus one for lists, the number of columns for indicators.
    name : str, default="labels"
        Argument name used in error messages.
    sparse : bool, default=False
        Always return a CSR matrix (a dense indicator is converted): what the
        scoring core of sparse predictions reads.

    Returns
    -------
    Y : ndarray or scipy.sparse.csr_matrix of shape (n_samples, n_classes)
        The caller's dense array unchanged (any 0/1-valued numeric dtype), or a
        boolean CSR matrix with sorted, unique indices. Read it with
        :func:`indicator_block`.
    """
    labels = gather_sparse_chunks(labels, name)  # dask sparse row chunks: one CSR matrix
    if sp.issparse(labels):
        Y = _check_sparse(labels, n_classes, name)
    elif isinstance(labels, (list, tuple)):
        Y = _list_of_lists_to_csr(labels, n_classes, name)
    else:
        Y = as_numeric_array(labels, name)
        if Y.dtype == object and Y.ndim == 1:
            Y = _list_of_lists_to_csr(list(Y), n_classes, name)
        elif Y.ndim == 2:
            Y = _check_dense(Y, n_classes, name)
        else:
            raise InputValueError(
                f"{name} is an array of shape {Y.shape}; expected {_ACCEPTED}. For one "
                f"class per example, pass [[c] for c in {name}]."
            )
    if n_samples is not None and Y.shape[0] != n_samples:
        raise InputValueError(
            f"{name} has {Y.shape[0]} examples but pred_probs has {n_samples} rows; "
            f"they must describe the same examples."
        )
    if sparse and not sp.issparse(Y):
        Y = sp.csr_matrix(Y, dtype=bool)  # a copy; only the nonzero entries are stored
    return Y


def indicator_block(Y, start, stop):
    """Rows ``start:stop`` of a checked indicator as a boolean ndarray."""
    if sp.issparse(Y) and Y.format == "csr" and Y.has_canonical_format:
        # Direct scatter of the rows' entries: several times faster than slicing the
        # matrix and calling toarray() for the small blocks of the scoring loop.
        n_rows, n_classes = stop - start, Y.shape[1]
        indptr = Y.indptr[start : stop + 1]
        lo, hi = indptr[0], indptr[-1]
        flat = np.repeat(np.arange(0, n_rows * n_classes, n_classes), indptr[1:] - indptr[:-1])
        flat += Y.indices[lo:hi]
        block = np.zeros(n_rows * n_classes, dtype=bool)
        block[flat] = Y.data[lo:hi]
        return block.reshape(n_rows, n_classes)
    if sp.issparse(Y):
        return Y[start:stop].toarray().astype(bool, copy=False)
    block = Y[start:stop]
    return block if block.dtype == bool else block.astype(bool)


def positives_per_class(Y):
    """Number of examples annotated with each class, shape (n_classes,), int64."""
    counts = np.zeros(Y.shape[1], dtype=np.int64)
    if sp.issparse(Y):
        # bincount copies int32 indices to intp: count in slices so that the copy
        # stays block-sized instead of growing with the number of annotations.
        step = _blocks.BLOCK_ELEMENTS
        for start in range(0, Y.indices.size, step):
            counts += np.bincount(Y.indices[start:start + step], minlength=Y.shape[1])
        return counts
    for start, stop in row_blocks(Y.shape[0], Y.shape[1]):
        counts += np.count_nonzero(Y[start:stop], axis=0)
    return counts


def labels_to_indicator(labels: Labels, n_classes: int | None = None) -> np.ndarray:
    """Convert any accepted ``labels`` form to a dense boolean indicator array.

    Parameters
    ----------
    labels : list of lists of int, array-like of shape (n_samples, n_classes) or sparse matrix
        Class indices per example, or a 0/1 indicator.
    n_classes : int, default=None
        Number of classes; inferred from ``labels`` if None.

    Returns
    -------
    indicator : ndarray of shape (n_samples, n_classes), dtype bool

    Examples
    --------
    >>> from skmlq.utils import labels_to_indicator
    >>> labels_to_indicator([[1], [0, 2], []])
    array([[False,  True, False],
           [ True, False,  True],
           [False, False, False]])
    """
    Y = check_labels(labels, n_classes=n_classes)
    return Y.toarray() if sp.issparse(Y) else np.array(Y, dtype=bool)
