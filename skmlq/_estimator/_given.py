"""A classifier that replays probabilities computed elsewhere.

``skmlq review`` (which starts from a probabilities file), the benchmarks (which
measure the estimator's own work without a model's cost) and the tests run
``MultilabelLabelQuality`` on given probabilities through it, so that all of them
go through the estimator's one code path.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

__all__ = ["GivenProbabilities"]


class GivenProbabilities(ClassifierMixin, BaseEstimator):
    """A "classifier" whose input is the row number and whose probabilities are given.

    ``X`` holds row numbers into ``pred_probs`` (in its first column) and
    ``predict_proba`` returns those rows: cross fitting it returns ``pred_probs``
    unchanged, without fitting anything.

    Parameters
    ----------
    pred_probs : array-like of shape (n_samples, n_classes)
        The probabilities to replay.
    """

    def __init__(self, pred_probs=None):
        self.pred_probs = pred_probs

    def fit(self, X, y):
        """Remember the classes of ``y`` (a 2-D indicator, or 1-D with two classes)."""
        self.classes_ = np.arange(np.shape(y)[1] if np.ndim(y) == 2 else 2)
        return self

    def predict_proba(self, X):
        """The rows ``X[:, 0]`` of ``pred_probs``."""
        return np.asarray(self.pred_probs)[np.asarray(X)[:, 0].astype(np.intp)]
