"""Small helpers shared by the test modules."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin


def read_only(array):
    """A read-only copy of ``array``: any write by the code under test raises."""
    array = np.array(array)
    array.setflags(write=False)
    return array


def random_case(rng, n_samples, n_classes, *, low=1e-3, high=1 - 1e-3, p_label=0.3):
    """Seeded random ``(labels as list of lists, pred_probs)`` without exact 0/1."""
    pred_probs = rng.uniform(low, high, size=(n_samples, n_classes))
    indicator = rng.random((n_samples, n_classes)) < p_label
    labels = [np.flatnonzero(row).tolist() for row in indicator]
    return labels, pred_probs


class GivenProbabilities(ClassifierMixin, BaseEstimator):
    """A classifier whose input is the row number and whose probabilities are given:
    it predicts ``pred_probs[X[:, 0]]``, so cross fitting it returns them unchanged.
    (The benchmarks keep their own in ``benchmarks/_given.py``: tests never import
    the benchmarks.)"""

    def __init__(self, pred_probs=None):
        self.pred_probs = pred_probs

    def fit(self, X, y):
        self.classes_ = np.arange(np.asarray(y).shape[1])
        return self

    def predict_proba(self, X):
        return np.asarray(self.pred_probs)[np.asarray(X)[:, 0].astype(np.intp)]
