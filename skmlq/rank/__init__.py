"""Label quality scores for multi-label data.

A drop-in for ``cleanlab.multilabel_classification.rank``: the same function names
and keywords, computed by skmlq's vectorised, block-wise scoring core
(``skmlq._core``). The functions here are documented wrappers; batches are scored
by ``LabelQualityScorer`` (``skmlq._backends._streaming``).
"""

from .._backends._streaming import LabelQualityScorer, iter_label_quality_scores
from ._aggregators import exponential_moving_average, softmin
from ._functions import get_label_quality_scores, get_label_quality_scores_per_class
from ._second_stage import get_cooccurrence_params, get_label_error_probabilities
from ._thresholds import get_confident_thresholds

__all__ = [
    "LabelQualityScorer",
    "exponential_moving_average",
    "get_confident_thresholds",
    "get_cooccurrence_params",
    "get_label_error_probabilities",
    "get_label_quality_scores",
    "get_label_quality_scores_per_class",
    "iter_label_quality_scores",
    "softmin",
]
