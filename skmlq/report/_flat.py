"""Lists of values stored flat, as offsets into one array: the pandas-free part.

Row ``i`` holds ``values[offsets[i]:offsets[i + 1]]``. The report's list columns
(:mod:`skmlq.report._lists`) and the command line's CSV writer both lay out class
lists this way, by gathers instead of one Python list per row.
"""

import gc
from contextlib import contextmanager

import numpy as np

__all__ = ["FlatLists", "gc_paused", "row_offsets", "to_lists"]


def row_offsets(rows, n_rows):
    """Offsets of the lists of the sorted row numbers ``rows``, for ``n_rows`` rows."""
    offsets = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(np.asarray(rows, dtype=np.int64), minlength=n_rows),
              out=offsets[1:])
    return offsets


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while making many small lists.

    The lists cannot form cycles, but allocating them triggers collections that
    scan every tracked object: two thirds of the time of a 100,000-row layout.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def to_lists(offsets, flat):
    """One Python list per row, from ``offsets`` into the Python list ``flat``."""
    bounds = (np.asarray(offsets) - offsets[0]).tolist()
    with gc_paused():
        return [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


class FlatLists:
    """One list per row, as a slice of one shared flat array of values.

    Row ``i`` holds ``values[starts[i]:stops[i]]``, mapped through ``categories``
    when it is not None (then ``values`` are int64 codes into it). ``values`` is
    never written to, so taking and copying rows share it: reordering a report
    moves two integers per row, not its lists. ``na`` (used by the pandas column,
    :class:`~skmlq.report._lists.ListArray`) marks missing rows, which hold nothing.
    """

    def __init__(self, values, starts, stops, categories=None, na=None):
        self._values = np.asarray(values)
        self._starts = np.asarray(starts, dtype=np.int64)
        self._stops = np.asarray(stops, dtype=np.int64)
        self._categories = None if categories is None else np.asarray(categories, dtype=object)
        self._na = None if na is None or not np.any(na) else np.asarray(na, dtype=bool)

    @classmethod
    def from_offsets(cls, offsets, values, categories=None):
        """Row ``i`` holds ``values[offsets[i]:offsets[i + 1]]``."""
        offsets = np.asarray(offsets, dtype=np.int64)
        return cls(values, offsets[:-1], offsets[1:], categories)

    def __len__(self):
        return self._starts.size

    def _decode(self, values):
        return values if self._categories is None else self._categories[values]

    def take(self, indices):
        """The rows ``indices`` (valid positions), sharing the values."""
        indices = np.asarray(indices, dtype=np.int64)
        na = None if self._na is None else self._na[indices]
        return type(self)(self._values, self._starts[indices], self._stops[indices],
                          self._categories, na)

    def lengths(self):
        """Length of each row's list (0 for a missing row)."""
        return self._stops - self._starts

    def compact(self):
        """``(offsets, values)``: the rows' values back to back (not decoded)."""
        lengths = self._stops - self._starts
        offsets = np.zeros(lengths.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        if (offsets[-1] == self._values.size and (lengths.size == 0 or self._starts[0] == 0)
                and np.array_equal(self._starts, offsets[:-1])):
            return offsets, self._values  # already back to back
        gather = np.repeat(self._starts - offsets[:-1], lengths) + np.arange(offsets[-1])
        return offsets, self._values[gather]

    def tolist(self):
        """One fresh Python list per row."""
        offsets, values = self.compact()
        return to_lists(offsets, self._decode(values).tolist())
