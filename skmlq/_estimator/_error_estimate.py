"""The one-line dataset estimate of how many examples have a wrong annotation."""

import numpy as np

from ..utils._labels import indicator_block
from ..utils._blocks import row_blocks

__all__ = ["ErrorEstimate"]


class ErrorEstimate:
    """Expected number of examples with a wrong annotation, and the likeliest kind.

    Attributes
    ----------
    n_examples : int
        Number of examples.
    n_wrong_examples : float
        Expected number of examples with at least one wrong annotation (the sum of
        the example error probabilities).
    n_to_remove : float
        Expected number of given annotations that are wrong (should be removed).
    n_to_add : float
        Expected number of absent annotations that are missing (should be added).
    most_likely_kind : {"missing tags", "wrong tags"}
        Whichever of ``n_to_add`` and ``n_to_remove`` is larger.

    Examples
    --------
    >>> from skmlq._estimator._error_estimate import ErrorEstimate
    >>> print(ErrorEstimate(7395, 712.3, 120.0, 640.5))
    about 10% of examples, 712 of 7,395, have a wrong annotation; most likely kind: missing tags
    """

    def __init__(self, n_examples, n_wrong_examples, n_to_remove, n_to_add):
        self.n_examples = int(n_examples)
        self.n_wrong_examples = float(n_wrong_examples)
        self.n_to_remove = float(n_to_remove)
        self.n_to_add = float(n_to_add)

    @property
    def most_likely_kind(self):
        return "missing tags" if self.n_to_add >= self.n_to_remove else "wrong tags"

    @property
    def fraction(self):
        return self.n_wrong_examples / max(self.n_examples, 1)

    @classmethod
    def from_probabilities(cls, example_proba, per_class_proba, Y):
        """From the error probabilities and the (trusted) given annotations ``Y``."""
        n_samples, n_classes = per_class_proba.shape
        to_remove = 0.0
        for start, stop in row_blocks(n_samples, n_classes):
            given = indicator_block(Y, start, stop)
            to_remove += float(per_class_proba[start:stop][given].sum())
        total = float(per_class_proba.sum())
        return cls(n_samples, float(np.sum(example_proba)), to_remove, total - to_remove)

    def __str__(self):
        return (
            f"about {self.fraction:.0%} of examples, {self.n_wrong_examples:,.0f} of "
            f"{self.n_examples:,}, have a wrong annotation; most likely kind: "
            f"{self.most_likely_kind}"
        )

    def __repr__(self):
        return (
            f"ErrorEstimate(n_examples={self.n_examples}, n_wrong_examples="
            f"{self.n_wrong_examples:.1f}, n_to_remove={self.n_to_remove:.1f}, "
            f"n_to_add={self.n_to_add:.1f})"
        )
