"""What the HTML report shows, gathered from a fitted estimator.

The report, its summary and the per-class counts come from the estimator's issue
report; the figures from the displays. Nothing here scores or flags.
"""

import numpy as np

from ..utils._optional import require_pandas
from ._displays import (
    ClassIssueRatesDisplay, LabelQualityHistogramDisplay, class_rates_figsize,
    report_class_counts,
)
from ._html import DEFAULT_MAX_ROWS, write_html_report

__all__ = [
    "audit_figures", "class_table", "contract_report", "estimator_audit_inputs",
    "summary_class_counts", "write_arrays_report", "write_estimator_report",
]

#: Classes in the per-class figure of the report (all of them are in its table).
FIGURE_CLASSES = 30


def _class_lists(mask, classes):
    rows, cols = np.nonzero(mask)
    split = np.cumsum(np.bincount(rows, minlength=mask.shape[0]))[:-1]
    return [c.tolist() for c in np.split(np.asarray(classes, dtype=object)[cols], split)]


def _score_lists(mask, scores):
    rows, cols = np.nonzero(mask)
    split = np.cumsum(np.bincount(rows, minlength=mask.shape[0]))[:-1]
    return [s.tolist() for s in np.split(scores[rows, cols], split)]


def contract_report(report, classes, per_class_scores):
    """The long-form issue report (``flagged``, ``given``, ``to_remove``, ``to_add`` and
    their scores) from a report in the one-column-per-class form
    (``is_label_issue``, ``given_labels``, ``suspect_<class>``); a report that already
    has the long form is returned as it is."""
    if "to_remove" in report.columns:
        return report
    pd = require_pandas("the HTML audit report")
    rows = report.index.to_numpy()
    suspect = report[[f"suspect_{c}" for c in classes]].to_numpy(dtype=bool)
    index = {c: k for k, c in enumerate(classes)}
    given = np.zeros_like(suspect)
    lengths = report["given_labels"].map(len).to_numpy()
    given[np.repeat(np.arange(len(report)), lengths),
          [index[c] for c in report["given_labels"].explode().dropna()]] = True
    scores = np.asarray(per_class_scores)[rows]
    return pd.DataFrame({
        "label_quality": report["label_quality"].to_numpy(),
        "flagged": report["is_label_issue"].to_numpy(dtype=bool),
        "given": report["given_labels"].tolist(),
        "to_remove": _class_lists(suspect & given, classes),
        "to_add": _class_lists(suspect & ~given, classes),
        "to_remove_scores": _score_lists(suspect & given, scores),
        "to_add_scores": _score_lists(suspect & ~given, scores),
    }, index=report.index)


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


def summary_class_counts(summary):
    """``(n_flagged, n_annotations)`` (K, 2), column 0 absent, 1 given, from an audit
    summary's per-class table."""
    per_class = summary.per_class
    n_given = per_class["n_given"].to_numpy(dtype=np.int64)
    n_flagged = per_class[["n_to_add", "n_to_remove"]].to_numpy(dtype=np.int64)
    return n_flagged, np.column_stack([summary.n_examples - n_given, n_given])


def audit_figures(scores, flagged, classes, n_flagged, n_annotations, *, error_proba=None,
                  error_threshold=0.5):
    """Captioned figures of the displays (arrays in data order), drawn on Figures
    outside pyplot; None without matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    figures = []
    flagged = np.asarray(flagged, dtype=bool)
    for score, values in (("label_quality", scores), ("error_proba", error_proba)):
        if values is None:
            continue
        ax = Figure(figsize=(5.5, 3.4), layout="constrained").add_subplot()
        LabelQualityHistogramDisplay._build(
            np.asarray(values, dtype=np.float64), flagged, score,
            error_threshold if score == "error_proba" else "auto", 20, True, ax)
        name = "label quality" if score == "label_quality" else "error probability"
        figures.append((f"Distribution of the {name} of the examples (log scale)", ax.figure))
    n_shown = min(FIGURE_CLASSES, len(classes))
    ax = Figure(figsize=class_rates_figsize(n_shown, 5.5), layout="constrained").add_subplot()
    ClassIssueRatesDisplay(n_flagged, n_annotations, class_names=classes).plot(ax, top=n_shown)
    what = "all" if n_shown == len(classes) else f"the {n_shown} with the highest rates"
    figures.append((f"Issue rates per class ({what} of {len(classes)} classes; every class "
                    f"is in the table below)", ax.figure))
    return figures


def _summary(mlq, report, from_training_data):
    """The audit summary of the report module, or None where it does not exist."""
    try:
        from ..report import audit_summary
    except ImportError:  # a build without the report module
        return None
    quality = None
    if from_training_data and hasattr(mlq, "average_precision_per_class_"):
        from ..report._summary import quality_table
        from ..utils._labels import positives_per_class

        quality = quality_table(mlq.classes_, positives_per_class(mlq._fit_labels),
                                mlq._fit_labels.shape[0], mlq.average_precision_per_class_,
                                mlq.roc_auc_per_class_)
    return audit_summary(report, quality)


def estimator_audit_inputs(mlq, X=None, labels=None, **report_kwargs):
    """``(report, summary, class_table, figures)`` of a fitted estimator."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(mlq)
    classes = list(mlq.classes_)
    report = mlq.find_label_issues(X, labels, **report_kwargs)
    if "to_remove" not in report.columns:
        per_class = (mlq.label_quality_scores_per_class_ if X is None
                     else mlq._score_new(X, labels, "audit_report")[0])
        report = contract_report(report, classes, per_class)
    summary = _summary(mlq, report, X is None)
    if summary is not None:
        n_flagged, n_annotations = summary_class_counts(summary)
        quality = summary.per_class
    else:
        n_flagged, n_annotations = report_class_counts(report, classes)
        quality = None
    table = class_table(classes, n_flagged, n_annotations, quality)
    rows = report.sort_index(kind="stable")
    figures = audit_figures(
        rows["label_quality"].to_numpy(), rows["flagged"].to_numpy(), classes, n_flagged,
        n_annotations, error_proba=rows["error_proba"].to_numpy()
        if "error_proba" in rows.columns else None,
        error_threshold=getattr(mlq, "error_threshold", 0.5))
    return report, summary, table, figures


def write_estimator_report(mlq, path, X=None, labels=None, *, text=None,
                           max_rows=DEFAULT_MAX_ROWS, title="Label audit", **report_kwargs):
    """``MultilabelLabelQuality.audit_report``: gather the inputs, write the file."""
    report, summary, table, figures = estimator_audit_inputs(mlq, X, labels, **report_kwargs)
    return write_html_report(path, report, summary=summary, class_table=table,
                             figures=figures, text=text, max_rows=max_rows, title=title)


def write_arrays_report(path, worst, summary, scores, flagged, classes, *, error_proba=None,
                        error_threshold=0.5, text=None, max_rows=DEFAULT_MAX_ROWS,
                        title="Label audit"):
    """The HTML report from the arrays of a large data set (the command line): the
    report of the worst rows only (``worst``), the summary of all of them, and the
    (N,) scores and flags for the figures."""
    n_flagged, n_annotations = summary_class_counts(summary)
    table = class_table(classes, n_flagged, n_annotations, summary.per_class)
    figures = audit_figures(scores, flagged, classes, n_flagged, n_annotations,
                            error_proba=error_proba, error_threshold=error_threshold)
    return write_html_report(path, worst, summary=summary, class_table=table, figures=figures,
                             text=text, max_rows=max_rows, title=title)
