"""Seeded label-noise generators for measuring how well errors are detected.

Every generator takes clean ``labels`` (any accepted form) and returns
``(noisy, wrong)``: the noisy annotations as a dense boolean (N, K) indicator, and
the boolean (N, K) mask of wrong annotations, which is exactly ``noisy != clean``.
A ``wrong`` entry on a given side (``noisy`` True) is a label to remove; on an
absent side, a label to add.

The generators check their input here; the seeded draws they share with the
estimator (a random tag of an example, single errors) are kernels of
``skmlq._core._noise``.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from .._core._noise import random_member, single_error_capacity, weighted_member
from .._core._noise import single_errors as draw_single_errors
from ..utils import labels_to_indicator
from ..utils._validation import check_per_class_sides
from ..utils._docstrings import fill_doc

# Parameter and return blocks that every generator documents in the same words.
_FRAGMENTS = {
    "clean_labels": """labels : list of lists of int, array-like of shape (n_samples, n_classes) \
or sparse matrix
        The clean annotations.""",
    "random_state": """random_state : int, RandomState instance or None, default=None
        Seed.""",
    "noisy_wrong": """Returns
    -------
    noisy : ndarray of shape (n_samples, n_classes), bool
    wrong : ndarray of shape (n_samples, n_classes), bool""",
}

__all__ = [
    "class_conditional_noise",
    "missing_tags_noise",
    "random_flip_rates",
    "random_toggle_noise",
    "realistic_noise",
    "single_error_noise",
]


def _check_rate(rate, name="rate", *, upper=1.0):
    if isinstance(rate, bool) or not isinstance(rate, Real) or not 0 <= rate <= upper:
        raise ValueError(f"{name}={rate!r} is invalid; expected a number in [0, {upper:g}].")
    return float(rate)


def _indicator(labels):
    Y = labels_to_indicator(labels)
    if Y.ndim != 2 or Y.shape[1] == 0:
        raise ValueError(
            f"labels has shape {Y.shape}; expected at least one class (column)."
        )
    return Y


def _choose_examples(n_eligible, rate, n_samples, rng):
    """Number of examples to corrupt: ``round(rate * n_samples)``, within reach."""
    n_corrupt = int(round(rate * n_samples))
    if n_corrupt > n_eligible:
        raise ValueError(
            f"rate={rate!r} asks for {n_corrupt} corrupted examples but only "
            f"{n_eligible} examples can be corrupted this way; lower rate."
        )
    return n_corrupt


def _result(Y, noisy):
    return noisy, noisy != Y


def random_toggle_noise(labels, *, rate=0.1, random_state=None):
    """Toggle one class, chosen uniformly at random, on a fraction of the examples.

    Parameters
    ----------
    {clean_labels}
    rate : float in [0, 1], default=0.1
        Fraction of examples that get one wrong annotation (``round(rate * N)``
        examples, chosen uniformly).
    random_state : int, RandomState instance or None, default=None
        Seed of the choice of examples and classes.

    Returns
    -------
    noisy : ndarray of shape (n_samples, n_classes), bool
        The annotations with errors.
    wrong : ndarray of shape (n_samples, n_classes), bool
        True exactly where ``noisy`` differs from ``labels``.

    Examples
    --------
    >>> from skmlq.benchmarking import random_toggle_noise
    >>> noisy, wrong = random_toggle_noise([[0], [1], [0, 1], []], rate=0.5, random_state=0)
    >>> int(wrong.sum()), wrong.any(axis=1).tolist()
    (2, [False, False, True, True])
    """
    Y = _indicator(labels)
    rate = _check_rate(rate)
    rng = check_random_state(random_state)
    n_samples, n_classes = Y.shape
    n_corrupt = _choose_examples(n_samples, rate, n_samples, rng)
    rows = rng.choice(n_samples, n_corrupt, replace=False)
    cols = rng.randint(n_classes, size=n_corrupt)
    noisy = Y.copy()
    noisy[rows, cols] ^= True
    return _result(Y, noisy)


def missing_tags_noise(labels, *, rate=0.1, max_missing=2, random_state=None):
    """Remove one to ``max_missing`` given tags from a fraction of the examples.

    Models annotators who forget tags: only annotations go missing, none is added.
    Only examples with at least one given tag can be corrupted.

    Parameters
    ----------
    {clean_labels}
    rate : float in [0, 1], default=0.1
        Fraction of all examples to corrupt (``round(rate * N)``, chosen uniformly
        among the examples with a given tag).
    max_missing : int >= 1, default=2
        Each corrupted example loses a uniformly drawn number of tags between 1 and
        ``min(max_missing, its number of given tags)``.
    {random_state}

    {noisy_wrong}
        True exactly where a tag was removed.

    Examples
    --------
    >>> from skmlq.benchmarking import missing_tags_noise
    >>> noisy, wrong = missing_tags_noise([[0, 1], [1], [0, 1], []], rate=0.5,
    ...                                   random_state=0)
    >>> bool((wrong <= ~noisy).all())  # every wrong annotation is a missing tag
    True
    """
    Y = _indicator(labels)
    rate = _check_rate(rate)
    if isinstance(max_missing, bool) or not isinstance(max_missing, Integral) or max_missing < 1:
        raise ValueError(f"max_missing={max_missing!r} is invalid; expected an integer >= 1.")
    rng = check_random_state(random_state)
    n_given = Y.sum(axis=1)
    eligible = np.flatnonzero(n_given > 0)
    n_corrupt = _choose_examples(eligible.size, rate, Y.shape[0], rng)
    rows = rng.choice(eligible, n_corrupt, replace=False)
    sub = Y[rows]
    n_lost = rng.randint(1, np.minimum(max_missing, n_given[rows]) + 1)
    # The n_lost given tags with the smallest random keys are removed.
    keys = rng.random(sub.shape)
    keys[~sub] = np.inf
    ranks = keys.argsort(axis=1).argsort(axis=1)
    noisy = Y.copy()
    noisy[rows] = sub & (ranks >= n_lost[:, None])
    return _result(Y, noisy)


def realistic_noise(labels, *, rate=0.1, random_state=None):
    """A mix of the errors annotators make, on a fraction of the examples.

    Of the corrupted examples, 60% lose one given tag, 30% have one given tag
    replaced by an absent tag drawn in proportion to how often it co-occurs (in
    ``labels``) with the example's other given tags, and 10% gain one random
    absent tag. An example without given tags can only gain one; the replacement
    of an example with a single tag is drawn in proportion to tag frequency.

    Parameters
    ----------
    {clean_labels}
    rate : float in [0, 1], default=0.1
        Fraction of examples to corrupt (``round(rate * N)``, chosen uniformly).
    {random_state}

    {noisy_wrong}
        True exactly where ``noisy`` differs from ``labels`` (a replacement makes
        two wrong annotations: the removed tag and the added one).

    Examples
    --------
    >>> import numpy as np
    >>> from skmlq.benchmarking import realistic_noise
    >>> rng = np.random.RandomState(0)
    >>> clean = rng.random_sample((200, 6)) < 0.3
    >>> noisy, wrong = realistic_noise(clean, rate=0.1, random_state=0)
    >>> int(wrong.any(axis=1).sum())
    20
    """
    Y = _indicator(labels)
    rate = _check_rate(rate)
    rng = check_random_state(random_state)
    n_samples, n_classes = Y.shape
    full = Y.all(axis=1)  # nothing can be added: such an example can only lose a tag
    n_corrupt = _choose_examples(n_samples, rate, n_samples, rng)
    rows = rng.choice(n_samples, n_corrupt, replace=False)
    kind = rng.choice(3, n_corrupt, p=[0.6, 0.3, 0.1])  # 0 lose, 1 replace, 2 gain
    sub = Y[rows]
    has_given = sub.any(axis=1)
    kind[~has_given] = 2
    kind[full[rows]] = 0
    noisy_sub = sub.copy()
    removed = random_member(sub, rng)
    lose = np.flatnonzero((kind == 0) | (kind == 1))
    noisy_sub[lose, removed[lose]] = False
    # Replacement: weight of an absent tag j = co-occurrences of j with the
    # example's remaining given tags; tag frequency when it has no other tag.
    swap = np.flatnonzero(kind == 1)
    if swap.size:
        Yf = Y.astype(np.float64)
        cooc = Yf.T @ Yf
        np.fill_diagonal(cooc, 0.0)
        weights = noisy_sub[swap].astype(np.float64) @ cooc
        no_context = weights.sum(axis=1) == 0
        weights[no_context] = Yf.sum(axis=0) + 1.0
        weights[sub[swap]] = 0.0
        impossible = weights.sum(axis=1) == 0
        weights[impossible] = ~sub[swap][impossible]
        noisy_sub[swap, weighted_member(weights, rng)] = True
    gain = np.flatnonzero(kind == 2)
    noisy_sub[gain, random_member(~sub[gain], rng)] = True
    noisy = Y.copy()
    noisy[rows] = noisy_sub
    return _result(Y, noisy)


def single_errors(Y, n_missing, n_extra, rng, *, clip=False):
    """``(noisy, wrong)`` of boolean ``Y`` with one given tag removed from
    ``n_missing`` examples and one absent class added to ``n_extra`` others: the
    draw of ``skmlq._core._noise.single_errors``.

    Counts the data cannot hold (more than can lose, than can gain, or more
    corrupted examples than there are) raise a ValueError naming the rate that
    asked for them; with ``clip`` they are lowered instead (losers first), as the
    estimator's objective lowers them.
    """
    if not clip:
        n_can_lose, n_can_gain = single_error_capacity(Y)
        if n_missing > n_can_lose:
            raise ValueError(
                f"missing_rate asks for {n_missing} examples that lose a tag but only "
                f"{n_can_lose} examples have a given tag; lower missing_rate."
            )
        if n_extra > n_can_gain:
            raise ValueError(
                f"extra_rate asks for {n_extra} examples that gain a tag but only "
                f"{n_can_gain} examples have an absent class; lower extra_rate."
            )
        if n_missing + n_extra > Y.shape[0]:
            raise ValueError(
                f"missing_rate and extra_rate ask for {n_missing + n_extra} corrupted "
                f"examples, one error each, but there are {Y.shape[0]}; lower them."
            )
    return draw_single_errors(Y, n_missing, n_extra, rng)


def single_error_noise(labels, *, missing_rate=0.05, extra_rate=0.05, random_state=None):
    """Give a fraction of the examples exactly one wrong annotation: one tag lost
    or one tag added.

    The errors of the ``"single_error"`` scoring method's model: an example loses
    one of its given tags (each equally likely), or gains one of its absent
    classes (each equally likely), or stays clean. ``MultilabelLabelQuality.score``
    injects such errors with the shares its fit estimated.

    Parameters
    ----------
    {clean_labels}
    missing_rate : float in [0, 1], default=0.05
        Fraction of all examples that lose one given tag (``round(missing_rate *
        N)``, chosen uniformly among the examples with a given tag).
    extra_rate : float in [0, 1], default=0.05
        Fraction of all examples that gain one absent class (``round(extra_rate *
        N)``, chosen uniformly among the other examples with an absent class).
        ``missing_rate + extra_rate`` must not exceed 1.
    {random_state}

    {noisy_wrong}
        True exactly where a tag was removed or added; at most one per row.

    Examples
    --------
    >>> from skmlq.benchmarking import single_error_noise
    >>> noisy, wrong = single_error_noise([[0, 1], [1], [0], [], [0, 1, 2], [2]],
    ...                                   missing_rate=1 / 3, extra_rate=1 / 3,
    ...                                   random_state=0)
    >>> wrong.sum(axis=1).tolist()  # four examples, one wrong annotation each
    [1, 1, 1, 1, 0, 0]
    >>> int((wrong & noisy).sum()), int((wrong & ~noisy).sum())  # added, lost
    (2, 2)
    """
    Y = _indicator(labels)
    missing_rate = _check_rate(missing_rate, "missing_rate")
    extra_rate = _check_rate(extra_rate, "extra_rate")
    if missing_rate + extra_rate > 1:
        raise ValueError(
            f"missing_rate + extra_rate = {missing_rate + extra_rate:g} is invalid; "
            "an example gets at most one error, so they must add up to at most 1."
        )
    rng = check_random_state(random_state)
    n_samples = Y.shape[0]
    return single_errors(Y, int(round(missing_rate * n_samples)),
                         int(round(extra_rate * n_samples)), rng)


def _check_flip_rates(flip_rates, n_classes):
    return check_per_class_sides(
        flip_rates, n_classes, "flip_rates",
        valid=lambda R: (R >= 0) & (R <= 1),
        accepted="flip rates must be probabilities in [0, 1]",
        shape_hint=(": per class, column 0 the probability that an absent annotation "
                    "becomes given, column 1 that a given one becomes absent"),
    )


def class_conditional_noise(labels, flip_rates, *, random_state=None):
    """Flip each annotation independently with a per-class, per-side probability.

    Each class k has a 2x2 noise matrix: an absent annotation becomes given with
    probability ``flip_rates[k, 0]`` and a given one becomes absent with
    probability ``flip_rates[k, 1]``. This is the noise model of the synthetic
    benchmark of Thyagarajan et al. (2022), "Identifying incorrect annotations
    in multi-label classification data".

    Parameters
    ----------
    {clean_labels}
    flip_rates : array-like of shape (n_classes, 2)
        Column 0 (absent side): probability of a spurious label; column 1 (given
        side): probability of a missing one. See :func:`random_flip_rates`.
    {random_state}

    {noisy_wrong}
        True exactly where an annotation was flipped.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlq.benchmarking import class_conditional_noise
    >>> clean = np.zeros((10000, 2), dtype=bool)
    >>> clean[:5000, 0] = True
    >>> noisy, wrong = class_conditional_noise(clean, [[0.0, 0.2], [0.1, 0.0]],
    ...                                        random_state=0)
    >>> float(wrong[:5000, 0].mean().round(2)), float(wrong[:, 1].mean().round(2))
    (0.2, 0.1)
    """
    Y = _indicator(labels)
    R = _check_flip_rates(flip_rates, Y.shape[1])
    rng = check_random_state(random_state)
    rate = np.where(Y, R[:, 1], R[:, 0])
    flips = rng.random_sample(Y.shape) < rate
    return _result(Y, Y ^ flips)


def random_flip_rates(n_classes, *, given=(0.0, 0.3), absent=(0.0, 0.05), random_state=None):
    """Draw per-class flip rates, of the form class-conditional noise reads.

    The result is the ``flip_rates`` argument of :func:`class_conditional_noise`.

    Parameters
    ----------
    n_classes : int >= 1
    given : (low, high), default=(0.0, 0.3)
        Range of the uniform draw of each class's given-side flip rate (the
        probability that a label that applies is missing).
    absent : (low, high), default=(0.0, 0.05)
        Range of the absent-side flip rate (probability of a spurious label).
    {random_state}

    Returns
    -------
    flip_rates : ndarray of shape (n_classes, 2)
        Column 0 absent side, column 1 given side.

    Examples
    --------
    >>> from skmlq.benchmarking import random_flip_rates
    >>> random_flip_rates(2, random_state=0).round(3)
    array([[0.027, 0.215],
           [0.03 , 0.163]])
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, Integral) or n_classes < 1:
        raise ValueError(f"n_classes={n_classes!r} is invalid; expected an integer >= 1.")
    bounds = []
    for name, pair in (("absent", absent), ("given", given)):
        try:
            low, high = (float(v) for v in pair)
        except (TypeError, ValueError):
            raise TypeError(f"{name}={pair!r} must be a pair (low, high) of numbers.") from None
        if not 0 <= low <= high <= 1:
            raise ValueError(f"{name}={pair!r} is invalid; expected 0 <= low <= high <= 1.")
        bounds.append((low, high))
    rng = check_random_state(random_state)
    draws = rng.random_sample((n_classes, 2))
    lows = np.array([b[0] for b in bounds])
    highs = np.array([b[1] for b in bounds])
    return lows + draws * (highs - lows)


fill_doc(random_toggle_noise, missing_tags_noise, realistic_noise, single_error_noise,
         class_conditional_noise, random_flip_rates, **_FRAGMENTS)
