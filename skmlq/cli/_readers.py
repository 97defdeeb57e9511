"""Input readers of the command line: predicted probabilities and given labels.

``.npy`` files are memory-mapped (never read into memory as a whole), so ``skmlq
score`` works on files larger than RAM. Every other format is parsed in memory.
Class names in label files are mapped to ``pred_probs`` columns by a pred_probs CSV
header or ``--classes``; without either, integers are column indices and names are
assigned to columns in sorted order (see :func:`tokens_to_indices`).
"""

import csv
import io
import json
import os
import re
import warnings
import zipfile
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp

from ..utils._errors import InputError
from ._errors import CLIError

__all__ = [
    "LABEL_FORMATS",
    "PRED_PROBS_FORMATS",
    "check_unique_names",
    "read_csv_table",
    "read_labels",
    "read_pred_probs",
    "split_labels",
]

PRED_PROBS_FORMATS = (
    ".npy (memory-mapped), .npz (key 'pred_probs' or the first array), .npz scipy.sparse "
    "top-k predictions (scipy.sparse.save_npz; unlisted classes 0), .csv/.tsv"
)
LABEL_FORMATS = (
    ".npy/.npz dense 0/1 indicator (key 'labels' or the first array), .npz scipy.sparse "
    "indicator (scipy.sparse.save_npz), .csv/.tsv with a label column, .jsonl (one JSON "
    "list per line)"
)
# UTF-8, with or without the byte-order mark that Excel's "CSV UTF-8" writes.
TEXT_ENCODING = "utf-8-sig"
_INT = re.compile(r"[+-]?\d+\Z")
_CSV_SUFFIXES = {".csv": ",", ".tsv": "\t", ".txt": ","}


@contextmanager
def _reading(path, what):
    """Report a file whose content cannot be parsed as the user's error (a CLIError)."""
    try:
        yield
    except InputError:
        raise
    except UnicodeDecodeError as exc:
        raise CLIError(
            f"{what} file {path} is not UTF-8 text (byte {exc.object[exc.start:exc.start + 1]!r} "
            f"at position {exc.start}); save it as UTF-8"
        ) from None
    except KeyError as exc:  # an .npz without an array that its format needs
        raise CLIError(f"{what} file {path} cannot be read: no array {exc}") from None
    except (ValueError, UnicodeError, csv.Error, EOFError, zipfile.BadZipFile) as exc:
        raise CLIError(f"{what} file {path} cannot be read: {exc}") from None


def _suffix(path):
    return os.path.splitext(str(path))[1].lower()


def _require_file(path, what):
    if not os.path.exists(path):
        raise CLIError(f"{what} file {path} does not exist")
    if os.path.isdir(path):
        raise CLIError(f"{what} file {path} is a directory")


def _delimiter(path, delimiter):
    return delimiter if delimiter is not None else _CSV_SUFFIXES.get(_suffix(path), ",")


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _np_load(path, what, mmap_mode=None):
    """``np.load`` without pickles; unreadable files give a CLIError naming the file."""
    try:
        return np.load(path, mmap_mode=mmap_mode, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        kind = _suffix(path)
        reason = "not in numpy format" if "pickle" in str(exc) else str(exc).split(".")[0]
        raise CLIError(
            f"{what} file {path} is not a readable {kind} file of numbers ({reason}); write "
            f"it with numpy.save / numpy.savez"
            + (" or scipy.sparse.save_npz" if kind == ".npz" else "")
        ) from None


def _npz_array(path, preferred, what):
    with _np_load(path, what) as npz:
        keys = list(npz.files)
        if not keys:
            raise CLIError(f"{what} file {path} contains no array")
        try:
            return npz[preferred if preferred in keys else keys[0]]
        except ValueError as exc:
            raise CLIError(f"{what} file {path}: {exc}") from None


def _read_sparse_npz(path, what):
    """The matrix of an ``.npz`` written by ``scipy.sparse.save_npz`` (its arrays
    include ``format`` and ``shape``), or None for an ``.npz`` of dense arrays. The
    matrix is returned as stored: the library's checks (duplicates, unsorted
    indices, values) apply when it is scored."""
    with _np_load(path, what) as npz:
        keys = set(npz.files)
    if "format" in keys and "shape" in keys:
        with _reading(path, what):
            return sp.load_npz(path)
    return None


def _filled(matrix, path):
    """Sparse predictions as the library reads them (unlisted classes at 0), checked
    once here so that a bad entry names the file."""
    from ..utils import FilledSparseMatrix

    try:
        return FilledSparseMatrix(matrix)
    except InputError as exc:
        text = str(exc).replace("matrix ", "it ", 1) if str(exc).startswith("matrix ") else exc
        raise CLIError(f"pred_probs file {path}: {text}") from None


def read_pred_probs(path, delimiter=None):
    """Read ``pred_probs`` and, from a CSV header, the class names.

    Returns ``(P, class_names)``; ``class_names`` is None without a header. A
    ``.npy`` file is memory-mapped read-only; an ``.npz`` of ``scipy.sparse.save_npz``
    is returned as a :class:`~skmlq.utils.FilledSparseMatrix` (unlisted classes have
    probability 0).
    """
    _require_file(path, "pred_probs")
    suffix = _suffix(path)
    if suffix == ".npy":
        return _np_load(path, "pred_probs", mmap_mode="r"), None
    if suffix == ".npz":
        sparse = _read_sparse_npz(path, "pred_probs")
        if sparse is not None:
            return _filled(sparse, path), None
        return _npz_array(path, "pred_probs", "pred_probs"), None
    if suffix not in _CSV_SUFFIXES:
        raise CLIError(
            f"pred_probs file {path} has an unknown extension {suffix or '(none)'}; "
            f"accepted: {PRED_PROBS_FORMATS}"
        )
    delimiter = _delimiter(path, delimiter)
    with _reading(path, "pred_probs"), open(path, newline="", encoding=TEXT_ENCODING) as fh:
        first = next(csv.reader(fh, delimiter=delimiter), None)
    if first is None:
        raise CLIError(f"pred_probs file {path} is empty")
    names = None
    if not all(_is_number(cell) for cell in first):
        names = [cell.strip() for cell in first]
        check_unique_names(names, f"the header of {path}")
    with _reading(path, "pred_probs"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "input contained no data": below
        P = np.loadtxt(
            path, delimiter=delimiter, skiprows=int(names is not None), ndmin=2,
            dtype=np.float64, encoding=TEXT_ENCODING, quotechar='"',
        )
    if P.shape[0] == 0:
        raise CLIError(
            f"pred_probs file {path} has no data rows"
            + (" (only a header)" if names is not None else "")
        )
    if names is not None and P.shape[1] != len(names):
        raise CLIError(
            f"pred_probs file {path} has {len(names)} header names but {P.shape[1]} columns"
        )
    return P, names


def check_unique_names(names, where):
    """Class names must be non-empty and distinct."""
    seen = set()
    for name in names:
        if name in seen:
            raise CLIError(f"class name {name!r} appears twice in {where}")
        if not name:
            raise CLIError(f"{where} has an empty class name")
        seen.add(name)


def split_labels(cell, label_sep):
    """Split one label cell into its stripped, non-empty tokens."""
    return [t.strip() for t in cell.split(label_sep) if t.strip()]


# The text of each input file read in this command, by path: a file is read once, so
# that a named pipe given as input (read by two steps of a command) does not block,
# and both steps see the same text. ``skmlq.cli`` clears it for each command.
_TEXTS = {}


def read_text(path, what):
    """The text of ``path`` (UTF-8, a byte-order mark removed), read once per command.

    Returns ``(text, bom)``; ``bom`` is True if the file started with one (it is
    written back to files rewritten from this one).
    """
    key = os.path.abspath(path)
    if key not in _TEXTS:
        with _reading(path, what), open(path, "rb") as fh:
            data = fh.read()
        bom = data.startswith(b"\xef\xbb\xbf")
        with _reading(path, what):
            _TEXTS[key] = (data[3 if bom else 0:].decode("utf-8"), bom)
    return _TEXTS[key]


def read_csv_table(path, delimiter=None, raw=False):
    """Read a CSV file with a header row; return ``(header, rows, line_numbers)``.

    Blank lines are skipped, except in a one-column file, where a blank line is
    a row with an empty cell (for instance an example without labels). With
    ``raw``, a fourth item holds the file's text in pieces: ``[bom, header line,
    row 1 (with the blank lines before it), ..., what follows the last row]``, so
    that the rows a command does not change are written back byte for byte.
    """
    _require_file(path, "data")
    delimiter = _delimiter(path, delimiter)
    text, bom = read_text(path, "data")
    pieces = ["\ufeff" if bom else ""]
    consumed = []

    def lines():
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    with _reading(path, "data"):
        reader = csv.reader(lines(), delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise CLIError(f"{path} is empty; expected a header row")
        pieces.append("".join(consumed))
        consumed.clear()
        header = [h.strip() for h in header]
        rows, line_numbers = [], []
        for row in reader:
            if not row:  # a blank line: an empty cell in a one-column file, else skipped
                if len(header) != 1:
                    continue
                row = [""]
            if len(row) != len(header):
                raise CLIError(
                    f"{path} line {reader.line_num}: {len(row)} fields, but the header "
                    f"has {len(header)} (delimiter {delimiter!r}; set it with --delimiter)"
                )
            rows.append(row)
            line_numbers.append(reader.line_num)
            pieces.append("".join(consumed))
            consumed.clear()
    pieces.append("".join(consumed))
    if raw:
        return header, rows, line_numbers, pieces
    return header, rows, line_numbers


def column_index(header, name, path, option):
    """Index of column ``name`` in ``header``, or a CLIError listing the columns."""
    if name not in header:
        shown = ", ".join(repr(h) for h in header[:20])
        raise CLIError(f"{path} has no column {name!r} (set it with {option}); columns: {shown}")
    return header.index(name)


def _read_csv_tokens(path, column, label_sep, delimiter):
    header, rows, lines = read_csv_table(path, delimiter)
    j = column_index(header, column, path, "--labels-column")
    return [split_labels(row[j], label_sep) for row in rows], lines


def _read_jsonl_tokens(path, raw=False):
    tokens, line_numbers, values, pieces = [], [], [], []
    text, bom = read_text(path, "labels")
    pending = "\ufeff" if bom else ""
    for line_number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if not line.strip():
            pending += line
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CLIError(f"{path} line {line_number}: not valid JSON ({exc.msg})") from None
        if not isinstance(value, list) or not all(
            isinstance(v, (int, str)) and not isinstance(v, bool) for v in value
        ):
            raise CLIError(
                f"{path} line {line_number}: expected a JSON list of class indices or "
                f"names such as [0, 2] or [\"cat\", \"dog\"], got {line.strip()[:60]}"
            )
        tokens.append([str(v) for v in value])
        line_numbers.append(line_number)
        values.append(value)
        pieces.append(pending + line)
        pending = ""
    pieces.append(pending)
    if raw:
        return tokens, line_numbers, values, pieces
    return tokens, line_numbers


def tokens_to_indices(tokens, lines, path, n_classes, class_names=None):
    """Map label tokens (strings) to column indices.

    Returns ``(indices, class_names, note)``: lists of int per example, the class
    names of the columns (None if the tokens are plain indices) and a note on how
    names were mapped (None if nothing needs saying).
    """
    distinct = set().union(*tokens) if tokens else set()
    all_ints = all(_INT.match(t) for t in distinct)
    note = None
    if class_names is not None and (not all_ints or distinct & set(class_names)):
        mapping = {name: i for i, name in enumerate(class_names)}
    elif all_ints:
        mapping = None
    else:
        class_names = sorted(distinct)
        if len(class_names) != n_classes:
            raise CLIError(
                f"labels in {path} use {len(class_names)} distinct class names but "
                f"pred_probs has {n_classes} columns; give pred_probs a CSV header with "
                f"the class names or pass --classes"
            )
        mapping = {name: i for i, name in enumerate(class_names)}
        note = "class names mapped to pred_probs columns in sorted order: " + ", ".join(
            f"{i}={name}" for i, name in enumerate(class_names[:20])
        ) + (", ..." if n_classes > 20 else "")
    out = []
    for row, line in zip(tokens, lines):
        if mapping is None:
            idx = [int(t) for t in row]
            bad = [i for i in idx if not 0 <= i < n_classes]
            if bad:
                raise CLIError(
                    f"{path} line {line}: class index {bad[0]} is out of range; pred_probs "
                    f"has {n_classes} columns (indices 0 to {n_classes - 1})"
                )
        else:
            try:
                idx = [mapping[t] for t in row]
            except KeyError as exc:
                known = ", ".join(repr(n) for n in list(mapping)[:10])
                more = ", ..." if len(mapping) > 10 else ""
                raise CLIError(
                    f"{path} line {line}: unknown class {exc.args[0]!r}; known classes: "
                    f"{known}{more}"
                ) from None
        out.append(idx)
    return out, class_names, note


def read_labels(path, n_classes, *, class_names=None, labels_column="labels", label_sep=";",
                delimiter=None):
    """Read the given labels in a form :func:`skmlq._labels.check_labels` accepts.

    Returns ``(labels, class_names, note)``: a (memory-mapped) dense indicator, a
    sparse indicator or a list of lists of column indices; the class names (the
    given ones, or those found in the file, or None); and a note on the mapping.
    """
    _require_file(path, "labels")
    suffix = _suffix(path)
    if suffix == ".npy":
        return _np_load(path, "labels", mmap_mode="r"), class_names, None
    if suffix == ".npz":
        sparse = _read_sparse_npz(path, "labels")
        if sparse is not None:
            return sparse, class_names, None
        return _npz_array(path, "labels", "labels"), class_names, None
    if suffix in _CSV_SUFFIXES:
        tokens, lines = _read_csv_tokens(path, labels_column, label_sep, delimiter)
    elif suffix in (".jsonl", ".ndjson"):
        tokens, lines = _read_jsonl_tokens(path)
    else:
        raise CLIError(
            f"labels file {path} has an unknown extension {suffix or '(none)'}; accepted: "
            f"{LABEL_FORMATS}"
        )
    return tokens_to_indices(tokens, lines, path, n_classes, class_names)
