"""Sparse predicted probabilities: a stored part and one value for every entry not stored.

Models of extreme multi-label classification (10^4 to 10^6 classes) return only the
top-k scores of each example, as a scipy.sparse matrix or as a pair of (indices,
scores) arrays. :class:`FilledSparseMatrix` holds such predictions together with the
rule for the entries it does not list (``fill_value``: one probability for every
unlisted entry, or one per class), so that every skmlq entry point reads the same
(n_samples, n_classes) matrix as the dense array it stands for, without ever
building that array.

:func:`check_probabilities` is the boundary of every entry point that accepts sparse
predictions: dense input goes to ``check_pred_probs``, sparse input is read into a
checked, canonical :class:`FilledSparseMatrix` (CSR arrays with sorted, unique column
indices per row, float32 or float64 values in [0, 1]). The checks themselves are in
``_validation``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._errors import InputValueError
from ._optional import is_sparse_dask_array
from ._validation import (
    check_fill_value, check_pred_probs, check_sparse_probabilities, check_top_k,
)

__all__ = ["FilledSparseMatrix", "canonical_csr", "check_probabilities",
           "check_sparse_row_chunks", "csr_entries", "gather_sparse_chunks",
           "is_sparse_probabilities", "values_at"]


class FilledSparseMatrix:
    """A sparse (n_samples, n_classes) matrix whose unstored entries equal a fill value.

    Use it to pass sparse predicted probabilities, such as the top-k scores of an
    extreme multi-label model, to skmlq, with an explicit rule for the entries not
    listed. A plain scipy.sparse matrix passed as ``pred_probs`` means
    ``FilledSparseMatrix(matrix, fill_value=0)``: an unlisted class was not predicted.
    The per-class scores of sparse predictions are returned in this form too.

    Parameters
    ----------
    matrix : scipy.sparse matrix or array of shape (n_samples, n_classes)
        The stored probabilities (CSR, CSC, COO or any other format). Stored entries
        are used as they are, explicit zeros included; each (row, column) may be
        stored once, and CSR/CSC matrices must have sorted indices.
    fill_value : float or array-like of shape (n_classes,), default=0.0
        The probability of every entry not stored, or one per class (for instance
        a class prior). In [0, 1].

    Attributes
    ----------
    shape : tuple of int
        ``(n_samples, n_classes)``.
    dtype : numpy.dtype
        float32 or float64, that of the stored values (other numeric dtypes are
        read as float64).
    nnz : int
        Number of stored entries.
    fill_value : float or ndarray of shape (n_classes,)
        As given (an array is returned as float64).
    fill : ndarray of shape (n_classes,)
        The fill value of each class, float64.
    indptr, indices, data : ndarray
        The stored entries as canonical CSR arrays: row pointers, column indices
        sorted within each row, float32 or float64 values.

    See Also
    --------
    FilledSparseMatrix.from_top_k : Build one from (indices, scores) arrays.
    skmlq.rank.get_label_quality_scores : Accepts it as ``pred_probs``.

    Notes
    -----
    The arrays of a CSR input in canonical form (float32 or float64 values, sorted
    unique indices) are shared, not copied; do not modify them while the object is
    in use. Every other input is copied once into that form. Nothing given is ever
    modified.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> from skmlq.utils import FilledSparseMatrix
    >>> top2 = FilledSparseMatrix.from_top_k([[2, 0], [1, 3]], [[0.9, 0.6], [0.8, 0.3]],
    ...                                      n_classes=4, fill_value=0.01)
    >>> top2.toarray()
    array([[0.6 , 0.01, 0.9 , 0.01],
           [0.01, 0.8 , 0.01, 0.3 ]])
    >>> FilledSparseMatrix(sp.csr_matrix([[0.0, 0.7], [0.2, 0.0]])).nnz
    2
    """

    def __init__(self, matrix, fill_value=0.0):
        indptr, indices, data, shape = check_sparse_probabilities(matrix, "matrix")
        fill, given = check_fill_value(fill_value, shape[1])
        self._set(indptr, indices, data, shape, fill, given)

    @classmethod
    def from_top_k(cls, indices, scores, n_classes, fill_value=0.0):
        """Predictions given as the top-k classes of each example and their scores.

        Parameters
        ----------
        indices : array-like of int of shape (n_samples, k)
            The classes listed for each example, in any order, each at most once
            per row, in ``[0, n_classes)``.
        scores : array-like of shape (n_samples, k)
            Their predicted probabilities, in [0, 1].
        n_classes : int
            Number of classes K.
        fill_value : float or array-like of shape (n_classes,), default=0.0
            The probability of every class not listed ("not predicted" by default).

        Returns
        -------
        predictions : FilledSparseMatrix of shape (n_samples, n_classes)

        Examples
        --------
        >>> from skmlq.utils import FilledSparseMatrix
        >>> FilledSparseMatrix.from_top_k([[1], [0]], [[0.9], [0.7]], n_classes=3).toarray()
        array([[0. , 0.9, 0. ],
               [0.7, 0. , 0. ]])
        """
        indptr, sorted_indices, data, shape = check_top_k(indices, scores, n_classes)
        fill, given = check_fill_value(fill_value, shape[1])
        self = cls.__new__(cls)
        self._set(indptr, sorted_indices, data, shape, fill, given)
        return self

    @classmethod
    def _from_checked(cls, indptr, indices, data, shape, fill):
        """Trusted constructor of the core (canonical arrays, ``fill`` of shape (K,))."""
        self = cls.__new__(cls)
        fill = np.asarray(fill, dtype=np.float64)
        given = float(fill[0]) if fill.size and np.all(fill == fill[0]) else fill
        self._set(indptr, indices, data, shape, fill, given)
        return self

    def _set(self, indptr, indices, data, shape, fill, given):
        self.indptr, self.indices, self.data = indptr, indices, data
        self.shape = (int(shape[0]), int(shape[1]))
        self.fill = fill
        self._fill_value = given

    ndim = 2
    # Lets ``check_pred_probs`` (which cannot import this module) name the dense-only
    # entry points' error instead of reading the object as an array.
    _skmlq_sparse_probabilities = True

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def nnz(self):
        return int(self.indptr[-1])

    @property
    def fill_value(self):
        return self._fill_value

    @property
    def matrix(self):
        """The stored entries as a CSR matrix (sharing this object's arrays)."""
        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape,
                             copy=False)

    def toarray(self):
        """The dense (n_samples, n_classes) array this object stands for.

        Returns
        -------
        dense : ndarray of shape (n_samples, n_classes)
            The stored values where stored, the fill value elsewhere; O(N K) memory.
        """
        dense = np.empty(self.shape, dtype=self.dtype)
        dense[...] = self.fill.astype(self.dtype)
        rows = np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))
        dense[rows, self.indices] = self.data
        return dense

    def values_at(self, rows, cols):
        """The values of the entries ``(rows[i], cols[i])``: stored or filled.

        Reads only the stored entries of the rows asked for: O(their entries +
        len(rows) log), never a dense row.
        """
        found, values = csr_entries(self.indptr, self.indices, self.data, rows, cols)
        cols = np.asarray(cols, dtype=np.int64)
        return np.where(found, values, self.fill[cols].astype(self.dtype))

    def __repr__(self):
        fill = (f"{self._fill_value!r}" if np.ndim(self._fill_value) == 0
                else f"<array of {self.shape[1]} values>")
        return (f"<FilledSparseMatrix of shape {self.shape}, {self.nnz} stored "
                f"{self.dtype} entries, fill_value={fill}>")


def canonical_csr(matrix):
    """A scipy.sparse ``matrix`` as a CSR matrix with sorted, unique indices per row
    (duplicates summed), for reading by coordinates; the input is never modified (a
    copy is made only when it is not already in that form)."""
    csr = sp.csr_matrix(matrix)
    if not csr.has_canonical_format:
        csr = csr.copy()
        csr.sum_duplicates()
    return csr


def csr_entries(indptr, indices, data, rows, cols):
    """``(found, values)`` of the entries ``(rows[i], cols[i])`` of a CSR matrix with
    sorted, unique indices per row: whether each is stored, and its stored value
    (0 where not stored).

    Only the stored entries of the distinct rows asked for are read, so the cost is
    that of those rows, not of the matrix.
    """
    rows = np.asarray(rows, dtype=np.int64).ravel()
    cols = np.asarray(cols, dtype=np.int64).ravel()
    found = np.zeros(rows.size, dtype=bool)
    values = np.zeros(rows.size, dtype=np.asarray(data).dtype)
    if rows.size == 0:
        return found, values
    wanted, at = np.unique(rows, return_inverse=True)
    starts = np.asarray(indptr[wanted], dtype=np.int64)
    lengths = np.asarray(indptr[wanted + 1], dtype=np.int64) - starts
    offsets = np.zeros(wanted.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    gather = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
    # Keys (position of the row among those asked for, column): sorted, as the
    # rows are in order and each row's indices are sorted.
    width = int(max(int(cols.max()) + 1, int(indices[gather].max()) + 1 if gather.size else 1))
    keys = np.repeat(np.arange(wanted.size, dtype=np.int64), lengths) * width
    keys += indices[gather]
    query = at.astype(np.int64) * width + cols
    pos = np.minimum(np.searchsorted(keys, query), max(keys.size - 1, 0))
    if keys.size:
        found = keys[pos] == query
        values[found] = np.asarray(data)[gather[pos[found]]]
    return found, values


def values_at(matrix, rows, cols):
    """Entries ``(rows[i], cols[i])`` of a dense array, a scipy.sparse matrix (0 where
    not stored) or a :class:`FilledSparseMatrix` (its fill value where not stored),
    without densifying a sparse one."""
    if isinstance(matrix, FilledSparseMatrix):
        return matrix.values_at(rows, cols)
    if sp.issparse(matrix):
        csr = canonical_csr(matrix)
        return csr_entries(csr.indptr, csr.indices, csr.data, rows, cols)[1]
    return np.asarray(matrix)[np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)]


def is_sparse_probabilities(value):
    """True for the sparse forms of ``pred_probs`` (scipy.sparse, FilledSparseMatrix)."""
    return isinstance(value, FilledSparseMatrix) or sp.issparse(value)


def check_sparse_row_chunks(x, name):
    """Raise unless the dask array ``x`` of sparse chunks is chunked by rows only.

    A row's implicit entries are folded into its score in one place, so each chunk
    holds whole rows; dense chunks are merged across columns instead, which sparse
    ones are not (a user who split the columns of a huge K meant something else).
    """
    if x.numblocks[1] != 1:
        raise InputValueError(
            f"{name} is a dask array of sparse chunks split across columns (column chunks "
            f"{x.chunks[1]}); each chunk must hold whole rows of all {x.shape[1]} classes: "
            f"chunk by rows only, e.g. da.from_array(matrix, chunks=(rows, "
            f"{x.shape[1]}), asarray=False), or {name}.rechunk({{1: -1}})."
        )


def gather_sparse_chunks(x, name):
    """A dask array of sparse row chunks computed into one scipy.sparse matrix: the
    in-memory form of the entry points that read all rows at once (as dense dask
    arrays are read into memory there), O(stored entries). Anything else is
    returned as it is."""
    if not is_sparse_dask_array(x):
        return x
    if x.ndim != 2:
        raise InputValueError(f"{name} is a dask array of shape {x.shape}; expected a 2-D "
                              f"array of shape (n_samples, n_classes).")
    check_sparse_row_chunks(x, name)
    import dask

    parts = [sp.csr_matrix(part) for part in dask.compute(*x.to_delayed().ravel())]
    # The chunks' rows one after the other, each array joined and the chunks' copies
    # let go before the next (scipy's vstack would hold both whole: twice the input).
    counts = [np.diff(part.indptr) for part in parts]
    arrays = [[part.data for part in parts], [part.indices for part in parts]]
    del parts
    data = np.concatenate(arrays[0]) if arrays[0] else np.zeros(0, dtype=x.dtype)
    arrays[0] = None
    indices = np.concatenate(arrays[1]) if arrays[1] else np.zeros(0, dtype=np.int32)
    arrays[1] = None
    indptr = np.zeros(x.shape[0] + 1, dtype=np.int64)
    if counts:
        np.cumsum(np.concatenate(counts), out=indptr[1:])
    if indptr[-1] < 2**31:
        indptr = indptr.astype(np.int32)
    return sp.csr_matrix((data, indices, indptr), shape=x.shape, copy=False)


def check_probabilities(pred_probs, name="pred_probs"):
    """The boundary of the entry points that accept sparse predictions.

    A :class:`FilledSparseMatrix` is returned as it is (checked when built), a
    scipy.sparse matrix becomes one with ``fill_value=0`` (so does a dask array of
    sparse row chunks, computed), anything else goes through ``check_pred_probs``
    (a dense float array).
    """
    if isinstance(pred_probs, FilledSparseMatrix):
        return pred_probs
    pred_probs = gather_sparse_chunks(pred_probs, name)
    if sp.issparse(pred_probs):
        indptr, indices, data, shape = check_sparse_probabilities(pred_probs, name)
        fill, given = check_fill_value(0.0, shape[1])
        P = FilledSparseMatrix.__new__(FilledSparseMatrix)
        P._set(indptr, indices, data, shape, fill, given)
        return P
    return check_pred_probs(pred_probs, name)
