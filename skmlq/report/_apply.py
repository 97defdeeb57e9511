"""Apply suggested changes to labels, returning them in the form they came in.

The labels are read with the project's label conversions (``check_labels`` for
indices and indicators, the estimator's target encoding for class names), changed
as a boolean indicator, and written back in the caller's form. Changes are set
operations (a removal clears, an addition sets), so applying the same changes
twice gives the same labels as applying them once.
"""

from itertools import chain
from numbers import Integral

import numpy as np
import scipy.sparse as sp

from ..utils._errors import InputValueError
from ..utils._labels import check_labels
from ..utils._validation import check_bool, check_unit_interval
from ._build import in_sorted, suggestions_from_report
from ._flat import gc_paused, to_lists

__all__ = ["apply_changes", "apply_suggestions", "labels_form"]


def labels_form(labels, classes, name="labels"):
    """Read ``labels`` over ``classes``: ``(Y, restore)``.

    ``Y`` is a boolean CSR matrix or a dense bool array (N, K); ``restore(Y_new)``
    returns labels of the same form as ``labels`` (lists of indices or of class
    names, dense array of the same dtype, sparse matrix of the same format and
    dtype, DataFrame with the same index and columns); rows of lists keep their
    order. A 1-D array of one class per example comes back as lists of class
    labels (a fix may leave 0 or 2).
    """
    from .._estimator._targets import _target_form, encode_targets

    classes = np.asarray(classes, dtype=object)
    n_classes = classes.size
    form, y = _target_form(labels, name)
    if form == "indicator":
        if hasattr(labels, "iloc"):  # DataFrame indicator (nullable dtypes too)
            Y = check_labels(labels, n_classes=n_classes, name=name)
            frame = labels

            def restore(Y_new):
                values = np.asarray(Y_new.toarray() if sp.issparse(Y_new) else Y_new)
                out = frame.copy()
                for j, column in enumerate(out.columns):  # each column keeps its dtype
                    out[column] = type(out[column])(
                        values[:, j], index=out.index).astype(frame.dtypes.iloc[j])
                return out
            return np.asarray(Y, dtype=bool), restore
        Y = check_labels(labels, n_classes=n_classes, name=name)
        if sp.issparse(labels):
            fmt, dtype = labels.format, labels.dtype

            def restore(Y_new):
                out = sp.csr_matrix(Y_new).astype(dtype)
                out.eliminate_zeros()
                return out.asformat(fmt)
            return Y, restore
        dtype = np.asarray(labels).dtype

        def restore(Y_new):
            return np.asarray(Y_new.toarray() if sp.issparse(Y_new) else Y_new).astype(dtype)
        return np.asarray(Y, dtype=bool), restore
    int_classes = classes.size and all(
        isinstance(c, Integral) and not isinstance(c, (bool, np.bool_)) for c in classes.tolist())
    indices = np.array_equal(classes.astype(object), np.arange(n_classes).astype(object))
    rows = list(y) if form == "lists" else [[v] for v in np.asarray(y).tolist()]
    if form == "lists" and (indices or not int_classes):
        try:  # lists of class indices (into ``classes``)
            Y = check_labels(rows, n_classes=n_classes, name=name)
            return Y, _restore_lists(rows, Y, None)
        except TypeError:  # lists of class names
            pass
    # Class labels (names, or ints that are not the column indices).
    Y = encode_targets(labels, classes, name=name)[0].astype(bool)
    return Y, _restore_lists(rows, Y, classes)


def _restore_lists(rows, Y, classes):
    """``restore`` for lists: unchanged rows come back as copies of the caller's rows;
    a changed row keeps its remaining labels in their order, then the added ones."""
    def restore(Y_new):
        Y_new = sp.csr_matrix(Y_new, dtype=bool)
        Y_new.sort_indices()
        changed = np.flatnonzero(np.diff((Y_new != sp.csr_matrix(Y, dtype=bool)).indptr))
        with gc_paused():
            out = [list(row) for row in rows]
            for i, row in zip(changed.tolist(), _changed_rows(rows, Y_new, classes, changed)):
                out[i] = row
        return out
    return restore


def _entries(indptr, indices, which):
    """Positions (into ``which``) and values of the CSR entries of rows ``which``."""
    starts, stops = indptr[which], indptr[which + 1]
    lengths = stops - starts
    pos = np.repeat(np.arange(which.size), lengths)
    offsets = np.arange(pos.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return pos, indices[np.repeat(starts, lengths) + offsets].astype(np.int64)


def _changed_rows(rows, Y_new, classes, changed):
    """The new lists of the rows ``changed``, all at once: the caller's entries whose
    class is still set (in their order, the caller's objects), then the classes set
    anew (in column order)."""
    n_classes = Y_new.shape[1]
    old = [rows[i] for i in changed.tolist()]
    lengths = np.fromiter(map(len, old), dtype=np.int64, count=len(old))
    flat = list(chain.from_iterable(old))
    if classes is None:
        old_cols = np.fromiter(flat, dtype=np.int64, count=len(flat))
    else:
        lookup = {c: k for k, c in enumerate(classes.tolist())}
        old_cols = np.fromiter(map(lookup.__getitem__, flat), dtype=np.int64, count=len(flat))
    old_pos = np.repeat(np.arange(changed.size), lengths)
    new_pos, new_cols = _entries(Y_new.indptr, Y_new.indices, changed)
    old_keys, new_keys = old_pos * n_classes + old_cols, new_pos * n_classes + new_cols
    kept = in_sorted(old_keys, new_keys)  # CSR rows in order, sorted indices: sorted
    added = ~in_sorted(new_keys, np.sort(old_keys))
    values = np.fromiter(flat, dtype=object, count=len(flat))
    names = new_cols[added] if classes is None else classes[new_cols[added]]
    merged = np.concatenate([values[kept], np.asarray(names, dtype=object)])
    pos = np.concatenate([old_pos[kept], new_pos[added]])
    order = np.argsort(pos, kind="stable")  # per row: kept entries, then added ones
    merged = merged[order].tolist()
    bounds = np.searchsorted(pos[order], np.arange(changed.size + 1))
    return to_lists(bounds, merged)


def apply_changes(Y, suggestions, name="labels"):
    """``Y`` (bool, dense or CSR) with ``suggestions`` applied, as a new matrix."""
    n_samples, n_classes = Y.shape
    s = suggestions
    if s.rows.size and s.rows.max() >= n_samples:
        raise InputValueError(
            f"the suggestions name example {int(s.rows.max())}, but {name} has "
            f"{n_samples} examples; pass the labels the report was made from.")
    if len(s.classes) != n_classes:
        raise InputValueError(
            f"the suggestions are over {len(s.classes)} classes but {name} has "
            f"{n_classes}; pass the labels the report was made from.")
    removed, added = s.remove, ~s.remove
    if sp.issparse(Y):
        shape = (n_samples, n_classes)
        drop = sp.csr_matrix((np.ones(int(removed.sum()), dtype=np.int8),
                              (s.rows[removed], s.cols[removed])), shape=shape)
        gain = sp.csr_matrix((np.ones(int(added.sum()), dtype=np.int8),
                              (s.rows[added], s.cols[added])), shape=shape)
        base = Y.astype(np.int8)
        out = (base - base.multiply(drop) + gain).tocsr()
        out.data = out.data > 0
        out.eliminate_zeros()
        return out.astype(bool)
    out = np.array(Y, dtype=bool)
    out[s.rows[removed], s.cols[removed]] = False
    out[s.rows[added], s.cols[added]] = True
    return out


def apply_suggestions(labels, report, *, remove=True, add=True, min_confidence=None,
                      classes=None):
    """Apply the suggested fixes of a report to labels, in the labels' own form.

    Parameters
    ----------
    labels : list of lists, array-like of shape (n_samples, n_classes), sparse matrix \
or DataFrame
        The labels the report was made from (or the result of a previous apply):
        lists of class indices or class names, or a dense, sparse or DataFrame 0/1
        indicator.
    report : pandas.DataFrame
        The long report of :func:`label_issue_report` or
        :meth:`~skmlq.MultilabelLabelQuality.find_label_issues`, whole or filtered
        (``flagged_only``, ``worst``, any row selection): only its rows' fixes are
        applied.
    remove : bool, default=True
        Apply the removals (``to_remove``).
    add : bool, default=True
        Apply the additions (``to_add``).
    min_confidence : float in [0, 1], default=None
        Apply only the fixes whose confidence, one minus the annotation's quality
        score, is at least this (for ``self_confidence`` scores, the model's
        probability that the annotation is wrong). None applies all.
    classes : sequence, default=None
        Class names of the labels' columns; None uses ``report.attrs["classes"]``.

    Returns
    -------
    cleaned : same form as ``labels``
        A new object; ``labels`` is never modified. Applying the same report again
        to the result changes nothing.

    Examples
    --------
    >>> from skmlq.report import apply_suggestions, label_issue_report
    >>> labels = [["dog"], ["cat"], ["cat", "dog"], ["dog"], [], ["dog"]]
    >>> pred_probs = [[0.9, 0.1], [0.8, 0.2], [0.9, 0.9], [0.1, 0.8], [0.1, 0.2],
    ...               [0.2, 0.9]]
    >>> report = label_issue_report(labels=[[1], [0], [0, 1], [1], [], [1]],
    ...                             pred_probs=pred_probs, class_names=["cat", "dog"])
    >>> report.loc[0, ["to_remove", "to_add"]].tolist()
    [['dog'], ['cat']]
    >>> apply_suggestions(labels, report)
    [['cat'], ['cat'], ['cat', 'dog'], ['dog'], [], ['dog']]
    >>> apply_suggestions(labels, report, add=False)
    [[], ['cat'], ['cat', 'dog'], ['dog'], [], ['dog']]
    """
    remove, add = check_bool(remove, "remove"), check_bool(add, "add")
    min_confidence = check_unit_interval(min_confidence, "min_confidence", allow_none=True)
    suggestions = suggestions_from_report(report, classes)
    keep = np.where(suggestions.remove, bool(remove), bool(add))
    if min_confidence is not None:
        keep &= (1.0 - suggestions.scores) >= min_confidence
    Y, restore = labels_form(labels, suggestions.classes)
    return restore(apply_changes(Y, suggestions.select(keep)))
