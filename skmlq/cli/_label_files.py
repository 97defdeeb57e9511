"""Label files that are read, changed and written back in their own format.

``--write-labels`` and ``skmlq apply`` write the cleaned labels in the format of
the labels file they read: a CSV/TSV keeps every row and column and only its label
column changes; JSON lines stay JSON lines (class names or indices, as given);
``.npy`` / ``.npz`` indicators keep their dtype (and a sparse ``.npz`` its
format). Output goes through the one safe writer (``atomic_output``).
"""

import csv
import io
import json

import numpy as np
import scipy.sparse as sp

from ._errors import CLIError
from ._readers import (
    _CSV_SUFFIXES, _INT, _np_load, _read_jsonl_tokens, _require_file, _suffix, column_index,
    read_csv_table, split_labels, tokens_to_indices,
)
from ._writers import atomic_output, check_output_path, is_stream

__all__ = ["LabelFile", "read_label_file"]


class LabelFile:
    """The labels of one file: ``Y`` (bool CSR, N x K), ``classes`` and how to write them.

    ``classes`` are the class names of the columns (strings), or column indices
    (ints) when the file holds indices or an indicator.
    """

    def __init__(self, path, Y, classes, kind, extra):
        self.path, self.Y, self.classes, self.kind, self._extra = path, Y, classes, kind, extra

    def tokens(self, Y):
        """Per example, the class tokens of indicator ``Y`` (names or indices)."""
        Y = sp.csr_matrix(Y)
        Y.sort_indices()
        names = np.asarray(self.classes, dtype=object)
        return [names[Y.indices[a:b]].tolist() for a, b in zip(Y.indptr[:-1], Y.indptr[1:])]

    def write(self, Y, path, force=False):
        """Write indicator ``Y`` to ``path`` in this file's format (atomically).

        A text file's rows whose labels ``Y`` leaves as they are come back byte for
        byte; a changed row keeps its remaining tokens as they were written, in
        their order, then the added classes in the file's style.
        """
        check_output_path(path, force)
        suffix = _suffix(path)
        if suffix != _suffix(self.path) and not is_stream(path) and not (
                suffix in _CSV_SUFFIXES and self.kind == "csv"):
            raise CLIError(f"write the labels as {_suffix(self.path)} like {self.path} "
                           f"(got {path})")
        if self.kind in ("npy", "npz", "npz-sparse"):
            self._write_array(Y, path, force)
            return
        pieces = self._changed_pieces(Y)
        with atomic_output(path, force) as fh:
            fh.write("".join(pieces))

    def _changed_pieces(self, Y):
        """The file's text pieces with the rows whose labels changed rewritten."""
        Y = sp.csr_matrix(Y, dtype=bool)
        Y.sort_indices()
        old = sp.csr_matrix(self.Y, dtype=bool)
        changed = np.flatnonzero(np.diff((Y != old).tocsr().indptr))
        source = self._extra
        pieces = list(source["pieces"])
        first = source["first"]  # index of row 0's piece
        for i in changed.tolist():
            new = Y.indices[Y.indptr[i]:Y.indptr[i + 1]].tolist()
            keep = set(new)
            kept = [v for v, k in zip(source["values"][i], source["indices"][i]) if k in keep]
            seen = set(source["indices"][i])
            added = [self._token(k) for k in new if k not in seen]
            prefix, record = _split_record(pieces[first + i])
            ending = record[len(record.rstrip("\r\n")):]
            if self.kind == "jsonl":
                text = json.dumps(kept + added)
            else:
                row = list(source["rows"][i])
                row[source["column"]] = source["label_sep"].join(map(str, kept + added))
                buffer = io.StringIO()
                csv.writer(buffer, delimiter=source["delimiter"], lineterminator="").writerow(row)
                text = buffer.getvalue()
            pieces[first + i] = prefix + text + ending
        return pieces

    def _token(self, k):
        """How the file writes class ``k``: its name, or its index as the file writes
        indices (a JSON number, or a string where the file quotes them)."""
        if self._extra["names"]:
            return self.classes[k]
        return str(k) if self._extra["quoted"] else k

    def _write_array(self, Y, path, force):
        dtype, key = self._extra
        with atomic_output(path, force, binary=True) as fh:
            if self.kind == "npz-sparse":
                sp.save_npz(fh, sp.csr_matrix(Y).astype(dtype).asformat(key))
                return
            dense = (Y.toarray() if sp.issparse(Y) else np.asarray(Y)).astype(dtype)
            if self.kind == "npy":
                np.save(fh, dense)
            else:
                np.savez(fh, **{key: dense})


def _classes_of_tokens(tokens, class_names, extra_classes=()):
    distinct = set().union(*tokens) if tokens else set()
    if class_names is not None:
        unknown = sorted(distinct.difference(class_names))
        if unknown and not all(_INT.match(t) for t in distinct):
            raise CLIError(f"class {unknown[0]!r} of the labels is not in --classes")
        if not unknown:
            return list(class_names)
    if distinct and all(_INT.match(t) for t in distinct):
        return None
    return sorted(distinct.union(extra_classes))


def read_label_file(path, *, class_names=None, labels_column="labels", label_sep=";",
                    delimiter=None, n_classes=None, extra_classes=()):
    """Read a labels file as a :class:`LabelFile`.

    Class names of a CSV or JSON-lines file are ``class_names`` when given (e.g.
    ``--classes``), else the sorted names found in the file and in
    ``extra_classes``; class indices stay indices (``n_classes`` columns, else the
    largest index + 1).
    """
    _require_file(path, "labels")
    suffix = _suffix(path)
    if suffix == ".npy":
        Y = _np_load(path, "labels")
        return _array_file(path, Y, "npy", (Y.dtype, None), class_names)
    if suffix == ".npz":
        with _np_load(path, "labels") as npz:
            keys = list(npz.files)
            if "format" in keys and "shape" in keys:
                M = sp.load_npz(path)
                return _array_file(path, M, "npz-sparse", (M.dtype, M.format), class_names)
            key = "labels" if "labels" in keys else keys[0]
            Y = npz[key]
        return _array_file(path, Y, "npz", (Y.dtype, key), class_names)
    if suffix in _CSV_SUFFIXES:
        header, rows, lines, pieces = read_csv_table(path, delimiter, raw=True)
        j = column_index(header, labels_column, path, "--labels-column")
        tokens = [split_labels(row[j], label_sep) for row in rows]
        used = delimiter if delimiter is not None else _CSV_SUFFIXES[suffix]
        kind = "csv"
        extra = {"rows": rows, "column": j, "label_sep": label_sep, "delimiter": used,
                 "pieces": pieces, "first": 2, "values": tokens, "quoted": True}
    elif suffix in (".jsonl", ".ndjson"):
        tokens, lines, values, pieces = _read_jsonl_tokens(path, raw=True)
        kind = "jsonl"
        quoted = any(isinstance(v, str) for row in values for v in row)
        extra = {"pieces": pieces, "first": 0, "values": values, "quoted": quoted}
    else:
        raise CLIError(f"labels file {path} has an unknown extension {suffix or '(none)'}; "
                       f"accepted: .csv, .tsv, .jsonl, .npy, .npz")
    names = _classes_of_tokens(tokens, class_names, extra_classes)
    if names is None:
        top = max((int(t) for row in tokens for t in row), default=-1) + 1
        K = max(top, n_classes or 0)
        indices, _, _ = tokens_to_indices(tokens, lines, path, K, None)
        classes = list(range(K))
    else:
        indices, _, _ = tokens_to_indices(tokens, lines, path, len(names), names)
        classes = names
    from ..utils._labels import check_labels

    Y = check_labels(indices, n_classes=len(classes), name=f"labels in {path}")
    extra["indices"], extra["names"] = indices, names is not None
    return LabelFile(path, Y, classes, kind, extra)


def _split_record(piece):
    """``(blank lines before, the record)`` of a row's text piece."""
    lines = piece.splitlines(keepends=True)
    n_blank = 0
    while n_blank < len(lines) - 1 and not lines[n_blank].strip("\r\n"):
        n_blank += 1
    return "".join(lines[:n_blank]), "".join(lines[n_blank:])


def _array_file(path, Y, kind, extra, class_names):
    from ..utils._labels import check_labels

    if getattr(Y, "ndim", 2) != 2:
        raise CLIError(f"labels file {path} holds an array of shape {Y.shape}; expected a "
                       f"(n_samples, n_classes) 0/1 indicator")
    checked = check_labels(Y, name=f"labels in {path}")
    n_classes = checked.shape[1]
    if class_names is not None and len(class_names) != n_classes:
        raise CLIError(f"--classes names {len(class_names)} classes but {path} has "
                       f"{n_classes} columns")
    classes = list(class_names) if class_names is not None else list(range(n_classes))
    return LabelFile(path, sp.csr_matrix(checked, dtype=bool), classes, kind, extra)
