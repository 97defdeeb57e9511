"""A pandas column of lists stored flat: the report's class lists and score lists.

A report of 100,000 examples has six list columns; as Python lists they cost
600,000 objects, twice the time of scoring the data. :class:`ListArray` keeps
each column as one flat array of values (class codes into ``categories``, or
the scores themselves) and the offsets where each row's list starts, so laying
out a report is a few vectorised gathers. A row is turned into a Python list
only when it is read: ``report.loc[i, "to_add"]`` and iteration give fresh lists
(editing one never changes another row), ``print(report)`` shows ``[cat, dog]``
as it would for lists, and ``report.astype({"to_add": object})`` gives the plain
object column.

The class is built on pandas' public extension interface
(:class:`pandas.api.extensions.ExtensionArray`); this module imports pandas, so
only the report imports it.
"""

import numbers

import numpy as np
from pandas import get_option
from pandas.api.extensions import ExtensionArray, ExtensionDtype, register_extension_dtype
from pandas.api.indexers import check_array_indexer
from pandas.api.types import is_list_like, pandas_dtype

from ._flat import FlatLists

__all__ = ["ListArray", "ListDtype", "list_lengths", "list_parts"]


@register_extension_dtype
class ListDtype(ExtensionDtype):
    """The dtype of a :class:`ListArray`: one list of values per row.

    Registered under its name so that pandas can rebuild the column from a file's
    metadata (``read_parquet`` after ``to_parquet``).
    """

    name = "skmlq.list"
    type = list
    kind = "O"
    na_value = np.nan

    @classmethod
    def construct_array_type(cls):
        return ListArray

    def __repr__(self):
        return self.name

    def __from_arrow__(self, array):
        import pyarrow as pa

        chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
        parts = []
        for chunk in chunks:
            offsets = chunk.offsets.to_numpy().astype(np.int64)
            values = np.empty(len(chunk.values), dtype=object)
            values[:] = chunk.values.to_pylist()
            na = chunk.is_null().to_numpy(zero_copy_only=False)
            parts.append(ListArray(values, offsets[:-1], offsets[1:], None, na))
        if not parts:
            return ListArray(np.zeros(0, dtype=object), [], [])
        return ListArray._concat_same_type(parts)


def _is_na(value):
    return value is None or (isinstance(value, float) and np.isnan(value))


class ListArray(FlatLists, ExtensionArray):
    """A pandas column of lists, stored as :class:`~skmlq.report._flat.FlatLists`.

    Missing rows (from reindexing or ``shift``) hold nothing and read as NaN.
    """

    @classmethod
    def _from_sequence(cls, scalars, *, dtype=None, copy=False):
        if isinstance(scalars, cls):
            return scalars.copy() if copy else scalars
        rows = list(scalars)
        na = np.fromiter((_is_na(r) for r in rows), dtype=bool, count=len(rows))
        lengths = np.zeros(len(rows), dtype=np.int64)
        flat = []
        for i, row in enumerate(rows):
            if na[i]:
                continue
            if not is_list_like(row) or isinstance(row, dict):
                raise TypeError(f"a list column holds lists; row {i} is {row!r}")
            row = list(row)
            lengths[i] = len(row)
            flat.extend(row)
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        values = np.empty(len(flat), dtype=object)
        values[:] = flat
        return cls(values, offsets[:-1], offsets[1:], None, na)

    @classmethod
    def _from_factorized(cls, values, original):
        return cls._from_sequence(values)

    # -- the interface ------------------------------------------------------------
    @property
    def dtype(self):
        return ListDtype()

    @property
    def nbytes(self):
        extra = 0 if self._na is None else self._na.nbytes
        return self._values.nbytes + self._starts.nbytes + self._stops.nbytes + extra

    def __getitem__(self, key):
        if isinstance(key, numbers.Integral) and not isinstance(key, (bool, np.bool_)):
            n = len(self)
            if not -n <= key < n:
                raise IndexError(f"index {key} is out of bounds for a list column of "
                                 f"length {n}")
            key = int(key) % n
            if self._na is not None and self._na[key]:
                return self.dtype.na_value
            return self._decode(self._values[self._starts[key]:self._stops[key]]).tolist()
        if isinstance(key, tuple) and len(key) == 1:
            key = key[0]
        if key is Ellipsis:
            return self
        if isinstance(key, slice):
            return type(self)(self._values, self._starts[key], self._stops[key],
                              self._categories, None if self._na is None else self._na[key])
        key = check_array_indexer(self, key)
        if key.dtype == bool:
            key = np.flatnonzero(key)
        return self.take(key)

    def take(self, indices, *, allow_fill=False, fill_value=None):
        indices = np.asarray(indices, dtype=np.int64)
        n = len(self)
        missing = None
        if allow_fill:
            if indices.size and indices.min() < -1:
                raise ValueError("take: with allow_fill, indices must be >= -1")
            if fill_value is not None and not _is_na(fill_value):
                raise TypeError("a list column can only be filled with missing values")
            missing = indices == -1
            if not missing.any():
                missing = None
        if missing is not None and n == 0:
            if not missing.all():
                raise IndexError("take: a list column of length 0 has no rows to take")
            empty = np.zeros(indices.size, dtype=np.int64)
            return type(self)(self._values, empty, empty, self._categories, missing)
        pos = indices if missing is None else np.where(missing, 0, indices)
        if pos.size and (pos.max() >= n or pos.min() < -n):
            raise IndexError(f"take: an index is out of bounds for a list column of "
                             f"length {n}")
        starts, stops = self._starts[pos], self._stops[pos]
        na = None if self._na is None else self._na[pos]
        if missing is not None:
            stops = np.where(missing, starts, stops)
            na = missing if na is None else na | missing
        return type(self)(self._values, starts, stops, self._categories, na)

    def copy(self):
        # values is shared: no method writes to it.
        return type(self)(self._values, self._starts.copy(), self._stops.copy(),
                          self._categories, None if self._na is None else self._na.copy())

    def isna(self):
        return np.zeros(len(self), dtype=bool) if self._na is None else self._na.copy()

    @classmethod
    def _concat_same_type(cls, to_concat):
        to_concat = list(to_concat)
        cats = to_concat[0]._categories if to_concat else None
        same = all(a._categories is cats or (
            a._categories is not None and cats is not None
            and np.array_equal(a._categories, cats)) for a in to_concat)
        parts, offsets, na, shift = [], [np.zeros(1, dtype=np.int64)], [], 0
        for a in to_concat:
            off, values = a.compact()
            parts.append(values if same else a._decode(values).astype(object))
            offsets.append(off[1:] + shift)
            shift += off[-1]
            na.append(a.isna())
        values = np.concatenate(parts) if parts else np.zeros(0, dtype=object)
        offsets = np.concatenate(offsets)
        return cls(values, offsets[:-1], offsets[1:], cats if same else None,
                   np.concatenate(na) if na else None)

    def interpolate(self, *args, **kwargs):
        raise TypeError("a list column cannot be interpolated")

    # -- conversions ----------------------------------------------------------------
    def tolist(self):
        out = super().tolist()
        if self._na is not None:
            for i in np.flatnonzero(self._na).tolist():
                out[i] = self.dtype.na_value
        return out

    def __iter__(self):
        return iter(self.tolist())

    def _as_object(self):
        out = np.empty(len(self), dtype=object)
        out[:] = self.tolist() if len(self) else []
        return out

    def __array__(self, dtype=None, copy=None):
        out = self._as_object()
        return out if dtype is None else out.astype(dtype)

    def astype(self, dtype, copy=True):
        dtype = pandas_dtype(dtype)
        if isinstance(dtype, ListDtype):
            return self.copy() if copy else self
        if dtype == np.dtype(object):
            return self._as_object()
        return super().astype(dtype, copy=copy)

    def __eq__(self, other):
        mine = self.tolist()
        if isinstance(other, ListArray) or (
                is_list_like(other) and not isinstance(other, (list, tuple))
                and len(other) == len(self)):
            return np.fromiter((a == b for a, b in zip(mine, list(other))), dtype=bool,
                               count=len(mine))
        return np.fromiter((a == other for a in mine), dtype=bool, count=len(mine))

    def __setitem__(self, key, value):
        # Rare (a person editing a cell): rebuild the column from its lists.
        def cell(v):
            if is_list_like(v) and not isinstance(v, dict):
                return list(v)
            if _is_na(v):
                return v
            raise TypeError(f"a cell of a list column holds a list of values (for example "
                            f"[{v!r}]), not {v!r}")

        rows = self._as_object()
        if isinstance(key, tuple) and len(key) == 1:
            key = key[0]
        if isinstance(key, numbers.Integral) and not isinstance(key, (bool, np.bool_)):
            rows[key] = cell(value)
        else:
            if not isinstance(key, slice):
                key = check_array_indexer(self, key)
            target = np.atleast_1d(np.arange(len(self))[key])
            values = list(value) if is_list_like(value) else None
            # One list for each cell, or one list for them all.
            each = (values is not None and target.size > 0 and len(values) == target.size
                    and all(is_list_like(v) or _is_na(v) for v in values))
            for i, v in zip(target.tolist(), values if each else [value] * target.size):
                rows[i] = cell(v)
        new = type(self)._from_sequence(rows)
        self._values, self._starts, self._stops, self._categories, self._na = (
            new._values, new._starts, new._stops, new._categories, new._na)

    def _formatter(self, boxed=False):
        # As pandas prints a list in an object column: [cat, dog], floats short.
        precision = get_option("display.precision")

        def show_value(v):
            if isinstance(v, (float, np.floating)):
                return f"{v:.{precision}g}"
            return str(v)

        def show(row):
            if not isinstance(row, list):
                return "NaN" if _is_na(row) else str(row)
            return "[" + ", ".join(map(show_value, row)) + "]"
        return show

    def _explode(self):
        # Missing rows and empty lists become one NaN row each, as for object columns.
        offsets, values = self.compact()
        lengths = np.diff(offsets)
        counts = np.maximum(lengths, 1)
        out = np.full(int(counts.sum()), np.nan, dtype=object)
        starts = np.cumsum(counts) - counts
        within = np.arange(offsets[-1]) - np.repeat(offsets[:-1], lengths)
        out[np.repeat(starts, lengths) + within] = self._decode(values)
        return out, counts.astype(np.uint64)

    def __arrow_array__(self, type=None):
        import pyarrow as pa

        offsets, values = self.compact()
        values = pa.array(self._decode(values).tolist())
        mask = None if self._na is None else pa.array(self._na)
        if offsets[-1] < 2**31:
            return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), values,
                                            mask=mask)
        return pa.LargeListArray.from_arrays(pa.array(offsets), values, mask=mask)


def list_lengths(column):
    """Length of each list of a report column (a Series of lists or of a ListArray)."""
    array = getattr(column, "array", column)
    if isinstance(array, ListArray):
        return array.lengths()
    return np.fromiter((0 if _is_na(row) else len(row) for row in column), dtype=np.int64,
                       count=len(column))


def list_parts(column):
    """``(lengths, flat, codes, categories)`` of a report column of lists.

    ``flat`` is the concatenation of the lists; for a :class:`ListArray` of class
    codes, ``codes`` and ``categories`` are given too (else None), so readers can
    map names to columns without a Python loop.
    """
    array = getattr(column, "array", column)
    if isinstance(array, ListArray):
        offsets, values = array.compact()
        if array._categories is None:
            return np.diff(offsets), values, None, None
        return np.diff(offsets), array._categories[values], values, array._categories
    rows = [() if _is_na(row) else row for row in column]  # a missing row lists nothing
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    flat = np.empty(int(lengths.sum()), dtype=object)
    flat[:] = [v for row in rows for v in row]
    return lengths, flat, None, None
