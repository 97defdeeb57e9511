"""Plots of label quality scores and per-class issue rates (matplotlib, optional)."""

import numpy as np

from ..utils._errors import InputTypeError, InputValueError
from ..utils._optional import require_pyplot
from ..utils._validation import check_integer

__all__ = ["plot_class_issue_rates", "plot_label_quality_histogram"]


def _axes(ax):
    if ax is None:
        ax = require_pyplot().subplots()[1]
    return ax


def plot_label_quality_histogram(label_quality_scores, label_issues=None, *, bins=20, ax=None):
    """Histogram of label quality scores, with the flagged issues marked.

    Parameters
    ----------
    label_quality_scores : array-like of shape (n_samples,)
        Scores in [0, 1], e.g. from :func:`skmlq.rank.get_label_quality_scores`.
    label_issues : array-like of shape (n_samples,) of bool, or of int indices, \
default=None
        Flagged examples (a mask or indices, as returned by
        :func:`skmlq.filter.find_label_issues`), drawn as a second, highlighted
        histogram on the same bins.
    bins : int, default=20
        Number of equal-width bins over [0, 1].
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure if None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes: one bar per bin for all examples (label ``"all examples"``), then
        one per bin for the flagged ones (label ``"flagged issues"``).

    See Also
    --------
    plot_class_issue_rates : Issue rates per class.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmlq.plotting import plot_label_quality_histogram
    >>> ax = plot_label_quality_histogram([0.9, 0.8, 0.1, 0.95], [False, False, True, False],
    ...                                   bins=10)
    >>> len(ax.patches)
    20
    """
    scores = np.asarray(label_quality_scores, dtype=np.float64)
    if scores.ndim != 1:
        raise InputValueError(
            f"label_quality_scores has shape {scores.shape}; expected one score per example."
        )
    check_integer(bins, "bins", minimum=1)
    flagged = None
    if label_issues is not None:
        issues = np.asarray(label_issues)
        if issues.dtype == bool:
            if issues.shape != scores.shape:
                raise InputValueError(
                    f"label_issues is a mask of shape {issues.shape}; expected "
                    f"{scores.shape}, one entry per score."
                )
            flagged = scores[issues]
        elif issues.size == 0 or issues.dtype.kind in "iu":
            flagged = scores[issues.astype(np.intp)]
        else:
            raise InputTypeError(
                f"label_issues has dtype {issues.dtype}; expected a boolean mask or "
                f"integer indices."
            )
    ax = _axes(ax)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ax.hist(scores, bins=edges, color="tab:blue", alpha=0.6, label="all examples")
    if flagged is not None:
        ax.hist(flagged, bins=edges, color="tab:red", alpha=0.8, label="flagged issues")
    ax.set_xlabel("label quality score")
    ax.set_ylabel("number of examples")
    ax.set_title("Label quality scores (lower: more likely mislabeled)")
    ax.legend()
    return ax


def plot_class_issue_rates(classes_by_quality, *, top=20, ax=None):
    """Bar chart of the issue rates of the worst classes.

    Parameters
    ----------
    classes_by_quality : pandas.DataFrame
        The table of :func:`skmlq.dataset.rank_classes_by_multilabel_quality`.
    top : int or None, default=20
        Plot the first ``top`` rows (the worst classes); None plots all.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure if None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        Horizontal bars per class (worst at the top): ``Label Noise`` (annotated
        but looks wrong, label ``"annotated, looks wrong"``) and ``Inverse Label
        Noise`` (missing annotation, label ``"missing"``). Tick labels are the
        ``Class Name`` column when present, else the class index.

    See Also
    --------
    plot_label_quality_histogram : Distribution of the scores.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmlq.dataset import rank_classes_by_multilabel_quality
    >>> from skmlq.plotting import plot_class_issue_rates
    >>> labels = [[0, 1], [1], [0], [1], [], [0, 1], [1], [0]]
    >>> pred_probs = [[0.9, 0.8], [0.1, 0.7], [0.8, 0.2], [0.2, 0.9], [0.3, 0.2],
    ...               [0.7, 0.6], [0.9, 0.3], [0.6, 0.1]]
    >>> table = rank_classes_by_multilabel_quality(labels, pred_probs)
    >>> ax = plot_class_issue_rates(table)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['0', '1']
    """
    required = ("Class Index", "Label Noise", "Inverse Label Noise")
    missing = [c for c in required if c not in getattr(classes_by_quality, "columns", ())]
    if missing:
        raise InputValueError(
            f"classes_by_quality lacks column(s) {missing}; pass the DataFrame returned "
            f"by skmlq.dataset.rank_classes_by_multilabel_quality."
        )
    check_integer(top, "top", minimum=1, allow_none=True)
    table = classes_by_quality if top is None else classes_by_quality.head(top)
    names_col = "Class Name" if "Class Name" in table.columns else "Class Index"
    names = [str(n) for n in table[names_col]]
    ax = _axes(ax)
    pos = np.arange(len(table))
    height = 0.4
    ax.barh(pos - height / 2, table["Label Noise"].to_numpy(), height=height,
            color="tab:red", label="annotated, looks wrong")
    ax.barh(pos + height / 2, table["Inverse Label Noise"].to_numpy(), height=height,
            color="tab:orange", label="missing")
    ax.set_yticks(pos)
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.set_xlabel("fraction of examples flagged")
    ax.set_title("Label issue rates per class (worst first)")
    ax.legend()
    return ax
