"""The second stage on sparse predictions, scored with fitted parameters: equal to the
dense computation on the densified input, at cost O(nnz(P) + nnz(Y) m)."""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq._core._second_stage import CooccurrenceParams, row_folds
from skmlq._core._sparse_stage import SparseStage
from skmlq.rank import (
    get_cooccurrence_params, get_label_error_probabilities, get_label_quality_scores,
    get_label_quality_scores_per_class,
)
from skmlq.utils import FilledSparseMatrix

METHODS = ["cooccurrence", "noise_posterior", "single_error"]
AGGREGATORS = [
    None,
    {"method": "exponential_moving_average", "alpha": 0.3},
    {"method": "exponential_moving_average", "alpha": 1.0},
    {"method": "exponential_moving_average"},
    {"method": "softmin", "temperature": 0.1},
    {"method": "product"},
    {"method": np.min},
    {"method": np.mean},
    {"method": np.median},  # no closed form: the implied dense rows
]
TOL = 1e-12


def _data(n, k, top=5, seed=0, fill=0.01, dtype=np.float64):
    """Labels (0-3 tags a row) and top-``top`` predictions that favour them."""
    rng = np.random.RandomState(seed)
    Y = np.zeros((n, k), dtype=bool)
    for i in range(n):
        Y[i, rng.choice(k, rng.randint(0, 4), replace=False)] = True
    order = np.argsort(-(Y + 1.5 * rng.random_sample((n, k))), axis=1)[:, :top]
    values = np.sort(rng.uniform(0.05, 0.95, (n, top)), axis=1)[:, ::-1].astype(dtype)
    return Y, FilledSparseMatrix.from_top_k(order, values, n_classes=k, fill_value=fill)


@pytest.fixture(scope="module", params=["scalar", "per_class"])
def fitted(request):
    fill = 0.01 if request.param == "scalar" else np.linspace(0.001, 0.05, 30)
    Y, S = _data(300, 30, fill=fill)
    return Y, S, get_cooccurrence_params(Y, S.toarray(), n_neighbors=5)


@pytest.mark.parametrize("method", METHODS)
def test_scores_equal_dense(fitted, method):
    Y, S, params = fitted
    D = S.toarray()
    for aggregator_kwargs in AGGREGATORS:
        want = get_label_quality_scores(Y, D, method=method, cooccurrence_params=params,
                                        aggregator_kwargs=aggregator_kwargs)
        got = get_label_quality_scores(sp.csr_matrix(Y), S, method=method,
                                       cooccurrence_params=params,
                                       aggregator_kwargs=aggregator_kwargs)
        np.testing.assert_allclose(got, want, rtol=0, atol=TOL, err_msg=str(aggregator_kwargs))


def test_adjusted_scores_equal_dense(fitted):
    from skmlq._core._second_stage import second_stage_thresholds
    from skmlq._core._sparse_stage import sparse_stage_thresholds

    Y, S, params = fitted
    D = S.toarray()
    np.testing.assert_allclose(sparse_stage_thresholds(sp.csr_matrix(Y), S, params),
                               second_stage_thresholds(Y, D, params), rtol=0, atol=TOL)
    for aggregator_kwargs in (None, {"method": "softmin", "temperature": 0.1}):
        want = get_label_quality_scores(Y, D, method="cooccurrence", adjust_pred_probs=True,
                                        cooccurrence_params=params,
                                        aggregator_kwargs=aggregator_kwargs)
        got = get_label_quality_scores(Y, S, method="cooccurrence", adjust_pred_probs=True,
                                       cooccurrence_params=params,
                                       aggregator_kwargs=aggregator_kwargs)
        np.testing.assert_allclose(got, want, rtol=0, atol=TOL)


def test_folds_are_the_dense_hash(fitted):
    Y, S, params = fitted
    stage = SparseStage(sp.csr_matrix(Y), S, params, "cooccurrence")
    folds = stage.block(0, Y.shape[0])[5]
    want = row_folds(S.toarray(), Y, params.n_folds, params.random_state)
    np.testing.assert_array_equal(folds, want)
    assert len(np.unique(folds)) == params.n_folds


def test_error_probabilities_equal_dense(fitted):
    Y, S, params = fitted
    want, _ = get_label_error_probabilities(Y, S.toarray(), cooccurrence_params=params)
    got = get_label_error_probabilities(Y, S, cooccurrence_params=params, per_class=False)
    np.testing.assert_allclose(got, want, rtol=0, atol=TOL)
    assert np.array_equal(
        get_label_error_probabilities(Y, S.toarray(), cooccurrence_params=params,
                                      per_class=False), want)


def _synthetic_params(k, m, seed=0, n_folds=5):
    """Parameters of the stage's shapes, drawn at random (scoring reads any)."""
    rng = np.random.RandomState(seed)
    neighbors = np.sort((np.arange(k)[:, None] + np.arange(1, m + 1) * 7) % k, axis=1)
    coef = rng.normal(0, 0.5, (n_folds, k, m + 3))
    model = np.column_stack([rng.uniform(0.5, 1.5, k), rng.normal(0, 0.5, k),
                             np.full(k, 0.01), np.full(k, 0.02)])
    return CooccurrenceParams(coef, neighbors, 0, 1.0, model, np.array([0.9, 0.05, 0.05]))


def test_float32_and_sparse_label_weights():
    # 460 classes: the label weights of the stage are a sparse matrix (the dense core
    # keeps them dense below 2**20 values); float32 input is scored through float32 q
    Y, S = _data(80, 460, dtype=np.float32)
    D = S.toarray()
    params = _synthetic_params(460, 3)
    for method in METHODS:
        want = get_label_quality_scores(Y, D, method=method, cooccurrence_params=params)
        got = get_label_quality_scores(Y, S, method=method, cooccurrence_params=params)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


def test_stored_false_labels_are_not_annotations(fitted):
    Y, S, params = fitted
    L = sp.csr_matrix(Y)
    with_false = sp.csr_matrix((np.ones(L.nnz + 1, dtype=bool), np.append(L.indices, 0),
                                np.append(L.indptr[:-1], L.nnz + 1)), shape=L.shape)
    with_false.data[-1] = False  # stored on the last row, not annotated
    with_false.sort_indices()
    for method in METHODS:
        np.testing.assert_allclose(
            get_label_quality_scores(with_false, S, method=method, cooccurrence_params=params),
            get_label_quality_scores(Y, S.toarray(), method=method,
                                     cooccurrence_params=params), rtol=0, atol=TOL)


def test_refusals(fitted):
    Y, S, params = fitted
    with pytest.raises(TypeError, match="per-class fill value"):
        get_label_quality_scores_per_class(Y, S, method="single_error",
                                           cooccurrence_params=params)
    with pytest.raises(TypeError, match="per_class=False"):
        get_label_error_probabilities(Y, S, cooccurrence_params=params)
    bad = sp.csr_matrix(S.matrix)
    bad.data[3] = 1.5
    with pytest.raises(ValueError, match="pred_probs"):
        get_label_quality_scores(Y, bad, method="cooccurrence", cooccurrence_params=params)


def test_memory_grows_with_stored_entries_not_n_times_k():
    # 2,000 x 20,000, top-5 predictions, 3 tags a row: the dense float64 array would
    # be 320 MB. Fitted parameters of that shape (their values do not change the cost).
    n, k, m = 2000, 20000, 10
    rng = np.random.RandomState(0)
    tags = np.argsort(rng.random_sample((n, 8)), axis=1)[:, :3] * 2500
    tags += rng.randint(0, 2500, (n, 3))
    Y = sp.csr_matrix((np.ones(3 * n, dtype=bool), tags.ravel(), np.arange(0, 3 * n + 1, 3)),
                      shape=(n, k))
    Y.sort_indices()
    top = FilledSparseMatrix.from_top_k(rng.randint(0, k - 35, (n, 1)) + np.arange(5) * 7,
                                        rng.uniform(0.05, 0.9, (n, 5)), n_classes=k,
                                        fill_value=1e-3)
    params = _synthetic_params(k, m)
    params.label_weights()  # the parameters' own (F K, K) sparse weights, O(F K m)
    tracemalloc.start()
    try:
        for method in METHODS:
            scores = get_label_quality_scores(Y, top, method=method, cooccurrence_params=params)
            assert scores.shape == (n,) and np.all((scores >= 0) & (scores <= 1))
        get_label_error_probabilities(Y, top, cooccurrence_params=params, per_class=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n * k * 8 >= 10 * 32e6  # the dense float64 array is 10x the bound
    assert peak < 32e6, peak


def _noisy(n, k, top, seed, fill=0.02):
    """True tags of sigmoid(N(-2.5, 1.5)) probabilities, odd classes following even
    ones, 10% of tags lost and 1% added; the top predictions favour the true tags."""
    rng = np.random.RandomState(seed)
    p = 1 / (1 + np.exp(-rng.normal(-2.5, 1.5, (n, k))))
    T = rng.random_sample((n, k)) < p
    T[:, 1::2] |= T[:, 0::2] & (rng.random_sample((n, k // 2)) < 0.7)
    Y = T & (rng.random_sample((n, k)) >= 0.1)
    Y |= ~T & (rng.random_sample((n, k)) < 0.01)
    score = np.clip(p + 0.4 * T + rng.normal(0, 0.05, (n, k)), 0.03, 0.97)
    order = np.argsort(-score, axis=1)[:, :top]
    return Y, FilledSparseMatrix.from_top_k(order, np.take_along_axis(score, order, axis=1),
                                            n_classes=k, fill_value=fill)


@pytest.mark.parametrize("n_neighbors", [2, "all"])
def test_fit_equals_dense(n_neighbors):
    from skmlq._core._error_proba import noise_histogram
    from skmlq._core._second_stage import second_stage_block
    from skmlq._core._sparse_stage import sparse_noise_histogram

    Y, S = _noisy(1500, 4, top=3, seed=1, fill=np.array([0.01, 0.02, 0.03, 0.02]))
    D = S.toarray()
    dense = get_cooccurrence_params(Y, D, n_neighbors=n_neighbors)
    sparse = get_cooccurrence_params(sp.csr_matrix(Y), S, n_neighbors=n_neighbors)
    np.testing.assert_array_equal(sparse.neighbors, dense.neighbors)
    np.testing.assert_allclose(sparse.coef, dense.coef, rtol=0, atol=TOL)
    q_dense = second_stage_block(D, Y, dense)
    np.testing.assert_allclose(second_stage_block(D, Y, sparse), q_dense, rtol=0, atol=TOL)
    # the noise model's histogram: the same counts, the sums to rounding
    counts, sums = noise_histogram(Y, lambda a, b: q_dense[a:b], *D.shape)
    got_counts, got_sums = sparse_noise_histogram(sp.csr_matrix(Y), S, dense)
    np.testing.assert_array_equal(got_counts, counts)
    np.testing.assert_allclose(got_sums, sums, rtol=1e-12, atol=1e-12)
    # the fit reads the bins' means rounded far above that rounding: the same model
    np.testing.assert_array_equal(sparse.noise_model, dense.noise_model)
    np.testing.assert_allclose(sparse.error_shares, dense.error_shares, rtol=0, atol=1e-12)
    # and so, end to end, the same error probabilities and default scores
    want, _ = get_label_error_probabilities(Y, D, cooccurrence_params=dense)
    got = get_label_error_probabilities(sp.csr_matrix(Y), S, cooccurrence_params=sparse,
                                        per_class=False)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_default_route_fits_on_sparse_predictions():
    Y, S = _noisy(200, 6, top=3, seed=0)
    params = get_cooccurrence_params(Y, S)
    for method in ["noise_posterior"]:
        want = get_label_quality_scores(Y, S, method=method, cooccurrence_params=params)
        np.testing.assert_array_equal(get_label_quality_scores(Y, S, method=method), want)
    got = get_label_error_probabilities(Y, S, per_class=False)
    assert got.shape == (200,) and np.all((got >= 0) & (got <= 1))


def test_fit_memory_grows_with_stored_entries():
    # 20,000 x 500, top-5, 3 tags a row: a dense float64 array is 80 MB. The fit keeps
    # the sample's explicit entries (about 17 a row here, 1.5 kB a row with their
    # neighbours and Newton's per-entry terms), never a row of K values.
    n, k = 20000, 500
    rng = np.random.RandomState(0)
    tags = np.sort(rng.choice(k // 10, (n, 3)) * 10 + np.arange(3), axis=1)
    Y = sp.csr_matrix((np.ones(3 * n, dtype=bool), tags.ravel(), np.arange(0, 3 * n + 1, 3)),
                      shape=(n, k))
    top = FilledSparseMatrix.from_top_k(np.column_stack([tags, tags[:, :2] + 5]),
                                        rng.uniform(0.05, 0.9, (n, 5)), n_classes=k,
                                        fill_value=1e-3)
    tracemalloc.start()
    try:
        params = get_cooccurrence_params(Y, top, n_neighbors=3)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert params.coef.shape == (5, k, 6)
    assert peak < 0.7 * n * k * 8, peak
