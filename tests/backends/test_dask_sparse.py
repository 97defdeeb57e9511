"""dask arrays of scipy.sparse row chunks: the sparse core chunk by chunk.

Scores and thresholds equal those of the same predictions in memory (a CSR matrix
or FilledSparseMatrix); a chunk costs O(its stored entries), never a dense block;
chunks split across columns are a named error.
"""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq.filter import find_label_issues
from skmlq.rank import (
    get_confident_thresholds, get_label_quality_scores, get_label_quality_scores_per_class,
)
from skmlq.report import model_quality
from skmlq.utils import FilledSparseMatrix

from ..report.test_sparse_report import tagging_data

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")

TOL = 1e-12
SETTINGS = [
    {},
    {"adjust_pred_probs": True},
    {"method": "normalized_margin", "adjust_pred_probs": True},
    {"method": "confidence_weighted_entropy", "aggregator_kwargs": {"method": np.mean}},
    {"aggregator_kwargs": {"method": "softmin", "temperature": 0.3}},
    {"aggregator_kwargs": {"method": "exponential_moving_average", "alpha": 0.3}},
]


@pytest.fixture(autouse=True)
def synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


@pytest.fixture(scope="module")
def case():
    labels, pred_probs = tagging_data(403, 120, seed=5, top_k=6)
    return labels, pred_probs


def chunked(matrix, rows, columns=None):
    return da.from_array(matrix, chunks=(rows, columns or matrix.shape[1]), asarray=False)


@pytest.mark.parametrize("setting", SETTINGS)
def test_scores_equal_the_in_memory_sparse_scores(case, setting):
    labels, pred_probs = case
    got = get_label_quality_scores(chunked(labels, 90), chunked(pred_probs, 90), **setting)
    assert isinstance(got, da.Array) and got.chunks == ((90,) * 4 + (43,),)
    np.testing.assert_allclose(got.compute(),
                               get_label_quality_scores(labels, pred_probs, **setting),
                               rtol=0, atol=TOL)


@pytest.mark.parametrize("form", ["csr", "dask csr other rows", "dask dense", "lists",
                                  "map_blocks"])
def test_label_forms_and_row_chunks_are_matched(case, form):
    labels, pred_probs = case
    given = {
        "csr": labels,
        "dask csr other rows": chunked(labels, 50),
        "dask dense": da.from_array(labels.toarray(), chunks=(77, 60)),
        "lists": [row.indices.tolist() for row in labels],
        "map_blocks": chunked(labels, 100).map_blocks(
            lambda block: sp.csr_matrix(block, dtype=np.int8), dtype=np.int8,
            meta=sp.csr_matrix((0, 0), dtype=np.int8)),
    }[form]
    # Chunks made by a function, as a model's predictions would be.
    P = chunked(pred_probs, 100).map_blocks(lambda block: block.tocsr(), dtype=pred_probs.dtype,
                                            meta=sp.csr_matrix((0, 0)))
    got = get_label_quality_scores(given, P, adjust_pred_probs=True)
    np.testing.assert_allclose(
        got.compute(), get_label_quality_scores(labels, pred_probs, adjust_pred_probs=True),
        rtol=0, atol=TOL)


def test_thresholds_and_float32_chunks(case):
    labels, pred_probs = case
    P32 = pred_probs.astype(np.float32)
    lazy = get_confident_thresholds(chunked(labels, 64), chunked(P32, 64))
    assert isinstance(lazy, da.Array) and lazy.shape == (120, 2)
    np.testing.assert_allclose(lazy.compute(), get_confident_thresholds(labels, P32),
                               rtol=0, atol=TOL)
    got = get_label_quality_scores(labels, chunked(P32, 64))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got.compute(), get_label_quality_scores(labels, P32))


def test_in_memory_fill_value_beside_dask_labels(case):
    labels, pred_probs = case
    filled = FilledSparseMatrix(pred_probs, fill_value=np.linspace(0, 0.3, 120))
    got = get_label_quality_scores(chunked(labels, 100), filled, adjust_pred_probs=True)
    assert got.chunks == ((100,) * 4 + (3,),)
    np.testing.assert_allclose(
        got.compute(), get_label_quality_scores(labels, filled, adjust_pred_probs=True),
        rtol=0, atol=TOL)


def test_filters_and_tables_read_the_chunks_into_one_matrix(case):
    labels, pred_probs = case
    Y, P = chunked(labels, 70), chunked(pred_probs, 70)
    np.testing.assert_array_equal(find_label_issues(Y, P), find_label_issues(labels, pred_probs))
    np.testing.assert_array_equal(
        find_label_issues(Y, P, return_indices_ranked_by="self_confidence"),
        find_label_issues(labels, pred_probs, return_indices_ranked_by="self_confidence"))
    assert model_quality(Y, P).equals(model_quality(labels, pred_probs))


def test_chunks_across_columns_are_a_named_error(case):
    labels, pred_probs = case
    split = chunked(pred_probs, 100, 50)
    for call in (lambda: get_label_quality_scores(labels, split),
                 lambda: get_confident_thresholds(labels, split),
                 lambda: find_label_issues(labels, split)):
        with pytest.raises(ValueError, match=r"pred_probs is a dask array of sparse chunks "
                                             r"split across columns.*rechunk\(\{1: -1\}\)"):
            call()
    with pytest.raises(ValueError, match="labels is a dask array of sparse chunks split"):
        get_label_quality_scores(chunked(labels, 100, 60), chunked(pred_probs, 100))
    with pytest.raises(ValueError, match=r"labels has shape \(403, 119\)"):
        get_label_quality_scores(chunked(labels[:, :119], 100), chunked(pred_probs, 100))
    with pytest.raises(ValueError, match="per-class scores of sparse dask chunks"):
        get_label_quality_scores_per_class(labels, chunked(pred_probs, 100))


def test_bad_stored_values_name_their_row_and_chunk(case):
    labels, pred_probs = case
    bad = pred_probs.copy()
    row = 250
    bad.data[bad.indptr[row]] = 1.5
    column = bad.indices[bad.indptr[row]]
    before = bad.copy()
    lazy = get_label_quality_scores(labels, chunked(bad, 100))
    with pytest.raises(ValueError, match=rf"row 50, column {column}.*chunk that starts at "
                                         rf"row 200"):
        lazy.compute()
    bad.data[bad.indptr[row]] = np.nan
    with pytest.raises(ValueError, match=rf"row 50, column {column}"):
        get_label_quality_scores(labels, chunked(bad, 100), adjust_pred_probs=True).compute()
    bad.data[bad.indptr[row]] = 1.5
    assert (bad != before).nnz == 0


def test_a_chunk_costs_its_stored_entries_not_a_dense_block():
    # 2,000 x 200,000 in chunks of 500 rows: one dense chunk is 800 MB of float64.
    n_samples, n_classes, rows = 2_000, 200_000, 500
    labels, pred_probs = tagging_data(n_samples, n_classes)
    Y, P = chunked(labels, rows), chunked(pred_probs, rows)
    tracemalloc.start()
    try:
        scores = get_label_quality_scores(Y, P, adjust_pred_probs=True).compute()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # What remains is O(K) per chunk: the (3, K) threshold sums of the reduction.
    assert peak < 0.1 * rows * n_classes * 8, f"peak {peak / 1e6:.0f} MB"
    np.testing.assert_allclose(
        scores, get_label_quality_scores(labels, pred_probs, adjust_pred_probs=True),
        rtol=0, atol=TOL)
