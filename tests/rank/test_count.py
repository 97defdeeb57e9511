"""Whether the noise model pins down the number of wrong annotations (``_core._count``)."""

import numpy as np
from scipy.special import expit

from skmlq._core._count import (
    COUNT_TOLERANCE, EXPLAINED_MIN, PROFILE_DROP, count_reason, count_reliability,
    histogram_wrong,
)
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
    assert stats["explained"] >= EXPLAINED_MIN


def test_a_weak_models_own_mistakes_are_not_counted_as_wrong_annotations():
    from skmlq._core._error_proba import _centres

    # No annotation is wrong; the model is wrong where it looks sure, a tenth of the
    # time on either side. The noise model reads those mistakes as flips, and the
    # likelihood pins its count down; only the model's weakness gives it away.
    rng = np.random.RandomState(0)
    n, k = 20000, 3
    u = rng.normal(0, 2.0, (n, k))
    given = rng.random_sample((n, k)) < 0.1 + 0.8 * expit(u)
    Q = expit(u)
    counts, sums = noise_histogram(given, lambda a, b: Q[a:b], n, k)
    model = fit_noise_model(counts, sums)
    assert histogram_wrong(counts, _centres(counts, sums), model) > 0.05 * n * k
    reliable, stats = count_reliability(counts, sums, model)
    assert min(stats["drop_low"], stats["drop_high"]) >= PROFILE_DROP
    assert stats["explained"] < EXPLAINED_MIN
    assert not reliable
    assert "explains only" in count_reason(stats)


def test_a_model_without_signal_does_not():
    counts, sums = _histogram(signal=0.2)
    reliable, stats = count_reliability(counts, sums, fit_noise_model(counts, sums))
    assert not reliable
    assert min(stats["drop_low"], stats["drop_high"]) < PROFILE_DROP


def test_the_converged_fit_is_at_least_as_likely_and_agrees_on_a_strong_model():
    from skmlq._core._converged_fit import fit_converged
    from skmlq._core._error_proba import _centres, _log_likelihood

    counts, sums = _histogram(signal=4.0)
    shipped, converged = fit_noise_model(counts, sums), fit_converged(counts, sums)
    centre = _centres(counts, sums)
    assert (_log_likelihood(counts, centre, converged).sum()
            >= _log_likelihood(counts, centre, shipped).sum() - 1e-6)
    # the flips of the simulation: 2% of the absent tags truly apply, 10% of the
    # given ones do not
    assert np.allclose(converged[:, 2:].mean(axis=0), [0.02, 0.1], atol=0.02)
    stats = count_reliability(counts, sums, shipped)[1]
    assert abs(stats["converged_ratio"] - 1) < 0.05


def test_a_count_that_moves_when_the_fit_converges_is_unreliable():
    from skmlq._core._count import converged_ratio

    counts, sums = _histogram(signal=4.0)
    stopped = fit_noise_model(counts, sums)
    stopped[:, 2:] /= 3  # a fit that stopped with a third of the flip rates
    reliable, stats = count_reliability(counts, sums, stopped)
    assert not reliable
    assert converged_ratio(counts, sums, stopped) > 1 / (1 - COUNT_TOLERANCE)
    assert count_reason(stats) != ""
    # computed only where the model is strong and the profile likelihood pins the
    # count down
    asked = (min(stats["drop_low"], stats["drop_high"]) >= PROFILE_DROP
             and stats["explained"] >= EXPLAINED_MIN)
    assert np.isnan(stats["converged_ratio"]) != asked


def test_count_reason_names_the_failing_check():
    assert count_reason({"drop_low": 10.0, "drop_high": 10.0, "converged_ratio": 1.1}) == ""
    assert "quarter" in count_reason(
        {"drop_low": 1.0, "drop_high": 10.0, "converged_ratio": 1.0})
    assert "2.0 times" in count_reason(
        {"drop_low": 10.0, "drop_high": 10.0, "converged_ratio": 2.0})
    assert "0.5 times" in count_reason(
        {"drop_low": 10.0, "drop_high": 10.0, "converged_ratio": 0.5})
    # the model's weakness is named first: it is why the other checks cannot help
    assert "explains only 30%" in count_reason(
        {"explained": 0.3, "drop_low": 1.0, "drop_high": 10.0, "converged_ratio": 2.0})
    assert count_reason(
        {"explained": 0.6, "drop_low": 10.0, "drop_high": 10.0, "converged_ratio": 1.1}) == ""
