"""An (N, K) boolean mask kept as its True entries, read as dense row blocks.

The suggestion masks of large inputs are almost all False: a dense (N, K) bool
array of 2,000,000 x 50 holds 100 MB for a few thousand flagged annotations.
:class:`RowMask` stores the coordinates (CSR) and gives back dense rows for any
slice or sorted row selection, so that the writers, which read a mask a few
thousand rows at a time, take it in place of the dense array.
"""

import numpy as np
import scipy.sparse as sp

from ._blocks import nonzero_2d

__all__ = ["RowMask"]


class RowMask:
    """A boolean (N, K) mask whose memory grows with its True entries.

    ``mask[rows]`` (a slice or an integer array) is a dense bool ndarray, as it
    would be from the dense mask; ``sum``/``any`` over axis 0 or 1 are those of the
    dense mask.
    """

    ndim = 2
    dtype = np.dtype(bool)

    def __init__(self, matrix):
        self._csr = sp.csr_matrix(matrix, dtype=bool)
        self._csr.eliminate_zeros()
        self._csr.sort_indices()
        self.shape = self._csr.shape

    @classmethod
    def from_blocks(cls, blocks, shape):
        """The mask of ``(start, dense block)`` pairs that cover its rows in order."""
        rows, cols = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for start, block in blocks:
            r, c = nonzero_2d(block)
            rows.append(r + start)
            cols.append(c)
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        return cls(sp.csr_matrix((np.ones(rows.size, dtype=bool), (rows, cols)), shape=shape))

    @property
    def nnz(self):
        return self._csr.nnz

    def tocsr(self):
        return self._csr.copy()

    def __len__(self):
        return self.shape[0]

    def csr_rows(self, rows):
        """The rows ``rows`` (a slice or an integer array) as a boolean CSR matrix:
        O(their True entries), never a dense row (for inputs of many classes)."""
        return self._csr[rows]

    def __getitem__(self, rows):
        return self._csr[rows].toarray()

    def __array__(self, dtype=None, copy=None):
        dense = self._csr.toarray()
        return dense if dtype is None else dense.astype(dtype)

    def any(self, axis=None):
        if axis is None:
            return self._csr.nnz > 0
        return np.asarray(self._csr.sum(axis=axis)).ravel() > 0

    def sum(self, axis=None):
        if axis is None:
            return int(self._csr.nnz)
        return np.asarray(self._csr.sum(axis=axis, dtype=np.int64)).ravel()
