"""A reader for multi-label ARFF files in the Mulan and MEKA layouts.

ARFF stores one attribute per ``@attribute`` line and one example per line after
``@data``, either dense (``0.1,3,1,0``) or sparse (``{0 0.1,1 3,2 1}``: index and value
pairs, every attribute not listed is 0). Multi-label collections add no syntax of
their own: the labels are ordinary ``{0,1}`` attributes, found by a name prefix
(``TAG_`` in bibtex), by their number (Mulan's XML side file lists them; MEKA writes
``-C n`` into the relation name, n > 0 for labels first and n < 0 for labels last).

The data section is parsed in bulk: every row is split into tokens with ``str``
methods and all tokens of the file are converted by one numpy call, so there is no
Python loop per value. When that fast path meets something it cannot take (a quoted
value, a nominal value that is not a number, an error), the file is parsed again line
by line, which names the offending line in the error message.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import zlib
from array import array
from typing import IO, NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.utils import Bunch

from ..utils._errors import InputTypeError, InputValueError
from ..utils._validation import check_bool, check_choice
from ._base import dataset_bunch

__all__ = ["load_arff"]

_NUMERIC_TYPES = {"numeric", "real", "integer"}
_ATTRIBUTE = re.compile(
    r"""@attribute\s+('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s{]+)\s*(.*)$""", re.IGNORECASE
)
_MEKA_C = re.compile(r"(?:^|\s)-C\s+(-?\d+)(?:\s|$|')")
_WEIGHT = re.compile(r",\s*\{[^{}]*\}$")
_TOKEN = re.compile(r"""\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,\s{}]+)\s*""")


class _Attribute(NamedTuple):
    name: str
    line: int
    # None for a numeric attribute, else the declared nominal values in order.
    values: tuple | None


def _unquote(token):
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"":
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    return token


def _split_nominal(spec, line_no):
    body = spec.strip()
    if not body.endswith("}"):
        raise InputValueError(f"line {line_no}: nominal attribute {spec!r} has no closing '}}'.")
    values = [_unquote(v.strip()) for v in _split_top_level(body[1:-1])]
    if not values or any(v == "" for v in values):
        raise InputValueError(f"line {line_no}: nominal attribute {spec!r} has an empty value.")
    return tuple(values)


def _split_top_level(text):
    """Split on commas that are not inside quotes."""
    parts, current, quote = [], [], None
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
            current.append(char)
        elif char == ",":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _read_header(lines):
    """Parse the header; return (relation, attributes, index of the first data line)."""
    relation, attributes, seen = "", [], {}
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        lower = line.lower()
        line_no = lines.numbers[i]
        if lower.startswith("@relation"):
            relation = _unquote(line[len("@relation"):].strip())
        elif lower.startswith("@attribute"):
            match = _ATTRIBUTE.match(line)
            if match is None or not match.group(2):
                raise InputValueError(
                    f"line {line_no}: cannot read the attribute declaration {line!r}; "
                    "expected '@attribute NAME TYPE'."
                )
            name, spec = _unquote(match.group(1)), match.group(2).strip()
            if name in seen:
                raise InputValueError(
                    f"line {line_no}: attribute {name!r} is declared twice (first on line "
                    f"{seen[name]}); attribute names must be distinct.")
            seen[name] = line_no
            kind = spec.split()[0].lower() if not spec.startswith("{") else "{"
            if kind == "{":
                attributes.append(_Attribute(name, line_no, _split_nominal(spec, line_no)))
            elif kind in _NUMERIC_TYPES:
                attributes.append(_Attribute(name, line_no, None))
            else:
                raise InputValueError(
                    f"line {line_no}: attribute {name!r} has type {kind!r}; only numeric, "
                    "real, integer and nominal ({...}) attributes are supported."
                )
        elif lower.startswith("@data"):
            if not attributes:
                raise InputValueError(f"line {line_no}: @data before any @attribute.")
            return relation, attributes, i + 1
        else:
            raise InputValueError(
                f"line {line_no}: expected @relation, @attribute or @data in the header, "
                f"got {line[:60]!r}."
            )
    raise InputValueError("the file has no @data section.")


def _nominal_codes(attribute):
    """Map a nominal attribute's values to their codes (their position)."""
    return {value: float(code) for code, value in enumerate(attribute.values)}


def _is_identity_nominal(attribute):
    """True for nominal values '0', '1', ... in order, whose code equals the number."""
    return attribute.values is not None and all(
        v == str(k) for k, v in enumerate(attribute.values)
    )


def _to_float(tokens):
    """Convert number tokens to float64; few distinct values (0/1 data) via a dict."""
    distinct = set(tokens)
    if len(distinct) * 8 < len(tokens):
        table = {token: float(token) for token in distinct}
        return np.fromiter(map(table.__getitem__, tokens), dtype=np.float64, count=len(tokens))
    return np.fromiter(map(float, tokens), dtype=np.float64, count=len(tokens))


def _fast_parse(lines, start, attributes):
    """Bulk-parse the data section; return (rows, cols, vals, n_rows) or None.

    None means the fast path cannot decide (quotes, non-numeric nominal values, '?',
    malformed rows): the caller then parses line by line.
    """
    n_attr = len(attributes)
    if any(a.values is not None and not _is_identity_nominal(a) for a in attributes):
        return None
    sparse_tokens, sparse_rows, dense_tokens, dense_rows = [], [], [], []
    n_rows = 0
    for raw in lines[start:]:
        line = raw.strip()
        if not line or line[0] == "%":
            continue
        if "'" in line or '"' in line or "?" in line:
            return None
        if line[0] == "{":
            if line[-1] != "}":
                return None
            tokens = line[1:-1].replace(",", " ").split()
            sparse_tokens.extend(tokens)
            sparse_rows.append((n_rows, len(tokens)))
        else:
            tokens = line.split(",")
            if len(tokens) != n_attr:
                return None
            dense_tokens.extend(tokens)
            dense_rows.append(n_rows)
        n_rows += 1
    try:
        s_cols = np.fromiter(map(int, sparse_tokens[0::2]), dtype=np.intp)
        s_vals = _to_float(sparse_tokens[1::2])
        dense_array = _to_float(dense_tokens)
    except (ValueError, OverflowError):  # an index beyond int64: named line by line
        return None
    if any(count % 2 for _, count in sparse_rows):
        return None
    counts = np.array([count // 2 for _, count in sparse_rows], dtype=np.intp)
    s_rows = np.repeat(np.array([r for r, _ in sparse_rows], dtype=np.intp), counts)
    if np.any(s_cols < 0) or np.any(s_cols >= n_attr):
        return None
    d_rows = np.repeat(np.array(dense_rows, dtype=np.intp), n_attr)
    d_cols = np.tile(np.arange(n_attr, dtype=np.intp), len(dense_rows))
    rows = np.concatenate([s_rows, d_rows])
    cols = np.concatenate([s_cols, d_cols])
    vals = np.concatenate([s_vals, dense_array])
    # A nominal value is the code of a declared value: an integer below their count.
    n_values = np.array(
        [np.inf if a.values is None else len(a.values) for a in attributes], dtype=np.float64
    )[cols]
    nominal = np.isfinite(n_values)
    if np.any(nominal & ((vals < 0) | (vals >= n_values) | (vals != np.round(vals)))):
        return None
    return rows, cols, vals, n_rows


def _convert_value(token, attribute, line_no):
    value = _unquote(token.strip())
    if value == "?":
        return np.nan
    if attribute.values is not None:
        code = _nominal_codes(attribute).get(value)
        if code is None:
            raise InputValueError(
                f"line {line_no}: value {value!r} of attribute {attribute.name!r} is not "
                f"one of its declared values {{{','.join(attribute.values)}}}."
            )
        return code
    try:
        return float(value)
    except ValueError:
        raise InputValueError(
            f"line {line_no}: value {value!r} of numeric attribute {attribute.name!r} is "
            "not a number."
        ) from None


def _tokens(body, line_no):
    """Split a data row on commas, honouring quotes."""
    tokens, pos = [], 0
    while pos <= len(body):
        match = _TOKEN.match(body, pos)
        if match is None:
            raise InputValueError(
                f"line {line_no}: cannot read the row near {body[pos:pos + 30]!r}."
            )
        tokens.append(match.group(1))
        pos = match.end()
        if pos == len(body):
            break
        if body[pos] != ",":
            raise InputValueError(
                f"line {line_no}: expected ',' at {body[pos:pos + 30]!r} in the row."
            )
        pos += 1
    return tokens


def _slow_parse(lines, start, attributes):
    """Parse line by line, raising a ValueError that names the first bad line."""
    n_attr = len(attributes)
    rows, cols, vals = [], [], []
    n_rows = 0
    for i in range(start, len(lines)):
        line = lines[i].strip()
        line_no = lines.numbers[i]
        if not line or line[0] == "%":
            continue
        if _WEIGHT.search(line):
            raise InputValueError(
                f"line {line_no}: instance weights ('{{w}}' after the row) are not supported."
            )
        if line[0] == "{":
            if not line.endswith("}"):
                raise InputValueError(f"line {line_no}: a sparse row must end with '}}'.")
            body = line[1:-1].strip()
            seen = set()
            for item in _split_top_level(body) if body else []:
                parts = item.strip().split(None, 1)
                if len(parts) != 2:
                    raise InputValueError(
                        f"line {line_no}: sparse entry {item.strip()!r} is not 'INDEX VALUE'."
                    )
                try:
                    col = int(parts[0])
                except ValueError:
                    raise InputValueError(
                        f"line {line_no}: sparse index {parts[0]!r} is not an integer."
                    ) from None
                if not 0 <= col < n_attr:
                    raise InputValueError(
                        f"line {line_no}: sparse index {col} is out of range; the file "
                        f"declares {n_attr} attributes (indices 0 to {n_attr - 1})."
                    )
                if col in seen:
                    raise InputValueError(f"line {line_no}: sparse index {col} appears twice.")
                seen.add(col)
                rows.append(n_rows)
                cols.append(col)
                vals.append(_convert_value(parts[1], attributes[col], line_no))
        else:
            tokens = _tokens(line, line_no)
            if len(tokens) != n_attr:
                raise InputValueError(
                    f"line {line_no}: the row has {len(tokens)} values; the file declares "
                    f"{n_attr} attributes."
                )
            for col, token in enumerate(tokens):
                rows.append(n_rows)
                cols.append(col)
                vals.append(_convert_value(token, attributes[col], line_no))
        n_rows += 1
    return (
        np.asarray(rows, dtype=np.intp),
        np.asarray(cols, dtype=np.intp),
        np.asarray(vals, dtype=np.float64),
        n_rows,
    )


def _data_line_numbers(lines, start):
    """1-based file line of each data row."""
    return lines.numbers[start:].tolist()


def _label_columns(attributes, relation, label_prefix, n_labels, label_location):
    n_attr = len(attributes)
    if label_prefix is not None and n_labels is not None:
        raise InputValueError("give label_prefix or n_labels, not both.")
    check_choice(label_location, "label_location", ("start", "end"), what="location",
                 plural="locations")
    if label_prefix is not None:
        if not isinstance(label_prefix, str) or not label_prefix:
            raise InputTypeError(f"label_prefix={label_prefix!r} must be a non-empty str.")
        columns = [j for j, a in enumerate(attributes) if a.name.startswith(label_prefix)]
        if not columns:
            raise InputValueError(
                f"no attribute name starts with label_prefix={label_prefix!r}; the first "
                f"attributes are {[a.name for a in attributes[:5]]}."
            )
        return np.asarray(columns, dtype=np.intp)
    if n_labels is None:
        match = _MEKA_C.search(relation)
        if match is None:
            raise InputValueError(
                "cannot tell which attributes are the labels: give label_prefix (e.g. "
                "'TAG_') or n_labels (the number of label attributes, at the start or the "
                "end, see label_location); the relation name has no MEKA '-C n' option."
            )
        c = int(match.group(1))
        n_labels, label_location = abs(c), ("start" if c > 0 else "end")
    if isinstance(n_labels, bool) or not isinstance(n_labels, (int, np.integer)):
        raise InputTypeError(f"n_labels={n_labels!r} must be an int.")
    if not 1 <= n_labels <= n_attr:
        raise InputValueError(
            f"n_labels must be between 1 and the number of attributes ({n_attr}), got "
            f"{n_labels}."
        )
    if label_location == "start":
        return np.arange(n_labels, dtype=np.intp)
    return np.arange(n_attr - n_labels, n_attr, dtype=np.intp)


class _Lines(list):
    """The lines that hold something (not blank, not a ``%`` comment), with
    ``numbers``: the 1-based line of each in the file. Comments and blank lines are
    never kept, so memory follows the data, not the file's decompressed size."""

    numbers: list


def _meaningful(stream, where, encoding):
    """The :class:`_Lines` of a stream of byte lines (decoded one by one, so that an
    undecodable byte is reported on its line) or of text lines."""
    lines, numbers = _Lines(), array("q")
    try:
        _collect(stream, where, encoding, lines, numbers)
    except UnicodeError as exc:  # decoded by a text stream (not line by line)
        raise InputValueError(f"{where} is not {encoding} text ({exc}); pass the file's "
                              f"encoding (e.g. encoding='latin-1').") from None
    lines.numbers = numbers
    return lines


def _collect(stream, where, encoding, lines, numbers):
    line_no = 0
    for chunk in stream:
        if isinstance(chunk, bytes):
            try:
                chunk = chunk.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputValueError(
                    f"line {line_no + 1}: byte 0x{exc.object[exc.start]:02x} of {where} is "
                    f"not {encoding} text; pass the file's encoding (e.g. "
                    f"encoding='latin-1').") from None
        for line in chunk.splitlines() or [""]:  # a lone carriage return ends a line too
            line_no += 1
            if line_no == 1 and line.startswith("\ufeff"):  # a byte-order mark
                line = line[1:]
            stripped = line.strip()
            if stripped and not stripped.startswith("%"):
                lines.append(line)
                numbers.append(line_no)


def _read_lines(path, encoding):
    try:
        codecs.lookup(encoding)
        "\n".encode(encoding)
    except (LookupError, TypeError):
        raise InputValueError(f"encoding {encoding!r} is not a known text encoding; pass "
                              f"one such as 'utf-8' or 'latin-1'.") from None
    # Byte lines are split at b"\n", which only an ASCII-compatible encoding keeps.
    by_line = "\n".encode(encoding) == b"\n" and not encoding.lower().startswith("utf-16")
    if hasattr(path, "read"):
        raw = path.read()
        if isinstance(raw, bytes):
            raw = (io.BytesIO(raw) if by_line
                   else io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, newline=None))
        else:
            raw = io.StringIO(raw, newline=None)
        return _meaningful(raw, "the file", encoding)
    path = os.fspath(path)
    # Read as a stream of lines (decompressed on the fly), never whole.
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            stream = handle if by_line else io.TextIOWrapper(handle, encoding=encoding,
                                                             newline=None)
            return _meaningful(stream, path, encoding)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputValueError(f"{path} is a truncated or damaged gzip file ({exc}); "
                              f"download or compress it again.") from None


def load_arff(
    path: str | os.PathLike[str] | IO[str] | IO[bytes],
    *,
    label_prefix: str | None = None,
    n_labels: int | None = None,
    label_location: str = "end",
    encoding: str = "utf-8",
    return_X_y: bool = False,
) -> Bunch | tuple[sp.csr_matrix, np.ndarray]:
    """Load a multi-label data set from an ARFF file (Mulan or MEKA layout).

    Dense rows (``0.5,1,0``) and sparse rows (``{0 0.5,1 1}``, unlisted attributes are
    0) may be mixed. The label attributes are found by exactly one of: a name prefix
    (``label_prefix``), a count at the start or end of the attribute list
    (``n_labels`` and ``label_location``), or, when neither is given, MEKA's ``-C n``
    option in the relation name (n > 0: the first n attributes; n < 0: the last -n).

    Parameters
    ----------
    path : str, os.PathLike or file-like
        The ARFF file; a name ending in ``.gz`` is read through gzip. A file-like
        object is read whole (text, or bytes decoded with ``encoding``).
    label_prefix : str, default=None
        Attributes whose names start with this prefix are the labels (Mulan's bibtex:
        ``"TAG_"``).
    n_labels : int, default=None
        Number of label attributes, taken from the end or the start of the attribute
        list (``label_location``).
    label_location : {"end", "start"}, default="end"
        Where the ``n_labels`` label attributes are. Mulan puts them last.
    encoding : str, default="utf-8"
        Text encoding of the file.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes:

        data : scipy.sparse.csr_matrix of shape (n_samples, n_features)
            The features, float64. Nominal features hold the position of their value
            in the declared list; missing values (``?``) are NaN.
        target : ndarray of shape (n_samples, n_labels), dtype int8
            The 0/1 label indicator, in the attribute order of the file.
        feature_names : list of str
            Names of the feature attributes.
        target_names : ndarray of str of shape (n_labels,)
            Names of the label attributes, as in the file.
        relation : str
            The ``@relation`` name.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    ValueError
        For a malformed file, naming the line: an unknown attribute type, a row with
        the wrong number of values, a sparse index out of range or repeated, a value
        that is not a number or not a declared nominal value, a label value other than
        0 or 1; or when the labels cannot be found.

    See Also
    --------
    load_yeast : The bundled yeast data set.

    Notes
    -----
    Only numeric (``numeric``, ``real``, ``integer``) and nominal attributes are read;
    ``string``, ``date`` and ``relational`` attributes, and Weka's instance weights,
    raise ValueError. Label attributes must be nominal ``{0,1}`` or numeric with values
    0 and 1.

    Examples
    --------
    >>> import io
    >>> from skmlq.datasets import load_arff
    >>> text = '''@relation toy
    ... @attribute w1 numeric
    ... @attribute w2 numeric
    ... @attribute TAG_a {0,1}
    ... @attribute TAG_b {0,1}
    ... @data
    ... {0 2.5,2 1}
    ... 0,1,1,1
    ... '''
    >>> toy = load_arff(io.StringIO(text), label_prefix="TAG_")
    >>> toy.data.toarray()
    array([[2.5, 0. ],
           [0. , 1. ]])
    >>> toy.target
    array([[1, 0],
           [1, 1]], dtype=int8)
    >>> toy.target_names
    array(['TAG_a', 'TAG_b'], dtype=object)
    """
    return_X_y = check_bool(return_X_y, "return_X_y")
    lines = _read_lines(path, encoding)
    relation, attributes, start = _read_header(lines)
    label_cols = _label_columns(attributes, relation, label_prefix, n_labels, label_location)
    n_attr = len(attributes)
    for j in label_cols:
        if attributes[j].values not in (None, ("0", "1")):
            raise InputValueError(
                f"line {attributes[j].line}: label attribute {attributes[j].name!r} is "
                f"declared {{{','.join(attributes[j].values)}}}; a label must be nominal "
                "{0,1} or numeric."
            )

    parsed = _fast_parse(lines, start, attributes)
    if parsed is not None:
        rows, cols, vals, n_rows = parsed
        ascending = (rows[1:] > rows[:-1]) | ((rows[1:] == rows[:-1]) & (cols[1:] > cols[:-1]))
        if not ascending.all():
            order = np.lexsort((cols, rows))
            rows, cols, vals = rows[order], cols[order], vals[order]
            repeated = (rows[1:] == rows[:-1]) & (cols[1:] == cols[:-1])
            if repeated.any():
                parsed = None  # let the line-by-line pass name the line
    if parsed is None:
        rows, cols, vals, n_rows = _slow_parse(lines, start, attributes)

    is_label = np.zeros(n_attr, dtype=bool)
    is_label[label_cols] = True
    on_label = is_label[cols]
    label_vals = vals[on_label]
    bad = ~((label_vals == 0) | (label_vals == 1))
    if bad.any():
        k = np.flatnonzero(bad)[0]
        row, col = rows[on_label][k], cols[on_label][k]
        line_no = _data_line_numbers(lines, start)[row]
        raise InputValueError(
            f"line {line_no}: label attribute {attributes[col].name!r} has value "
            f"{float(label_vals[k]):g}; labels must be 0 or 1."
        )

    feature_cols = np.flatnonzero(~is_label)
    new_col = np.full(n_attr, -1, dtype=np.intp)
    new_col[feature_cols] = np.arange(len(feature_cols))
    new_col[label_cols] = np.arange(len(label_cols))
    keep = ~on_label & (vals != 0)
    X = sp.csr_matrix(
        (vals[keep], (rows[keep], new_col[cols[keep]])),
        shape=(n_rows, len(feature_cols)),
        dtype=np.float64,
    )
    X.sort_indices()
    Y = np.zeros((n_rows, len(label_cols)), dtype=np.int8)
    ones = on_label & (vals == 1)
    Y[rows[ones], new_col[cols[ones]]] = 1

    feature_names = [attributes[j].name for j in feature_cols]
    target_names = np.array([attributes[j].name for j in label_cols], dtype=object)
    return dataset_bunch(X, Y, feature_names, target_names, return_X_y, relation=relation)
