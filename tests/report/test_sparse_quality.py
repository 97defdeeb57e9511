"""model_quality on sparse top-k predictions: each class's unlisted examples are one
tie group at its fill value, so the table equals that of the densified input and
costs O(nnz log nnz + K), never a dense column per class."""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from skmlq.report import model_quality
from skmlq.report._summary import model_quality_binned, model_quality_scores
from skmlq.utils._labels import check_labels
from skmlq.utils._sparse import check_probabilities
from skmlq.utils import FilledSparseMatrix

from .test_sparse_report import tagging_data

pd = pytest.importorskip("pandas")

TOL = 1e-12


@st.composite
def quality_cases(draw):
    """``(labels, sparse pred_probs, dense pred_probs)`` with many ties: stored values
    drawn from a few levels, the fill value among them; classes given on every
    example or on none; float32 or float64."""
    n = draw(st.integers(1, 30))
    k = draw(st.integers(1, 7))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    levels = [0.0, 0.25, 0.5, 1.0]
    fill = draw(st.one_of(
        st.sampled_from(levels),
        hnp.arrays(np.float64, (k,), elements=st.sampled_from(levels + [0.1])),
    ))
    value = st.one_of(st.sampled_from(levels), st.floats(0, 1, allow_subnormal=False))
    stored = draw(hnp.arrays(np.bool_, (n, k)))
    values = draw(hnp.arrays(np.float64, (n, k), elements=value)).astype(dtype)
    rows, cols = np.nonzero(stored)
    matrix = sp.coo_matrix((values[rows, cols], (rows, cols)), shape=(n, k), dtype=dtype)
    matrix = matrix.asformat(draw(st.sampled_from(["csr", "csc", "coo"])))
    plain = np.ndim(fill) == 0 and fill == 0 and draw(st.booleans())
    P = matrix if plain else FilledSparseMatrix(matrix, fill_value=fill)
    dense = (FilledSparseMatrix(matrix) if plain else P).toarray()
    Y = draw(hnp.arrays(np.bool_, (n, k)))
    Y[:, draw(st.integers(0, k - 1))] = draw(st.booleans())  # a class on all or none
    lists = [np.flatnonzero(r).tolist() for r in Y]
    labels = draw(st.sampled_from([sp.csr_matrix(Y), Y, lists]))
    return labels, P, dense


def assert_same_table(got, want):
    assert list(got.columns) == list(want.columns)
    for column in got.columns:
        if got[column].dtype.kind == "f":
            np.testing.assert_allclose(got[column].to_numpy(), want[column].to_numpy(),
                                       rtol=0, atol=TOL, err_msg=column)
        else:
            assert got[column].tolist() == want[column].tolist(), column


@given(quality_cases())
def test_sparse_table_equals_the_dense_table(case):
    labels, P, dense = case
    labels_dense = labels.toarray() if sp.issparse(labels) else labels
    assert_same_table(model_quality(labels, P, min_positives=2),
                      model_quality(labels_dense, dense, min_positives=2))


def test_unlisted_examples_are_one_tie_group_at_the_fill_value():
    # Class 0: given on rows 0 and 2; row 0 listed at 0.9, row 2 unlisted (0.2), like
    # rows 1 and 3; row 4 listed at exactly the fill value: four ties at 0.2.
    matrix = sp.csr_matrix(([0.9, 0.2], ([0, 4], [0, 0])), shape=(5, 1))
    labels = np.array([[1], [0], [1], [0], [0]])
    table = model_quality(labels, FilledSparseMatrix(matrix, fill_value=0.2),
                          min_positives=0)
    # AP: the first positive at precision 1, the second at the end of the tie group
    # (2 given of 5). AUROC: 1 beats all 3 negatives, the other ties with them.
    assert table["average_precision"][0] == pytest.approx((1 + 2 / 5) / 2, abs=TOL)
    assert table["roc_auc"][0] == pytest.approx((3 + 1.5) / 6, abs=TOL)
    dense = np.array([[0.9], [0.2], [0.2], [0.2], [0.2]])
    assert_same_table(table, model_quality(labels, dense, min_positives=0))


def test_peak_memory_follows_the_stored_entries_at_many_classes():
    # 2,000 x 200,000: one dense float64 array is 3.2 GB, one dense column per class
    # in a loop over K would take minutes; the table is O(nnz + K).
    n_samples, n_classes = 2_000, 200_000
    labels, pred_probs = tagging_data(n_samples, n_classes)
    tracemalloc.start()
    try:
        table = model_quality(labels, pred_probs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # About 200 bytes per class (the table and its per-class arrays) dominate here.
    assert peak < 0.02 * n_samples * n_classes * 8, f"peak {peak / 1e6:.0f} MB"
    assert len(table) == n_classes
    judged = table["n_given"].between(1, n_samples - 1)
    assert table.loc[judged, "roc_auc"].notna().all()
    assert table.loc[~judged, "roc_auc"].isna().all()
    # The frequent classes, scored densified one column at a time, agree.
    cols = np.argsort(-table["n_given"].to_numpy(), kind="stable")[:5]
    dense = model_quality(labels[:, cols], pred_probs[:, cols].toarray())
    assert_same_table(table.iloc[cols].reset_index(drop=True).drop(columns="class"),
                      dense.drop(columns="class"))


def test_bad_sparse_input_is_named_and_left_untouched():
    matrix = sp.csr_matrix(np.array([[0.5, 0.0], [0.0, 1.5]]))
    before = matrix.copy()
    with pytest.raises(ValueError, match=r"pred_probs.*row 1.*column 1"):
        model_quality([[0], [1]], matrix)
    assert (matrix != before).nnz == 0
    with pytest.raises(ValueError, match="labels has 3 examples"):
        model_quality([[0], [1], [0]], sp.csr_matrix(np.eye(2) * 0.5))


def test_the_binned_variant_is_exact_on_sparse_predictions():
    labels, pred_probs = tagging_data(300, 50, seed=7, top_k=4)
    P = check_probabilities(FilledSparseMatrix(pred_probs, fill_value=0.01))
    Y = check_labels(labels, sparse=True)
    n_given, ap, auc, bound = model_quality_binned(Y, P)
    exact = model_quality_scores(Y, P)
    np.testing.assert_array_equal(n_given, exact[0])
    np.testing.assert_array_equal(ap, exact[1])
    np.testing.assert_array_equal(auc, exact[2])
    assert np.isfinite(auc).any()
    np.testing.assert_array_equal(bound[np.isfinite(auc)], 0.0)


def test_slices_of_whole_classes_give_the_same_table():
    # Groups are summed a slice of whole classes at a time; slices of a few entries
    # (a class larger than a slice is one slice) must not change a number.
    from skmlq.report import _summary

    labels, pred_probs = tagging_data(200, 30, seed=9, top_k=5)
    filled = FilledSparseMatrix(pred_probs, fill_value=np.linspace(0, 0.2, 30))
    whole = model_quality(labels, filled, min_positives=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_summary, "_RANK_ELEMENTS", 7)
        sliced = model_quality(labels, filled, min_positives=1)
    assert_same_table(sliced, whole)
    assert_same_table(whole, model_quality(labels.toarray(), filled.toarray(), min_positives=1))
