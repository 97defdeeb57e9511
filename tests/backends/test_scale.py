"""Bounded-memory scoring: row blocks, memory-mapped inputs, precomputed thresholds."""

import hashlib
import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

import skmlq.utils._blocks
from skmlq.utils._labels import positives_per_class
from skmlq.rank import (
    get_confident_thresholds,
    get_label_quality_scores,
    get_label_quality_scores_per_class,
)

from .._helpers import random_case, read_only

CASES = [
    {},
    {"adjust_pred_probs": True},
    {"method": "normalized_margin", "adjust_pred_probs": True,
     "aggregator_kwargs": {"method": "softmin", "temperature": 0.5}},
    {"method": "confidence_weighted_entropy", "aggregator_kwargs": {"method": np.min}},
    {"aggregator_kwargs": {"method": "exponential_moving_average"}},
]


def _thresholds_by_masks(Y, P):
    """Independent oracle: the thresholds of rule T1 (docs/architecture.rst) by boolean masks."""
    Y = np.asarray(Y, dtype=bool)
    out = np.empty((P.shape[1], 2))
    for k in range(P.shape[1]):
        pos, neg = P[Y[:, k], k], 1 - P[~Y[:, k], k]
        out[k] = [neg.mean() if neg.size else 2.0, pos.mean() if pos.size else 2.0]
    return np.maximum(out, 2e-6)


@pytest.mark.parametrize("n_samples", [1, 2, 3, 7, 10])
@pytest.mark.parametrize("kwargs", CASES)
def test_block_boundaries_do_not_change_scores(monkeypatch, n_samples, kwargs):
    # 12 elements over K=5 classes: 2 rows per block, so N=1 is smaller than one
    # block, N=2 exactly one, N=7 not a multiple and N=10 five full blocks.
    rng = np.random.default_rng(n_samples)
    labels, pred_probs = random_case(rng, n_samples, 5, p_label=0.4)
    pred_probs[0, 0] = 1.0  # exact 0/1 values cross the block too
    pred_probs[-1, -1] = 0.0
    expected = get_label_quality_scores(labels, pred_probs, **kwargs)
    per_class_kwargs = {k: v for k, v in kwargs.items() if k != "aggregator_kwargs"}
    expected_per_class = get_label_quality_scores_per_class(labels, pred_probs,
                                                            **per_class_kwargs)
    monkeypatch.setattr(skmlq.utils._blocks, "BLOCK_ELEMENTS", 12)
    assert skmlq.utils._blocks.row_blocks(n_samples, 5)[-1][1] == n_samples
    for form in (labels, sp.csr_matrix(np.array(
            [[k in row for k in range(5)] for row in labels]))):
        got = get_label_quality_scores(form, read_only(pred_probs), **kwargs)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
        got = get_label_quality_scores_per_class(form, read_only(pred_probs),
                                                 **per_class_kwargs)
        np.testing.assert_allclose(got, expected_per_class, rtol=0, atol=1e-12)


def test_row_blocks_reads_block_size_at_call_time(monkeypatch):
    monkeypatch.setattr(skmlq.utils._blocks, "BLOCK_ELEMENTS", 10)
    assert skmlq.utils._blocks.row_blocks(7, 4) == [(0, 2), (2, 4), (4, 6), (6, 7)]


@pytest.mark.parametrize("block_elements", [3, 50, 2**20])
def test_threshold_pass_equals_in_memory_thresholds(monkeypatch, block_elements):
    rng = np.random.default_rng(1)
    labels, pred_probs = random_case(rng, 57, 6, p_label=0.3)
    labels[3] = []
    Y = np.array([[k in row for k in range(6)] for row in labels])
    Y[:, 2] = True  # a class without negatives: t0 = 2
    Y[:, 4] = False  # a class without positives: t1 = 2
    monkeypatch.setattr(skmlq.utils._blocks, "BLOCK_ELEMENTS", block_elements)
    expected = _thresholds_by_masks(Y, pred_probs)
    for form in (Y, Y.astype(np.int8), sp.csr_matrix(Y), [np.flatnonzero(r).tolist() for r in Y]):
        np.testing.assert_allclose(get_confident_thresholds(form, pred_probs), expected,
                                   rtol=0, atol=1e-12)
    assert expected[2, 0] == 2.0 and expected[4, 1] == 2.0


def test_positives_per_class_counts_sparse_indices_in_slices(monkeypatch):
    rng = np.random.default_rng(2)
    Y = sp.random(300, 7, density=0.4, format="csr", random_state=rng).astype(bool)
    expected = np.asarray(Y.sum(axis=0)).ravel()
    monkeypatch.setattr(skmlq.utils._blocks, "BLOCK_ELEMENTS", 16)
    counts = positives_per_class(Y)
    np.testing.assert_array_equal(counts, expected)
    # 16-element slices over ~840 stored indices: many slices, every index counted once.
    assert counts.dtype == np.int64 and counts.sum() == Y.nnz > 16 * 10


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_memmap_input_is_scored_like_memory_and_left_untouched(tmp_path, monkeypatch, dtype):
    rng = np.random.default_rng(4)
    labels, pred_probs = random_case(rng, 101, 9)
    pred_probs = pred_probs.astype(dtype)
    Y = np.array([[k in row for k in range(9)] for row in labels])
    np.save(tmp_path / "p.npy", pred_probs)
    np.save(tmp_path / "y.npy", Y)
    digest = hashlib.sha256((tmp_path / "p.npy").read_bytes()).hexdigest()
    P_map = np.load(tmp_path / "p.npy", mmap_mode="r")
    Y_map = np.load(tmp_path / "y.npy", mmap_mode="r")
    monkeypatch.setattr(skmlq.utils._blocks, "BLOCK_ELEMENTS", 40)
    for kwargs in CASES[:3]:
        got = get_label_quality_scores(Y_map, P_map, **kwargs)
        assert got.dtype == dtype and type(got) is np.ndarray
        np.testing.assert_allclose(got, get_label_quality_scores(labels, pred_probs, **kwargs),
                                   rtol=0, atol=1e-12)
    del P_map, Y_map
    assert hashlib.sha256((tmp_path / "p.npy").read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("adjust_pred_probs", [False, True])
def test_peak_memory_follows_the_block_not_n(tmp_path, monkeypatch, adjust_pred_probs):
    # 200,000 x 20 float32 on disk (16 MB) with 1.2 million annotations in a CSR:
    # with 16K-element blocks the traced peak must stay near the (N,) float32
    # output (0.8 MB), far below the input or any (N, K) or (nnz,) temporary.
    n_samples, n_classes = 200_000, 20
    P = np.lib.format.open_memmap(tmp_path / "p.npy", mode="w+", dtype=np.float32,
                                  shape=(n_samples, n_classes))
    rng = np.random.default_rng(5)
    P[:] = rng.random((n_samples, n_classes), dtype=np.float32)
    P.flush()
    del P
    Y = sp.csr_matrix(rng.random((n_samples, n_classes)) < 0.3)
    P = np.load(tmp_path / "p.npy", mmap_mode="r")
    monkeypatch.setattr(skmlq.utils._blocks, "BLOCK_ELEMENTS", 2**14)
    tracemalloc.start()
    try:
        scores = get_label_quality_scores(Y, P, adjust_pred_probs=adjust_pred_probs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert scores.shape == (n_samples,)
    assert peak < 2e6, f"peak traced memory {peak / 1e6:.1f} MB"
