"""Sparse predictions in skmlq.rank: equal to the dense computation on the densified
input, for every first-stage method and aggregator, at cost O(nnz)."""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from skmlq.rank import (
    LabelQualityScorer, get_confident_thresholds, get_label_quality_scores,
    get_label_quality_scores_per_class, iter_label_quality_scores,
)
from skmlq.utils import FilledSparseMatrix

METHODS = ["self_confidence", "normalized_margin", "confidence_weighted_entropy"]
AGGREGATORS = [
    None,
    {"method": "exponential_moving_average", "alpha": 0.8},
    {"method": "exponential_moving_average", "alpha": 0.3},
    {"method": "exponential_moving_average"},  # alpha = 2 / (K + 1): every score counts
    {"method": "exponential_moving_average", "alpha": 0.0},
    {"method": "exponential_moving_average", "alpha": 1.0},
    {"method": "softmin", "temperature": 0.1},
    {"method": "softmin", "temperature": 1e-7},
    {"method": "softmin", "temperature": 3.0},
    {"method": "product"},
    {"method": np.min},
    {"method": np.mean},
    {"method": np.median},  # no closed form: given the implied dense rows
]
FORMATS = ["csr", "csc", "coo", "lil", "csr_array", "top_k"]
TOL = 1e-12


def as_format(S, fmt):
    if fmt == "csr_array":
        return sp.csr_array(S)
    return S.asformat(fmt)


@st.composite
def sparse_cases(draw, min_samples=0, max_samples=25, max_classes=9):
    """``(labels, sparse pred_probs, dense pred_probs)``: stored values include 0 and
    1, labels a CSR, a dense array or lists; fill values scalar or per class."""
    n = draw(st.integers(min_samples, max_samples))
    k = draw(st.integers(1, max_classes))
    fmt = draw(st.sampled_from(FORMATS))
    probs = st.one_of(st.sampled_from([0.0, 1.0, 0.5, 1e-300]),
                      st.floats(0, 1, allow_nan=False, allow_subnormal=False))
    fill = draw(st.one_of(
        st.sampled_from([0.0, 0.0, 0.01, 0.3, 0.99, 1.0]),
        hnp.arrays(np.float64, (k,), elements=st.floats(0, 1, allow_subnormal=False)),
    ))
    if fmt == "top_k":
        top = draw(st.integers(0, k))
        order = np.array([draw(st.permutations(range(k)))[:top] for _ in range(n)],
                         dtype=np.int64).reshape(n, top)
        scores = draw(hnp.arrays(np.float64, (n, top), elements=probs))
        P = FilledSparseMatrix.from_top_k(order, scores, n_classes=k, fill_value=fill)
    else:
        stored = draw(hnp.arrays(np.bool_, (n, k)))
        values = draw(hnp.arrays(np.float64, (n, k), elements=probs))
        rows, cols = np.nonzero(stored)
        S = sp.coo_matrix((values[rows, cols], (rows, cols)), shape=(n, k))
        P = FilledSparseMatrix(as_format(S, fmt), fill_value=fill)
        if np.ndim(fill) == 0 and fill == 0 and draw(st.booleans()):
            P = as_format(S, fmt)  # a plain sparse matrix means fill_value=0
    dense = (P if isinstance(P, FilledSparseMatrix) else FilledSparseMatrix(P)).toarray()
    Y = draw(hnp.arrays(np.bool_, (n, k)))
    labels = draw(st.sampled_from([
        sp.csr_matrix(Y), Y, [np.flatnonzero(r).tolist() for r in Y], sp.coo_array(Y)
    ]))
    return labels, P, dense, Y


@st.composite
def scorings(draw):
    method = draw(st.sampled_from(METHODS))
    adjust = method != "confidence_weighted_entropy" and draw(st.booleans())
    return {"method": method, "adjust_pred_probs": adjust}


@given(sparse_cases(), scorings(), st.sampled_from(AGGREGATORS))
def test_scores_equal_the_dense_scores(case, scoring, aggregator):
    labels, P, dense, _ = case
    got = get_label_quality_scores(labels, P, aggregator_kwargs=aggregator, **scoring)
    want = get_label_quality_scores(labels, dense, aggregator_kwargs=aggregator, **scoring)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=0, atol=TOL)


@given(sparse_cases(), scorings())
def test_per_class_scores_are_sparse_and_equal_the_dense_ones(case, scoring):
    labels, P, dense, Y = case
    got = get_label_quality_scores_per_class(labels, P, **scoring)
    want = get_label_quality_scores_per_class(labels, dense, **scoring)
    assert isinstance(got, FilledSparseMatrix) and got.shape == want.shape
    # Stored: the entries stored in P or annotated; the fill is the score of the rest.
    stored = P if isinstance(P, FilledSparseMatrix) else FilledSparseMatrix(P)
    assert max(stored.nnz, np.count_nonzero(Y)) <= got.nnz <= stored.nnz + np.count_nonzero(Y)
    np.testing.assert_allclose(got.toarray(), want, rtol=0, atol=TOL)


@given(sparse_cases(min_samples=1))
def test_thresholds_equal_the_dense_thresholds(case):
    labels, P, dense, _ = case
    np.testing.assert_allclose(get_confident_thresholds(labels, P),
                               get_confident_thresholds(labels, dense), rtol=1e-13, atol=0)


def test_per_class_scores_store_only_the_explicit_entries():
    P = sp.csr_matrix(([0.9, 0.2, 0.6], ([0, 1, 1], [2, 0, 3])), shape=(3, 5))
    labels = [[2, 4], [], [1]]
    scores = get_label_quality_scores_per_class(labels, P)
    assert scores.nnz == 5  # (0, 2), (0, 4), (1, 0), (1, 3), (2, 1)
    assert scores.fill_value == 1.0  # p = 0, not annotated: self-confidence 1
    np.testing.assert_array_equal(scores.matrix.toarray()[0], [0, 0, 0.9, 0, 0])


def test_float32_predictions_give_float32_scores():
    S = sp.random(200, 30, density=0.1, random_state=1, format="csr", dtype=np.float32)
    Y = sp.random(200, 30, density=0.1, random_state=2, format="csr") > 0
    for aggregator in AGGREGATORS:
        got = get_label_quality_scores(Y, S, aggregator_kwargs=aggregator)
        want = get_label_quality_scores(Y, S.toarray(), aggregator_kwargs=aggregator)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=0, atol=2e-6)


def test_streaming_batches_of_sparse_predictions():
    rng = np.random.default_rng(1)
    S = sp.random(60, 12, density=0.3, random_state=3, format="csr")
    Y = rng.random((60, 12)) < 0.2
    batches = [(Y[:25], S[:25]), (Y[25:], S[25:])]
    got = np.concatenate(list(iter_label_quality_scores(batches, adjust_pred_probs=True)))
    want = get_label_quality_scores(Y, S.toarray(), adjust_pred_probs=True)
    np.testing.assert_allclose(got, want, rtol=0, atol=TOL)
    scorer = LabelQualityScorer(adjust_pred_probs=True).fit_thresholds(batches)
    np.testing.assert_allclose(scorer.confident_thresholds_,
                               get_confident_thresholds(Y, S.toarray()), rtol=1e-13)


def _score_everything(labels, P):
    from skmlq.dataset import rank_classes_by_multilabel_quality
    from skmlq.filter import find_label_issues

    get_label_quality_scores(labels, P)
    get_label_quality_scores(labels, P, aggregator_kwargs={"method": "softmin"})
    get_label_quality_scores(labels, P, adjust_pred_probs=True)
    get_label_quality_scores_per_class(labels, P)
    get_confident_thresholds(labels, P)
    find_label_issues(labels, P, return_indices_ranked_by="self_confidence")
    rank_classes_by_multilabel_quality(labels, P)


def test_no_dense_allocation():
    """At N = 20,000 and K = 50,000 a dense (N, K) float64 array would take 8 GB, a
    dense boolean one 1 GB; scoring, thresholds, issues and tables of 5 stored and 3
    annotated entries per row stay within 100 MB: the row blocks of explicit entries
    (about 2**17 entries each, on up to 4 threads) and a few (K,) per-class arrays."""
    rng = np.random.default_rng(0)
    n, k = 20_000, 50_000
    base = rng.integers(0, k, (n, 1))
    top = FilledSparseMatrix.from_top_k((base + np.arange(5) * 7) % k, rng.random((n, 5)),
                                        n_classes=k)
    labels = sp.csr_matrix(
        (np.ones(3 * n, dtype=bool),
         (np.repeat(np.arange(n), 3), ((base + np.arange(3) * 3) % k).ravel())),
        shape=(n, k))
    _score_everything(labels[:50], FilledSparseMatrix(top.matrix[:50]))  # imports, caches
    tracemalloc.start()
    try:
        _score_everything(labels, top)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n * k >= 10 * 100e6  # a dense boolean (N, K) array is 10x the bound
    assert peak < 100e6, peak


def test_stored_false_labels_are_not_annotations():
    S = sp.random(30, 5, density=0.4, random_state=0, format="csr")
    Y = sp.random(30, 5, density=0.4, random_state=1, format="csr") > 0
    with_false = Y.copy()
    with_false.data[::2] = False  # stored, but not annotated
    dense = with_false.toarray()
    for kwargs in ({}, {"adjust_pred_probs": True}):
        np.testing.assert_allclose(get_label_quality_scores(with_false, S, **kwargs),
                                   get_label_quality_scores(dense, S.toarray(), **kwargs),
                                   rtol=0, atol=TOL)
    np.testing.assert_allclose(get_confident_thresholds(with_false, S),
                               get_confident_thresholds(dense, S.toarray()), rtol=1e-13)


@pytest.mark.parametrize("fill, adjust", [(0.0, True), ("per_class", False),
                                          ("per_class", True)])
def test_per_class_implicit_scores_with_many_classes(fill, adjust):
    """With K large enough the EMA reads only the smallest scores of a row (those of
    the explicit entries and the first few implicit classes by score); per-class
    implicit scores (a per-class fill, or adjusted probabilities) exercise that."""
    rng = np.random.default_rng(5)
    n, k = 60, 400
    S = sp.random(n, k, density=0.03, random_state=6, format="csr")
    S.data = rng.random(S.nnz)
    Y = sp.random(n, k, density=0.02, random_state=7, format="csr") > 0
    fill_value = rng.uniform(0, 0.5, k) if fill == "per_class" else fill
    fill_value = np.where(rng.random(k) < 0.3, fill_value, 0.2) if fill == "per_class" \
        else fill_value  # ties between classes' implicit scores
    P = FilledSparseMatrix(S, fill_value=fill_value)
    for aggregator in (None, {"method": "exponential_moving_average", "alpha": 0.3},
                       {"method": np.min}, {"method": np.mean}, {"method": "product"},
                       {"method": "exponential_moving_average", "alpha": 0.0}):
        for method in ("self_confidence", "normalized_margin"):
            got = get_label_quality_scores(Y, P, method=method, adjust_pred_probs=adjust,
                                           aggregator_kwargs=aggregator)
            want = get_label_quality_scores(Y, P.toarray(), method=method,
                                            adjust_pred_probs=adjust,
                                            aggregator_kwargs=aggregator)
            np.testing.assert_allclose(got, want, rtol=0, atol=TOL, err_msg=str(aggregator))


def test_rows_holding_every_class():
    """No implicit entry in a row: the aggregators must not read the implicit score
    (here far below the row's scores, which would swamp a softmin at T = 1e-7)."""
    S = sp.csr_matrix(np.array([[0.2, 0.3, 0.4], [0.0, 0.9, 0.0]]))
    P = FilledSparseMatrix(S, fill_value=0.99)  # implicit score 0.01
    labels = [[0, 1, 2], [1]]
    for aggregator in AGGREGATORS:
        got = get_label_quality_scores(labels, P, aggregator_kwargs=aggregator)
        want = get_label_quality_scores(labels, P.toarray(), aggregator_kwargs=aggregator)
        np.testing.assert_allclose(got, want, rtol=0, atol=TOL, err_msg=str(aggregator))
