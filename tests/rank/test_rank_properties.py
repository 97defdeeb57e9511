"""Properties of skmlq.rank checked with hypothesis (bounded sizes: N <= 30, K <= 8)."""

import numpy as np
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from skmlq.rank import get_label_quality_scores, get_label_quality_scores_per_class

METHODS = ["self_confidence", "normalized_margin", "confidence_weighted_entropy"]
AGGREGATORS = [
    {"method": "exponential_moving_average", "alpha": 0.8},
    {"method": "exponential_moving_average"},
    {"method": "exponential_moving_average", "alpha": 0.0},
    {"method": "exponential_moving_average", "alpha": 1.0},
    {"method": "softmin", "temperature": 0.1},
    {"method": "softmin", "temperature": 1e-7},
    {"method": np.mean},
]


@st.composite
def cases(draw, min_samples=1):
    n = draw(st.integers(min_samples, 30))
    k = draw(st.integers(1, 8))
    probs = st.floats(0, 1, allow_nan=False, allow_subnormal=False)
    P = draw(hnp.arrays(np.float64, (n, k), elements=probs))
    Y = draw(hnp.arrays(np.bool_, (n, k)))
    return Y, P


@st.composite
def scorings(draw):
    method = draw(st.sampled_from(METHODS))
    adjust = method != "confidence_weighted_entropy" and draw(st.booleans())
    return {"method": method, "adjust_pred_probs": adjust}


def to_lists(Y):
    return [np.flatnonzero(row).tolist() for row in Y]


@given(cases(min_samples=0), scorings(), st.sampled_from(AGGREGATORS))
def test_scores_in_unit_interval(case, scoring, aggregator):
    Y, P = case
    per_class = get_label_quality_scores_per_class(Y, P, **scoring)
    scores = get_label_quality_scores(Y, P, aggregator_kwargs=aggregator, **scoring)
    for s in (per_class, scores):
        assert np.all(np.isfinite(s))
        assert np.all((s >= 0) & (s <= 1))
    assert per_class.shape == P.shape and scores.shape == (P.shape[0],)


@given(cases(), st.sampled_from(METHODS), st.data())
def test_more_confidence_in_the_given_side_never_lowers_its_score(case, method, data):
    Y, P = case
    step = data.draw(hnp.arrays(np.float64, P.shape, elements=st.floats(0, 1)))
    # Move p towards the given side: up where annotated, down where not.
    Q = np.where(Y, P + step * (1 - P), P - step * P)
    before = get_label_quality_scores_per_class(Y, P, method=method)
    after = get_label_quality_scores_per_class(Y, Q, method=method)
    assert np.all(after >= before - 1e-12)


@given(cases(), scorings())
def test_ema_extremes_are_min_and_max(case, scoring):
    Y, P = case
    per_class = get_label_quality_scores_per_class(Y, P, **scoring)
    ema = {"method": "exponential_moving_average"}
    np.testing.assert_array_equal(
        get_label_quality_scores(Y, P, aggregator_kwargs={**ema, "alpha": 1.0}, **scoring),
        per_class.min(axis=1),
    )
    np.testing.assert_array_equal(
        get_label_quality_scores(Y, P, aggregator_kwargs={**ema, "alpha": 0.0}, **scoring),
        per_class.max(axis=1),
    )


@given(cases(), scorings(), st.sampled_from(AGGREGATORS), st.randoms(use_true_random=False))
def test_permuting_classes_leaves_scores_unchanged(case, scoring, aggregator, random):
    Y, P = case
    order = list(range(P.shape[1]))
    random.shuffle(order)
    expected = get_label_quality_scores(Y, P, aggregator_kwargs=aggregator, **scoring)
    got = get_label_quality_scores(
        Y[:, order], P[:, order], aggregator_kwargs=aggregator, **scoring
    )
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    per_class = get_label_quality_scores_per_class(Y[:, order], P[:, order], **scoring)
    np.testing.assert_allclose(
        per_class, get_label_quality_scores_per_class(Y, P, **scoring)[:, order],
        rtol=0, atol=1e-15,
    )


@given(cases(min_samples=0), scorings(), st.sampled_from(AGGREGATORS))
def test_label_forms_give_identical_results(case, scoring, aggregator):
    Y, P = case
    forms = [Y, Y.astype(np.int64), to_lists(Y), sp.csr_matrix(Y), sp.csc_matrix(Y)]
    results = [
        get_label_quality_scores(labels, P, aggregator_kwargs=aggregator, **scoring)
        for labels in forms
    ]
    for result in results[1:]:
        np.testing.assert_array_equal(result, results[0])
    per_class = [get_label_quality_scores_per_class(labels, P, **scoring) for labels in forms]
    for result in per_class[1:]:
        np.testing.assert_array_equal(result, per_class[0])
