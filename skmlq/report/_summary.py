"""Guardrails and the audit summary: is the model good enough to judge the labels?

The flags are only as good as the model's out-of-fold probabilities. Per class,
the average precision and the area under the ROC curve of those probabilities
against the given labels say how well the model separates the class; a class with
few given examples cannot be judged at all. :func:`model_quality` computes them,
:func:`check_model_quality` warns when they are too low, and :class:`AuditSummary`
puts the counts of the report and the model quality into plain words.
"""

import numpy as np
import scipy.sparse as sp

from .._core._sparse_union import sparse_blocks, union_block
from .._core._summaries import binned_ranking_quality, probability_histograms
from ..utils._docstrings import fill_doc, toy_data_doc
from ..utils._errors import InputValueError
from ..utils._labels import check_labels, positives_per_class
from ..utils._optional import require_pandas
from ..utils._row_mask import RowMask
from ..utils._sparse import FilledSparseMatrix, check_probabilities, is_sparse_probabilities
from ..utils._validation import (
    check_class_names, check_integer, check_unit_interval,
)
from ..utils._warnings import warn

__all__ = [
    "MIN_AVERAGE_PRECISION", "MIN_POSITIVES", "AuditSummary", "ModelQualityWarning",
    "QUALITY_BINS", "audit_summary", "check_model_quality", "model_quality",
    "model_quality_binned", "model_quality_scores",
]

#: Classes given on fewer examples cannot be judged: each fold's model sees only a
#: handful of them, and one annotation more or less moves their precision a lot.
MIN_POSITIVES = 10
#: Below this out-of-fold average precision, most of the model's confident
#: disagreements with a class's labels are the model's errors, not the labels'.
MIN_AVERAGE_PRECISION = 0.5
#: Below this out-of-fold AUROC the model ranks a class little better than chance
#: (0.5), whatever its prevalence (a frequent class has a high average precision
#: even for a random model).
MIN_ROC_AUC = 0.75


def is_weak(ap, auc, min_average_precision=MIN_AVERAGE_PRECISION):
    """Classes the model does not separate well enough to judge their labels."""
    return ~(np.asarray(ap) >= min_average_precision) | ~(np.asarray(auc) >= MIN_ROC_AUC)


class ModelQualityWarning(UserWarning):
    """The model is too weak, or a class too rare, for the flags to be trusted."""


# Values per chunk of classes ranked at once: about ten arrays of this size are
# live, so 2**20 bounds them near 80 MB; larger chunks are not faster.
_RANK_ELEMENTS = 2**20


def _ranking_quality(y, p):
    """Average precision and AUROC of each row of ``p`` (K, N) against ``y`` (K, N).

    The definitions of :func:`sklearn.metrics.average_precision_score` and
    :func:`~sklearn.metrics.roc_auc_score`, ties included, computed for all rows at
    once: one sort per row instead of two sorts and copies per class (about 10x
    faster on 200,000 x 50).
    """
    n_classes, n = p.shape
    order = np.argsort(-p, axis=1)  # tie order does not matter: ties are grouped
    p_sorted = np.take_along_axis(p, order, axis=1)
    y_sorted = np.take_along_axis(y, order, axis=1)
    del order
    positions = np.arange(n)
    # Tie groups of equal probability: each element's first and last position.
    last = np.ones((n_classes, n), dtype=bool)
    last[:, :-1] = p_sorted[:, :-1] != p_sorted[:, 1:]
    first = np.ones((n_classes, n), dtype=bool)
    first[:, 1:] = last[:, :-1]
    end = np.minimum.accumulate(np.where(last, positions, n)[:, ::-1], axis=1)[:, ::-1]
    start = np.maximum.accumulate(np.where(first, positions, -1), axis=1)
    del last, first, p_sorted
    n_pos = y_sorted.sum(axis=1)
    tp = np.cumsum(y_sorted, axis=1)
    precision = tp / (positions + 1)
    # AP: each positive counts the precision at the end of its tie group.
    ap = (np.take_along_axis(precision, end, axis=1) * y_sorted).sum(axis=1) / n_pos
    # AUROC (Mann-Whitney): ascending ranks, averaged over ties.
    ranks = n - (start + end) / 2.0
    auc = ((ranks * y_sorted).sum(axis=1) - n_pos * (n_pos + 1) / 2.0) / (
        n_pos * (n - n_pos))
    return ap, auc


def _sparse_ranking_quality(Y, P, n_given):
    """Average precision and AUROC of every class of sparse predictions, O(nnz log nnz + K).

    ``P`` is a checked :class:`~skmlq.utils.FilledSparseMatrix`, ``Y`` a CSR
    indicator. A class's column is its explicit entries (stored or annotated) and
    ``N - n_explicit`` implicit ones, all absent and at its fill value: one weighted
    entry. One sort of the explicit entries by class, then by probability, gives
    each class's tie groups; the two scores are then those of
    :func:`_ranking_quality` summed over groups instead of examples (a group's
    positives all count the precision at its end, and its average rank).
    """
    n_samples, n_classes = P.shape
    index = np.int32 if n_classes < 2**31 else np.int64
    cols, p, y = [], [], []
    n_explicit = np.zeros(n_classes, dtype=np.int64)
    for start, stop in sparse_blocks(P, Y):
        _, block_cols, block_p, block_y = union_block(P, Y, start, stop)
        n_explicit += np.bincount(block_cols, minlength=n_classes)
        cols.append(block_cols.astype(index))
        p.append(block_p)
        y.append(block_y)
        del block_cols, block_p, block_y
    # The implicit entries of each class that has any: one entry, at the fill value
    # in the predictions' float type (that of the dense array), standing for
    # n_implicit examples.
    n_implicit = n_samples - n_explicit
    implicit = np.flatnonzero(n_implicit > 0)
    cols.append(implicit.astype(index))
    p.append(P.fill[implicit].astype(P.dtype))
    y.append(np.zeros(implicit.size, dtype=bool))
    cols = np.concatenate(cols)
    p = np.concatenate(p)
    y = np.concatenate(y)
    order = np.lexsort((p, cols))  # by class, then by ascending probability
    is_implicit = order >= cols.size - implicit.size
    cols = cols[order]
    p = p[order]
    y = y[order]
    del order
    weight = np.zeros(n_classes, dtype=np.int64)
    weight[implicit] = n_implicit[implicit] - 1  # what an implicit entry adds to its group
    ap = np.zeros(n_classes)
    auc = np.zeros(n_classes)
    # Slices of whole classes, so that the temporaries of the groups stay bounded.
    class_bounds = np.searchsorted(cols, np.arange(n_classes + 1))
    targets = np.arange(0, cols.size, _RANK_ELEMENTS)
    cuts = np.unique(np.concatenate([class_bounds[np.searchsorted(class_bounds, targets)],
                                     [cols.size]]))
    n_neg = n_samples - n_given
    for lo, hi in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
        _add_group_sums(cols[lo:hi], p[lo:hi], y[lo:hi], is_implicit[lo:hi], weight,
                        n_given, n_neg, n_samples, ap, auc)
    with np.errstate(divide="ignore", invalid="ignore"):
        return ap / n_given, auc / (n_given * n_neg.astype(np.float64))


def _add_group_sums(cols, p, y, is_implicit, weight, n_given, n_neg, n_samples, ap, auc):
    """Add to ``ap`` and ``auc`` the sums of the tie groups of whole classes' entries
    sorted by class and ascending probability.

    In the descending order of the dense computation, a group's end has seen every
    entry of its class but those below it (``n_samples`` minus them), and its
    positives are the class's minus those below: counts of the entries before it
    in this ascending order.
    """
    new = np.empty(cols.size, dtype=bool)
    new[:1] = True
    np.not_equal(cols[1:], cols[:-1], out=new[1:])
    new[1:] |= p[1:] != p[:-1]
    starts = np.flatnonzero(new)
    group_col = cols[starts]
    pos = np.add.reduceat(y, starts, dtype=np.int64)
    size = np.diff(np.append(starts, cols.size))
    # The implicit entry of a class stands for all its implicit examples.
    implicit = np.searchsorted(starts, np.flatnonzero(is_implicit), side="right") - 1
    size[implicit] += weight[group_col[implicit]]
    neg = size - pos
    first = np.ones(starts.size, dtype=bool)
    first[1:] = group_col[1:] != group_col[:-1]
    class_start = np.maximum.accumulate(np.where(first, np.arange(starts.size), 0))

    def below(counts):  # sum of ``counts`` over the class's groups before each group
        total = np.cumsum(counts) - counts
        return total - total[class_start]

    seen = n_samples - below(size)
    tp = n_given[group_col] - below(pos)
    with np.errstate(divide="ignore", invalid="ignore"):
        ap += np.bincount(group_col, weights=pos * (tp / seen), minlength=ap.size)
    # Mann-Whitney: each positive beats the negatives below its group and ties with
    # half of those in it (the average rank of the dense computation).
    auc += np.bincount(group_col, weights=pos * (below(neg) + 0.5 * neg), minlength=auc.size)


def model_quality_scores(Y, P):
    """Per-class out-of-fold ``(n_given, average_precision, roc_auc)``; NaN when constant."""
    n_samples, n_classes = P.shape
    n_given = positives_per_class(Y)
    if isinstance(P, FilledSparseMatrix):
        ap, auc = _sparse_ranking_quality(Y, P, n_given)
        constant = (n_given == 0) | (n_given == n_samples)
        ap[constant] = auc[constant] = np.nan
        return n_given, ap, auc
    ap = np.full(n_classes, np.nan)
    auc = np.full(n_classes, np.nan)
    judged = np.flatnonzero((n_given > 0) & (n_given < n_samples))
    step = max(1, _RANK_ELEMENTS // max(n_samples, 1))
    for lo in range(0, judged.size, step):
        cols = judged[lo:lo + step]
        y = Y[:, cols]
        y = (y.toarray() if sp.issparse(y) else np.asarray(y)).T.astype(bool)
        # In the input's float type: float32 sorts faster, and widening to float64
        # would change neither the order nor the ties.
        p = np.asarray(P[:, cols])
        p = np.ascontiguousarray(p.T, dtype=p.dtype if p.dtype.kind == "f" else np.float64)
        ap[cols], auc[cols] = _ranking_quality(y, p)
    return n_given, ap, auc


#: Bins per class of the probability histograms of :func:`model_quality_binned`:
#: two int64 arrays of (K, 16,384), 13 MB at K = 50, whatever the number of rows.
QUALITY_BINS = 2**14


def model_quality_binned(Y, P, n_bins=QUALITY_BINS):
    """:func:`model_quality_scores` from bounded summaries, for inputs larger than RAM:
    ``(n_given, average_precision, roc_auc, roc_auc_bound)``.

    One pass over the rows in blocks fills per-class histograms of the
    probabilities of given and of absent examples (``n_bins`` equal bins of [0, 1]);
    the two scores are computed from them, each bin one tie group. ``roc_auc_bound``
    bounds each AUROC's error (half the share of given/absent pairs in one bin). On
    100,000 x 5 noisy synthetic probabilities (float32) the binned scores were within
    1.1e-4 (average precision) and 1.3e-6 (AUROC; bound 9.2e-4) of the exact ones, at
    a tenth of the time; the exact ones sort every class's column.

    Sparse predictions get the exact scores (bound 0): one sort of their explicit
    entries costs less than K x ``n_bins`` histograms.
    """
    if isinstance(P, FilledSparseMatrix):
        n_given, ap, auc = model_quality_scores(Y, P)
        return n_given, ap, auc, np.where(np.isnan(auc), np.nan, 0.0)
    given, total = probability_histograms(Y, P, n_bins)
    ap, auc, bound = binned_ranking_quality(given, total)
    return given.sum(axis=1), ap, auc, bound


def model_quality(labels, pred_probs, *, class_names=None, min_positives=MIN_POSITIVES,
                  min_average_precision=MIN_AVERAGE_PRECISION):
    """How well out-of-fold probabilities separate each class: a per-class table.

    Parameters
    ----------
    labels : list of lists of int, array-like of shape (n_samples, n_classes) or \
sparse matrix
        The given annotations.
    pred_probs : array-like of shape (n_samples, n_classes), sparse matrix or \
FilledSparseMatrix
        Out-of-fold predicted probabilities. Sparse predictions (top-k scores, the
        unlisted classes at the fill value) cost O(nnz log nnz + K), never a dense
        column: a class's unlisted examples are one tie group at its fill value.
    class_names : sequence of shape (n_classes,), default=None
        Name of each class (default: column indices).
    min_positives : int, default=10
        Classes given on fewer examples are marked ``too_few``.
    min_average_precision : float, default=0.5
        Classes below this average precision are marked ``weak``.

    Returns
    -------
    table : pandas.DataFrame
        One row per class, in class order: ``class``, ``n_given``, ``prevalence``
        (what a random model's average precision would be), ``average_precision``,
        ``roc_auc`` (NaN for a class given on no example or on all), ``too_few``
        and ``weak`` (booleans).

    Examples
    --------
    >>> from skmlq.report import model_quality
    >>> labels = [[0], [0, 1], [1], [], [0], [1]]
    >>> pred_probs = [[0.9, 0.2], [0.8, 0.7], [0.3, 0.9], [0.1, 0.2], [0.6, 0.4],
    ...               [0.2, 0.3]]
    >>> model_quality(labels, pred_probs, class_names=["cat", "dog"],
    ...               min_positives=2)[["class", "n_given", "average_precision", "weak"]]
      class  n_given  average_precision   weak
    0   cat        3           1.000000  False
    1   dog        3           0.916667  False
    """
    P = check_probabilities(pred_probs)
    Y = check_labels(labels, n_samples=P.shape[0], n_classes=P.shape[1],
                     sparse=is_sparse_probabilities(P))
    classes = check_class_names(class_names, P.shape[1])
    min_positives = check_integer(min_positives, "min_positives", minimum=0)
    min_average_precision = check_unit_interval(min_average_precision,
                                                "min_average_precision")
    n_given, ap, auc = model_quality_scores(Y, P)
    return quality_table(classes, n_given, P.shape[0], ap, auc, min_positives,
                         min_average_precision)


def quality_table(classes, n_given, n_samples, ap, auc, min_positives=MIN_POSITIVES,
                  min_average_precision=MIN_AVERAGE_PRECISION):
    pd = require_pandas("skmlq.report tables")
    return pd.DataFrame({
        "class": np.asarray(classes, dtype=object),
        "n_given": np.asarray(n_given, dtype=np.int64),
        "prevalence": np.asarray(n_given) / n_samples,
        "average_precision": ap,
        "roc_auc": auc,
        "too_few": np.asarray(n_given) < min_positives,
        "weak": is_weak(ap, auc, min_average_precision),
    })


def _names(values, limit=8):
    values = [str(v) for v in values]
    return ", ".join(values[:limit]) + (f" and {len(values) - limit} more"
                                        if len(values) > limit else "")


def quality_verdict(classes, n_given, ap, auc, min_positives=MIN_POSITIVES,
                    min_average_precision=MIN_AVERAGE_PRECISION):
    """``(too_few, weak, trusted)``: rare class names, weak class names, overall verdict.

    The model is trusted when the classes it judges well carry at least half of
    the given annotations of the classes it can judge.
    """
    classes = np.asarray(classes, dtype=object)
    n_given = np.asarray(n_given)
    too_few = n_given < min_positives
    judged = ~too_few & ~np.isnan(ap)
    weak = judged & is_weak(ap, auc, min_average_precision)
    weight = n_given[judged].sum()
    trusted = bool(weight > 0 and n_given[judged & ~weak].sum() >= 0.5 * weight)
    return classes[too_few].tolist(), classes[weak].tolist(), trusted


def quality_advice(classes, n_given, ap, auc, min_positives=MIN_POSITIVES,
                   min_average_precision=MIN_AVERAGE_PRECISION):
    """Sentences on the model's quality (empty when everything is fine)."""
    too_few, weak, trusted = quality_verdict(classes, n_given, ap, auc, min_positives,
                                             min_average_precision)
    text = []
    if too_few:
        text.append(f"{len(too_few)} class(es) have fewer than {min_positives} given "
                    f"examples, too few to judge their labels: {_names(too_few)}.")
    if not trusted and not weak:
        # Nothing could be judged (every class too rare or never absent): the model's
        # quality is unknown, which is not the same as known to be weak.
        text.append("No class has enough given examples to judge the model, so the "
                    "flags cannot be trusted yet. Add labelled data or drop the rare "
                    "classes.")
    elif not trusted:
        text.append(
            f"The model is too weak for the flags to be trusted: classes holding most "
            f"annotations have an out-of-fold average precision below "
            f"{min_average_precision} or an AUROC below {MIN_ROC_AUC} ({len(weak)} weak: "
            f"{_names(weak)}), so many flags "
            f"are the model's mistakes. Try a stronger model (e.g. tuned or "
            f"non-linear), more data, or dropping the weak and rare classes.")
    elif weak:
        text.append(f"The flags of {len(weak)} weak class(es) (out-of-fold average "
                    f"precision below {min_average_precision} or AUROC below "
                    f"{MIN_ROC_AUC}) deserve less trust: "
                    f"{_names(weak)}.")
    return text


def check_model_quality(classes, n_given, ap, auc, min_positives=MIN_POSITIVES,
                        min_average_precision=MIN_AVERAGE_PRECISION):
    """Warn (:class:`ModelQualityWarning`) when classes are too rare or the model too weak."""
    text = quality_advice(classes, n_given, ap, auc, min_positives, min_average_precision)
    if text:
        warn(" ".join(text), ModelQualityWarning)


class AuditSummary:
    """Counts of a label issue report and the model's quality, in plain words.

    ``str(summary)`` is a short paragraph; the numbers are attributes.

    Attributes
    ----------
    n_examples, n_classes, n_given : int
        Examples, classes and given annotations of the report.
    n_flagged : int
        Flagged examples (each carries at least one suggested change, so
        ``n_examples_to_remove + n_examples_to_add >= n_flagged``).
    n_examples_to_remove, n_examples_to_add : int
        Examples with a label to remove, with a label to add.
    n_to_remove, n_to_add : int
        Given labels suspected wrong, absent labels suspected missing.
    per_class : pandas.DataFrame
        One row per class: ``class``, ``n_given``, ``n_to_remove``, ``n_to_add``
        and, with a model quality table, ``average_precision``, ``roc_auc``,
        ``too_few``, ``weak``.
    trusted : bool or None
        Whether the model is good enough for the flags to be trusted (None
        without a model quality table).
    error_estimate : ErrorEstimate or None
        The expected number of examples with a wrong annotation (the estimator's
        :attr:`~skmlq.MultilabelLabelQuality.error_estimate_`), stated when it is
        reliable.
    advice : list of str
        The warnings on classes and model quality.
    """

    def __init__(self, report, model_quality=None, *, error_estimate=None,
                 min_positives=MIN_POSITIVES, min_average_precision=MIN_AVERAGE_PRECISION):
        pd = require_pandas("the audit summary of a report")
        from ._build import class_lookup
        from ._lists import list_lengths, list_parts

        for column in ("flagged", "given", "to_remove", "to_add"):
            if column not in report.columns:
                raise InputValueError(f"report has no {column!r} column; pass the whole long "
                                      f"report (form='long').")
        classes = report.attrs.get("classes")
        if classes is None:
            classes = sorted(set().union(*report["given"], *report["to_add"]))
        counts = {}
        lookup = None
        for column in ("given", "to_remove", "to_add"):
            _, flat, codes, categories = list_parts(report[column])
            if codes is not None:
                # A report's own column: count its codes, then map the categories
                # it uses (O(entries + classes), no table of names per entry).
                if lookup is None:
                    lookup = class_lookup(classes)
                used, inverse = np.unique(codes, return_inverse=True)
                cols = np.array([lookup.get(c, -1) for c in categories[used].tolist()],
                                dtype=np.int64)
                if (cols >= 0).all():
                    counts[column] = np.bincount(cols[inverse.ravel()], minlength=len(classes))
                    continue
            flat = pd.Series(flat, dtype=object)
            counts[column] = flat.value_counts().reindex(classes, fill_value=0).to_numpy()
        # The most suspicious example, worst first by the report's one order: named in
        # the summary when nothing is flagged, so that the audit still leads somewhere.
        self._most_suspicious = None
        if len(report) and "error_proba" in report.columns:
            quality = report["label_quality"].to_numpy(dtype=np.float64)
            first = int(np.argsort(quality, kind="stable")[0])
            self._most_suspicious = (report.index[first],
                                     float(report["error_proba"].to_numpy()[first]))
        self._set(classes, len(report), int(report["flagged"].sum()), counts["given"],
                  counts["to_remove"], counts["to_add"],
                  int((list_lengths(report["to_remove"]) > 0).sum()),
                  int((list_lengths(report["to_add"]) > 0).sum()), model_quality, min_positives,
                  min_average_precision, error_estimate)

    @classmethod
    def from_arrays(cls, Y, mask, flagged, classes, model_quality=None, *, error_estimate=None,
                    min_positives=MIN_POSITIVES, min_average_precision=MIN_AVERAGE_PRECISION):
        """The summary of a checked indicator ``Y``, its (N, K) issue ``mask`` and (N,)
        ``flagged``, without building the report (for data too large for one)."""
        from .._core._summaries import issue_counts
        from ..utils._blocks import row_blocks
        from ..utils._labels import indicator_block

        if sp.issparse(mask) or isinstance(mask, RowMask):
            # Sparse predictions' mask (or the suggestions kept as coordinates): read
            # its True entries only, O(nnz), never a dense block of K columns.
            from ._build import given_at, mask_coordinates

            rows, cols = mask_coordinates(mask)
            given = given_at(Y, rows, cols)
            counts = np.zeros((mask.shape[1], 2), dtype=np.int64)
            counts[:, 0] = np.bincount(cols[~given], minlength=mask.shape[1])
            counts[:, 1] = np.bincount(cols[given], minlength=mask.shape[1])
            rows_remove = np.unique(rows[given]).size
            rows_add = np.unique(rows[~given]).size
        else:
            counts = issue_counts(Y, mask)  # column 0: absent flagged, 1: given flagged
            rows_remove = rows_add = 0
            for start, stop in row_blocks(*mask.shape):
                y = indicator_block(Y, start, stop)
                m = np.asarray(mask[start:stop], dtype=bool)
                rows_remove += int(np.count_nonzero((m & y).any(axis=1)))
                rows_add += int(np.count_nonzero((m & ~y).any(axis=1)))
        summary = cls.__new__(cls)
        summary._set(list(classes), mask.shape[0], int(np.count_nonzero(flagged)),
                     positives_per_class(Y), counts[:, 1], counts[:, 0], rows_remove, rows_add,
                     model_quality, min_positives, min_average_precision, error_estimate)
        return summary

    def _set(self, classes, n_examples, n_flagged, n_given, n_to_remove, n_to_add,
             rows_remove, rows_add, model_quality, min_positives, min_average_precision,
             error_estimate=None):
        pd = require_pandas("skmlq.report tables")
        self.error_estimate = error_estimate
        self.n_examples = int(n_examples)
        self.n_classes = len(classes)
        self.n_given = int(np.sum(n_given))
        self.n_flagged = int(n_flagged)
        self.n_to_remove = int(np.sum(n_to_remove))
        self.n_to_add = int(np.sum(n_to_add))
        self.n_examples_to_remove = int(rows_remove)
        self.n_examples_to_add = int(rows_add)
        per_class = pd.DataFrame({"class": np.asarray(classes, dtype=object),
                                  "n_given": np.asarray(n_given, dtype=np.int64),
                                  "n_to_remove": np.asarray(n_to_remove, dtype=np.int64),
                                  "n_to_add": np.asarray(n_to_add, dtype=np.int64)})
        self.trusted = None
        self.advice = []
        if model_quality is not None:
            missing = pd.Index(per_class["class"]).difference(model_quality["class"])
            if len(missing):
                raise ValueError(
                    f"model_quality has no row for class {missing[0]!r} of the report; "
                    f"expected the table of model_quality(labels, pred_probs, "
                    f"class_names=...) with the report's class names.")
            mq = model_quality.set_index("class").reindex(per_class["class"])
            for column in ("average_precision", "roc_auc", "too_few", "weak"):
                per_class[column] = mq[column].to_numpy()
            ap = per_class["average_precision"].to_numpy(dtype=np.float64)
            auc = per_class["roc_auc"].to_numpy(dtype=np.float64)
            given = per_class["n_given"].to_numpy()
            self.trusted = quality_verdict(classes, given, ap, auc, min_positives,
                                           min_average_precision)[2]
            self.advice = quality_advice(classes, given, ap, auc, min_positives,
                                         min_average_precision)
        self.per_class = per_class
        self.min_average_precision = min_average_precision

    def __str__(self):
        n = max(self.n_examples, 1)
        text = [
            f"{self.n_examples:,} examples, {self.n_classes:,} classes, {self.n_given:,} "
            f"given labels."
        ]
        if self.n_flagged:
            text.append(
                f"{self.n_flagged:,} examples ({self.n_flagged / n:.1%}) look mislabelled: "
                f"{self.n_to_remove:,} given labels look wrong (to remove, on "
                f"{self.n_examples_to_remove:,} examples) and {self.n_to_add:,} absent "
                f"labels look missing (to add, on {self.n_examples_to_add:,} examples).")
        else:
            text.append("No example crossed the flag threshold: none is flagged. The "
                        "report still ranks every example, the most suspicious first.")
            suspect = getattr(self, "_most_suspicious", None)
            if suspect is not None:
                text.append(f"The first of the ranking, example {suspect[0]}, has an "
                            f"error probability of {suspect[1]:.2f}.")
        estimate = self.error_estimate
        if estimate is not None:
            if getattr(estimate, "reliable", True):
                text.append(
                    f"Expected number of examples with a wrong annotation (the sum of "
                    f"their error probabilities): about {estimate.n_wrong_examples:,.0f} "
                    f"({estimate.n_wrong_examples / n:.0%}).")
            else:
                text.append(
                    f"How many examples are wrong cannot be estimated reliably on this "
                    f"data ({estimate.reason}); the ranking still holds: review from the "
                    f"top.")
        if "average_precision" in self.per_class:
            ap = self.per_class["average_precision"].to_numpy(dtype=np.float64)
            auc = self.per_class["roc_auc"].to_numpy(dtype=np.float64)
            if np.isfinite(ap).any():
                text.append(
                    f"Model quality, out of fold: median per-class average precision "
                    f"{np.nanmedian(ap):.2f}, median AUROC {np.nanmedian(auc):.2f}; "
                    f"{int((~is_weak(ap, auc, self.min_average_precision)).sum())} of "
                    f"{self.n_classes} classes separated well (average precision >= "
                    f"{self.min_average_precision} and AUROC >= {MIN_ROC_AUC}).")
        text.extend(self.advice)
        return " ".join(text)

    def __repr__(self):
        return (f"AuditSummary(n_examples={self.n_examples}, n_flagged={self.n_flagged}, "
                f"n_to_remove={self.n_to_remove}, n_to_add={self.n_to_add}, "
                f"trusted={self.trusted})")


def audit_summary(report, model_quality=None, *, error_estimate=None, **kwargs):
    """A plain-language summary of a label issue report (:class:`AuditSummary`).

    Parameters
    ----------
    report : pandas.DataFrame
        The whole long report of :func:`label_issue_report` or
        :meth:`~skmlq.MultilabelLabelQuality.find_label_issues`.
    model_quality : pandas.DataFrame, default=None
        The table of :func:`model_quality`; adds the model's quality and the
        advice on whether to trust the flags.
    error_estimate : ErrorEstimate, default=None
        :meth:`~skmlq.MultilabelLabelQuality.estimate_errors`; adds the expected
        number of wrong examples, or says that it cannot be estimated reliably.
    **kwargs : dict
        ``min_positives`` and ``min_average_precision``, as in
        :func:`model_quality`.

    Returns
    -------
    summary : AuditSummary
        Nothing is printed; ``print(summary)`` shows the paragraph.

    Examples
    --------
    >>> from skmlq.report import audit_summary, label_issue_report
    {toy_data}
    >>> summary = audit_summary(label_issue_report(labels, pred_probs))
    >>> summary.n_flagged, summary.n_to_add
    (1, 1)
    >>> print(summary)
    8 examples, 2 classes, 9 given labels. 1 examples (12.5%) look mislabelled: ...
    """
    return AuditSummary(report, model_quality, error_estimate=error_estimate, **kwargs)


fill_doc(audit_summary, toy_data=toy_data_doc())
