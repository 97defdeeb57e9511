"""Displays of label issues, in scikit-learn's ``*Display`` convention (matplotlib, optional).

Each display is built from the estimator (``from_estimator``) or from labels and
predicted probabilities (``from_predictions``), keeps the values it plots as
attributes, and draws them with ``plot(ax=...)``, which sets ``ax_`` and
``figure_``. The numbers come from the scoring and filtering core; a display only
counts and draws them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..utils._docstrings import fill_doc, toy_data_doc
from ..utils._errors import InputTypeError, InputValueError
from ..utils._optional import require_pyplot
from ..utils._validation import check_bool, check_choice, check_integer

if TYPE_CHECKING:
    from typing import Any

    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike
    from sklearn.base import BaseEstimator

    from ..utils._typing import Labels, ProbabilityArray

__all__ = [
    "ClassIssueRatesDisplay",
    "ErrorCalibrationDisplay",
    "LabelQualityHistogramDisplay",
]

# Colours of the two kinds of wrong annotation, shared by every display and the HTML
# report: wrong (a given label to remove) and missing (an absent label to add).
WRONG_COLOR = "#c0392b"
MISSING_COLOR = "#e67e22"
ALL_COLOR = "#4a7ab5"


def _new_axes(ax, figsize):
    if ax is not None:
        return ax
    return require_pyplot().subplots(figsize=figsize, layout="constrained")[1]


def check_probabilities(values, name, ndim=1):
    """Float64 copy of ``values`` in [0, 1] (finite), or a ValueError naming the row."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != ndim:
        raise InputValueError(
            f"{name} has shape {arr.shape}; expected a {ndim}-D array "
            f"({'one value per example' if ndim == 1 else 'one row per example'})."
        )
    bad = ~((arr >= 0.0) & (arr <= 1.0))
    if bad.any():
        where = np.argwhere(bad)[0]
        at = f"row {where[0]}" + (f", column {where[1]}" if arr.ndim == 2 else "")
        raise InputValueError(
            f"{name} at {at} is {arr[tuple(where)]!r}; expected a number in [0, 1]."
        )
    return arr


def check_flags(flags, n_samples, name):
    """A boolean mask of ``n_samples`` from a mask or from integer indices."""
    if flags is None:
        return None
    arr = np.asarray(flags)
    if arr.dtype == bool:
        if arr.shape != (n_samples,):
            raise InputValueError(
                f"{name} is a mask of shape {arr.shape}; expected ({n_samples},), one "
                f"entry per example."
            )
        return arr.copy()
    if arr.size == 0 or arr.dtype.kind in "iu":
        idx = arr.astype(np.intp).ravel()
        out_of_range = (idx < 0) | (idx >= n_samples)
        if out_of_range.any():
            raise InputValueError(
                f"{name} holds index {int(idx[out_of_range][0])}, outside [0, {n_samples})."
            )
        mask = np.zeros(n_samples, dtype=bool)
        mask[idx] = True
        return mask
    raise InputTypeError(
        f"{name} has dtype {arr.dtype}; expected a boolean mask or integer indices."
    )


def _rows_in_order(report):
    """The report with its rows back in data order (it is sorted worst first)."""
    return report.sort_index(kind="stable")


def _estimator_report(mlq, X, labels, filter_kwargs):
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(mlq)
    return _rows_in_order(mlq.find_label_issues(X, labels, **filter_kwargs))


def _fmt_count(n):
    return f"{int(n):,}"


# --------------------------------------------------------------------- histogram


#: The parameters of ``from_predictions``.
_PREDICTIONS_DOC = """Parameters
        ----------
        labels : list of lists of int, array-like or sparse matrix of shape \
(n_samples, n_classes)
            The given annotations.
        pred_probs : array-like of shape (n_samples, n_classes)
            Out-of-sample predicted probability that each class applies."""


class LabelQualityHistogramDisplay:
    """Distribution of example scores, the flagged examples and the threshold.

    Use :meth:`from_estimator` or :meth:`from_predictions` to build one; the
    constructor takes precomputed values. Bars of all examples are drawn first,
    then the bars of the flagged examples over the same bins; the legend gives
    both counts.

    Parameters
    ----------
    scores : array-like of shape (n_samples,)
        One score in [0, 1] per example: a label quality score (lower is worse) or
        an error probability (higher is worse).
    flagged : array-like of bool of shape (n_samples,) or of int indices, default=None
        The flagged examples, drawn over the bars of all examples.
    threshold : float, default=None
        Drawn as a dashed vertical line when given.
    score_name : str, default="label quality"
        Name of the score (x axis label).
    threshold_name : str, default="threshold"
        Legend name of the threshold line.

    Attributes
    ----------
    bin_edges_ : ndarray of shape (bins + 1,)
        Bin edges over [0, 1].
    counts_ : ndarray of shape (bins,)
        Examples per bin.
    flagged_counts_ : ndarray of shape (bins,) or None
        Flagged examples per bin.
    n_flagged_ : int
        Number of flagged examples (0 when ``flagged`` is None).
    bars_, flagged_bars_ : matplotlib BarContainer
        The bars of all and of the flagged examples (``flagged_bars_`` None
        without flags).
    threshold_line_ : matplotlib Line2D or None
        The threshold line.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    ClassIssueRatesDisplay : Issue rates per class.
    ErrorCalibrationDisplay : Reliability of error probabilities.

    Examples
    --------
    >>> from skmlq.plotting import LabelQualityHistogramDisplay
    >>> display = LabelQualityHistogramDisplay([0.9, 0.8, 0.1, 0.95], [False, False, True, False],
    ...                                        threshold=0.1).plot(bins=10)
    >>> display.counts_.tolist()
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 2]
    >>> [t.get_text() for t in display.ax_.get_legend().get_texts()]
    ['all examples (4)', 'flagged (1)', 'threshold (0.1)']
    """

    def __init__(self, scores: ArrayLike, flagged: ArrayLike | None = None, *,
                 threshold: float | None = None, score_name: str = "label quality",
                 threshold_name: str = "threshold") -> None:
        self.scores = scores
        self.flagged = flagged
        self.threshold = threshold
        self.score_name = score_name
        self.threshold_name = threshold_name

    def plot(self, ax: Axes | None = None, *, bins: int = 20,
             log: bool = False) -> LabelQualityHistogramDisplay:
        """Draw the histogram.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure if None.
        bins : int, default=20
            Number of equal-width bins over [0, 1].
        log : bool, default=False
            Logarithmic count axis, so that a crowded bin does not hide the tail.

        Returns
        -------
        display : LabelQualityHistogramDisplay
            ``self``, with ``ax_``, ``figure_`` and the bin counts set.
        """
        scores = check_probabilities(self.scores, "scores")
        flagged = check_flags(self.flagged, scores.shape[0], "flagged")
        bins = check_integer(bins, "bins", minimum=1)
        log = check_bool(log, "log")
        threshold = self.threshold
        if threshold is not None:
            threshold = float(check_probabilities([threshold], "threshold")[0])
        ax = _new_axes(ax, (6.4, 3.6))
        edges = np.linspace(0.0, 1.0, bins + 1)
        self.bin_edges_ = edges
        self.counts_ = np.histogram(scores, bins=edges)[0]
        self.bars_ = ax.bar(edges[:-1], self.counts_, width=np.diff(edges), align="edge",
                            color=ALL_COLOR, alpha=0.55,
                            label=f"all examples ({_fmt_count(scores.shape[0])})")
        self.flagged_counts_ = self.flagged_bars_ = None
        self.n_flagged_ = 0
        if flagged is not None:
            self.n_flagged_ = int(flagged.sum())
            self.flagged_counts_ = np.histogram(scores[flagged], bins=edges)[0]
            self.flagged_bars_ = ax.bar(
                edges[:-1], self.flagged_counts_, width=np.diff(edges), align="edge",
                color=WRONG_COLOR, alpha=0.85, label=f"flagged ({_fmt_count(self.n_flagged_)})",
            )
        self.threshold_line_ = None
        if threshold is not None:
            self.threshold_line_ = ax.axvline(
                threshold, color="black", linestyle="--", linewidth=1.2,
                label=f"{self.threshold_name} ({threshold:.3g})",
            )
        if log:
            ax.set_yscale("log", nonpositive="clip")
        ax.set_xlim(0.0, 1.0)
        ax.set_xlabel(self.score_name)
        ax.set_ylabel("number of examples" + (" (log scale)" if log else ""))
        handles = [self.bars_, self.flagged_bars_, self.threshold_line_]
        ax.legend(handles=[h for h in handles if h is not None])
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(cls, mlq: BaseEstimator, X: Any = None, labels: Labels | None = None,
                       *, score: str = "label_quality", threshold: float | str | None = "auto",
                       bins: int = 20, log: bool = False, ax: Axes | None = None,
                       **filter_kwargs: Any) -> LabelQualityHistogramDisplay:
        """Histogram of a fitted :class:`~skmlq.MultilabelLabelQuality`'s scores.

        Parameters
        ----------
        mlq : MultilabelLabelQuality
            A fitted estimator.
        X, labels : default=None
            New data and its annotations, as in ``mlq.find_label_issues``; None
            shows the training data (out-of-fold).
        score : {"label_quality", "error_proba"}, default="label_quality"
            Which column of the issue report to show; ``"error_proba"`` needs an
            estimator with error probabilities.
        threshold : float, "auto" or None, default="auto"
            The vertical line. ``"auto"``: for ``"error_proba"`` the estimator's
            ``error_threshold`` (0.5 without one); for ``"label_quality"`` the
            highest score among the flagged examples (flags do not come from a
            cut on this score, so the line bounds them rather than defines them).
        bins : int, default=20
        log : bool, default=False
        ax : matplotlib Axes, default=None
        **filter_kwargs : dict
            Passed to ``mlq.find_label_issues``.

        Returns
        -------
        display : LabelQualityHistogramDisplay
        """
        check_choice(score, "score", ("label_quality", "error_proba"))
        report = _estimator_report(mlq, X, labels, filter_kwargs)
        if score not in report.columns:
            raise InputValueError(
                f"score={score!r}, but {type(mlq).__name__} has no error probabilities "
                f"(no 'error_proba' column in its issue report); use "
                f"score='label_quality'."
            )
        flagged = report["flagged"].to_numpy(dtype=bool)
        scores = report[score].to_numpy(dtype=np.float64)
        if score == "error_proba" and isinstance(threshold, str) and threshold == "auto":
            threshold = float(getattr(mlq, "error_threshold", 0.5))
        return cls._build(scores, flagged, score, threshold, bins, log, ax)

    @classmethod
    def from_predictions(cls, labels: Labels, pred_probs: ProbabilityArray, *,
                         flagged: ArrayLike | None = None,
                         threshold: float | str | None = "auto", bins: int = 20,
                         log: bool = False, ax: Axes | None = None,
                         score_kwargs: dict[str, Any] | None = None,
                         filter_kwargs: dict[str, Any] | None = None,
                         ) -> LabelQualityHistogramDisplay:
        """Histogram of the label quality scores of ``labels`` under ``pred_probs``.

        {predictions}
        flagged : array-like of bool or int indices, default=None
            The flagged examples; None flags with
            :func:`skmlq.filter.find_label_issues` and ``filter_kwargs``.
        threshold : float, "auto" or None, default="auto"
            ``"auto"`` draws the line at the highest flagged score.
        bins : int, default=20
        log : bool, default=False
        ax : matplotlib Axes, default=None
        score_kwargs : dict, default=None
            Passed to :func:`skmlq.rank.get_label_quality_scores`.
        filter_kwargs : dict, default=None
            Passed to :func:`skmlq.filter.find_label_issues`.

        Returns
        -------
        display : LabelQualityHistogramDisplay
            Drawn on ``ax``; ``counts_`` and ``n_flagged_`` hold what each bin shows.

        Examples
        --------
        >>> from skmlq.plotting import LabelQualityHistogramDisplay
        {toy_data}
        >>> display = LabelQualityHistogramDisplay.from_predictions(labels, pred_probs, bins=5)
        >>> int(display.counts_.sum()), display.n_flagged_
        (8, 1)
        """
        from ..filter import find_label_issues
        from ..rank import get_label_quality_scores

        scores = get_label_quality_scores(labels, pred_probs, **(score_kwargs or {}))
        if flagged is None:
            flagged = find_label_issues(labels, pred_probs, **(filter_kwargs or {}))
        flagged = check_flags(flagged, scores.shape[0], "flagged")
        return cls._build(scores, flagged, "label_quality", threshold, bins, log, ax)

    @classmethod
    def _build(cls, scores, flagged, score, threshold, bins, log, ax):
        name = "threshold"
        if isinstance(threshold, str) and threshold == "auto":
            threshold = None
            if score == "label_quality" and flagged.any():
                threshold, name = float(scores[flagged].max()), "highest flagged score"
        if score == "error_proba":
            name = "error threshold"
        score_name = ("label quality score (lower: more likely wrong)"
                      if score == "label_quality"
                      else "error probability (higher: more likely wrong)")
        display = cls(scores, flagged, threshold=threshold, score_name=score_name,
                      threshold_name=name)
        return display.plot(ax=ax, bins=bins, log=log)


fill_doc(LabelQualityHistogramDisplay.from_predictions.__func__, toy_data=toy_data_doc(8),
         predictions=_PREDICTIONS_DOC)


# -------------------------------------------------------------------- class rates


class ClassIssueRatesDisplay:
    """Per class, the share of its annotations that look wrong, of both kinds.

    Two bars per class: **wrong** (given labels flagged, to remove, as a share of
    the class's given annotations) and **missing** (absent labels flagged, to add,
    as a share of the class's absent annotations). A rare class whose few
    annotations all look wrong therefore stands out, whatever the data set's size.
    Each bar is labelled with its counts. When the display creates its figure, the
    figure's height follows the number of classes shown and class names are never
    cut.

    Parameters
    ----------
    n_flagged : array-like of int of shape (n_classes, 2)
        Flagged annotations per class and side: column 0 the absent side (missing
        labels), column 1 the given side (wrong labels).
    n_annotations : array-like of int of shape (n_classes, 2)
        Annotations per class and side (column 0 absent, column 1 given): the
        denominators of the rates.
    class_names : array-like of shape (n_classes,), default=None
        Names shown on the axis; the class index when None.
    relative_to : {"annotations", "examples"}, default="annotations"
        Only names the denominator on the x axis: ``"examples"`` when
        ``n_annotations`` holds the number of examples (the rates of
        :func:`skmlq.dataset.rank_classes_by_multilabel_quality`).

    Attributes
    ----------
    rates_ : ndarray of shape (n_classes, 2)
        ``n_flagged / n_annotations`` (0 where a side has no annotation).
    classes_shown_ : ndarray of int
        Indices of the classes drawn, top to bottom.
    wrong_bars_, missing_bars_ : matplotlib BarContainer
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> from skmlq.plotting import ClassIssueRatesDisplay
    >>> display = ClassIssueRatesDisplay([[0, 3], [2, 0]], [[6, 4], [10, 0]],
    ...                                  class_names=["rare tag", "b"]).plot()
    >>> display.rates_.round(2).tolist()
    [[0.0, 0.75], [0.2, 0.0]]
    >>> [t.get_text() for t in display.ax_.get_yticklabels()]
    ['rare tag', 'b']
    """

    def __init__(self, n_flagged: ArrayLike, n_annotations: ArrayLike, *,
                 class_names: ArrayLike | None = None,
                 relative_to: str = "annotations") -> None:
        self.n_flagged = n_flagged
        self.n_annotations = n_annotations
        self.class_names = class_names
        self.relative_to = relative_to

    def _checked(self):
        flagged = np.asarray(self.n_flagged)
        total = np.asarray(self.n_annotations)
        for name, arr in (("n_flagged", flagged), ("n_annotations", total)):
            if arr.ndim != 2 or arr.shape[1] != 2:
                raise InputValueError(
                    f"{name} has shape {arr.shape}; expected (n_classes, 2): column 0 "
                    f"the absent side, column 1 the given side."
                )
        if flagged.shape != total.shape:
            raise InputValueError(
                f"n_flagged has shape {flagged.shape} but n_annotations has "
                f"{total.shape}; give both per class and side."
            )
        bad = np.argwhere((flagged < 0) | (flagged > total))
        if bad.size:
            k, side = bad[0]
            raise InputValueError(
                f"n_flagged[{k}, {side}] = {flagged[k, side]} is not between 0 and "
                f"n_annotations[{k}, {side}] = {total[k, side]}."
            )
        names = self.class_names
        if names is None:
            names = np.arange(flagged.shape[0])
        names = np.asarray([str(n) for n in names], dtype=object)
        if names.shape != (flagged.shape[0],):
            raise InputValueError(
                f"class_names has {names.shape[0]} entries; expected {flagged.shape[0]}, "
                f"one per class."
            )
        check_choice(self.relative_to, "relative_to", ("annotations", "examples"))
        return flagged.astype(np.int64), total.astype(np.int64), names

    def plot(self, ax: Axes | None = None, *, top: int | None = 20,
             sort_by: str = "rate") -> ClassIssueRatesDisplay:
        """Draw the bars.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure sized to the classes shown if None.
        top : int or None, default=20
            Show this many classes (the first in ``sort_by`` order); None shows all.
        sort_by : {"rate", "count", "class"}, default="rate"
            ``"rate"``: highest of a class's two rates first; ``"count"``: most
            flagged annotations first; ``"class"``: class order. Ties keep the
            class order.

        Returns
        -------
        display : ClassIssueRatesDisplay
        """
        flagged, total, names = self._checked()
        top = check_integer(top, "top", minimum=1, allow_none=True)
        check_choice(sort_by, "sort_by", ("rate", "count", "class"))
        with np.errstate(invalid="ignore", divide="ignore"):
            rates = np.where(total > 0, flagged / np.maximum(total, 1), 0.0)
        self.rates_ = rates
        if sort_by == "rate":
            order = np.lexsort((-flagged.sum(axis=1), -rates.max(axis=1)))
        elif sort_by == "count":
            order = np.argsort(-flagged.sum(axis=1), kind="stable")
        else:
            order = np.arange(len(names))
        shown = order if top is None else order[:top]
        self.classes_shown_ = shown
        n_shown = len(shown)
        ax = _new_axes(ax, class_rates_figsize(n_shown))
        pos = np.arange(n_shown)
        height = 0.4
        self.wrong_bars_ = ax.barh(
            pos - height / 2, rates[shown, 1], height=height, color=WRONG_COLOR,
            label="wrong: given label to remove",
        )
        self.missing_bars_ = ax.barh(
            pos + height / 2, rates[shown, 0], height=height, color=MISSING_COLOR,
            label="missing: absent label to add",
        )
        for bars, side in ((self.wrong_bars_, 1), (self.missing_bars_, 0)):
            ax.bar_label(bars, labels=[f"{_fmt_count(f)} / {_fmt_count(t)}" for f, t in
                                       zip(flagged[shown, side], total[shown, side])],
                         padding=2, fontsize=7)
        ax.set_yticks(pos)
        # A "$" in a class name would start matplotlib's mathtext: shown as itself.
        ax.set_yticklabels([name.replace("$", r"\$") for name in names[shown]])
        ax.set_ylim(n_shown - 0.5, -0.5)  # first class at the top
        peak = float(rates[shown].max()) if n_shown else 0.0
        # Room on the right for the count labels.
        ax.set_xlim(0.0, min(1.0, peak) * 1.3 if peak > 0 else 1.0)
        what = ("the class's annotations of that side" if self.relative_to == "annotations"
                else "all examples")
        ax.set_xlabel(f"flagged, as a share of {what}")
        # Above the bars, so that it never hides a bar or its counts.
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, fontsize=8,
                  frameon=False, borderaxespad=0.2)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(cls, mlq: BaseEstimator, X: Any = None, labels: Labels | None = None,
                       *, top: int | None = 20, sort_by: str = "rate", ax: Axes | None = None,
                       **filter_kwargs: Any) -> ClassIssueRatesDisplay:
        """Issue rates of the classes of a fitted :class:`~skmlq.MultilabelLabelQuality`.

        The counts come from ``mlq.find_label_issues(X, labels, **filter_kwargs)``.

        Parameters
        ----------
        mlq : MultilabelLabelQuality
            A fitted estimator.
        X, labels : default=None
            New data and its annotations; None shows the training data.
        top : int or None, default=20
        sort_by : {"rate", "count", "class"}, default="rate"
        ax : matplotlib Axes, default=None
        **filter_kwargs : dict
            Passed to ``mlq.find_label_issues``.

        Returns
        -------
        display : ClassIssueRatesDisplay
        """
        report = _estimator_report(mlq, X, labels, filter_kwargs)
        n_flagged, n_annotations = summary_class_counts(
            estimator_summary(mlq, report, X is None))
        display = cls(n_flagged, n_annotations, class_names=mlq.classes_)
        return display.plot(ax=ax, top=top, sort_by=sort_by)

    @classmethod
    def from_predictions(cls, labels: Labels, pred_probs: ProbabilityArray, *,
                         class_names: ArrayLike | None = None, top: int | None = 20,
                         sort_by: str = "rate", ax: Axes | None = None,
                         **filter_kwargs: Any) -> ClassIssueRatesDisplay:
        """Issue rates per class of ``labels`` under ``pred_probs``.

        {predictions}
        class_names : array-like of shape (n_classes,), default=None
        top : int or None, default=20
        sort_by : {{"rate", "count", "class"}}, default="rate"
        ax : matplotlib Axes, default=None
        **filter_kwargs : dict
            Passed to :func:`skmlq.filter.find_multilabel_issues_per_class`.

        Returns
        -------
        display : ClassIssueRatesDisplay
            The bars of the ``top`` classes, from the counts of every class
            (``n_flagged``, ``n_annotations``).

        Examples
        --------
        >>> import numpy as np
        >>> from skmlq.plotting import ClassIssueRatesDisplay
        >>> labels = np.array([[1, 1], [0, 1], [1, 0], [0, 1], [0, 0], [1, 1], [0, 1], [1, 0]])
        >>> pred_probs = np.array([[0.9, 0.8], [0.1, 0.7], [0.8, 0.2], [0.2, 0.9],
        ...                        [0.3, 0.2], [0.7, 0.6], [0.9, 0.3], [0.6, 0.1]])
        >>> display = ClassIssueRatesDisplay.from_predictions(labels, pred_probs,
        ...                                                   class_names=["cat", "dog"])
        >>> display.n_flagged.tolist(), display.n_annotations.tolist()
        ([[1, 0], [0, 0]], [[4, 4], [3, 5]])
        """
        n_flagged, n_annotations = predictions_class_counts(labels, pred_probs, filter_kwargs)
        display = cls(n_flagged, n_annotations, class_names=class_names)
        return display.plot(ax=ax, top=top, sort_by=sort_by)


fill_doc(ClassIssueRatesDisplay.from_predictions.__func__, predictions=_PREDICTIONS_DOC)


def class_rates_figsize(n_shown, width=7.0):
    """(width, height) in inches for ``n_shown`` classes: 0.42 inch per class."""
    return (width, max(2.4, 0.9 + 0.42 * n_shown))


def predictions_class_counts(labels, pred_probs, filter_kwargs):
    """``(n_flagged, n_annotations)`` (K, 2) of the per-class flags of the filter."""
    from .._core._confident_learning import class_sizes
    from .._core._summaries import issue_counts
    from ..filter import find_multilabel_issues_per_class
    from ..utils._labels import check_labels
    from ..utils._validation import check_pred_probs

    if "return_indices_ranked_by" in filter_kwargs:
        raise InputTypeError(
            "return_indices_ranked_by is not accepted: the display needs the mask."
        )
    P = check_pred_probs(pred_probs)
    Y = check_labels(labels, n_samples=P.shape[0], n_classes=P.shape[1])
    mask = find_multilabel_issues_per_class(Y, P, **filter_kwargs)
    return issue_counts(Y, mask), class_sizes(Y, P.shape[0])


def summary_class_counts(summary):
    """``(n_flagged, n_annotations)`` (K, 2), column 0 absent, 1 given, from an audit
    summary's per-class table."""
    per_class = summary.per_class
    n_given = per_class["n_given"].to_numpy(dtype=np.int64)
    n_flagged = per_class[["n_to_add", "n_to_remove"]].to_numpy(dtype=np.int64)
    return n_flagged, np.column_stack([summary.n_examples - n_given, n_given])


def estimator_summary(mlq, report, from_training_data):
    """The audit summary of ``report``, with the out-of-fold model quality of ``mlq``
    for its training data."""
    from ..report import audit_summary
    from ..report._summary import quality_table
    from ..utils._labels import positives_per_class

    quality = estimate = None
    if from_training_data:
        Y = mlq._fit_labels
        quality = quality_table(mlq.classes_, positives_per_class(Y), Y.shape[0],
                                mlq.average_precision_per_class_, mlq.roc_auc_per_class_)
        estimate = getattr(mlq, "error_estimate_", None)
    return audit_summary(report, quality, error_estimate=estimate)


# --------------------------------------------------------------- reliability


class ErrorCalibrationDisplay:
    """Reliability diagram of error probabilities on data with known errors.

    Binned by predicted error probability: the mean predicted probability of each
    bin against the fraction of its items that really are wrong. A calibrated
    estimate lies on the diagonal; the bar chart under it shows how many items
    fall in each bin.

    Parameters
    ----------
    prob_true : ndarray of shape (n_bins_nonempty,)
        Fraction of truly wrong items per non-empty bin.
    prob_pred : ndarray of shape (n_bins_nonempty,)
        Mean error probability per non-empty bin.
    counts : ndarray of shape (n_bins_nonempty,)
        Items per non-empty bin.
    expected_calibration_error : float, default=None
        ``sum(counts * |prob_true - prob_pred|) / sum(counts)``, shown in the legend.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The reliability curve.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> from skmlq.plotting import ErrorCalibrationDisplay
    >>> display = ErrorCalibrationDisplay.from_predictions(
    ...     [0.1, 0.1, 0.9, 0.9], [False, False, True, False], n_bins=2)
    >>> display.prob_pred.tolist(), display.prob_true.tolist(), display.counts.tolist()
    ([0.1, 0.9], [0.0, 0.5], [2, 2])
    """

    def __init__(self, prob_true: ArrayLike, prob_pred: ArrayLike, counts: ArrayLike, *,
                 expected_calibration_error: float | None = None) -> None:
        self.prob_true = prob_true
        self.prob_pred = prob_pred
        self.counts = counts
        self.expected_calibration_error = expected_calibration_error

    def plot(self, ax: Axes | None = None, *,
             name: str | None = None) -> ErrorCalibrationDisplay:
        """Draw the reliability curve and the diagonal.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
        name : str, default=None
            Legend name of the curve.

        Returns
        -------
        display : ErrorCalibrationDisplay
        """
        ax = _new_axes(ax, (4.8, 4.2))
        ax.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfectly calibrated")
        label = name or "error probabilities"
        if self.expected_calibration_error is not None:
            label += f" (ECE {self.expected_calibration_error:.3f})"
        self.line_ = ax.plot(self.prob_pred, self.prob_true, marker="s", color=WRONG_COLOR,
                             label=label)[0]
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, 1.0)
        ax.set_xlabel("predicted probability of a wrong annotation")
        ax.set_ylabel("fraction truly wrong")
        ax.legend(loc="upper left", fontsize=8)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_predictions(cls, error_proba: ArrayLike, is_error: ArrayLike, *, n_bins: int = 10,
                         name: str | None = None,
                         ax: Axes | None = None) -> ErrorCalibrationDisplay:
        """Reliability of ``error_proba`` against the known errors ``is_error``.

        Parameters
        ----------
        error_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
            Probability that an example (or an annotation) is wrong.
        is_error : array-like of bool of the same shape
            Whether it truly is wrong.
        n_bins : int, default=10
            Equal-width bins over [0, 1]; empty bins are left out.
        name : str, default=None
        ax : matplotlib Axes, default=None

        Returns
        -------
        display : ErrorCalibrationDisplay
        """
        proba = np.asarray(error_proba)
        proba = check_probabilities(proba, "error_proba", ndim=max(proba.ndim, 1)).ravel()
        truth = np.asarray(is_error)
        if truth.shape != np.shape(error_proba):
            raise InputValueError(
                f"is_error has shape {truth.shape}; expected {np.shape(error_proba)}, the "
                f"shape of error_proba."
            )
        if truth.dtype != bool and not np.isin(truth, (0, 1)).all():
            raise InputValueError(
                "is_error must hold booleans (or 0/1): whether each item is wrong."
            )
        truth = truth.astype(bool).ravel()
        n_bins = check_integer(n_bins, "n_bins", minimum=1)
        # Bin i holds [i/n, (i+1)/n); 1.0 goes to the last bin.
        which = np.minimum((proba * n_bins).astype(np.intp), n_bins - 1)
        counts = np.bincount(which, minlength=n_bins)
        sum_pred = np.bincount(which, weights=proba, minlength=n_bins)
        sum_true = np.bincount(which, weights=truth, minlength=n_bins)
        keep = counts > 0
        prob_pred = sum_pred[keep] / counts[keep]
        prob_true = sum_true[keep] / counts[keep]
        ece = float(np.sum(counts[keep] * np.abs(prob_true - prob_pred)) / max(proba.size, 1))
        display = cls(prob_true, prob_pred, counts[keep], expected_calibration_error=ece)
        return display.plot(ax=ax, name=name)

    @classmethod
    def from_estimator(cls, mlq: BaseEstimator, is_error: ArrayLike, *, per_class: bool = False,
                       n_bins: int = 10, name: str | None = None,
                       ax: Axes | None = None) -> ErrorCalibrationDisplay:
        """Reliability of a fitted estimator's error probabilities on known errors.

        Parameters
        ----------
        mlq : MultilabelLabelQuality
            A fitted estimator with error probabilities (``error_proba_``).
        is_error : array-like of bool of shape (n_samples,) or (n_samples, n_classes)
            The known errors of the training data: per example, or per annotation
            with ``per_class=True``.
        per_class : bool, default=False
            Check ``error_proba_per_class_`` (one probability per annotation)
            instead of ``error_proba_``.
        n_bins : int, default=10
        name : str, default=None
        ax : matplotlib Axes, default=None

        Returns
        -------
        display : ErrorCalibrationDisplay
        """
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(mlq)
        attr = "error_proba_per_class_" if check_bool(per_class, "per_class") \
            else "error_proba_"
        proba = getattr(mlq, attr, None)
        if proba is None:
            raise InputValueError(
                f"{type(mlq).__name__} has no {attr}: this estimator does not compute "
                f"error probabilities, so there is nothing to calibrate."
            )
        return cls.from_predictions(proba, is_error, n_bins=n_bins, name=name, ax=ax)
