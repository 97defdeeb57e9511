"""Atomic, streamed CSV output.

Rows go to a temporary file in the destination's directory, which is renamed onto
the destination only when everything has been written: an interrupted or failed
run never leaves a half-written CSV, and an existing file is replaced only when the
caller allows it (``--force``).

Paths that are not plain files are where the user wants the output to go, so they
are written through, never replaced: a symbolic link's target is replaced
atomically (the link stays), and a named pipe, a device (``/dev/null``) or a
``/dev`` or ``/proc`` file-descriptor path is written into directly (there is no
file to replace, so no ``--force`` is needed and an interruption can leave part of
the output in it, as with ``-o -``). ``/dev/stdout`` means ``-``.
"""

import csv
import os
import stat
import sys
import tempfile
from contextlib import contextmanager

import numpy as np

from ._errors import CLIError
from ._signals import deferred_interrupts

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


def is_stream(path):
    """True if ``path`` is written into directly: a named pipe, a device, a socket,
    or a path under /dev or /proc (whatever it points to, it is not ours to replace)."""
    if os.path.abspath(path).startswith(("/dev/", "/proc/")) and os.path.exists(path):
        return True
    try:
        mode = os.stat(path).st_mode  # follows symbolic links
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _target(path):
    """The file that writing ``path`` replaces: the final target of a symbolic link."""
    return os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path)


def check_output_path(path, force):
    """Fail early (before any work) if ``path`` cannot or must not be written."""
    if path is None or path == STDOUT:
        return
    if os.path.isdir(path):
        raise CLIError(f"output {path} is a directory; give a file name such as {path}/out.csv")
    if is_stream(path):
        return
    target = _target(path)
    if os.path.exists(target) and not force:
        link = f" (a link to {target})" if os.path.islink(path) else ""
        raise CLIError(f"output {path}{link} already exists; pass --force to replace it")
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise CLIError(f"cannot write {path}: directory {directory} does not exist")


def _default_mode():
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_output(path, force=False):
    """Yield a text file handle whose content replaces ``path`` only on success.

    ``path="-"`` yields ``sys.stdout``. On any exception (also KeyboardInterrupt)
    the temporary file is removed and ``path`` is left as it was.
    """
    if path == STDOUT:
        yield sys.stdout
        sys.stdout.flush()
        return
    check_output_path(path, force)
    if is_stream(path):
        with open(path, "a", newline="", encoding="utf-8") as fh:
            yield fh
        return
    path = _target(path)
    directory = os.path.dirname(path)
    tmp = None
    try:
        with deferred_interrupts():  # a signal here would leave a file nobody knows of
            fd, tmp = tempfile.mkstemp(
                dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".part"
            )
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _default_mode())
        if os.path.exists(path) and not force:  # created by someone else meanwhile
            raise CLIError(f"output {path} already exists; pass --force to replace it")
        os.replace(tmp, path)
    except BaseException:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise


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
