"""The scikit-learn estimator, public as ``skmlq.MultilabelLabelQuality``.

``_targets`` encodes ``y``, ``_proba`` reads ``predict_proba`` outputs,
``_cross_fit`` produces out-of-fold probabilities, ``_estimator`` is the estimator
and ``_report`` its issue report.
"""

from ._cross_fit import default_estimator
from ._estimator import SYNTHETIC_ERROR_RATE, MultilabelLabelQuality

__all__ = ["MultilabelLabelQuality", "SYNTHETIC_ERROR_RATE", "default_estimator"]
