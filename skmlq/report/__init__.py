"""From scores to fixed labels: the label issue report, suggested fixes and review.

- :func:`label_issue_report`: one row per example with its label quality, whether
  it is flagged, its given labels, the labels to remove and to add, and the
  suggested label set (``form="wide"``: one column per class).
- :func:`apply_suggestions`: the cleaned labels, in the form they came in.
- :func:`write_review` / :func:`apply_review`: a CSV file of the suggested changes
  for a person to accept or reject, and the labels with the accepted ones applied.
- :func:`model_quality` and :func:`audit_summary`: whether the model is good enough
  to judge the labels, and the audit in plain words.
- :func:`~skmlq.plotting.write_html_report`: the report and its summary as one
  self-contained HTML file (from :mod:`skmlq.plotting`, where it lives with the
  displays it shows).

The tables are pandas DataFrames.
"""

from ._apply import apply_suggestions
from ._build import label_issue_report
from ._review import apply_review, write_review
from ..plotting._html import write_html_report
from ._summary import AuditSummary, ModelQualityWarning, audit_summary, model_quality

__all__ = [
    "AuditSummary",
    "ModelQualityWarning",
    "apply_review",
    "apply_suggestions",
    "audit_summary",
    "label_issue_report",
    "model_quality",
    "write_html_report",
    "write_review",
]
