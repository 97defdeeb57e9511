"""Plots and the HTML audit report (matplotlib; ``pip install "skmlq[plot]"``).

- Displays in scikit-learn's convention (``from_estimator`` / ``from_predictions``,
  ``plot(ax=...)``, the plotted values as attributes, ``ax_`` / ``figure_``):
  :class:`LabelQualityHistogramDisplay` (the distribution of example scores, the
  flagged ones and the threshold), :class:`ClassIssueRatesDisplay` (per class, the
  share of its annotations that look wrong or missing) and
  :class:`ErrorCalibrationDisplay` (reliability of error probabilities on data
  with known errors).
- :func:`plot_label_quality_histogram` and :func:`plot_class_issue_rates`:
  shortcuts that return the axes.
- :func:`write_html_report`: the audit as one self-contained HTML file (written
  for an estimator by ``MultilabelLabelQuality.audit_report``); the writer needs
  no matplotlib, only its figures do.
"""

from ._displays import (
    ClassIssueRatesDisplay, ErrorCalibrationDisplay, LabelQualityHistogramDisplay,
)
from ._html import DEFAULT_MAX_ROWS, render_html_report, write_html_report
from ._plots import plot_class_issue_rates, plot_label_quality_histogram

__all__ = [
    "DEFAULT_MAX_ROWS",
    "ClassIssueRatesDisplay",
    "ErrorCalibrationDisplay",
    "LabelQualityHistogramDisplay",
    "plot_class_issue_rates",
    "plot_label_quality_histogram",
    "render_html_report",
    "write_html_report",
]
