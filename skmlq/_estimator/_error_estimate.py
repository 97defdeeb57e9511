"""The one-line dataset estimate of how many examples have a wrong annotation."""

from .._core._second_stage import count_verdict
from .._core._verdict import expected_counts

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
    reliable : bool
        False when the noise model does not pin the number down on this data
        (see :func:`skmlq._core._count.count_reliability`); ``str()`` then
        says so instead of giving a number.
    reason : str
        Why the number is unreliable ("" when it is reliable).

    Examples
    --------
    >>> from skmlq._estimator._error_estimate import ErrorEstimate
    >>> print(ErrorEstimate(7395, 712.3, 120.0, 640.5))
    about 10% of examples, 712 of 7,395, have a wrong annotation; most likely kind: missing tags
    >>> print(ErrorEstimate(7395, 712.3, 120.0, 640.5, reliable=False,
    ...                     reason="a flat calibration"))
    how many of the 7,395 examples have a wrong annotation cannot be estimated reliably \
here (a flat calibration); rank by error probability and review from the top
    """

    def __init__(self, n_examples, n_wrong_examples, n_to_remove, n_to_add, *, reliable=True,
                 reason=""):
        self.n_examples = int(n_examples)
        self.n_wrong_examples = float(n_wrong_examples)
        self.n_to_remove = float(n_to_remove)
        self.n_to_add = float(n_to_add)
        self.reliable = bool(reliable)
        self.reason = str(reason)

    @property
    def most_likely_kind(self):
        return "missing tags" if self.n_to_add >= self.n_to_remove else "wrong tags"

    @property
    def fraction(self):
        return self.n_wrong_examples / max(self.n_examples, 1)

    @classmethod
    def from_probabilities(cls, example_proba, per_class_proba, Y, *, reliable=True, reason=""):
        """From the error probabilities and the (trusted) given annotations ``Y``."""
        return cls(per_class_proba.shape[0], *expected_counts(example_proba, per_class_proba, Y),
                   reliable=reliable, reason=reason)

    @classmethod
    def from_stage(cls, Y, P, params, example_proba, n_wrong_examples, n_to_remove, n_to_add):
        """From the expected counts of validated ``(Y, P)`` scored by the fitted second
        stage ``params``, with the verdict on their reliability."""
        reliable, reason = count_verdict(Y, P, params)
        return cls(len(example_proba), n_wrong_examples, n_to_remove, n_to_add,
                   reliable=reliable, reason=reason)

    def __str__(self):
        if not self.reliable:
            return (
                f"how many of the {self.n_examples:,} examples have a wrong annotation "
                f"cannot be estimated reliably here ({self.reason}); rank by error "
                f"probability and review from the top"
            )
        return (
            f"about {self.fraction:.0%} of examples, {self.n_wrong_examples:,.0f} of "
            f"{self.n_examples:,}, have a wrong annotation; most likely kind: "
            f"{self.most_likely_kind}"
        )

    def __repr__(self):
        return (
            f"ErrorEstimate(n_examples={self.n_examples}, n_wrong_examples="
            f"{self.n_wrong_examples:.1f}, n_to_remove={self.n_to_remove:.1f}, "
            f"n_to_add={self.n_to_add:.1f}, reliable={self.reliable})"
        )
