"""One verdict on a data set: which examples are flagged, what each should change,
in which order they are read, and how many are expected to be wrong.

Every view of an audit (the issue report, its summary, the error estimate, the
HTML page, the review file and the command line) reads these functions instead of
deriving flags, orders or counts of its own, so that they cannot disagree:

- an example is *flagged* when its probability of having a wrong annotation is at
  least the threshold (:func:`error_verdict`);
- a flagged example carries every annotation whose own error probability is at
  least the threshold, and, when none is (several moderately likely errors add up
  to the example's probability), the one most likely wrong: no flagged example is
  left without a change to review;
- examples are read in ascending label quality, ties in row order
  (:func:`review_order`); with ``method="noise_posterior"`` and the ``"product"``
  aggregator the label quality is one minus the example error probability, so the
  flagged examples come first;
- the expected number of wrong examples is the sum of the example error
  probabilities (:func:`expected_counts`).

Inputs are trusted (checked at the boundary).
"""

import numpy as np

from ..utils._blocks import row_blocks
from ..utils._labels import indicator_block

__all__ = ["error_verdict", "expected_counts", "likeliest_change", "review_order"]


def review_order(scores):
    """Positions of the examples, lowest label quality first, ties in row order."""
    return np.argsort(np.asarray(scores), kind="stable")


def error_verdict(error_proba, per_class_proba, threshold):
    """``(mask (N, K) bool, flagged (N,) bool)`` from error probabilities.

    ``flagged`` is ``error_proba >= threshold``. The example probability is at least
    each of its annotations' (``1 - prod_k (1 - e_k) >= e_k``), so every annotation at
    or above the threshold lies on a flagged example; the rows are united with the
    examples of those annotations anyway, so that a last-bit rounding of the two
    probabilities cannot leave a suggested change on an unflagged example. A flagged
    example without such an annotation gets the one of its annotations most likely
    wrong (the first class on ties).
    """
    n_samples, n_classes = per_class_proba.shape
    mask = np.empty((n_samples, n_classes), dtype=bool)
    flagged = np.asarray(error_proba) >= threshold
    for start, stop in row_blocks(n_samples, n_classes):
        E = np.asarray(per_class_proba[start:stop])
        m = mask[start:stop]
        np.greater_equal(E, threshold, out=m)
        has_change = m.any(axis=1)
        flagged[start:stop] |= has_change
        bare = np.flatnonzero(flagged[start:stop] & ~has_change)
        if bare.size and n_classes:
            m[bare, np.argmax(E[bare], axis=1)] = True
    return mask, flagged


def likeliest_change(per_class_proba, rows):
    """``(class, probability)`` of the annotation most likely wrong on each of ``rows``
    (the first class on ties): the evidence shown for examples that were not flagged."""
    E = np.asarray(per_class_proba[np.asarray(rows, dtype=np.intp)])
    cols = np.argmax(E, axis=1) if E.shape[1] else np.zeros(len(E), dtype=np.intp)
    proba = E[np.arange(len(E)), cols] if E.shape[1] else np.zeros(len(E))
    return cols, proba


def expected_counts(error_proba, per_class_proba, Y):
    """``(n_wrong_examples, n_to_remove, n_to_add)``: the expected number of examples
    with a wrong annotation (the sum of ``error_proba``), of given annotations that
    are wrong and of absent ones that are missing (sums of ``per_class_proba`` over
    each side of the checked indicator ``Y``)."""
    n_samples, n_classes = per_class_proba.shape
    to_remove = total = 0.0
    for start, stop in row_blocks(n_samples, n_classes):
        E = np.asarray(per_class_proba[start:stop])
        given = indicator_block(Y, start, stop)
        to_remove += float(E[given].sum())
        total += float(E.sum())
    return float(np.sum(error_proba)), to_remove, total - to_remove
