"""The one output shape of ``skmlq score`` and ``skmlq audit``.

``row,label_quality,rank,given,to_remove,to_add[,label_quality_<class>...]``, worst
first: the report of :mod:`skmlq.report`, built and written chunk by chunk so
that memory stays bounded by the chunk (``score`` streams files larger than RAM).
Class lists are joined by the label separator, and a list a spreadsheet would run as
a formula gets a leading ``'`` (see :func:`skmlq.utils._output.spreadsheet_safe`);
floats follow ``--float-format``.
"""

import numpy as np
import scipy.sparse as sp

from ..report._build import class_lists
from ..utils._blocks import row_blocks
from ._errors import CLIError
from ..utils._output import spreadsheet_safe
from ..utils._row_mask import RowMask
from ._writers import csv_writer

__all__ = ["FLOAT_CHOICES", "REPORT_COLUMNS", "float_format", "mask_rows", "write_report_csv"]

REPORT_COLUMNS = ("row", "label_quality", "rank", "given", "to_remove", "to_add")
#: ``--float-format`` names: six significant digits, or the shortest text that
#: reads back to the same float (float32: nine significant digits).
FLOAT_CHOICES = ("short", "exact")
_EXACT = {np.dtype(np.float64): "%r", np.dtype(np.float32): "%.9g"}
# Rows per written chunk of the output.
_CHUNK_ELEMENTS = 2**18
# The width a chunk is sized by when nothing of it is dense: its cost is that of its
# rows and their stored entries, whatever the number of classes.
_SPARSE_WIDTH = 64


def float_format(option, dtype=np.float64):
    """The %-format of ``--float-format`` (``short``, ``exact`` or a %-format such as
    ``%.3f``)."""
    if option in (None, "short"):
        return "%.6g"
    if option == "exact":
        return _EXACT.get(np.dtype(dtype), "%r")
    try:
        option % 0.5
    except (TypeError, ValueError):
        raise CLIError(f"--float-format {option!r} is not short, exact or a %-format such "
                       f"as %.4f") from None
    return option


def mask_rows(mask, rows):
    """The rows ``rows`` of an (N, K) issue mask, as the report builders read them: a
    boolean CSR matrix for a :class:`~skmlq.utils._row_mask.RowMask` or a sparse mask
    (O(their True entries), never a dense row of K values), else a dense array."""
    if isinstance(mask, RowMask):
        return mask.csr_rows(rows)
    if sp.issparse(mask):
        return sp.csr_matrix(mask)[rows]
    return np.asarray(mask[rows])


def write_report_csv(fh, order, scores, Y, mask, classes, per_class, *, label_sep=";",
                     ffmt="%.6g", with_per_class=False, progress=None):
    """Write the report rows of ``order`` (ranked rows) to ``fh``.

    ``Y`` is the checked indicator, ``mask`` the (N, K) issue mask (dense, sparse or
    a :class:`~skmlq.utils._row_mask.RowMask`, read as coordinates), ``per_class`` a
    function ``rows -> (len(rows), K)`` per-class scores (computed per chunk). With a
    sparse ``Y`` (sparse predictions) and without ``with_per_class``, nothing of K
    columns is built: a chunk costs its rows and their stored entries.
    """
    names = [str(c) for c in classes]
    for name in names:
        if label_sep in name:
            raise CLIError(f"class name {name!r} contains the label separator "
                           f"{label_sep!r}; choose another with --label-sep")
    header = list(REPORT_COLUMNS)
    if with_per_class:
        header += [f"label_quality_{c}" for c in names]
    writer = csv_writer(fh)
    writer.writerow(header)
    n_classes = len(names)

    # A joined list starts with its first class name: when no name needs escaping,
    # no cell does, and the per-cell check (three per row) is skipped.
    if any(spreadsheet_safe(name) != name for name in names):
        def escape(joined):
            return map(spreadsheet_safe, joined)
    else:
        def escape(joined):
            return joined

    dense = with_per_class or not sp.issparse(Y)
    width = n_classes + 6 if dense else _SPARSE_WIDTH
    for start, stop in row_blocks(len(order), width, _CHUNK_ELEMENTS):
        rows = order[start:stop]
        read = np.sort(rows)  # read (memory-mapped) inputs in file order
        pos = np.searchsorted(read, rows)  # the ranked rows within the chunk
        # Only the three class lists of the file: no DataFrame, no score lists.
        lists = class_lists(Y[read], mask_rows(mask, read), names, pos, joined=label_sep)
        fields = zip(
            rows.tolist(),
            [ffmt % v for v in scores[rows].tolist()],
            range(start + 1, stop + 1),
            escape(lists["given"]), escape(lists["to_remove"]), escape(lists["to_add"]),
        )
        if with_per_class:
            cells = [[ffmt % v for v in row] for row in per_class(read)[pos].tolist()]
            writer.writerows(f + tuple(c) for f, c in zip(fields, cells))
        else:
            writer.writerows(fields)
        if progress is not None:
            progress.update(stop - start)
