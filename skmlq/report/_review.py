"""The review file: one row per suggested change, for a person to accept or reject.

A UTF-8 CSV that a spreadsheet opens. Every column but ``decision`` is evidence
and must come back unchanged; reading it back checks the header, every cell and
the labels it is applied to, and refuses the file with a one-line message naming
the line and the column at the first mismatch. Only rows whose ``decision``
accepts the change are applied; applying a reviewed file twice changes nothing
more.
"""

import codecs
import csv
import io
import os
import re
from itertools import islice
from numbers import Integral

import numpy as np
import scipy.sparse as sp

from ..utils._errors import InputTypeError, InputValueError
from ..utils._labels import check_labels
from ..utils._sparse import check_probabilities, values_at
from ..utils._output import safe_output, spreadsheet_safe, spreadsheet_text
from ._apply import apply_changes, labels_form
from ._build import Suggestions, class_lookup, suggestions_from_report

__all__ = ["ACCEPT", "REJECT", "REVIEW_COLUMNS", "apply_review", "read_review",
           "review_classes", "write_review"]

#: Columns of a review file, in order; ``pred_prob`` and ``error_proba`` only when
#: known.
REVIEW_COLUMNS = ("example", "class", "change", "given", "annotation_score", "pred_prob",
                  "label_quality", "error_proba", "decision")
_OPTIONAL = ("pred_prob", "error_proba")
#: ``decision`` values (case-insensitive) that apply a change, and that do not;
#: an empty cell means "not decided" and does not apply it either.
ACCEPT = ("accept", "accepted", "yes", "y", "true", "1", "x", "ok")
REJECT = ("reject", "rejected", "no", "n", "false", "0")
CHANGES = ("remove", "add")
GIVEN_SEP = ";"
_ASCII_DIGITS = re.compile(r"[0-9]+")


def _name(value):
    return str(value)


def _checked_probs(pred_probs, n_samples, n_classes):
    """``pred_probs`` checked to be the probabilities a report of ``n_samples`` rows
    and ``n_classes`` classes was made from (dense, or sparse: a
    :class:`~skmlq.utils.FilledSparseMatrix`, read entry by entry)."""
    P = check_probabilities(pred_probs)
    if P.ndim != 2 or P.shape[1] != n_classes or P.shape[0] < n_samples:
        raise InputValueError(f"pred_probs has shape {P.shape}; expected (n_samples, "
                              f"{n_classes}), the probabilities the report was made from.")
    return P


def check_review_probs(pred_probs, report):
    """``pred_probs`` checked against ``report`` before a review file is made of
    them, or None where no review file can be made of ``report`` (the HTML report
    checks them first: a bad argument is the caller's error, not a review the page
    cannot offer)."""
    try:
        suggestions = suggestions_from_report(report)
    except (InputValueError, InputTypeError):
        return None
    return _checked_probs(pred_probs, suggestions.n_samples, len(suggestions.classes))


def write_review(report, path, *, pred_probs=None, float_format="%.6g"):
    """Write the suggested changes of a long report as a review CSV file.

    Parameters
    ----------
    report : pandas.DataFrame
        A long report (:func:`label_issue_report`), whole or a selection of rows;
        its index must be the 0-based rows.
    path : str, path-like or writable text file
        Destination. A path is written to a temporary file next to it and renamed
        into place, so a failure never leaves a half-written file; a symbolic link,
        a named pipe or a device is written through, never replaced.
    pred_probs : array-like, sparse matrix or FilledSparseMatrix of shape \
(n_samples, n_classes), default=None
        Adds the model's probability of each changed class (``pred_prob``); sparse
        predictions are read at the changed entries only.
    float_format : str, default="%.6g"
        %-format of the evidence numbers (``"%r"`` for exact values).

    Returns
    -------
    n_rows : int
        Number of suggested changes written.

    Notes
    -----
    Columns: ``example`` (the 0-based row), ``class``, ``change`` (``remove`` a
    given label or ``add`` a missing one), ``given`` (the example's labels,
    ``;``-separated), ``annotation_score`` (the annotation's quality score, low =
    likely wrong), ``pred_prob``, ``label_quality`` (the example's score),
    ``error_proba`` (when the report has it) and an empty ``decision``. Write
    ``accept`` (or yes, y, x, 1) to apply a change, ``reject`` (or no, n, 0) or
    nothing to leave it. Rows follow the report's order (worst example first).

    A ``class`` or ``given`` cell that a spreadsheet would run as a formula (it
    starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written
    with a leading ``'``, as is one that starts with ``'``; :func:`apply_review`
    removes it again, so every name reads back exactly.
    """
    float_format = _check_float_format(float_format)
    suggestions = suggestions_from_report(report)
    classes = np.asarray(suggestions.classes, dtype=object)
    index = report.index.to_numpy().astype(np.int64)
    if np.unique(index).size != index.size:
        values, counts = np.unique(index, return_counts=True)
        raise InputValueError(
            f"report has example {int(values[counts > 1][0])} on more than one row; a "
            f"review file lists each example's changes once: pass each example once "
            f"(e.g. report[~report.index.duplicated()]).")
    position = np.full(suggestions.n_samples, -1, dtype=np.int64)
    position[index] = np.arange(index.size)
    pos = position[suggestions.rows]
    order = np.lexsort((suggestions.cols, pos))
    s = suggestions.select(order)
    pos = pos[order]
    changed = np.unique(pos)  # only the rows with a change are read, in one take
    given_lists = report["given"].array.take(changed).tolist()
    # The names the file holds (not every class of the labels) must read back.
    for c in dict.fromkeys([*classes[np.unique(s.cols)].tolist(),
                            *(c for row in given_lists for c in row)]):
        _check_class_name(c)
    given = dict(zip(changed.tolist(), (GIVEN_SEP.join(map(str, row)) for row in given_lists)))
    quality = report["label_quality"].to_numpy()
    header = ["example", "class", "change", "given", "annotation_score"]
    columns = [s.rows.tolist(), [spreadsheet_safe(_name(c)) for c in classes[s.cols].tolist()],
               np.where(s.remove, "remove", "add").tolist(),
               [spreadsheet_safe(given[p]) for p in pos],
               [float_format % v for v in s.scores.tolist()]]
    if pred_probs is not None:
        P = _checked_probs(pred_probs, suggestions.n_samples, classes.size)
        header.append("pred_prob")
        columns.append([float_format % v for v in values_at(P, s.rows, s.cols).tolist()])
    header.append("label_quality")
    columns.append([float_format % v for v in quality[pos].tolist()])
    if "error_proba" in report.columns:
        header.append("error_proba")
        columns.append([float_format % v for v in report["error_proba"].to_numpy()[pos]])
    header.append("decision")
    columns.append([""] * len(s))
    for column, cells in zip(header, columns):
        if column in ("annotation_score", "pred_prob", "label_quality", "error_proba"):
            for row, cell in enumerate(cells):
                if not _in_unit(cell):
                    raise InputValueError(
                        f"report column {column!r} has {cell!r} for example "
                        f"{int(s.rows[row])}: the evidence of a review file are numbers in "
                        f"[0, 1] (pass the report and pred_probs the model gave).")
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(zip(*columns))
    # Whatever is written must read back: checked here, not after the review.
    try:
        read_review(io.StringIO(text.getvalue()), classes, suggestions.n_samples)
    except ReviewError as exc:
        raise InputValueError(f"write_review cannot write a review file that apply_review "
                              f"reads back: {exc}") from None
    _write_text(path, text.getvalue())
    return len(s)


def _check_float_format(float_format):
    """A %-format of one number whose text reads back as the number (to its
    precision): what the evidence columns need."""
    try:
        texts = [float_format % v for v in (0.0, 0.5, 1.0, 0.123456789)]
    except (TypeError, ValueError, KeyError):
        raise InputValueError(
            f"float_format {float_format!r} is not a %-format of one number, such as "
            f"'%.6g' or '%.4f' (str.format fields such as '{{:.3f}}' are not).") from None
    try:
        values = [float(t) for t in texts]
    except ValueError:
        values = [np.nan]
    if len(values) != 4 or not np.allclose(values, [0.0, 0.5, 1.0, 0.123456789], atol=0.051):
        raise InputValueError(
            f"float_format {float_format!r} writes 0.5 as {texts[1]!r}: the evidence "
            f"columns would not read back; use a format such as '%.6g' or '%.4f'.")
    return float_format


def _check_class_name(c):
    name = _name(c)
    if GIVEN_SEP in name:
        raise InputValueError(f"class name {c!r} contains {GIVEN_SEP!r}, the separator of "
                              f"the review file's given column; rename the class.")
    if not name:
        raise InputValueError("a class name is empty: a review file names the class of each "
                              "change; rename the class.")
    if "\r" in name or "\n" in name:
        raise InputValueError(f"class name {c!r} contains a line break, which spreadsheets do "
                              f"not keep in a review file; rename the class.")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise InputValueError(f"class name {c!r} is not valid Unicode text (a lone "
                              f"surrogate); rename the class.") from None


def _in_unit(text):
    try:
        return 0 <= float(text) <= 1
    except ValueError:
        return False


def _write_text(path, text):
    with safe_output(path, what="review file") as fh:
        fh.write(text)


class ReviewError(InputValueError):
    """A review file that does not match the labels, or was edited beyond ``decision``."""


def _decode(data, where):
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReviewError(f"{where} is UTF-16 text; save it as 'CSV UTF-8' and try again.")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ReviewError(
            f"{where} line {line}, character {column}: byte 0x{data[exc.start]:02x} is not "
            f"UTF-8; save the file as 'CSV UTF-8' and try again.") from None


def _read_rows(text, where):
    """Header and ``(line, fields)`` rows; the delimiter is the one that fits the header."""
    first = text.split("\n", 1)[0].rstrip("\r")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        header = next(reader, None)
        if not header:
            raise ReviewError(f"{where} is empty; expected a review file with a header row.")
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue  # blank lines and the empty rows some spreadsheets append
            rows.append((reader.line_num, fields))
    except csv.Error as exc:  # a cell beyond the csv module's limit, a stray NUL, ...
        raise ReviewError(f"{where} line {max(reader.line_num, 1)}: cannot be read as CSV "
                          f"({exc}); only 'decision' may be edited.") from None
    return [h.strip() for h in header], rows


def _check_header(header, where):
    allowed = [c for c in REVIEW_COLUMNS if c not in _OPTIONAL or c in header]
    for j, expected in enumerate(allowed):
        got = header[j] if j < len(header) else None
        if got != expected:
            what = f"is {got!r}" if got is not None else "is missing"
            raise ReviewError(
                f"{where} line 1, column {j + 1} {what}, expected {expected!r}; the "
                f"columns of a review file are {', '.join(allowed)} (only 'decision' may "
                f"be edited).")
    if len(header) > len(allowed):
        raise ReviewError(
            f"{where} line 1, column {len(allowed) + 1}: unexpected column "
            f"{header[len(allowed)]!r}; a review file has exactly the columns "
            f"{', '.join(allowed)}.")
    return allowed


def _unit_float(text, line, column, where):
    try:
        value = float(text)
    except ValueError:
        value = np.nan
    if not 0 <= value <= 1:
        raise ReviewError(f"{where} line {line}, column {column!r}: {text!r} is not a number "
                          f"in [0, 1]; only 'decision' may be edited.")
    return value


def read_review(path, classes, n_samples, *, name="review", undecided=False):
    """Read and check a review file: ``(accepted, given)``.

    ``accepted`` holds the accepted changes as :class:`Suggestions` over
    ``classes``; ``given`` maps each example of the file to ``(line, set of class
    columns)`` of its ``given`` cell. Raises ValueError (one line, naming the line
    and the column) on anything but the ``decision`` cells differing from what
    :func:`write_review` writes. With ``undecided``, a third value is the set of
    examples with a row whose ``decision`` is empty (not reviewed yet).
    """
    where = os.fspath(path) if not hasattr(path, "read") else name
    if hasattr(path, "read"):
        data = path.read()
        data = data.encode("utf-8") if isinstance(data, str) else data
    else:
        with open(path, "rb") as fh:
            data = fh.read()
    header, rows = _read_rows(_decode(data, where), where)
    columns = _check_header(header, where)
    lookup = class_lookup(classes, text=True)  # by _name, i.e. str
    known = ", ".join(repr(c) for c in islice(lookup, 10))
    known += ", ..." if len(lookup) > 10 else ""
    seen, given_of, open_rows = {}, {}, set()
    out_rows, out_cols, out_remove, out_scores = [], [], [], []
    for line, fields in rows:
        if len(fields) != len(columns):
            raise ReviewError(f"{where} line {line}: {len(fields)} fields but the header has "
                              f"{len(columns)}; only 'decision' may be edited.")
        cell = dict(zip(columns, fields))
        text = cell["example"].strip()
        if not _ASCII_DIGITS.fullmatch(text) or int(text) >= n_samples:
            raise ReviewError(
                f"{where} line {line}, column 'example': {text!r} is not a row of the "
                f"labels (0 to {n_samples - 1}); the review file is for other labels.")
        row = int(text)
        cls = spreadsheet_text(cell["class"])
        if cls not in lookup:
            raise ReviewError(f"{where} line {line}, column 'class': unknown class {cls!r}; "
                              f"the labels' classes are {known}.")
        col = lookup[cls]
        change = cell["change"].strip()
        if change not in CHANGES:
            raise ReviewError(f"{where} line {line}, column 'change': {change!r} is not "
                              f"'remove' or 'add'; only 'decision' may be edited.")
        given_text = spreadsheet_text(cell["given"])
        given_names = [g for g in given_text.split(GIVEN_SEP) if g]
        unknown = [g for g in given_names if g not in lookup]
        if unknown:
            raise ReviewError(f"{where} line {line}, column 'given': unknown class "
                              f"{unknown[0]!r}; the labels' classes are {known}.")
        given = frozenset(lookup[g] for g in given_names)
        if (change == "remove") != (col in given):
            raise ReviewError(
                f"{where} line {line}, column 'change': {change} {cls!r} contradicts the "
                f"given labels {cell['given']!r}; only 'decision' may be edited.")
        if row in given_of and given_of[row][1] != given:
            raise ReviewError(
                f"{where} line {line}, column 'given': example {row} has given labels "
                f"{cell['given']!r} here but other ones on line {given_of[row][0]}; only "
                f"'decision' may be edited.")
        given_of.setdefault(row, (line, given))
        if (row, col) in seen:
            raise ReviewError(f"{where} line {line}, columns 'example' and 'class': example "
                              f"{row}, class {cls!r} is already on line {seen[row, col]}; "
                              f"remove the duplicate row.")
        seen[row, col] = line
        for column in ("annotation_score", "pred_prob", "label_quality", "error_proba"):
            if column in cell:
                _unit_float(cell[column], line, column, where)
        decision = cell["decision"].strip().lower()
        if decision and decision not in ACCEPT + REJECT:
            raise ReviewError(
                f"{where} line {line}, column 'decision': {cell['decision']!r} is not a "
                f"decision; write accept (yes, y, x, 1), reject (no, n, 0) or leave it "
                f"empty.")
        if not decision:
            open_rows.add(row)
        if decision in ACCEPT:
            out_rows.append(row)
            out_cols.append(col)
            out_remove.append(change == "remove")
            out_scores.append(float(cell["annotation_score"]))
    accepted = Suggestions(out_rows, out_cols, out_remove, out_scores, n_samples, classes)
    return (accepted, given_of, open_rows) if undecided else (accepted, given_of)


def review_classes(data, where="review"):
    """The classes of a review file's accepted removals (from its bytes), in the
    order they appear: the classes that applying it may have removed the last
    annotation of. An empty list if it is not a readable review (reading it again
    says why)."""
    try:
        header, rows = _read_rows(_decode(data, where), where)
    except ValueError:
        return []
    if not {"class", "change", "decision"} <= set(header):
        return []
    c, ch, d = header.index("class"), header.index("change"), header.index("decision")
    return list(dict.fromkeys(
        spreadsheet_text(fields[c]) for _, fields in rows
        if len(fields) == len(header) and fields[ch].strip() == "remove"
        and fields[d].strip().lower() in ACCEPT))


def apply_review(labels, review, *, classes=None):
    """Apply the accepted rows of a review file to labels, in the labels' own form.

    Parameters
    ----------
    labels : list of lists, array-like, sparse matrix or DataFrame
        The labels the review file was written for (or the result of applying it
        before: that gives the same result again).
    review : str, path-like or readable file
        A review file of :func:`write_review` whose ``decision`` cells were filled.
    classes : sequence, default=None
        Class names of the labels' columns, in order. None: a DataFrame's
        columns, else column indices (the review's ``class`` cells are then
        ``0``, ``1``, ...).

    Returns
    -------
    cleaned : same form as ``labels``
        A new object with the accepted changes applied.

    Raises
    ------
    ValueError
        One line naming the file's line and column: a header or evidence cell that
        differs from what was written, an unknown example or class, a duplicate
        row, a decision that is not accept/reject/empty, text that is not UTF-8,
        or an example whose labels are neither those the review was made from nor
        those it leads to.
    """
    if classes is None:
        if hasattr(labels, "columns"):
            classes = list(labels.columns)
        else:
            Y0 = check_labels(labels) if not _is_names(labels) else None
            if Y0 is None:
                raise InputValueError(
                    "labels are lists of class names; pass classes=[...] (the class "
                    "names in column order) to map the review file's classes.")
            classes = list(range(Y0.shape[1]))
    classes = np.asarray(classes, dtype=object)
    Y, restore = labels_form(labels, classes)
    accepted, given_of = read_review(review, classes, Y.shape[0],
                                     name=getattr(review, "name", "review"))
    _check_labels_match(Y, accepted, given_of, classes, review)
    return restore(apply_changes(Y, accepted))


def _is_names(labels):
    if isinstance(labels, (list, tuple)):
        for row in labels:
            for v in (row if isinstance(row, (list, tuple, set, np.ndarray)) else [row]):
                return not isinstance(v, Integral)
    return False


def _row_sets(Y, rows):
    """The set of given classes of each of ``rows`` of a bool indicator, dense or
    CSR (read by its stored entries: O(their number), whatever the classes)."""
    if sp.issparse(Y):
        sub = sp.csr_matrix(Y[rows])
        sub.eliminate_zeros()
        bounds = sub.indptr.tolist()
        cols = sub.indices.tolist()
        return [frozenset(cols[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    current = np.asarray(Y[rows])
    return [frozenset(np.flatnonzero(row).tolist()) for row in current]


def _check_labels_match(Y, accepted, given_of, classes, review):
    """Every reviewed example's labels are those reviewed, or those after the changes."""
    where = getattr(review, "name", "review") if hasattr(review, "read") else os.fspath(review)
    rows = np.fromiter(given_of, dtype=np.int64, count=len(given_of))
    if rows.size == 0:
        return
    current = _row_sets(Y, rows)
    after = {}
    for r, c, rem in zip(accepted.rows.tolist(), accepted.cols.tolist(),
                         accepted.remove.tolist()):
        after.setdefault(r, []).append((c, rem))
    for i, row in enumerate(rows.tolist()):
        line, given = given_of[row]
        now = current[i]
        if now == given:
            continue
        target = set(given)
        for c, rem in after.get(row, ()):
            (target.discard if rem else target.add)(c)
        if now != target:
            shown = GIVEN_SEP.join(_name(classes[k]) for k in sorted(now))
            raise ReviewError(
                f"{where} line {line}, column 'given': example {row} has labels "
                f"{shown!r} in the labels but the review file was made from "
                f"{GIVEN_SEP.join(_name(classes[k]) for k in sorted(given))!r}; apply it "
                f"to the labels it was written for.")
