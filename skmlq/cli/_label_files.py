"""Label files that are read, changed and written back in their own format.

``--write-labels`` and ``skmlq apply`` write the cleaned labels in the format of
the labels file they read: a CSV/TSV keeps every row and column and only its label
column changes; JSON lines stay JSON lines (class names or indices, as given);
``.npy`` / ``.npz`` indicators keep their dtype (and a sparse ``.npz`` its
format). Output goes through the one safe writer (``atomic_output``).
"""

import csv
import json

import numpy as np
import scipy.sparse as sp

from ._errors import CLIError
from ._readers import (
    _CSV_SUFFIXES, _INT, _np_load, _read_jsonl_tokens, _require_file, _suffix, column_index,
    read_csv_table, split_labels, tokens_to_indices,
)
from ._writers import atomic_output, check_output_path, csv_writer, is_stream

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
        """Write indicator ``Y`` to ``path`` in this file's format (atomically)."""
        check_output_path(path, force)
        suffix = _suffix(path)
        if suffix != _suffix(self.path) and not is_stream(path) and not (
                suffix in _CSV_SUFFIXES and self.kind == "csv"):
            raise CLIError(f"write the labels as {_suffix(self.path)} like {self.path} "
                           f"(got {path})")
        if self.kind in ("npy", "npz", "npz-sparse"):
            self._write_array(Y, path, force)
            return
        with atomic_output(path, force) as fh:
            if self.kind == "jsonl":
                for row in self.tokens(Y):
                    fh.write(json.dumps(row) + "\n")
                return
            header, rows, j, label_sep, delimiter = self._extra
            writer = csv_writer(fh) if delimiter == "," else csv.writer(
                fh, delimiter=delimiter, lineterminator="\n")
            writer.writerow(header)
            for row, tokens in zip(rows, self.tokens(Y)):
                row = list(row)
                row[j] = label_sep.join(map(str, tokens))
                writer.writerow(row)

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
        header, rows, lines = read_csv_table(path, delimiter)
        j = column_index(header, labels_column, path, "--labels-column")
        tokens = [split_labels(row[j], label_sep) for row in rows]
        used = delimiter if delimiter is not None else _CSV_SUFFIXES[suffix]
        kind, extra = "csv", (header, rows, j, label_sep, used)
    elif suffix in (".jsonl", ".ndjson"):
        tokens, lines = _read_jsonl_tokens(path)
        kind, extra = "jsonl", None
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
    return LabelFile(path, Y, classes, kind, extra)


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
