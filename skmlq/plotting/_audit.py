"""What the HTML report shows, gathered from a fitted estimator or from arrays.

The issue report and its audit summary come from :mod:`skmlq.report` (the per-class
counts are the summary's); the figures from the displays. Nothing here scores, flags
or counts anew.
"""

import numpy as np

from ..utils._errors import InputTypeError
from ..utils._optional import require_pandas
from ..utils._warnings import warn
from ._displays import (
    ClassIssueRatesDisplay, LabelQualityHistogramDisplay, class_rates_figsize, estimator_summary,
    summary_class_counts,
)
from ._html import DEFAULT_MAX_ROWS, MissingFigures, write_html_report

__all__ = [
    "FIGURES_NEED_PLOT", "audit_figures", "class_table", "estimator_audit_inputs",
    "figures_available", "summary_class_counts", "write_arrays_report",
    "write_estimator_report",
]

#: What the report says (and the command line prints) instead of its figures when
#: matplotlib is missing: the rest of the report does not need it.
FIGURES_NEED_PLOT = ('no figures: they need matplotlib; install it with '
                     'pip install "skmlq[plot]"')


def figures_available():
    """True if matplotlib can be imported (the report's figures can be drawn)."""
    try:
        import matplotlib.figure  # noqa: F401
    except ImportError:
        return False
    return True


# Options of find_label_issues that would drop examples from the report, and so
# from the summary: the HTML report covers every example (max_rows limits its table).
_PARTIAL_REPORT_OPTIONS = ("form", "flagged_only", "worst")

#: Classes in the per-class figure of the report (all of them are in its table).
FIGURE_CLASSES = 30


def class_table(classes, n_flagged, n_annotations, quality=None):
    """Per class: its given annotations, how many of each kind look wrong and their
    shares, then the columns of ``quality`` (a per-class table in class order, e.g.
    the model's average precision), highest share first."""
    pd = require_pandas("the HTML audit report")
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = np.where(n_annotations > 0, n_flagged / np.maximum(n_annotations, 1), 0.0)
    table = pd.DataFrame({
        "class": [str(c) for c in classes],
        "given": n_annotations[:, 1],
        "to_remove": n_flagged[:, 1],
        "share wrong": rates[:, 1],
        "absent": n_annotations[:, 0],
        "to_add": n_flagged[:, 0],
        "share missing": rates[:, 0],
    })
    if quality is not None:
        for column in quality.columns:
            if column not in ("class", "n_given", "n_to_remove", "n_to_add"):
                table[column] = quality[column].to_numpy()
    order = np.lexsort((-n_flagged.sum(axis=1), -rates.max(axis=1)))
    return table.iloc[order].reset_index(drop=True)


def audit_figures(scores, flagged, classes, n_flagged, n_annotations, *, error_proba=None,
                  error_threshold=0.5):
    """Captioned figures of the displays (the (N,) arrays in any row order, the same
    for all), drawn on Figures outside pyplot; without matplotlib, the note
    :data:`FIGURES_NEED_PLOT` that the report shows in their place."""
    if not figures_available():
        return MissingFigures(FIGURES_NEED_PLOT)
    from matplotlib.figure import Figure

    figures = []
    flagged = np.asarray(flagged, dtype=bool)
    for score, values in (("label_quality", scores), ("error_proba", error_proba)):
        if values is None:
            continue
        ax = Figure(figsize=(5.2, 3.4), layout="constrained").add_subplot()
        LabelQualityHistogramDisplay._build(
            np.asarray(values, dtype=np.float64), flagged, score,
            error_threshold if score == "error_proba" else "auto", 20, True, ax)
        name = "label quality" if score == "label_quality" else "error probability"
        figures.append((f"Distribution of the {name} of the examples (log scale)", ax.figure))
    n_shown = min(FIGURE_CLASSES, len(classes))
    ax = Figure(figsize=class_rates_figsize(n_shown, 5.2), layout="constrained").add_subplot()
    ClassIssueRatesDisplay(n_flagged, n_annotations, class_names=classes).plot(ax, top=n_shown)
    what = "all" if n_shown == len(classes) else f"the {n_shown} with the highest rates"
    figures.append((f"Issue rates per class ({what} of {len(classes)} classes; every class "
                    f"is in the table below)", ax.figure))
    return figures


def _error_threshold(mlq, report_kwargs):
    """The threshold the report was made with (0.0 is a threshold, not a default)."""
    threshold = report_kwargs.get("error_threshold")
    if threshold is None:
        threshold = getattr(mlq, "error_threshold", None)
    return 0.5 if threshold is None else threshold


def estimator_audit_inputs(mlq, X=None, labels=None, **report_kwargs):
    """``(report, summary, class_table, figures)`` of a fitted estimator."""
    from sklearn.utils.validation import check_is_fitted

    partial = [k for k in _PARTIAL_REPORT_OPTIONS if k in report_kwargs]
    if partial:
        raise InputTypeError(
            f"audit_report does not accept {', '.join(partial)}: the audit covers every "
            f"example (its table shows the worst max_rows of them)."
        )
    check_is_fitted(mlq)
    classes = list(mlq.classes_)
    report = mlq.find_label_issues(X, labels, **report_kwargs)
    summary = estimator_summary(mlq, report, X is None)
    n_flagged, n_annotations = summary_class_counts(summary)
    table = class_table(classes, n_flagged, n_annotations, summary.per_class)
    # The histograms do not depend on the row order: no sort of the report.
    error_proba = report["error_proba"].to_numpy() if "error_proba" in report.columns else None
    figures = audit_figures(
        report["label_quality"].to_numpy(), report["flagged"].to_numpy(), classes, n_flagged,
        n_annotations, error_proba=error_proba,
        error_threshold=_error_threshold(mlq, report_kwargs))
    return report, summary, table, figures


def write_estimator_report(mlq, path, X=None, labels=None, *, text=None,
                           max_rows=DEFAULT_MAX_ROWS, title="Label audit", **report_kwargs):
    """``MultilabelLabelQuality.audit_report``: gather the inputs, write the file."""
    report, summary, table, figures = estimator_audit_inputs(mlq, X, labels, **report_kwargs)
    if isinstance(figures, MissingFigures):
        warn(f"the audit report has {figures}.")
    # On the training data the review file carries the model's probabilities, as
    # write_review does when given them.
    pred_probs = None
    if X is None and not hasattr(mlq.pred_probs_, "tocsr"):
        pred_probs = mlq.pred_probs_
    return write_html_report(path, report, summary=summary, class_table=table,
                             figures=figures, text=text, max_rows=max_rows, title=title,
                             pred_probs=pred_probs)


def write_arrays_report(path, worst, summary, scores, flagged, classes, *, error_proba=None,
                        error_threshold=0.5, text=None, max_rows=DEFAULT_MAX_ROWS,
                        title="Label audit", pred_probs=None):
    """The HTML report from the arrays of a large data set (the command line): the
    report of the worst rows only (``worst``), the summary of all of them, and the
    (N,) scores and flags for the figures; ``pred_probs`` (all rows) adds the
    model's probabilities to the page's review file."""
    n_flagged, n_annotations = summary_class_counts(summary)
    table = class_table(classes, n_flagged, n_annotations, summary.per_class)
    figures = audit_figures(scores, flagged, classes, n_flagged, n_annotations,
                            error_proba=error_proba, error_threshold=error_threshold)
    return write_html_report(path, worst, summary=summary, class_table=table, figures=figures,
                             text=text, max_rows=max_rows, title=title, pred_probs=pred_probs)
