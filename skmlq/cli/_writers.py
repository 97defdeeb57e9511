"""Output of the command line: standard output or the one safe writer.

Every output file goes through :func:`skmlq.utils._output.safe_output` (atomic,
written through special files, ``--force`` checked at the rename, umask
permissions) and, as each command runs in ``staged_outputs``, the outputs of a
command that fails are all removed. ``/dev/stdout`` means ``-``.
"""

import csv
import os
import sys
from contextlib import contextmanager

import numpy as np

from ..utils._output import check_output_path as _check_output_path
from ..utils._output import is_stream, safe_output

__all__ = [
    "FLOAT_FORMATS", "STDOUT", "atomic_output", "check_output_path", "csv_writer",
    "float_strings", "is_stdout", "is_stream", "shorten", "suspect", "suspect_class",
    "text_table",
]

STDOUT = "-"
_STDOUT_PATHS = ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def is_stdout(path):
    """True for the paths that name this process's standard output."""
    return path is not None and os.path.abspath(path) in _STDOUT_PATHS


def check_output_path(path, force):
    """Fail early (before any work) if ``path`` cannot or must not be written."""
    if path is None or path == STDOUT:
        return
    _check_output_path(path, force)


@contextmanager
def atomic_output(path, force=False, binary=False):
    """Yield a file handle whose content replaces ``path`` only on success
    (:func:`skmlq.utils._output.safe_output`); ``path="-"`` yields ``sys.stdout``."""
    if path == STDOUT:
        yield sys.stdout
        sys.stdout.flush()
        return
    with safe_output(path, force=force, binary=binary) as fh:
        yield fh


def csv_writer(fh):
    """A ``csv.writer`` with Unix line endings and minimal quoting."""
    return csv.writer(fh, lineterminator="\n")


# Exact text of each float dtype: float64 as its shortest repr, float32 with the 9
# significant digits that always read back to the same float32.
FLOAT_FORMATS = {np.dtype(np.float64): "%r", np.dtype(np.float32): "%.9g"}


def float_strings(values):
    """Format a 1-D float array as strings that read back exactly (see FLOAT_FORMATS)."""
    values = np.asarray(values)
    fmt = FLOAT_FORMATS.get(values.dtype, "%r")
    return [fmt % v for v in values.tolist()]


def text_table(rows):
    """Lines of a left-aligned text table; ``rows[0]`` is the header."""
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]


def shorten(text, width=40):
    """``text`` cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 3] + "..."


def suspect(class_scores, given, names):
    """The class whose annotation scores lowest: ``(name, kind, score)``.

    ``kind`` is ``"missing"`` (not given, but the model thinks it applies) or
    ``"given"`` (given, but the model doubts it).
    """
    k = int(np.argmin(class_scores))
    return names[k], "given" if given[k] else "missing", class_scores[k]


def suspect_class(class_scores, given, names):
    """:func:`suspect` as text, e.g. ``"dog (missing, 0.041)"``."""
    name, kind, score = suspect(class_scores, given, names)
    return f"{name} ({kind}, {score:.3f})"
