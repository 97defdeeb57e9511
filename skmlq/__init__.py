"""skmlq: find annotation errors in multi-label classification data.

Every example, and every class annotation of it, gets a score in [0, 1] of how
likely it is correct, computed from out-of-sample predicted probabilities.
"""

from ._estimator import MultilabelLabelQuality
from .rank import get_label_quality_scores, get_label_quality_scores_per_class

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "MultilabelLabelQuality",
    "get_label_quality_scores",
    "get_label_quality_scores_per_class",
]
