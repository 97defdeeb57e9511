"""Dataset-level summaries of label issues in multi-label data.

A drop-in for ``cleanlab.multilabel_classification.dataset``: the same functions and
table columns; the tables are pandas DataFrames.
"""

from ._tables import (
    common_multilabel_issues,
    multilabel_health_summary,
    overall_multilabel_health_score,
    rank_classes_by_multilabel_quality,
)

__all__ = [
    "common_multilabel_issues",
    "multilabel_health_summary",
    "overall_multilabel_health_score",
    "rank_classes_by_multilabel_quality",
]
