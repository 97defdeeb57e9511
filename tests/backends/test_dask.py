"""dask arrays through the rank functions, and distributed cross-fitting via joblib."""

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq.rank import (
    get_confident_thresholds,
    get_label_quality_scores,
    get_label_quality_scores_per_class,
)

from .._helpers import random_case

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

SETTINGS = [
    {},
    {"adjust_pred_probs": True},
    {"method": "normalized_margin", "adjust_pred_probs": True},
    {"aggregator_kwargs": {"method": "softmin", "temperature": 0.3}},
    {"method": "confidence_weighted_entropy", "aggregator_kwargs": {"method": np.mean}},
]


def _per_class(setting):
    return {k: v for k, v in setting.items() if k != "aggregator_kwargs"}


@pytest.fixture
def synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


@pytest.fixture(scope="module")
def client():
    # One 2-process cluster for the module, on loopback only.
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, host="127.0.0.1")
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


@pytest.fixture(scope="module")
def case():
    labels, pred_probs = random_case(np.random.default_rng(0), 503, 7)
    pred_probs[0, 0], pred_probs[1, 1] = 0.0, 1.0
    Y = np.array([[k in row for k in range(7)] for row in labels])
    return labels, Y, pred_probs


@pytest.mark.parametrize("setting", SETTINGS)
def test_dask_scores_equal_numpy_scores(synchronous, case, setting):
    labels, Y, P = case
    P_dask, Y_dask = da.from_array(P, chunks=(97, 7)), da.from_array(Y, chunks=(97, 7))
    got = get_label_quality_scores(Y_dask, P_dask, **setting)
    assert isinstance(got, da.Array)
    assert got.chunks == (P_dask.chunks[0],) and got.dtype == np.float64
    np.testing.assert_allclose(got.compute(), get_label_quality_scores(labels, P, **setting),
                               rtol=0, atol=1e-12)
    got = get_label_quality_scores_per_class(Y_dask, P_dask, **_per_class(setting))
    assert got.chunks == P_dask.chunks
    np.testing.assert_allclose(
        got.compute(), get_label_quality_scores_per_class(labels, P, **_per_class(setting)),
        rtol=0, atol=1e-12)


@pytest.mark.parametrize("label_form", ["list", "numpy", "sparse", "dask int8 other chunks"])
def test_label_forms_and_chunkings_are_matched_to_pred_probs(synchronous, case, label_form):
    labels, Y, P = case
    form = {
        "list": labels,
        "numpy": Y,
        "sparse": sp.csr_matrix(Y),
        "dask int8 other chunks": da.from_array(Y.astype(np.int8), chunks=(50, 3)),
    }[label_form]
    P_dask = da.from_array(P.astype(np.float32), chunks=(120, 4))  # columns get merged
    got = get_label_quality_scores(form, P_dask, adjust_pred_probs=True)
    assert got.dtype == np.float32
    expected = get_label_quality_scores(labels, P.astype(np.float32), adjust_pred_probs=True)
    np.testing.assert_allclose(got.compute(), expected, rtol=0, atol=1e-12)


def test_numpy_pred_probs_with_dask_labels(synchronous, case):
    labels, Y, P = case
    got = get_label_quality_scores(da.from_array(Y, chunks=100), P, adjust_pred_probs=True)
    assert got.chunks[0] == (100,) * 5 + (3,)
    np.testing.assert_allclose(got.compute(),
                               get_label_quality_scores(labels, P, adjust_pred_probs=True),
                               rtol=0, atol=1e-12)


def test_thresholds_are_one_lazy_reduction(synchronous, case):
    labels, Y, P = case
    thresholds = get_confident_thresholds(da.from_array(Y, chunks=(64, 7)),
                                          da.from_array(P, chunks=(64, 7)))
    assert isinstance(thresholds, da.Array) and thresholds.shape == (7, 2)
    np.testing.assert_allclose(thresholds.compute(), get_confident_thresholds(labels, P),
                               rtol=0, atol=1e-12)
    # Precomputed thresholds skip the reduction and give the same scores.
    got = get_label_quality_scores(Y, da.from_array(P, chunks=64), adjust_pred_probs=True,
                                   thresholds=thresholds.compute())
    np.testing.assert_allclose(got.compute(),
                               get_label_quality_scores(labels, P, adjust_pred_probs=True),
                               rtol=0, atol=1e-12)


def test_bad_values_are_reported_when_computed(synchronous, case):
    labels, Y, P = case
    P = P.copy()
    P[250, 3] = 1.5
    lazy = get_label_quality_scores(Y, da.from_array(P, chunks=(100, 7)))
    with pytest.raises(ValueError, match=r"row 50, column 3.*chunk that starts at row 200"):
        lazy.compute()
    Y_bad = Y.astype(np.int8)
    Y_bad[7, 2] = 3
    lazy = get_label_quality_scores(da.from_array(Y_bad, chunks=(100, 7)),
                                    da.from_array(case[2], chunks=(100, 7)))
    with pytest.raises(ValueError, match=r"labels has value .*3\)? at row 7, column 2"):
        lazy.compute()


def test_bad_arguments_fail_at_call_time(case):
    labels, Y, P = case
    P_dask = da.from_array(P, chunks=100)
    with pytest.raises(ValueError, match=r"labels has shape \(503, 6\)"):
        get_label_quality_scores(da.from_array(Y[:, :6]), P_dask)
    with pytest.raises(ValueError, match="pred_probs is a dask array of shape"):
        get_label_quality_scores(Y, P_dask[:, 0])
    with pytest.raises(ValueError, match="unknown chunk sizes"):
        get_label_quality_scores(Y, P_dask[P_dask[:, 0] > 0.5])
    with pytest.raises(ValueError, match="method='nope'"):
        get_label_quality_scores(Y, P_dask, method="nope")
    with pytest.raises(ValueError, match="confidence_weighted_entropy"):
        get_label_quality_scores(Y, P_dask, method="confidence_weighted_entropy",
                                 adjust_pred_probs=True)
    with pytest.raises(ValueError, match=r"thresholds has shape \(2, 2\)"):
        get_label_quality_scores(Y, P_dask, adjust_pred_probs=True, thresholds=np.ones((2, 2)))
    with pytest.raises(ValueError, match="aggregator_kwargs"):
        get_label_quality_scores(Y, P_dask, aggregator_kwargs={"method": "max"})


def test_two_worker_cluster_equals_numpy(client, case):
    labels, Y, P = case
    P_dask, Y_dask = da.from_array(P, chunks=(60, 7)), da.from_array(Y, chunks=(60, 7))
    settings = [SETTINGS[0], SETTINGS[1], SETTINGS[3]]
    lazy = [get_label_quality_scores(Y_dask, P_dask, **s) for s in settings]
    lazy += [get_label_quality_scores_per_class(labels, P_dask, **_per_class(s))
             for s in settings[:2]]
    expected = [get_label_quality_scores(labels, P, **s) for s in settings]
    expected += [get_label_quality_scores_per_class(labels, P, **_per_class(s))
                 for s in settings[:2]]
    for got, want in zip(client.gather(client.compute(lazy)), expected):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    assert len(client.scheduler_info()["workers"]) == 2


def test_cross_fitting_on_the_cluster_equals_n_jobs_1(client):
    joblib = pytest.importorskip("joblib")
    from sklearn.datasets import make_multilabel_classification

    from skmlq import MultilabelLabelQuality

    X, Y = make_multilabel_classification(n_samples=90, n_features=6, n_classes=3,
                                          random_state=0)
    params = {"cv": 3, "random_state": 0, "refit": False, "adjust_pred_probs": True,
              "method": "self_confidence", "aggregator": "exponential_moving_average"}
    expected = MultilabelLabelQuality(n_jobs=1, **params).fit(X, Y)
    with joblib.parallel_backend("dask"):
        distributed_fit = MultilabelLabelQuality(n_jobs=2, **params).fit(X, Y)
    # The same folds and fits: another seed moves these by up to 0.56 (0.70 for the
    # probabilities). A worker process may run BLAS with another number of threads,
    # so its solver sums in another order (measured: up to 4e-11 apart now and then);
    # the bound allows for that, not for a different fit.
    np.testing.assert_allclose(distributed_fit.label_quality_scores_,
                               expected.label_quality_scores_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(distributed_fit.pred_probs_, expected.pred_probs_,
                               rtol=0, atol=1e-9)
