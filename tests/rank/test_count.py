"""Whether the noise model pins down the number of wrong annotations (``_core._count``)."""

import numpy as np
from scipy.special import expit

from skmlq._core._count import PROFILE_DROP, count_reliability
from skmlq._core._error_proba import fit_noise_model, noise_histogram


def _histogram(signal, n=20000, k=3, seed=0):
    """Annotations flipped at known rates, seen through a model of the given signal."""
    rng = np.random.RandomState(seed)
    u = rng.normal(0, signal, (n, k))
    truth = rng.random_sample((n, k)) < expit(u)
    flip = np.where(truth, rng.random_sample((n, k)) < 0.1, rng.random_sample((n, k)) < 0.02)
    given = truth ^ flip
    Q = expit(u)
    return noise_histogram(given, lambda a, b: Q[a:b], n, k)


def test_a_strong_model_pins_the_count_down():
    counts, sums = _histogram(signal=4.0)
    reliable, stats = count_reliability(counts, sums, fit_noise_model(counts, sums))
    assert reliable
    assert min(stats["drop_low"], stats["drop_high"]) >= PROFILE_DROP


def test_a_model_without_signal_does_not():
    counts, sums = _histogram(signal=0.2)
    reliable, stats = count_reliability(counts, sums, fit_noise_model(counts, sums))
    assert not reliable
    assert min(stats["drop_low"], stats["drop_high"]) < PROFILE_DROP
