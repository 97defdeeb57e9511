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

    def joined(self, sep):
        """One string per row: its values (as ``str``) joined by ``sep``.

        The strings of all rows are made by one ``str.join`` and cut apart by one
        ``str.split`` at a character no value holds, instead of one join per row
        (for the CSV writer of millions of rows); rows whose values hold that
        character are joined one by one.
        """
        offsets, values = self.compact()
        n_rows, total = offsets.size - 1, int(offsets[-1])
        if self._categories is not None and self._categories.size <= total:
            words = np.array([str(c) for c in self._categories], dtype=object)
        elif self._categories is not None:
            # Fewer values than categories (a chunk of rows of many classes): only the
            # categories used, so that a chunk costs its values, not the K classes.
            used, values = np.unique(values, return_inverse=True)
            words = np.array([str(c) for c in self._categories[used].tolist()], dtype=object)
        else:
            words, values = np.unique(values, return_inverse=True)
            words = np.array([str(w) for w in words.tolist()], dtype=object)
        cut = "\x00"
        if any(cut in w for w in words.tolist()) or cut in sep:
            return [sep.join(row) for row in to_lists(offsets, words[values].tolist())]
        first = np.zeros(total, dtype=bool)
        lengths = np.diff(offsets)
        first[offsets[:-1][lengths > 0]] = True
        with_sep = np.array([sep + w for w in words.tolist()], dtype=object)
        tokens = np.where(first, words[values], with_sep[values])
        row_of = np.repeat(np.arange(n_rows, dtype=np.int64), lengths)
        out = np.empty(total + n_rows, dtype=object)
        out[np.arange(total, dtype=np.int64) + row_of] = tokens
        out[offsets[1:] + np.arange(n_rows, dtype=np.int64)] = cut
        return "".join(out.tolist()).split(cut)[:n_rows]
