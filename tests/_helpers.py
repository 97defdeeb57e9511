"""Small helpers shared by the test modules."""

import numpy as np
from skmlq._estimator._given import GivenProbabilities  # noqa: F401 (shared by the tests)


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
