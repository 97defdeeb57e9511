"""Noise generators and detection metrics of skmlq.benchmarking."""

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings

from skmlq.benchmarking import (
    average_precision_at_t,
    class_conditional_noise,
    detection_metrics,
    lowest_class_hit_rate,
    missing_tags_noise,
    random_flip_rates,
    random_toggle_noise,
    realistic_noise,
    single_error_noise,
)

RATE_GENERATORS = [random_toggle_noise, missing_tags_noise, realistic_noise]


@pytest.fixture(scope="module")
def clean():
    rng = np.random.RandomState(0)
    Y = rng.random_sample((600, 12)) < np.linspace(0.05, 0.5, 12)
    Y[:5] = False  # some examples without any given tag
    return Y


@pytest.mark.parametrize("generator", RATE_GENERATORS)
def test_rate_generators_seeded_exact_mask_and_rate(generator, clean):
    noisy, wrong = generator(clean, rate=0.1, random_state=3)
    again, wrong_again = generator(clean, rate=0.1, random_state=3)
    other, _ = generator(clean, rate=0.1, random_state=4)
    assert noisy.dtype == bool and wrong.dtype == bool
    np.testing.assert_array_equal(noisy, again)
    np.testing.assert_array_equal(wrong, wrong_again)
    assert not np.array_equal(noisy, other)
    np.testing.assert_array_equal(wrong, noisy != clean)
    assert wrong.any(axis=1).sum() == 60  # round(0.1 * 600) corrupted examples


@pytest.mark.parametrize("generator", RATE_GENERATORS)
def test_three_label_forms_give_the_same_noise(generator, clean):
    lists = [np.flatnonzero(row).tolist() for row in clean]
    results = [
        generator(form, rate=0.2, random_state=0)
        for form in (clean, clean.astype(int), sp.csr_matrix(clean), lists)
    ]
    for noisy, wrong in results[1:]:
        np.testing.assert_array_equal(noisy, results[0][0])
        np.testing.assert_array_equal(wrong, results[0][1])


def test_input_is_not_mutated(clean):
    copy = clean.copy()
    for generator in RATE_GENERATORS:
        generator(clean, rate=0.3, random_state=0)
    np.testing.assert_array_equal(clean, copy)


def test_toggle_changes_one_annotation_per_example(clean):
    _, wrong = random_toggle_noise(clean, rate=0.25, random_state=0)
    assert set(np.unique(wrong.sum(axis=1))) == {0, 1}


def test_missing_tags_only_removes_one_or_two(clean):
    noisy, wrong = missing_tags_noise(clean, rate=0.3, random_state=0)
    assert not (noisy & ~clean).any()  # nothing added
    assert set(np.unique(wrong.sum(axis=1))) == {0, 1, 2}
    _, wrong1 = missing_tags_noise(clean, rate=0.3, max_missing=1, random_state=0)
    assert wrong1.sum(axis=1).max() == 1


def test_realistic_mix_proportions():
    rng = np.random.RandomState(1)
    Y = rng.random_sample((20000, 10)) < 0.3
    Y[:, 1] |= Y[:, 0]  # a strong co-occurrence: 0 implies 1
    Y[~Y.any(axis=1), 2] = True  # every example has a tag to lose
    noisy, wrong = realistic_noise(Y, rate=0.5, random_state=0)
    corrupted = wrong.any(axis=1)
    removed = (wrong & Y).sum(axis=1)
    added = (wrong & ~Y).sum(axis=1)
    lose = (removed == 1) & (added == 0)
    swap = (removed == 1) & (added == 1)
    gain = (removed == 0) & (added == 1)
    np.testing.assert_array_equal(lose | swap | gain, corrupted)
    n = corrupted.sum()
    # 60/30/10: every example has a tag to lose and one to add.
    assert abs(lose.sum() / n - 0.6) < 0.02
    assert abs(swap.sum() / n - 0.3) < 0.02
    assert abs(gain.sum() / n - 0.1) < 0.02
    # Replacements favour co-occurring tags: class 1 co-occurs with every class, so
    # it is added by a swap more often than a random gain adds it.
    swapped_in = (wrong & ~Y)[swap].mean(axis=0)
    gained = (wrong & ~Y)[gain].mean(axis=0)
    assert swapped_in[1] > gained[1]


def test_single_error_noise_counts_sides_and_seeds(clean):
    noisy, wrong = single_error_noise(clean, missing_rate=0.1, extra_rate=0.05, random_state=3)
    again, wrong_again = single_error_noise(clean, missing_rate=0.1, extra_rate=0.05,
                                            random_state=3)
    np.testing.assert_array_equal(noisy, again)
    np.testing.assert_array_equal(wrong, wrong_again)
    np.testing.assert_array_equal(wrong, noisy != clean)
    assert wrong.sum(axis=1).max() == 1  # at most one error per example
    assert (wrong & clean).any(axis=1).sum() == 60  # round(0.1 * 600) lost a tag
    assert (wrong & ~clean).any(axis=1).sum() == 30  # round(0.05 * 600) gained one
    other, _ = single_error_noise(clean, missing_rate=0.1, extra_rate=0.05, random_state=4)
    assert not np.array_equal(noisy, other)
    lists = [np.flatnonzero(row).tolist() for row in clean]
    for form in (clean.astype(int), sp.csr_matrix(clean), lists):
        np.testing.assert_array_equal(
            single_error_noise(form, missing_rate=0.1, extra_rate=0.05, random_state=3)[0],
            noisy)
    copy = clean.copy()
    single_error_noise(clean, missing_rate=0.5, extra_rate=0.5, random_state=0)
    np.testing.assert_array_equal(clean, copy)


def test_single_error_noise_picks_tags_uniformly():
    # One example repeated: each of its 3 given tags is lost, and each of its 2 absent
    # classes added, equally often.
    Y = np.tile([True, True, True, False, False], (30000, 1))
    _, wrong = single_error_noise(Y, missing_rate=0.5, extra_rate=0.5, random_state=0)
    np.testing.assert_allclose(wrong.mean(axis=0) * 2, [1 / 3] * 3 + [1 / 2] * 2, atol=0.015)


def test_class_conditional_rates():
    Y = np.zeros((40000, 3), dtype=bool)
    Y[:20000] = True
    rates = np.array([[0.0, 0.2], [0.1, 0.0], [0.05, 0.3]])
    noisy, wrong = class_conditional_noise(Y, rates, random_state=0)
    np.testing.assert_array_equal(wrong, noisy != Y)
    observed = np.column_stack([wrong[20000:].mean(axis=0), wrong[:20000].mean(axis=0)])
    np.testing.assert_allclose(observed, rates, atol=0.01)


def test_random_flip_rates_ranges():
    R = random_flip_rates(500, given=(0.1, 0.2), absent=(0.0, 0.01), random_state=0)
    assert R.shape == (500, 2)
    assert 0.0 <= R[:, 0].min() and R[:, 0].max() <= 0.01
    assert 0.1 <= R[:, 1].min() and R[:, 1].max() <= 0.2
    np.testing.assert_array_equal(R, random_flip_rates(500, given=(0.1, 0.2),
                                                       absent=(0.0, 0.01), random_state=0))


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda Y: random_toggle_noise(Y, rate=1.5), ValueError, r"rate=1.5"),
        (lambda Y: random_toggle_noise(Y, rate="0.1"), ValueError, r"rate='0.1'"),
        (lambda Y: missing_tags_noise(Y, max_missing=0), ValueError, r"max_missing=0"),
        (lambda Y: missing_tags_noise(Y[:10] & False, rate=0.5), ValueError,
         r"only 0 examples"),
        (lambda Y: random_toggle_noise([[0], ["a"]]), TypeError, r"labels\[1\]"),
        (lambda Y: class_conditional_noise(Y, np.zeros((3, 2))), ValueError,
         r"flip_rates has shape \(3, 2\); expected \(12, 2\)"),
        (lambda Y: class_conditional_noise(Y, np.full((12, 2), 1.5)), ValueError,
         r"row \(class\) 0, column 0"),
        (lambda Y: class_conditional_noise(Y, "x"), TypeError, r"flip_rates"),
        (lambda Y: random_flip_rates(0), ValueError, r"n_classes=0"),
        (lambda Y: single_error_noise(Y, missing_rate=-0.1), ValueError,
         r"missing_rate=-0.1"),
        (lambda Y: single_error_noise(Y, extra_rate=None), ValueError, r"extra_rate=None"),
        (lambda Y: single_error_noise(Y, missing_rate=0.6, extra_rate=0.6), ValueError,
         r"missing_rate \+ extra_rate = 1.2"),
        (lambda Y: single_error_noise(Y[:10] & False, missing_rate=0.5), ValueError,
         r"only 0 examples have a given tag"),
        (lambda Y: single_error_noise(Y[:10] | True, missing_rate=0, extra_rate=0.5),
         ValueError, r"only 0 examples have an absent class"),
        (lambda Y: random_flip_rates(3, given=(0.5, 0.1)), ValueError, r"given="),
        (lambda Y: random_flip_rates(3, absent=1), TypeError, r"absent=1"),
    ],
)
def test_bad_input_messages(clean, call, error, match):
    with pytest.raises(error, match=match):
        call(clean)


def test_metrics_on_a_known_ranking():
    wrong = np.array([[1, 1], [0, 0], [1, 0], [0, 0], [0, 0]], dtype=bool)
    scores = np.array([0.1, 0.5, 0.2, 0.05, 0.9])
    m = detection_metrics(scores, wrong, per_class_scores=[[0.1, 0.2], [0.5, 0.6],
                                                           [0.3, 0.2], [0.9, 0.9],
                                                           [0.9, 0.9]])
    assert m["auroc"] == pytest.approx(4 / 6)
    # Ranking: 3 (clean), 0 (error), 2 (error): AP@T with T=2 sees one hit at rank 2.
    assert m["ap_at_t"] == pytest.approx(0.25)
    assert m["ap_at_t_multi"] == 0.0  # T=1: example 3 (clean) ranks first
    assert m["lowest_class_hit_rate"] == pytest.approx(0.5)
    assert average_precision_at_t([0.1, 0.2], [True, False]) == 1.0
    assert np.isnan(average_precision_at_t([0.1, 0.2], [False, False]))


def test_metric_bad_input():
    with pytest.raises(ValueError, match="every example or none"):
        detection_metrics([0.1, 0.2], [[0, 0], [0, 0]])
    with pytest.raises(ValueError, match="same examples"):
        detection_metrics([0.1, 0.2, 0.3], [[0, 1], [0, 0]])
    with pytest.raises(ValueError, match="non-finite"):
        detection_metrics([np.nan, 0.2], [[0, 1], [0, 0]])
    with pytest.raises(TypeError, match="boolean mask"):
        detection_metrics([0.1, 0.2], [["a"], ["b"]])
    with pytest.raises(ValueError, match="same examples"):
        lowest_class_hit_rate([[0.1, 0.2]], [[True], [False]])


# Indicator matrices of up to 12 x 12, empty and full rows and columns included.
SMALL_LABELS = hnp.arrays(bool, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1,
                                                 max_side=12))


@settings(max_examples=60, deadline=None)
@given(
    Y=SMALL_LABELS,
    missing=st.floats(0, 1),
    extra=st.floats(0, 1),
    seed=st.integers(0, 2**31 - 1),
)
def test_single_error_noise_property(Y, missing, extra, seed):
    """Exactly the asked counts of single errors whenever the data can hold them
    (whatever the seed), else a ValueError naming the rate."""
    n = Y.shape[0]
    n_missing, n_extra = round(missing * n), round(extra * n)
    can_lose = Y.any(axis=1)
    try:
        noisy, wrong = single_error_noise(Y, missing_rate=missing, extra_rate=extra,
                                          random_state=seed)
    except ValueError as e:
        assert "missing_rate" in str(e) or "extra_rate" in str(e)
        assert (missing + extra > 1 or n_missing > can_lose.sum()
                or n_extra > (~Y.all(axis=1)).sum() or n_missing + n_extra > n)
        return
    np.testing.assert_array_equal(wrong, noisy != Y)
    assert wrong.sum(axis=1).max(initial=0) <= 1
    assert (wrong & Y).sum() == n_missing and (wrong & ~Y).sum() == n_extra


@settings(max_examples=60, deadline=None)
@given(
    Y=SMALL_LABELS,
    n_missing=st.integers(0, 20),
    n_extra=st.integers(0, 20),
    seed=st.integers(0, 2**31 - 1),
)
def test_clipped_single_errors_never_raise(Y, n_missing, n_extra, seed):
    """The estimator's form lowers the counts to what the data holds, losers first."""
    from skmlq.benchmarking._noise import single_errors

    noisy, wrong = single_errors(Y, n_missing, n_extra, np.random.RandomState(seed), clip=True)
    lost, added = (wrong & Y).sum(), (wrong & ~Y).sum()
    assert lost == min(n_missing, Y.any(axis=1).sum())
    assert added == min(n_extra, (~Y).any(axis=1).sum(), Y.shape[0] - lost)
    assert wrong.sum(axis=1).max() <= 1
