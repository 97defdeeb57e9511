"""Seeded label-noise kernels on trusted inputs.

The draws that inject known errors into annotations, shared by the estimator's
model-selection objective (``MultilabelLabelQuality.score`` injects single errors)
and by the public noise generators of :mod:`skmlq.benchmarking`, which check the
user's input and call these. ``Y`` is a dense boolean (N, K) indicator and ``rng``
a ``numpy.random.RandomState``; the kernels never modify ``Y``.
"""

import numpy as np

__all__ = ["random_member", "single_error_capacity", "single_errors", "weighted_member"]


def random_member(member, rng):
    """Column index of one uniformly chosen True entry per row of ``member``."""
    keys = rng.random(member.shape)
    keys[~member] = -1.0
    return keys.argmax(axis=1)


def weighted_member(weights, rng):
    """Column index drawn per row in proportion to the non-negative ``weights``."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cum[:, -1]
    return (cum > u[:, None]).argmax(axis=1)


def single_error_capacity(Y):
    """How many examples of ``Y`` can lose a given tag, and how many can gain an
    absent class."""
    n_given = Y.sum(axis=1)
    return int(np.count_nonzero(n_given > 0)), int(np.count_nonzero(n_given < Y.shape[1]))


def single_errors(Y, n_missing, n_extra, rng):
    """``(noisy, wrong)`` of ``Y`` with one given tag removed from ``n_missing``
    examples and one absent class added to ``n_extra`` others.

    The counts are first lowered to what the data allows, losers first: at most
    the examples with a given tag lose one, at most the examples with an absent
    class gain one, and an example gets at most one error. The losing examples
    are drawn uniformly among those with a given tag and the gaining ones among
    the rest with an absent class; the tag or class uniformly among the
    example's own. How many losers come from the examples that could do either
    is drawn as a uniform choice would draw it, then lowered if too few of those
    would be left to gain, so the draw always succeeds. ``wrong`` is exactly
    ``noisy != Y``.
    """
    n_samples, n_classes = Y.shape
    n_given = Y.sum(axis=1)
    lose_only = np.flatnonzero(n_given == n_classes)
    gain_only = np.flatnonzero(n_given == 0)
    either = np.flatnonzero((n_given > 0) & (n_given < n_classes))
    n_can_gain = gain_only.size + either.size
    n_missing = min(n_missing, lose_only.size + either.size)
    n_extra = min(n_extra, n_can_gain, n_samples - n_missing)
    # Losers drawn from `either`: hypergeometric as in a uniform draw, kept within
    # what leaves enough gainers.
    from_either = rng.hypergeometric(either.size, lose_only.size, n_missing) if n_missing else 0
    from_either = int(np.clip(from_either, n_missing - lose_only.size,
                              min(n_missing, n_can_gain - n_extra)))
    either = rng.permutation(either)
    lose = np.concatenate([either[:from_either],
                           rng.choice(lose_only, n_missing - from_either, replace=False)])
    gain = rng.choice(np.concatenate([either[from_either:], gain_only]), n_extra,
                      replace=False)
    noisy = Y.copy()
    noisy[lose, random_member(Y[lose], rng)] = False
    noisy[gain, random_member(~Y[gain], rng)] = True
    return noisy, noisy != Y
