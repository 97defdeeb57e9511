"""Label quality scores for multi-label classification data.

A drop-in for ``cleanlab.multilabel_classification.rank``: the same function names
and keywords, computed by skmlq's vectorised, block-wise scoring core.
"""

from ._aggregation import exponential_moving_average, softmin
from ._rank import get_label_quality_scores, get_label_quality_scores_per_class
from ._streaming import LabelQualityScorer, iter_label_quality_scores
from ._thresholds import get_confident_thresholds

__all__ = [
    "LabelQualityScorer",
    "exponential_moving_average",
    "get_confident_thresholds",
    "get_label_quality_scores",
    "get_label_quality_scores_per_class",
    "iter_label_quality_scores",
    "softmin",
]
