"""The label issue report: one row per example, with the fixes it suggests.

Everything is built from four arrays computed elsewhere (the given labels, the
per-annotation quality scores, the per-annotation issue mask and, when they exist,
the error probabilities); this module only lays them out. The same suggestions
feed :func:`~skmlq.report.apply_suggestions` and the review file, so the report,
the cleaned labels and the review file always agree.
"""

from collections.abc import Hashable

import numpy as np
import scipy.sparse as sp

# expected_counts and review_order are also read from here by the command line, which
# reaches the core only through the public packages.
from .._core._verdict import error_verdict, expected_counts, review_order  # noqa: F401
from ..utils._blocks import nonzero_2d, row_blocks
from ..utils._docstrings import fill_doc, toy_data_doc
from ..utils._errors import InputTypeError, InputValueError
from ..utils._labels import indicator_block
from ..utils._optional import require_pandas
from ..utils._row_mask import RowMask
from ..utils._sparse import FilledSparseMatrix, canonical_csr, csr_entries, values_at
from ..utils._validation import (
    check_bool, check_choice, check_class_names, check_integer, check_pred_probs,
    check_unit_interval,
)
from ._flat import FlatLists, row_offsets

__all__ = [
    "FORMS", "LONG_COLUMNS", "WIDE_STATES", "Suggestions", "build_report", "class_lists",
    "label_issue_report", "suggestions_from_report",
]

FORMS = ("long", "wide")
LONG_COLUMNS = (
    "label_quality", "error_proba", "flagged", "given", "to_remove", "to_add",
    "suggested", "to_remove_scores", "to_add_scores",
)
# Cell values of the wide form, one column per class.
WIDE_STATES = ("", "given", "remove", "add")


class Suggestions:
    """The suggested changes of a data set, as coordinates.

    ``rows``/``cols`` (int64, sorted by row then class) locate each flagged
    annotation; ``remove`` is True where the class is given (the fix removes it)
    and False where it is absent (the fix adds it); ``scores`` are the annotations'
    quality scores. ``n_samples`` and ``classes`` describe the labels.
    """

    __slots__ = ("rows", "cols", "remove", "scores", "n_samples", "classes")

    def __init__(self, rows, cols, remove, scores, n_samples, classes):
        self.rows = np.asarray(rows, dtype=np.int64)
        self.cols = np.asarray(cols, dtype=np.int64)
        self.remove = np.asarray(remove, dtype=bool)
        self.scores = np.asarray(scores, dtype=np.float64)
        self.n_samples = int(n_samples)
        self.classes = classes

    def __len__(self):
        return self.rows.size

    def select(self, keep):
        """The suggestions where the boolean array ``keep`` is True."""
        return Suggestions(self.rows[keep], self.cols[keep], self.remove[keep],
                           self.scores[keep], self.n_samples, self.classes)


class ClassNames(list):
    """The class names of a report (``report.attrs["classes"]``): a list that pandas
    shares instead of copying.

    pandas deep-copies ``attrs`` into every column and slice it hands out; a list of
    100,000 tag names made each ``report["to_add"]`` cost a second. The names are
    not meant to be edited, so every copy of a report refers to the same list.
    """

    __slots__ = ()

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):  # pickled as the plain list it is
        return list, (list(self),)


class _ColumnIndices:
    """The name-to-column lookup of the default class names, the column indices
    ``0 .. K-1``: arithmetic instead of a dict of K entries (a report of 100,000
    tags looks up a few hundred names). ``text=True`` maps their ``str`` (the names
    a review file holds) instead."""

    def __init__(self, n_classes, text):
        self.n_classes, self.text = n_classes, text

    def get(self, name, default=None):
        if self.text:
            if not (isinstance(name, str) and name.isascii() and name.isdigit()
                    and (name == "0" or name[0] != "0")):
                return default
        elif isinstance(name, (bool, np.bool_)) or not isinstance(name, (int, np.integer)):
            return default
        value = int(name)
        return value if 0 <= value < self.n_classes else default

    def __getitem__(self, name):
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name):
        return self.get(name) is not None

    def __iter__(self):
        return (str(k) if self.text else k for k in range(self.n_classes))

    def __len__(self):
        return self.n_classes


def class_lookup(classes, *, text=False):
    """Mapping of each class name (its ``str`` with ``text``) to its column, the
    last column where names repeat."""
    names = np.asarray(classes, dtype=object).tolist()
    if names and names[0] == 0 and all(
            issubclass(t, (int, np.integer)) and not issubclass(t, (bool, np.bool_))
            for t in set(map(type, names))):
        if np.array_equal(np.asarray(names, dtype=np.int64), np.arange(len(names))):
            return _ColumnIndices(len(names), text)
    return dict(zip(map(str, names) if text else names, range(len(names))))


def in_sorted(values, keys):
    """``np.isin(values, keys)`` for a sorted ``keys``: a binary search per value,
    several times faster than ``isin``'s hashing for the report's int64 keys."""
    if keys.size == 0:
        return np.zeros(np.shape(values), dtype=bool)
    at = np.minimum(np.searchsorted(keys, values), keys.size - 1)
    return keys[at] == values


def _given_coordinates(Y):
    """(rows, cols) of the given annotations of a checked indicator, row-major."""
    if sp.issparse(Y):
        Y = Y.tocsr()
        if not Y.has_sorted_indices:
            Y = Y.sorted_indices()
        rows = np.repeat(np.arange(Y.shape[0], dtype=np.int64), np.diff(Y.indptr))
        return rows, Y.indices.astype(np.int64)
    parts = [nonzero_2d(indicator_block(Y, a, b)) for a, b in row_blocks(*Y.shape)]
    rows = np.concatenate([r + a for (r, _), (a, _) in zip(parts, row_blocks(*Y.shape))]
                          or [np.zeros(0, np.int64)])
    cols = np.concatenate([c for _, c in parts] or [np.zeros(0, np.int64)])
    return rows.astype(np.int64), cols.astype(np.int64)


def _refuse_wide_sparse(sparse):
    if sparse:
        raise InputTypeError(
            "form='wide' holds one column per class, which sparse pred_probs are meant "
            "to avoid; use form='long' (the class lists of each example).")


def mask_coordinates(mask):
    """``(rows, cols)`` (int64, row-major) of the True entries of an (N, K) mask: a
    dense array, a boolean sparse matrix or a :class:`~skmlq.utils._row_mask.RowMask`;
    a sparse one is read in O(nnz), never densified."""
    if isinstance(mask, RowMask):
        mask = mask._csr
    if sp.issparse(mask):
        csr = canonical_csr(mask)
        rows = np.repeat(np.arange(csr.shape[0], dtype=np.int64), np.diff(csr.indptr))
        keep = np.asarray(csr.data, dtype=bool)
        return rows[keep], csr.indices[keep].astype(np.int64)
    return nonzero_2d(mask)


def flagged_by_mask(mask):
    """(N,) bool: whether each example has a flagged annotation in ``mask``."""
    rows, _ = mask_coordinates(mask)
    out = np.zeros(mask.shape[0], dtype=bool)
    out[rows] = True
    return out


def given_at(Y, rows, cols):
    """Whether the annotations ``(rows, cols)`` (row-sorted) are given in ``Y``."""
    if sp.issparse(Y):
        Y = canonical_csr(Y)
        found, values = csr_entries(Y.indptr, Y.indices, Y.data, rows, cols)
        return found & values.astype(bool)
    given = np.zeros(rows.size, dtype=bool)
    for start, stop in row_blocks(*Y.shape):
        lo, hi = np.searchsorted(rows, [start, stop])
        if hi > lo:
            block = indicator_block(Y, start, stop)
            given[lo:hi] = block[rows[lo:hi] - start, cols[lo:hi]]
    return given


def _flagged_coordinates(Y, mask, per_class_scores):
    """The :class:`Suggestions` of the flagged annotations of ``mask``.

    ``per_class_scores`` is a dense (N, K) array, a
    :class:`~skmlq.utils.FilledSparseMatrix` (sparse predictions) or None.
    """
    rows, cols = mask_coordinates(mask)
    remove = given_at(Y, rows, cols)
    scores = (values_at(per_class_scores, rows, cols) if per_class_scores is not None
              else np.zeros(0))
    return rows, cols, remove, scores, mask.shape[0]


def class_lists(Y, mask, names, order, per_class_scores=None, *, plain=False, joined=None):
    """``given``, ``to_remove`` and ``to_add`` (:class:`ListArray` columns of
    ``names``) of the examples ``order``; with ``per_class_scores`` also the rest of
    the long report's list columns (``suggested``, ``to_remove_scores``,
    ``to_add_scores``).

    Every column is a gather of coordinates (no Python object per row): the lists
    are made when a row is read. ``plain=True`` gives lists of Python lists instead
    (for writers that format every row anyway; needs no pandas); ``joined=SEP``
    gives each list as one string, its names joined by SEP (for the CSV writer).
    """
    if plain:
        array_type = FlatLists
    else:
        from ._lists import ListArray as array_type

    names = np.asarray(names, dtype=object)
    n_samples, n_classes = mask.shape
    g_rows, g_cols = _given_coordinates(Y)
    rows, cols, remove, s, _ = _flagged_coordinates(Y, mask, per_class_scores)
    r_rows, r_cols = rows[remove], cols[remove]
    a_rows, a_cols = rows[~remove], cols[~remove]

    def column(rows_, values, categories=names):
        return array_type.from_offsets(row_offsets(rows_, n_samples), values, categories)

    out = {
        "given": column(g_rows, g_cols),
        "to_remove": column(r_rows, r_cols),
        "to_add": column(a_rows, a_cols),
    }
    if per_class_scores is not None:
        out["suggested"] = _suggested(out["given"], g_rows, r_rows, r_cols, a_rows, a_cols,
                                      n_classes)
        out["to_remove_scores"] = column(r_rows, s[remove], None)
        out["to_add_scores"] = column(a_rows, s[~remove], None)
    out = {name: array.take(order) for name, array in out.items()}
    if joined is not None:
        return {name: array.joined(joined) for name, array in out.items()}
    if plain:
        return {name: array.tolist() for name, array in out.items()}
    return out


def _suggested(given, g_rows, r_rows, r_cols, a_rows, a_cols, n_classes):
    """The suggested label sets: the given ones, except on the examples with a change,
    which get the given annotations not removed and the added ones, in class order."""
    n_samples = len(given)
    changed = np.zeros(n_samples, dtype=bool)
    changed[r_rows] = True
    changed[a_rows] = True
    in_changed = changed[g_rows]
    k = max(n_classes, 1)
    keys = g_rows[in_changed] * k + given._values[in_changed]  # sorted: given is row-major
    keys = np.delete(keys, np.searchsorted(keys, r_rows * k + r_cols))
    added = a_rows * k + a_cols
    keys = np.insert(keys, np.searchsorted(keys, added), added)
    rows, cols = np.divmod(keys, k)
    offsets = row_offsets(rows, n_samples)
    starts, stops = given._starts.copy(), given._stops.copy()
    starts[changed] = offsets[:-1][changed] + given._values.size
    stops[changed] = offsets[1:][changed] + given._values.size
    return type(given)(np.concatenate([given._values, cols]), starts, stops,
                       given._categories)


def build_report(Y, scores, per_class_scores, mask, classes, *, flagged=None,
                 error_proba=None, ids=None, form="long", flagged_only=False, worst=None):
    """Lay out a checked indicator ``Y`` and its scores and mask as the report.

    ``flagged`` (N,) defaults to ``mask.any(axis=1)``; ``error_proba`` (N,) adds
    its column. Returns the DataFrame (see :func:`label_issue_report`).
    """
    pd = require_pandas("the label issue report")
    check_choice(form, "form", FORMS, what="report form", plural="forms")
    worst = check_integer(worst, "worst", minimum=0, allow_none=True)
    flagged_only = check_bool(flagged_only, "flagged_only")
    n_samples = Y.shape[0]
    scores = np.asarray(scores, dtype=np.float64)
    flagged = flagged_by_mask(mask) if flagged is None else np.asarray(flagged, dtype=bool)
    index = pd.RangeIndex(n_samples, name="example")
    if ids is not None:
        ids = np.asarray(ids)
        if ids.shape != (n_samples,):
            raise InputValueError(f"ids has shape {ids.shape}; expected ({n_samples},), one id "
                                  f"per example.")
        index = pd.Index(ids, name="example")
        if not index.is_unique:
            dup = index[index.duplicated()][0]
            raise InputValueError(f"ids contains {dup!r} twice; example ids must be unique.")
    columns = {"label_quality": scores}
    if error_proba is not None:
        columns["error_proba"] = np.asarray(error_proba, dtype=np.float64)
    columns["flagged"] = flagged
    names = np.asarray(classes, dtype=object)
    order = review_order(scores)
    if flagged_only:
        order = order[flagged[order]]
    if worst is not None:
        order = order[:worst]
    if form == "long":
        # Only the reported rows are laid out, directly in report order.
        columns.update(class_lists(Y, mask, names, order, per_class_scores))
        for name in ("label_quality", "error_proba", "flagged"):
            if name in columns:
                columns[name] = columns[name][order]
        report = pd.DataFrame(columns, index=index[order])
    else:
        _refuse_wide_sparse(isinstance(per_class_scores, FilledSparseMatrix))
        clash = set(map(str, names.tolist())) & set(columns)
        if clash:
            raise InputValueError(
                f"class {sorted(clash)[0]!r} has the name of a report column; the wide "
                f"form needs other class names (or use form='long')."
            )
        report = pd.DataFrame(columns, index=index)
        codes = np.zeros(mask.shape, dtype=np.int8)
        for start, stop in row_blocks(*mask.shape):
            y = indicator_block(Y, start, stop)
            m = np.asarray(mask[start:stop].toarray() if sp.issparse(mask) else
                           mask[start:stop], dtype=bool)
            codes[start:stop] = np.where(m, np.where(y, 2, 3), y.astype(np.int8))
        wide = pd.DataFrame(
            {name: pd.Categorical.from_codes(codes[:, k], WIDE_STATES)
             for k, name in enumerate(names.tolist())},
            index=index,
        )
        report = pd.concat([report, wide], axis=1).iloc[order]
    report.attrs["classes"] = ClassNames(names.tolist())
    report.attrs["form"] = form
    return report


def label_issue_report(
    labels,
    pred_probs,
    *,
    class_names=None,
    ids=None,
    form="long",
    flagged_only=False,
    worst=None,
    method="self_confidence",
    adjust_pred_probs=False,
    aggregator_kwargs=None,
    error_proba=None,
    error_proba_per_class=None,
    error_threshold=0.5,
    **filter_kwargs,
):
    """Report which examples look mislabelled and which labels to remove or add.

    Parameters
    ----------
    labels : list of lists of int, array-like of shape (n_samples, n_classes) or \
sparse matrix
        The given annotations (lists of class indices, or a 0/1 indicator).
    pred_probs : array-like, sparse matrix or FilledSparseMatrix of shape \
(n_samples, n_classes)
        Out-of-sample predicted probability that each class applies. Sparse
        predictions (the top-k scores of an extreme multi-label model, see
        :ref:`extreme`) are read as they are: the report costs O(nnz), the
        suggestions are gathered as coordinates, and no (n_samples, n_classes)
        array is made (``form="wide"`` is then a TypeError).
    class_names : sequence of shape (n_classes,), default=None
        Name of each class, used in every class list; None uses column indices.
    ids : array-like of shape (n_samples,), default=None
        Example ids for the index; None uses the 0-based row.
    form : {{"long", "wide"}}, default="long"
        ``"long"``: the class lists described below. ``"wide"``: after
        ``label_quality`` (``error_proba``) and ``flagged``, one categorical column
        per class holding ``""`` (absent), ``"given"``, ``"remove"`` (given, looks
        wrong) or ``"add"`` (absent, looks missing).
    flagged_only : bool, default=False
        Keep only the flagged examples.
    worst : int, default=None
        Keep only the ``worst`` lowest-scoring examples (after ``flagged_only``).
    method : str, default="self_confidence"
        Per-annotation scoring method, as in
        :func:`skmlq.rank.get_label_quality_scores`.
    adjust_pred_probs : bool, default=False
        As in :func:`skmlq.rank.get_label_quality_scores`.
    aggregator_kwargs : dict, default=None
        As in :func:`skmlq.rank.get_label_quality_scores` (None: its default).
    error_proba : array-like of shape (n_samples,), default=None
        Probability that each example has a wrong annotation. With
        ``error_proba_per_class`` it decides the flags instead of the filter.
    error_proba_per_class : array-like of shape (n_samples, n_classes), default=None
        Probability that each annotation is wrong; the suggestions are the
        annotations where it is at least ``error_threshold``.
    error_threshold : float in [0, 1], default=0.5
        Flag threshold on the error probabilities.
    **filter_kwargs : dict
        Without error probabilities, passed to
        :func:`skmlq.filter.find_multilabel_issues_per_class` (``filter_by``,
        ``frac_noise``, ...), whose mask gives the suggestions.

    Returns
    -------
    report : pandas.DataFrame
        Index ``example`` (the example id); worst first (``label_quality``
        ascending, ties by row). Long form columns: ``label_quality``,
        ``error_proba`` (only with error probabilities), ``flagged``, ``given``,
        ``to_remove`` (given labels suspected wrong), ``to_add`` (absent labels
        suspected missing), ``suggested`` (the label set after both fixes),
        ``to_remove_scores`` and ``to_add_scores`` (the suspects' quality scores,
        aligned with ``to_remove`` / ``to_add``). ``report.attrs["classes"]`` holds
        the class names.

    See Also
    --------
    apply_suggestions : The cleaned labels.
    write_review : A review file of the suggestions, for people.

    Examples
    --------
    >>> from skmlq.report import label_issue_report
    {toy_data}
    >>> report = label_issue_report(labels, pred_probs, class_names=["cat", "dog"])
    >>> print(report[["label_quality", "flagged", "given", "to_remove", "to_add",
    ...               "suggested"]].head(2).to_string())
             label_quality  flagged       given to_remove to_add   suggested
    example
    6                 0.14     True       [dog]        []  [cat]  [cat, dog]
    5                 0.62    False  [cat, dog]        []     []  [cat, dog]
    """
    from .._backends._dispatch import check_scoring_inputs
    from .._core._aggregation import resolve_aggregator
    from .._core._driver import score_blocks
    from ..filter._api import find_label_issues_both

    aggregate = resolve_aggregator(aggregator_kwargs)
    Y, P, thresholds = check_scoring_inputs(labels, pred_probs, method, adjust_pred_probs,
                                            allow_sparse=True)
    sparse = isinstance(P, FilledSparseMatrix)
    if form == "wide":
        # before any scoring: the report could not be built
        _refuse_wide_sparse(sparse)
    classes = check_class_names(class_names, P.shape[1])
    # One pass for both scores; the filter reuses the thresholds of the adjustment.
    per_class, scores = score_blocks(Y, P, method, thresholds, aggregate,
                                     keep_per_class=True)
    flagged = None
    if error_proba_per_class is not None or error_proba is not None:
        mask, flagged = error_flags(error_proba, error_proba_per_class, error_threshold,
                                    P.shape)
        if filter_kwargs:
            raise InputTypeError(
                f"{sorted(filter_kwargs)[0]} is a filter option; with error "
                f"probabilities the flags come from error_threshold instead.")
    else:
        if "return_indices_ranked_by" in filter_kwargs:
            raise InputTypeError(
                "return_indices_ranked_by is not accepted here: the report is already "
                "sorted by label_quality.")
        mask, flagged = find_label_issues_both(Y, P, thresholds=thresholds, sparse=sparse,
                                               **filter_kwargs)
    return build_report(Y, scores, per_class, mask, classes, flagged=flagged,
                        error_proba=error_proba, ids=ids, form=form,
                        flagged_only=flagged_only, worst=worst)


fill_doc(label_issue_report, toy_data=toy_data_doc())


def error_flags(error_proba, error_proba_per_class, error_threshold, shape):
    """The (N, K) suggestion mask and (N,) flags from error probabilities: the one
    verdict of ``skmlq._core._verdict.error_verdict`` (every flagged example carries
    at least one suggested change)."""
    if error_proba is None or error_proba_per_class is None:
        raise InputValueError(
            "pass both error_proba (one per example) and error_proba_per_class (one per "
            "annotation), or neither.")
    threshold = check_unit_interval(error_threshold, "error_threshold")
    per_class = check_pred_probs(error_proba_per_class, name="error_proba_per_class")
    proba = check_pred_probs(np.asarray(error_proba, dtype=np.float64).reshape(-1, 1),
                             name="error_proba")[:, 0]
    if per_class.shape != shape or proba.shape != (shape[0],):
        raise InputValueError(
            f"error_proba has shape {proba.shape} and error_proba_per_class "
            f"{per_class.shape}; expected ({shape[0]},) and {shape}.")
    return error_verdict(proba, per_class, threshold)


def suggestions_from_report(report, classes=None):
    """The :class:`Suggestions` listed in a long ``report``.

    Example ids must be the 0-based rows (the default index); class names are
    mapped to columns with ``classes`` or ``report.attrs["classes"]``.
    """
    pd = require_pandas("the label issue report")
    if not isinstance(report, pd.DataFrame):
        raise InputTypeError(
            f"report must be the DataFrame of label_issue_report / find_label_issues, "
            f"got {type(report).__name__}.")
    missing = [c for c in ("to_remove", "to_add", "to_remove_scores", "to_add_scores")
               if c not in report.columns]
    if missing:
        raise InputValueError(
            f"report has no {missing[0]!r} column; pass the long form of the report "
            f"(form='long'), which lists the suggested changes.")
    if classes is None:
        classes = report.attrs.get("classes")
    if classes is None:
        raise InputValueError("report.attrs has no 'classes'; pass classes=[...] (the class "
                              "names of the labels' columns, in order).")
    classes = np.asarray(classes, dtype=object)
    lookup = class_lookup(classes)
    rows_index = report.index.to_numpy()
    if rows_index.size and (rows_index.dtype.kind not in "iu" or rows_index.min() < 0):
        raise InputValueError(
            f"report's index holds example ids such as {rows_index[0]!r}; applying needs "
            f"the 0-based row numbers (build the report without ids).")
    from ._lists import list_parts

    def unknown(column, lengths, at, value):
        pos = np.searchsorted(np.cumsum(lengths), at, side="right")
        raise InputValueError(
            f"report row {rows_index[pos].item()!r}, column {column!r}: unknown class "
            f"{value!r}; known classes: {classes.tolist()[:10]}")

    def columns_of(values, column, lengths):
        out = np.empty(len(values), dtype=np.int64)
        for at, value in enumerate(values):
            try:
                out[at] = lookup[value]
            except (KeyError, TypeError):
                unknown(column, lengths, at, value)
        return out

    parts = []
    for column, score_column, remove in (("to_remove", "to_remove_scores", True),
                                         ("to_add", "to_add_scores", False)):
        lengths, flat, codes, categories = list_parts(report[column])
        score_lengths, flat_scores, _, _ = list_parts(report[score_column])
        if not np.array_equal(lengths, score_lengths):
            pos = np.flatnonzero(lengths != score_lengths)[0]
            raise InputValueError(
                f"report row {rows_index[pos].item()!r}: columns {column!r} and "
                f"{score_column!r} are not aligned; each score list must match its class "
                f"list.")
        if codes is not None:
            # A report's own column: map the categories it uses, not every entry
            # (nor every class of a report of 100,000 tags).
            used, inverse = np.unique(codes, return_inverse=True)
            known = np.array([lookup.get(c, -1) if isinstance(c, Hashable) else -1
                              for c in categories[used].tolist()], dtype=np.int64)
            cols = known[inverse.ravel()] if codes.size else np.zeros(0, np.int64)
            if (cols < 0).any():
                at = int(np.flatnonzero(cols < 0)[0])
                unknown(column, lengths, at, categories[codes[at]])
        else:
            cols = columns_of(flat.tolist(), column, lengths)
        try:
            scores = np.asarray(flat_scores, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputValueError(f"report column {score_column!r} holds a value that is "
                                  f"not a number; it lists the suspects' scores.") from None
        parts.append((np.repeat(rows_index.astype(np.int64), lengths), cols,
                      np.full(cols.size, remove), scores))
    rows, cols, remove, scores = (np.concatenate(p) for p in zip(*parts))
    order = np.lexsort((cols, rows))
    n_samples = int(rows_index.max()) + 1 if rows_index.size else 0
    return Suggestions(rows[order], cols[order], remove[order], scores[order], n_samples,
                       classes)
