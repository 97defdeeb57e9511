"""The scikit-learn estimator, public as ``skmlq.MultilabelLabelQuality``.

``_targets`` encodes ``y``, ``_proba`` reads ``predict_proba`` outputs,
``_cross_fit`` produces out-of-fold probabilities (``_progress`` shows how far it
is), ``_estimator`` is the estimator; its issue report is :mod:`skmlq.report`'s.
"""

from ._cross_fit import default_estimator
from ._estimator import SYNTHETIC_DRAWS, MultilabelLabelQuality

__all__ = ["MultilabelLabelQuality", "SYNTHETIC_DRAWS", "default_estimator"]
