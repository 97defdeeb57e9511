"""Batch-wise scoring (LabelQualityScorer, iter_label_quality_scores) and thresholds=."""

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from skmlq.rank import (
    LabelQualityScorer,
    get_confident_thresholds,
    get_label_quality_scores,
    get_label_quality_scores_per_class,
    iter_label_quality_scores,
)

from .._helpers import random_case, read_only

SETTINGS = [
    {},
    {"adjust_pred_probs": True},
    {"method": "normalized_margin", "adjust_pred_probs": True,
     "aggregator_kwargs": {"method": "softmin"}},
    {"method": "confidence_weighted_entropy",
     "aggregator_kwargs": {"method": "exponential_moving_average"}},
]


def _batches(labels, pred_probs, cuts):
    bounds = [0, *sorted(set(cuts)), len(labels)]
    return [(labels[a:b], read_only(pred_probs[a:b])) for a, b in zip(bounds[:-1], bounds[1:])
            if b > a]


@given(cuts=st.lists(st.integers(1, 39), max_size=5), setting=st.sampled_from(SETTINGS))
def test_batch_scores_equal_in_memory_scores(cuts, setting):
    labels, pred_probs = random_case(np.random.default_rng(len(cuts)), 40, 6)
    batches = _batches(labels, pred_probs, cuts)
    scorer = LabelQualityScorer(**setting)
    if setting.get("adjust_pred_probs"):
        for batch in batches:
            scorer.partial_fit_thresholds(*batch)
        assert scorer.n_samples_seen_ == 40
        np.testing.assert_allclose(scorer.confident_thresholds_,
                                   get_confident_thresholds(labels, pred_probs),
                                   rtol=0, atol=1e-12)
    got = np.concatenate([scorer.get_label_quality_scores(*b) for b in batches])
    np.testing.assert_allclose(got, get_label_quality_scores(labels, pred_probs, **setting),
                               rtol=0, atol=1e-12)
    per_class = {k: v for k, v in setting.items() if k != "aggregator_kwargs"}
    got = np.concatenate([scorer.get_label_quality_scores_per_class(*b) for b in batches])
    np.testing.assert_allclose(
        got, get_label_quality_scores_per_class(labels, pred_probs, **per_class),
        rtol=0, atol=1e-12)


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("per_class", [False, True])
def test_iter_label_quality_scores_equals_in_memory(setting, per_class):
    labels, pred_probs = random_case(np.random.default_rng(3), 25, 4)
    batches = _batches(labels, pred_probs, [7, 8, 20])
    if per_class:
        setting = {k: v for k, v in setting.items() if k != "aggregator_kwargs"}
        expected = get_label_quality_scores_per_class(labels, pred_probs, **setting)
    else:
        expected = get_label_quality_scores(labels, pred_probs, **setting)
    results = list(iter_label_quality_scores(batches, per_class=per_class, **setting))
    assert [len(r) for r in results] == [7, 1, 12, 5]
    np.testing.assert_allclose(np.concatenate(results), expected, rtol=0, atol=1e-12)


def test_one_shot_iterator_needs_thresholds_when_adjusting():
    labels, pred_probs = random_case(np.random.default_rng(4), 12, 3)
    batches = _batches(labels, pred_probs, [5])
    with pytest.raises(TypeError, match="one-shot iterator"):
        iter_label_quality_scores(iter(batches), adjust_pred_probs=True)
    thresholds = get_confident_thresholds(labels, pred_probs)
    got = np.concatenate(list(iter_label_quality_scores(
        (b for b in batches), adjust_pred_probs=True, thresholds=thresholds)))
    np.testing.assert_allclose(
        got, get_label_quality_scores(labels, pred_probs, adjust_pred_probs=True),
        rtol=0, atol=1e-12)
    # Without adjustment one pass is enough, so a generator is fine.
    got = np.concatenate(list(iter_label_quality_scores(b for b in batches)))
    np.testing.assert_allclose(got, get_label_quality_scores(labels, pred_probs))


def test_iter_label_quality_scores_checks_options_before_iterating():
    with pytest.raises(ValueError, match="method='nope'"):
        iter_label_quality_scores([], method="nope")
    with pytest.raises(ValueError, match="aggregator_kwargs"):
        iter_label_quality_scores([], aggregator_kwargs={"method": "max"})


def test_scoring_before_fitting_thresholds_raises():
    scorer = LabelQualityScorer(adjust_pred_probs=True)
    with pytest.raises(NotFittedError, match="partial_fit_thresholds"):
        scorer.get_label_quality_scores([[0]], [[0.5, 0.5]])


def test_partial_fit_thresholds_rejects_inconsistent_use():
    with pytest.raises(ValueError, match="adjust_pred_probs=True"):
        LabelQualityScorer().partial_fit_thresholds([[0]], [[0.5, 0.5]])
    with pytest.raises(ValueError, match="thresholds were given"):
        LabelQualityScorer(adjust_pred_probs=True, thresholds=np.ones((2, 2))) \
            .partial_fit_thresholds([[0]], [[0.5, 0.5]])
    scorer = LabelQualityScorer(adjust_pred_probs=True).partial_fit_thresholds(
        [[0]], [[0.5, 0.5]])
    with pytest.raises(ValueError, match="3 columns but earlier batches had 2"):
        scorer.partial_fit_thresholds([[0]], [[0.5, 0.5, 0.5]])
    with pytest.raises(ValueError, match="confidence_weighted_entropy"):
        LabelQualityScorer(method="confidence_weighted_entropy", adjust_pred_probs=True) \
            .partial_fit_thresholds([[0]], [[0.5, 0.5]])
    with pytest.raises(ValueError, match="batches is empty"):
        LabelQualityScorer(adjust_pred_probs=True).fit_thresholds([])


def test_fit_thresholds_forgets_earlier_batches():
    labels, pred_probs = random_case(np.random.default_rng(5), 20, 3)
    scorer = LabelQualityScorer(adjust_pred_probs=True)
    scorer.partial_fit_thresholds(labels[:5], pred_probs[:5])
    scorer.fit_thresholds(_batches(labels, pred_probs, [10]))
    assert scorer.n_samples_seen_ == 20
    np.testing.assert_allclose(scorer.confident_thresholds_,
                               get_confident_thresholds(labels, pred_probs), atol=1e-12)


def test_scorer_is_a_well_behaved_sklearn_object():
    scorer = LabelQualityScorer(adjust_pred_probs=True, aggregator_kwargs={"method": "softmin"})
    assert clone(scorer).get_params() == scorer.get_params()
    labels, pred_probs = random_case(np.random.default_rng(6), 10, 3)
    scorer.partial_fit_thresholds(labels, pred_probs)
    restored = pickle.loads(pickle.dumps(scorer))
    np.testing.assert_array_equal(restored.get_label_quality_scores(labels, pred_probs),
                                  scorer.get_label_quality_scores(labels, pred_probs))
    # Scoring leaves the fitted state alone.
    before = scorer.confident_thresholds_.copy()
    scorer.get_label_quality_scores(labels, pred_probs)
    np.testing.assert_array_equal(scorer.confident_thresholds_, before)


def test_thresholds_keyword_scores_a_slice_like_the_whole():
    labels, pred_probs = random_case(np.random.default_rng(7), 30, 5)
    thresholds = read_only(get_confident_thresholds(labels, pred_probs))
    for func in (get_label_quality_scores, get_label_quality_scores_per_class):
        whole = func(labels, pred_probs, adjust_pred_probs=True)
        part = func(labels[10:17], pred_probs[10:17], adjust_pred_probs=True,
                    thresholds=thresholds)
        np.testing.assert_array_equal(part, whole[10:17])
        # The slice's own thresholds would give other numbers: the keyword matters.
        assert not np.allclose(func(labels[10:17], pred_probs[10:17], adjust_pred_probs=True),
                               whole[10:17])


@pytest.mark.parametrize("thresholds, error, match", [
    (np.ones((4, 2)), ValueError, r"shape \(4, 2\); expected \(3, 2\)"),
    (np.ones(3), ValueError, r"shape \(3,\)"),
    ([[1, 1], [1, np.nan], [1, 1]], ValueError, "row \\(class\\) 1, column 1"),
    ([[1, 1], [1, 1], [0, 1]], ValueError, "row \\(class\\) 2, column 0.*> 0"),
    ([["a", "b"]] * 3, TypeError, "thresholds could not be read"),
])
def test_bad_thresholds_are_rejected(thresholds, error, match):
    with pytest.raises(error, match=match):
        get_label_quality_scores([[0]], [[0.2, 0.5, 0.1]], adjust_pred_probs=True,
                                 thresholds=thresholds)


def test_thresholds_without_adjustment_are_rejected():
    with pytest.raises(ValueError, match="adjust_pred_probs=False"):
        get_label_quality_scores([[0]], [[0.2, 0.5]], thresholds=np.ones((2, 2)))
    with pytest.raises(ValueError, match="adjust_pred_probs=False"):
        get_label_quality_scores_per_class([[0]], [[0.2, 0.5]], thresholds=np.ones((2, 2)))
