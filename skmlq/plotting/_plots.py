"""The two plotting functions of skmlq's first release, as thin wrappers of the displays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._core._confident_learning import class_sizes
from ..utils._docstrings import fill_doc, toy_data_doc
from ..utils._errors import InputValueError
from ..utils._labels import check_labels
from ..utils._validation import check_integer
from ._displays import (
    ClassIssueRatesDisplay, LabelQualityHistogramDisplay, check_flags, check_probabilities,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike

    from ..utils._typing import Labels

__all__ = ["plot_class_issue_rates", "plot_label_quality_histogram"]


def plot_label_quality_histogram(label_quality_scores: ArrayLike,
                                 label_issues: ArrayLike | None = None, *, bins: int = 20,
                                 threshold: float | None = None, log: bool = False,
                                 ax: Axes | None = None) -> Axes:
    """Histogram of label quality scores, with the flagged issues marked.

    A shortcut for :class:`LabelQualityHistogramDisplay` that returns the axes.

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
    threshold : float, default=None
        Drawn as a dashed vertical line when given.
    log : bool, default=False
        Logarithmic count axis, so that a crowded first bin does not hide the tail.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure if None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes: one bar per bin for all examples (legend ``"all examples (N)"``),
        then one per bin for the flagged ones (``"flagged (n)"``).

    See Also
    --------
    LabelQualityHistogramDisplay : The display behind this function.
    plot_class_issue_rates : Issue rates per class.

    Examples
    --------
    >>> from skmlq.plotting import plot_label_quality_histogram
    >>> ax = plot_label_quality_histogram([0.9, 0.8, 0.1, 0.95], [False, False, True, False],
    ...                                   bins=10)
    >>> len(ax.patches)
    20
    """
    scores = check_probabilities(label_quality_scores, "label_quality_scores")
    flagged = check_flags(label_issues, scores.shape[0], "label_issues")
    display = LabelQualityHistogramDisplay(
        scores, flagged, threshold=threshold,
        score_name="label quality score",
    )
    ax = display.plot(ax=ax, bins=bins, log=log).ax_
    ax.set_title("Label quality scores (lower: more likely mislabeled)")
    return ax


def plot_class_issue_rates(classes_by_quality: pd.DataFrame, *, top: int | None = 20,
                           labels: Labels | None = None, ax: Axes | None = None) -> Axes:
    """Bar chart of the issue rates of the worst classes.

    A shortcut for :class:`ClassIssueRatesDisplay` on the table of
    :func:`skmlq.dataset.rank_classes_by_multilabel_quality`, in the table's order.

    Parameters
    ----------
    classes_by_quality : pandas.DataFrame
        The table of :func:`skmlq.dataset.rank_classes_by_multilabel_quality`.
    top : int or None, default=20
        Plot the first ``top`` rows (the worst classes); None plots all.
    labels : list of lists of int, array-like or sparse matrix, default=None
        The labels the table was computed from. With them, each rate is a share of
        the class's own annotations of that side (so a rare class whose
        annotations all look wrong stands out); without them, a share of all
        examples (the table's ``Label Noise`` and ``Inverse Label Noise``).
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure sized to the classes shown if None.

    Returns
    -------
    ax : matplotlib.axes.Axes
        Horizontal bars per class (worst at the top): wrong (given label to
        remove) then missing (absent label to add), each labelled with its counts.
        Tick labels are the ``Class Name`` column when present, else the class
        index.

    See Also
    --------
    ClassIssueRatesDisplay : The display behind this function.
    plot_label_quality_histogram : Distribution of the scores.

    Examples
    --------
    >>> from skmlq.dataset import rank_classes_by_multilabel_quality
    >>> from skmlq.plotting import plot_class_issue_rates
    {toy_data}
    >>> table = rank_classes_by_multilabel_quality(labels, pred_probs)
    >>> ax = plot_class_issue_rates(table, labels=labels)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['0', '1']
    >>> [round(float(p.get_width()), 3) for p in ax.patches]  # wrong, then missing
    [0.0, 0.0, 0.25, 0.0]
    """
    required = ("Class Index", "Label Issues", "Inverse Label Issues", "Label Noise",
                "Inverse Label Noise")
    missing = [c for c in required if c not in getattr(classes_by_quality, "columns", ())]
    if missing:
        raise InputValueError(
            f"classes_by_quality lacks column(s) {missing}; pass the DataFrame returned "
            f"by skmlq.dataset.rank_classes_by_multilabel_quality."
        )
    check_integer(top, "top", minimum=1, allow_none=True)
    table = classes_by_quality if top is None else classes_by_quality.head(top)
    names_col = "Class Name" if "Class Name" in table.columns else "Class Index"
    n_flagged = table[["Inverse Label Issues", "Label Issues"]].to_numpy(dtype=np.int64)
    if labels is not None:
        Y = check_labels(labels, n_classes=len(classes_by_quality))
        n_annotations = class_sizes(Y, Y.shape[0])[table["Class Index"].to_numpy(dtype=np.intp)]
        relative_to = "annotations"
    else:
        # The table's rates are shares of all examples: recover their number.
        noise = classes_by_quality[["Inverse Label Noise", "Label Noise"]].to_numpy()
        counts = classes_by_quality[["Inverse Label Issues", "Label Issues"]].to_numpy()
        seen = noise > 0
        n_samples = int(round(float(np.median(counts[seen] / noise[seen])))) if seen.any() \
            else max(int(counts.max(initial=0)), 1)
        n_annotations = np.full_like(n_flagged, n_samples)
        relative_to = "examples"
    display = ClassIssueRatesDisplay(n_flagged, n_annotations,
                                     class_names=table[names_col].to_numpy(),
                                     relative_to=relative_to)
    ax = display.plot(ax=ax, top=None, sort_by="class").ax_
    ax.set_title("Label issue rates per class (worst first)")
    return ax


fill_doc(plot_class_issue_rates, toy_data=toy_data_doc())
