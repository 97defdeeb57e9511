"""The noise model behind the error probabilities: shared or per-class flip rates."""

import numpy as np
import pytest
from scipy.special import expit

from skmlq._core._error_proba import (
    error_proba_block,
    example_error_proba,
    fit_noise_model,
    noise_histogram,
)
from skmlq.benchmarking import class_conditional_noise


def _problem(flip_rates, n_samples=4000, seed=0):
    """Calibrated scores ``Q`` of the clean classes, and noisy annotations."""
    rng = np.random.RandomState(seed)
    n_classes = len(flip_rates)
    u = rng.normal(loc=rng.uniform(-3, 0, n_classes), scale=3.0, size=(n_samples, n_classes))
    clean = rng.uniform(size=u.shape) < expit(u)
    noisy, wrong = class_conditional_noise(clean, flip_rates, random_state=seed)
    return expit(u), noisy, wrong


def _fit(Q, noisy):
    return fit_noise_model(*noise_histogram(noisy, lambda a, b: Q[a:b], *Q.shape))


def test_equal_rates_are_shared():
    rates = np.tile([0.01, 0.05], (30, 1))
    Q, noisy, wrong = _problem(rates)
    model = _fit(Q, noisy)
    # one pair of rates for every class, near the truth
    assert np.ptp(model[:, 2]) == 0 and np.ptp(model[:, 3]) == 0
    np.testing.assert_allclose(model[0, 2:], [0.01, 0.05], atol=0.01)
    # measured: 0.99x the 2,094 wrong examples
    proba = example_error_proba(error_proba_block(Q, noisy, model))
    assert proba.sum() == pytest.approx(wrong.any(axis=1).sum(), rel=0.1)


def test_unequal_rates_stay_per_class():
    rates = np.column_stack([np.linspace(0.0, 0.1, 10), np.linspace(0.3, 0.0, 10)])
    Q, noisy, wrong = _problem(rates)
    model = _fit(Q, noisy)
    assert np.ptp(model[:, 3]) > 0.1
    # the noisiest classes get the highest rates
    assert model[-1, 2] > model[0, 2] and model[0, 3] > model[-1, 3]
    # measured: 1.02x the 2,465 wrong examples
    proba = example_error_proba(error_proba_block(Q, noisy, model))
    assert proba.sum() == pytest.approx(wrong.any(axis=1).sum(), rel=0.1)


def test_single_class():
    Q, noisy, _ = _problem(np.array([[0.02, 0.1]]))
    model = _fit(Q, noisy)
    assert model.shape == (1, 4)
    np.testing.assert_allclose(model[0, 2:], [0.02, 0.1], atol=0.03)


def test_calibration_keeps_the_order_of_the_stage():
    # Annotations that contradict the scores everywhere: an unconstrained fit
    # explains them by a falling calibration (alpha -2.8 on these four rows),
    # which would call the stage's most confident annotations the wrong ones.
    Q = np.array([[0.99, 0.01], [0.01, 0.99], [0.01, 0.99], [0.99, 0.99]])
    noisy = np.array([[False, True], [True, False], [True, False], [False, False]])
    model = _fit(Q, noisy)
    assert np.all(model[:, 0] >= 0)
    Q, noisy, _ = _problem([[0.02, 0.1]] * 3, n_samples=2000)
    assert np.all(_fit(Q, noisy)[:, 0] > 0.5)


def test_histogram_memory_does_not_grow_with_the_rows():
    """The histogram's pass keeps a few blocks' (2, K, bins) sums alive, not one per
    block: at many classes a block is a few rows and the per-block sums dwarf the data."""
    import tracemalloc

    n_samples, n_classes = 4000, 2000  # 61 blocks of 65 rows; 8 MB of sums per block
    rng = np.random.RandomState(0)
    block_q = expit(rng.normal(size=(65, n_classes)))
    noisy = np.zeros((n_samples, n_classes), dtype=bool)
    noisy[:, :3] = True

    def blocks(start, stop):
        return block_q[: stop - start]

    tracemalloc.start()
    try:
        counts, sums = noise_histogram(noisy, blocks, n_samples, n_classes)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert counts.sum() == n_samples * n_classes
    # one sum per block alive: about 61 x 8 MB = 490 MB; a few at a time: under 150 MB
    assert peak < 150 * 2**20, peak / 2**20
