"""Bad sparse predictions get named errors, and no input is ever modified."""

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq.filter import find_label_issues
from skmlq.rank import get_label_quality_scores, get_label_quality_scores_per_class
from skmlq.utils import FilledSparseMatrix
from skmlq.utils._errors import InputTypeError, InputValueError


def csr(data, indices, indptr, shape=(2, 4)):
    return sp.csr_matrix((np.array(data, dtype=float), np.array(indices), np.array(indptr)),
                         shape=shape)


LABELS = [[0], [1, 3]]


@pytest.mark.parametrize("pred_probs, error, match", [
    (csr([0.5, -0.1], [0, 2], [0, 1, 2]), InputValueError,
     r"stores a value outside \[0, 1\] \(-0.1\) at row 1, column 2"),
    (csr([0.5, 1.5], [0, 2], [0, 1, 2]), InputValueError,
     r"outside \[0, 1\] \(1.5\) at row 1, column 2"),
    (csr([0.5, np.nan], [0, 2], [0, 1, 2]), InputValueError,
     r"non-finite value \(nan\) at row 1, column 2"),
    (csr([0.5, 0.2, 0.3], [0, 2, 2], [0, 1, 3]), InputValueError,
     "stores row 1, column 2 twice"),
    (csr([0.5, 0.2, 0.3], [0, 3, 1], [0, 1, 3]), InputValueError,
     "unsorted column indices in row 1"),
    (sp.coo_matrix(([0.2, 0.3], ([1, 1], [2, 2])), shape=(2, 4)), InputValueError,
     "stores row 1, column 2 twice"),
    (csr([0.5], [0], [0, 1, 1], shape=(2, 5)), InputValueError, "5 columns"),
    (csr([0.5], [0], [0, 1, 1, 1], shape=(3, 4)), InputValueError,
     "2 examples but pred_probs has 3 rows"),
    (sp.csr_matrix(np.eye(2, 4) * (0.5 + 0.5j)), InputTypeError, "dtype complex128"),
])
def test_bad_sparse_predictions_are_named(pred_probs, error, match):
    labels = [[0], [1, 4]] if pred_probs.shape[1] == 5 else LABELS
    if pred_probs.shape[1] == 5:
        labels = sp.csr_matrix(np.eye(2, 4, dtype=bool))
        match = "shape \\(2, 4\\), but pred_probs has 5 columns"
    with pytest.raises(error, match=match):
        get_label_quality_scores(labels, pred_probs)


def test_unsorted_csc_and_duplicates_in_columns():
    csc = sp.csc_matrix((np.array([0.5, 0.2]), np.array([1, 0]), np.array([0, 2, 2, 2, 2])),
                        shape=(2, 4))
    with pytest.raises(InputValueError, match="unsorted row indices in column 0"):
        FilledSparseMatrix(csc)


@pytest.mark.parametrize("indices, scores, match", [
    ([[0, 4]], [[0.1, 0.2]], r"class index 4 at row 0, position 1.*\[0, 4\)"),
    ([[0, -1]], [[0.1, 0.2]], "class index -1 at row 0, position 1"),
    ([[2, 2]], [[0.1, 0.2]], "lists class 2 twice in row 0"),
    ([[0, 1]], [[0.1]], r"scores has shape \(1, 1\) but indices has shape \(1, 2\)"),
    ([[0, 1]], [[0.1, 1.2]], r"outside \[0, 1\] \(1.2\) at row 0, column 1"),
    ([[0, 1]], [[np.nan, 0.5]], r"non-finite value \(nan\) at row 0, column 0"),
    ([0, 1], [0.1, 0.2], r"indices has shape \(2,\)"),
])
def test_bad_top_k_pairs_are_named(indices, scores, match):
    with pytest.raises(InputValueError, match=match):
        FilledSparseMatrix.from_top_k(indices, scores, n_classes=4)


def test_bad_top_k_types_and_fill_values():
    with pytest.raises(InputTypeError, match="indices has dtype float64"):
        FilledSparseMatrix.from_top_k([[0.0]], [[0.5]], n_classes=4)
    with pytest.raises(InputValueError, match="n_classes=0 is invalid"):
        FilledSparseMatrix.from_top_k([[0]], [[0.5]], n_classes=0)
    with pytest.raises(InputValueError, match=r"fill_value=1.5 is invalid"):
        FilledSparseMatrix(sp.eye(3, format="csr"), fill_value=1.5)
    with pytest.raises(InputValueError, match=r"fill_value has shape \(2,\); expected"):
        FilledSparseMatrix(sp.eye(3, format="csr"), fill_value=[0.1, 0.2])
    with pytest.raises(InputValueError, match="fill_value has nan for class 1"):
        FilledSparseMatrix(sp.eye(3, format="csr"), fill_value=[0.1, np.nan, 0.2])


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "lil", "dok", "bsr", "csr_array"])
def test_nothing_is_modified(fmt):
    rng = np.random.default_rng(0)
    dense = np.where(rng.random((30, 6)) < 0.4, rng.random((30, 6)), 0)
    dense[3, 2] = 0.0  # an explicit zero below
    S = sp.csr_array(dense) if fmt == "csr_array" else sp.csr_matrix(dense).asformat(fmt)
    if fmt == "csr":
        S = sp.csr_matrix((np.append(S.data, 0.0), np.append(S.indices, 5),
                           S.indptr.copy()), shape=S.shape)
        S.indptr[-1] += 0  # same structure; the extra value lies past indptr[-1]
    labels = sp.csr_matrix(rng.random((30, 6)) < 0.3)
    before = [a.copy() for a in _arrays(S)] + [labels.data.copy(), labels.indices.copy()]
    fill = np.full(6, 0.01)
    P = FilledSparseMatrix(S, fill_value=fill)
    get_label_quality_scores(labels, P, adjust_pred_probs=True)
    get_label_quality_scores_per_class(labels, S)
    find_label_issues(labels, P, return_indices_ranked_by="normalized_margin")
    after = [a for a in _arrays(S)] + [labels.data, labels.indices]
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(fill, 0.01)
    fill[0] = 0.3  # the object keeps its own copy of a per-class fill value
    assert P.fill[0] == 0.01 and P.fill_value[0] == 0.01


def _arrays(S):
    if S.format in ("csr", "csc", "bsr"):
        return [S.data, S.indices, S.indptr]
    if S.format == "coo":
        return [S.data, S.row, S.col]
    return [S.toarray()]


def test_canonical_csr_is_shared_not_copied():
    S = sp.random(50, 20, density=0.2, random_state=0, format="csr")
    P = FilledSparseMatrix(S)
    assert np.shares_memory(P.data, S.data) and np.shares_memory(P.indices, S.indices)
    assert P.shape == (50, 20) and P.nnz == S.nnz and P.fill_value == 0.0
    assert "50, 20" in repr(P)


def test_second_stage_per_class_scores_need_dense_predictions():
    with pytest.raises(InputTypeError, match="no per-class scores for sparse pred_probs"):
        get_label_quality_scores_per_class(
            [[0], [1], [2]] * 4, FilledSparseMatrix(sp.eye(12, 3, format="csr")),
            method="noise_posterior")
