"""Sparse predictions in skmlq.filter and skmlq.dataset: the same flags, rankings and
tables as the densified input."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from skmlq.dataset import (
    common_multilabel_issues, multilabel_health_summary, overall_multilabel_health_score,
    rank_classes_by_multilabel_quality,
)
from skmlq.filter import find_label_issues, find_multilabel_issues_per_class
from skmlq.utils import FilledSparseMatrix

SPARSE_FILTERS = ["prune_by_noise_rate", "prune_by_class", "both", "confident_learning",
                  "predicted_neq_given"]
LOW_FILTERS = ["low_self_confidence", "low_normalized_margin"]


@st.composite
def cases(draw):
    """Labels with both sides in every class, and predictions that mostly follow them."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(8, 60)), int(rng.integers(2, 8))
    Y = rng.random((n, k)) < rng.uniform(0.1, 0.5)
    Y[0], Y[1] = True, False
    noisy = np.clip(Y * 0.6 + rng.random((n, k)) * 0.5, 0, 1)
    stored = rng.random((n, k)) < rng.uniform(0.2, 0.9)
    dense_stored = np.where(stored, noisy, 0.0)
    fill = draw(st.sampled_from([0.0, 0.0, 0.05, 0.45, "per_class"]))
    if fill == "per_class":
        fill = rng.uniform(0, 0.5, k)
    P = FilledSparseMatrix(sp.csr_matrix(dense_stored), fill_value=fill)
    return sp.csr_matrix(Y), P, P.toarray()


def _both(func, *args, **kwargs):
    """``func`` on the sparse and on the dense input: results, or both raise alike."""
    labels, P, dense = args
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            want = func(labels, dense, **kwargs)
        except ValueError as exc:
            with pytest.raises(type(exc)):
                func(labels, P, **kwargs)
            return None, None
        return func(labels, P, **kwargs), want


@given(cases(), st.sampled_from(SPARSE_FILTERS))
def test_per_class_flags_equal_the_dense_flags(case, filter_by):
    got, want = _both(find_multilabel_issues_per_class, *case, filter_by=filter_by)
    if want is not None:
        assert sp.issparse(got) and got.dtype == bool
        np.testing.assert_array_equal(got.toarray(), want)


@given(cases(), st.sampled_from(SPARSE_FILTERS + LOW_FILTERS),
       st.sampled_from([None, "self_confidence", "normalized_margin",
                        "confidence_weighted_entropy"]))
def test_issues_and_rankings_equal_the_dense_ones(case, filter_by, ranked_by):
    got, want = _both(find_label_issues, *case, filter_by=filter_by,
                      return_indices_ranked_by=ranked_by)
    if want is not None:
        np.testing.assert_array_equal(got, want)


@settings(max_examples=15)  # pandas tables: slow to build, few cases suffice
@given(cases())
def test_dataset_tables_equal_the_dense_tables(case):
    labels, P, dense = case
    for func in (rank_classes_by_multilabel_quality, common_multilabel_issues):
        got, want = _both(func, labels, P, dense)
        if want is not None:
            assert got.equals(want)
    got, want = _both(overall_multilabel_health_score, labels, P, dense)
    assert got == want


def test_health_summary_of_a_top_k_pair():
    rng = np.random.default_rng(0)
    Y = rng.random((40, 6)) < 0.3
    Y[0], Y[1] = True, False
    top = np.argsort(-(Y + rng.random((40, 6))), axis=1)[:, :3]
    P = FilledSparseMatrix.from_top_k(top, rng.uniform(0.4, 1, (40, 3)), n_classes=6)
    got = multilabel_health_summary(sp.csr_matrix(Y), P, verbose=False)
    want = multilabel_health_summary(Y, P.toarray(), verbose=False)
    assert got["overall_multilabel_health_score"] == want["overall_multilabel_health_score"]
    assert got["classes_by_multilabel_quality"].equals(want["classes_by_multilabel_quality"])


@pytest.mark.parametrize("func, kwargs, match", [
    (find_multilabel_issues_per_class, {"filter_by": "low_self_confidence"},
     "not available for sparse pred_probs yet; find_label_issues takes it"),
    (find_label_issues, {"low_memory": True}, "low_memory=True is not available for sparse"),
])
def test_options_without_a_sparse_path_are_named_errors(func, kwargs, match):
    P = sp.csr_matrix(np.eye(4) * 0.9)
    with pytest.raises(ValueError, match=match):
        func([[0], [1], [2], [3]], P, **kwargs)


def test_a_fill_value_above_one_half_is_a_named_error():
    P = FilledSparseMatrix(sp.csr_matrix(np.eye(4) * 0.9), fill_value=[0.1, 0.6, 0.1, 0.1])
    with pytest.raises(ValueError, match="fill value 0.6 for class 1"):
        find_label_issues([[0], [1], [2], []], P)


def test_ranked_per_class_lists_need_dense_predictions():
    P = sp.csr_matrix(np.eye(4) * 0.9)
    with pytest.raises(ValueError, match="return_indices_ranked_by is not available"), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        find_multilabel_issues_per_class([[0], [1], [2], []], P,
                                         return_indices_ranked_by="self_confidence")
