"""skmlq.filter: reference vectors V1-V4 (outputs of cleanlab 2.9.0), edge cases, validation."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from skmlq._core._confident_learning import (
    calibrate_joint,
    class_sizes,
    flag_smallest,
    raw_joint_and_cl,
)
from skmlq.utils._labels import check_labels
from skmlq._core._thresholds import confident_thresholds
from skmlq.filter import find_label_issues, find_multilabel_issues_per_class

from .._helpers import random_case, read_only

PRUNE = ("prune_by_class", "prune_by_noise_rate", "both")
ALL = PRUNE + ("confident_learning", "predicted_neq_given", "low_self_confidence",
               "low_normalized_margin")

V1_LABELS = [[0, 1, 2], [1], [2], [0, 1], [], [], [2], [1], [0, 2], [0, 1, 2]]
V1_PROBS = [[0.74, 0.62, 0.71], [0.12, 0.93, 0.23], [0.31, 0.01, 0.62], [0.04, 0.94, 0.43],
            [0.32, 0.13, 0.41], [0.54, 0.32, 0.32], [0.64, 0.03, 0.11], [0.41, 0.33, 0.02],
            [0.94, 0.41, 0.13], [0.52, 0.72, 0.21]]
V2_LABELS = [[1], [0, 2], [2, 3], [1], [], [], [1, 2], [3], [1], [0, 3], [1, 2, 3], [0, 1, 3]]
V2_PROBS = [[0.24, 0.84, 0.42, 0.04], [0.83, 0.02, 0.81, 0.42], [0.03, 0.31, 0.64, 0.94],
            [0.51, 0.23, 0.94, 0.31], [0.91, 0.61, 0.22, 0.71], [0.44, 0.12, 0.23, 0.21],
            [0.11, 0.73, 0.83, 0.03], [0.12, 0.24, 0.11, 0.13], [0.02, 0.72, 0.43, 0.41],
            [0.84, 0.33, 0.32, 0.62], [0.41, 0.54, 0.52, 0.11], [0.32, 0.64, 0.03, 0.73]]
V3_LABELS = [[0], [0, 1], [0], [], [0], [], [0], []]
V3_PROBS = [[0.91, 0.03, 0.62], [0.82, 0.11, 0.13], [0.73, 0.22, 0.94], [0.14, 0.31, 0.21],
            [0.34, 0.12, 0.33], [0.21, 0.43, 0.81], [0.93, 0.24, 0.02], [0.62, 0.13, 0.44]]
V4_LABELS = [[0], [], [], [0], [0], [], [0], [], [0], [], [0], [], [], []]
V4_PROBS = [[0.9], [0.6], [0.2], [0.34], [0.46], [0.19], [0.24], [0.25], [0.86], [0.03],
            [0.77], [0.22], [0.47], [0.44]]
VECTORS = {
    "V1": (V1_LABELS, V1_PROBS),
    "V2": (V2_LABELS, V2_PROBS),
    "V3": (V3_LABELS, V3_PROBS),
    "V4": (V4_LABELS, V4_PROBS),
}


def per_class(labels, probs, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mask = find_multilabel_issues_per_class(labels, np.array(probs), **kwargs)
    return [np.flatnonzero(mask[:, c]).tolist() for c in range(mask.shape[1])]


def issues(labels, probs, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = find_label_issues(labels, np.array(probs), **kwargs)
    return (np.flatnonzero(out) if out.dtype == bool else out).tolist()


# ----------------------------------------------------------------------- joints (1.1-1.3)
@pytest.mark.parametrize(
    "name, raw, cj, thresholds",
    [
        ("V1", [[[3, 1], [1, 2]], [[3, 0], [0, 3]], [[2, 2], [3, 2]]],
         [[[4, 2], [1, 3]], [[5, 0], [0, 5]], [[2, 3], [3, 2]]],
         [[0.61, 0.56], [0.82, 0.708], [0.718, 0.356]]),
        ("V2", [[[5, 1], [0, 2]], [[3, 0], [1, 4]], [[5, 1], [0, 2]], [[3, 1], [2, 3]]],
         [[[7, 2], [0, 3]], [[6, 0], [1, 5]], [[7, 1], [0, 4]], [[5, 2], [2, 3]]],
         [[0.69, 0.663333], [0.728333, 0.616667], [0.6625, 0.7], [0.695714, 0.506]]),
        ("V3", [[[2, 0], [0, 3]], [[3, 4], [1, 1]], [[4, 0], [0, 1]]],
         [[[3, 0], [0, 5]], [[3, 4], [0, 1]], [[8, 0], [0, 0]]],
         [[0.676667, 0.746], [0.788571, 0.11], [0.5625, 2.0]]),
        # V4: the column-major total decides the .5 rounding ([[7,1],[2,4]] naively).
        ("V4", [[[5, 1], [1, 3]]], [[[7, 1], [1, 5]]], [[0.7, 0.595]]),
    ],
)
def test_confident_joint_vectors(name, raw, cj, thresholds):
    labels, probs = VECTORS[name]
    P = np.array(probs)
    Y = check_labels(labels, n_classes=P.shape[1])
    t = confident_thresholds(Y, P)
    np.testing.assert_allclose(t, thresholds, atol=1e-6)
    R, _ = raw_joint_and_cl(Y, P, t, want_cl=False)
    assert R.tolist() == raw
    assert calibrate_joint(R, class_sizes(Y, P.shape[0]), P.shape[0]).tolist() == cj


def test_calibration_half_rounding_keeps_row_totals():
    # Rows of E on .5 values: [0.5, 2.5] -> [0, 3], [1.5, 1.5] -> [1, 2], [2.5, 0.5] -> [2, 1].
    R = np.array([[[1, 5], [0, 1]], [[1, 1], [0, 1]], [[5, 1], [0, 1]]])
    sizes = np.array([[3, 1], [3, 1], [3, 1]])
    C = calibrate_joint(R, sizes, 4)
    assert C[:, 0].tolist() == [[0, 3], [1, 2], [2, 1]]


# ----------------------------------------------------------------------- masks of V1-V4
REFERENCE_MASKS = {
    "V1": {
        PRUNE: ([[3, 5, 6], [], [6, 8, 9]], [3, 5, 6, 8, 9]),
        ("confident_learning",): ([[3, 6], [], [6, 8, 9]], [3, 6, 8, 9]),
        ("predicted_neq_given",): ([[3, 5, 6], [7], [6, 8, 9]], [3, 5, 6, 7, 8, 9]),
        ("low_self_confidence", "low_normalized_margin"): ([[3, 6], [], [6, 8, 9]],
                                                           [3, 6, 8, 9]),
    },
    "V2": {
        PRUNE: ([[3, 4], [3], [3], [4, 7, 10]], [3, 4, 7, 10]),
        ("confident_learning",): ([[4], [3], [3], [4, 7, 10]], [3, 4, 7, 10]),
        ("predicted_neq_given",): ([[3, 4, 11], [3, 4], [3], [4, 7, 10]], [3, 4, 7, 10, 11]),
        ("low_self_confidence", "low_normalized_margin"): ([[4], [3], [3], [4, 7, 10]],
                                                           [3, 4, 7, 10]),
    },
    "V3": {
        PRUNE: ([[], [], []], []),
        ("confident_learning",): ([[], [1], []], [1]),
    },
    "V4": {
        PRUNE + ("confident_learning",): ([[1, 6]], [1, 6]),
        ("predicted_neq_given",): ([[1, 3, 4, 6]], [1, 3, 4, 6]),
    },
}


@pytest.mark.parametrize(
    "name, filter_by, expected",
    [(name, f, exp) for name, table in REFERENCE_MASKS.items() for fs, exp in table.items()
     for f in fs],
)
def test_spec_masks(name, filter_by, expected):
    labels, probs = VECTORS[name]
    pc, any_ = expected
    assert per_class(labels, probs, filter_by=filter_by) == pc
    if filter_by.startswith("low_") and name == "V4":
        return
    assert issues(labels, probs, filter_by=filter_by) == any_


OPTION_VECTORS = [
    ("V1", {"frac_noise": 0.5}, ([[3, 6], [], [6, 8]], [[6], [], [6]], [[6], [], [6]])),
    ("V1", {"num_to_remove_per_class": [1, 1, 1]}, ([[6], [], []], [[3], [], [6]], [[]] * 3)),
    ("V1", {"num_to_remove_per_class": [2, 2, 2]},
     ([[5, 6], [], []], [[3], [], [6, 8]], [[]] * 3)),
    ("V1", {"min_examples_per_class": 5}, ([[6], [], []],) * 3),
    ("V1", {"confident_joint": [[[4, 2], [1, 3]]] * 3},
     ([[3, 5, 6], [7], [6, 8]], [[3, 5, 6], [7], [6]], [[3, 5, 6], [7], [6]])),
    ("V2", {"frac_noise": 0.5},
     ([[4], [3], [3], [4, 10]], [[4], [], [], [4, 10]], [[4], [], [], [4, 10]])),
    ("V2", {"num_to_remove_per_class": [1] * 4},
     ([[4], [4], [3], [4]], [[], [3], [], [10]], [[]] * 4)),
    ("V2", {"num_to_remove_per_class": [2] * 4},
     ([[3, 4], [4], [3], [4]], [[], [3], [], [7, 10]], [[]] * 4)),
    ("V2", {"min_examples_per_class": 5}, ([[3, 4], [3], [3], [4]],) * 3),
    ("V2", {"confident_joint": [[[4, 2], [1, 3]]] * 4},
     ([[3, 4], [3, 4], [3], [4, 7, 10]], [[3, 4, 11], [3, 4], [3], [4, 10]],
      [[3, 4], [3, 4], [3], [4, 10]])),
    ("V3", {"num_to_remove_per_class": [1] * 3}, ([[7], [], [2]], [[]] * 3, [[]] * 3)),
    ("V3", {"num_to_remove_per_class": [2] * 3}, ([[7], [], [2, 5]], [[]] * 3, [[]] * 3)),
    ("V3", {"confident_joint": [[[4, 2], [1, 3]]] * 3},
     ([[4], [], [0, 2, 5]], [[4, 7], [], [2, 5]], [[4], [], [2, 5]])),
    ("V4", {"frac_noise": 0.5}, ([[1, 6]], [[]], [[]])),
    ("V4", {"num_to_remove_per_class": [1]}, ([[1]], [[6]], [[]])),
    ("V4", {"num_to_remove_per_class": [2]}, ([[1]], [[3, 6]], [[]])),
    ("V4", {"confident_joint": [[[4, 2], [1, 3]]]}, ([[1, 3, 4, 6]], [[1, 6]], [[1, 6]])),
]


@pytest.mark.parametrize("name, kwargs, expected", OPTION_VECTORS)
def test_spec_option_vectors(name, kwargs, expected):
    labels, probs = VECTORS[name]
    for filter_by, exp in zip(PRUNE, expected):
        assert per_class(labels, probs, filter_by=filter_by, **kwargs) == exp, filter_by


# ----------------------------------------------------------------------- ranking (2, 3.2, 3.3)
@pytest.mark.filterwarnings("ignore:May not flag all label issues")
@pytest.mark.parametrize(
    "name, method, rank_by_kwargs, expected_any, expected_pc",
    [
        ("V1", "self_confidence", {}, [3, 6, 8, 9, 5], [[3, 6, 5], [], [6, 8, 9]]),
        ("V1", "normalized_margin", {}, [3, 6, 8, 9, 5], [[3, 6, 5], [], [6, 8, 9]]),
        ("V1", "confidence_weighted_entropy", {}, [3, 6, 8, 9, 5], [[3, 6, 5], [], [6, 8, 9]]),
        ("V1", "self_confidence", {"adjust_pred_probs": True}, [3, 6, 8, 9, 5],
         [[3, 6, 5], [], [6, 8, 9]]),
        ("V2", "self_confidence", {}, [3, 4, 10, 7], [[4, 3], [3], [3], [10, 7, 4]]),
        ("V2", "normalized_margin", {}, [3, 4, 10, 7], [[4, 3], [3], [3], [10, 7, 4]]),
        ("V2", "confidence_weighted_entropy", {}, [3, 4, 10, 7],
         [[4, 3], [3], [3], [10, 7, 4]]),
        ("V2", "self_confidence", {"adjust_pred_probs": True}, [4, 3, 10, 7],
         [[4, 3], [3], [3], [4, 10, 7]]),
        ("V3", "self_confidence", {}, [], [[], [], []]),
    ],
)
def test_spec_ranked(name, method, rank_by_kwargs, expected_any, expected_pc):
    labels, probs = VECTORS[name]
    kw = {"return_indices_ranked_by": method, "rank_by_kwargs": rank_by_kwargs}
    ranked = find_label_issues(labels, np.array(probs), **kw)
    assert ranked.dtype == np.int64 and ranked.tolist() == expected_any
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        idx, given_, probs_ = find_multilabel_issues_per_class(labels, np.array(probs), **kw)
    assert [a.tolist() for a in idx] == expected_pc
    assert all(a.dtype == np.int64 for a in idx)
    P = np.array(probs)
    Y = check_labels(labels, n_classes=P.shape[1]).toarray()
    for c in range(P.shape[1]):
        assert given_[c].dtype == np.int64 and given_[c].tolist() == Y[:, c].astype(int).tolist()
        np.testing.assert_array_equal(probs_[c], np.column_stack([1 - P[:, c], P[:, c]]))


def test_per_class_ranked_v4_single_class():
    for method in ("self_confidence", "normalized_margin", "confidence_weighted_entropy"):
        idx, _, _ = find_multilabel_issues_per_class(
            V4_LABELS, np.array(V4_PROBS), return_indices_ranked_by=method)
        assert [a.tolist() for a in idx] == [[6, 1]]


def test_low_filters_ranked_are_sorted_not_scrambled():
    # The reference returns [3, 4, 7, 10] (scrambled); sorted by score it is [3, 4, 10, 7].
    for f in ("low_self_confidence", "low_normalized_margin"):
        assert issues(V2_LABELS, V2_PROBS, filter_by=f,
                      return_indices_ranked_by="self_confidence") == [3, 4, 10, 7]
        assert issues(V1_LABELS, V1_PROBS, filter_by=f,
                      return_indices_ranked_by="self_confidence") == [3, 6, 8, 9]


def test_low_filters_v3_class_without_positives():
    assert issues(V3_LABELS, V3_PROBS, filter_by="low_self_confidence") == [2]
    assert issues(V3_LABELS, V3_PROBS, filter_by="low_normalized_margin",
                  return_indices_ranked_by="self_confidence") == [2]


# ----------------------------------------------------------------------- edge cases (5)
@pytest.mark.filterwarnings("ignore:May not flag all label issues")
def test_class_with_no_positives_is_never_flagged_by_default():
    labels = [[0], [], [0], [], [0], []]
    P = np.array([[0.9, 0.99], [0.2, 0.99], [0.8, 0.1], [0.3, 0.2], [0.4, 0.3], [0.1, 0.2]])
    for f in PRUNE + ("confident_learning",):
        assert not find_multilabel_issues_per_class(labels, P, filter_by=f)[:, 1].any()
    for f in ("predicted_neq_given", "low_self_confidence"):
        with pytest.raises(ValueError, match="class 1 is never annotated"):
            find_multilabel_issues_per_class(labels, P, filter_by=f)


@pytest.mark.parametrize("filter_by", ALL)
@pytest.mark.parametrize("low_memory", [False, True])
def test_class_annotated_everywhere(filter_by, low_memory):
    labels = [[0, 1], [1], [0, 1], [1]]
    P = np.array([[0.9, 0.8], [0.2, 0.7], [0.7, 0.1], [0.3, 0.9]])
    if low_memory:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert find_multilabel_issues_per_class(
                labels, P, filter_by=filter_by, low_memory=True).shape == (4, 2)
        return
    with pytest.raises(ValueError, match="class 1 is annotated on every example"):
        find_multilabel_issues_per_class(labels, P, filter_by=filter_by)


@pytest.mark.filterwarnings("ignore:May not flag all label issues")
def test_fewer_examples_than_classes():
    labels = [[0, 2], [1]]
    P = np.array([[0.9, 0.2, 0.1, 0.7], [0.3, 0.2, 0.8, 0.4]])
    for f in PRUNE:  # every side has at most one member
        with pytest.warns(UserWarning, match="May not flag"):
            assert not find_multilabel_issues_per_class(labels, P, filter_by=f).any()
    # confident_learning has no group guard (reference output on this input).
    assert per_class(labels, P, filter_by="confident_learning") == [[], [1], [0, 1], []]
    with pytest.raises(ValueError, match="class 3 is never annotated"):
        find_label_issues(labels, P, filter_by="predicted_neq_given")
    assert find_label_issues(labels, P, return_indices_ranked_by="self_confidence").size == 0


@pytest.mark.filterwarnings("ignore:May not flag all label issues")
def test_all_label_lists_empty():
    labels = [[], [], [], []]
    P = np.array([[0.9, 0.2], [0.2, 0.8], [0.3, 0.4], [0.6, 0.1]])
    for f in PRUNE:
        with pytest.warns(UserWarning, match=r"side 'present' \(label 1\) of class\(es\) 0, 1"):
            assert not find_label_issues(labels, P, filter_by=f).any()
    with pytest.raises(ValueError, match="no annotations at all"):
        find_label_issues(labels, P, return_indices_ranked_by="self_confidence")
    with pytest.raises(ValueError, match="no annotations at all"):
        find_label_issues(labels, P, filter_by="low_self_confidence")
    with pytest.raises(ValueError, match="never annotated"):
        find_label_issues(labels, P, filter_by="predicted_neq_given")


def test_single_class_ranked_needs_two_classes():
    with pytest.raises(ValueError, match="at least 2 classes"):
        find_label_issues(V4_LABELS, np.array(V4_PROBS), return_indices_ranked_by="self_confidence")
    with pytest.raises(ValueError, match="at least 2 classes"):
        find_label_issues(V4_LABELS, np.array(V4_PROBS), filter_by="low_self_confidence")


def test_small_side_warning_names_class_and_side():
    with pytest.warns(UserWarning) as record:
        find_label_issues(V3_LABELS, np.array(V3_PROBS), filter_by="both")
    messages = [str(w.message) for w in record if "May not flag" in str(w.message)]
    assert len(messages) == 2  # one per prune pass
    assert "side 'present' (label 1) of class(es) 1, 2" in messages[0]


# ----------------------------------------------------------------------- validation
def test_invalid_filter_by_lists_valid_values():
    with pytest.raises(ValueError, match="filter_by='nope'.*'prune_by_noise_rate'"):
        find_label_issues(V1_LABELS, np.array(V1_PROBS), filter_by="nope")


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"return_indices_ranked_by": "bad"}, ValueError, "return_indices_ranked_by"),
        ({"return_indices_ranked_by": "self_confidence", "rank_by_kwargs": {"alpha": 1}},
         TypeError, "rank_by_kwargs"),
        ({"return_indices_ranked_by": "confidence_weighted_entropy",
          "rank_by_kwargs": {"adjust_pred_probs": True}}, ValueError, "not defined"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
        ({"n_jobs": 1.5}, ValueError, "n_jobs"),
        ({"frac_noise": 1.5}, ValueError, "frac_noise"),
        ({"min_examples_per_class": -1}, ValueError, "min_examples_per_class"),
        ({"num_to_remove_per_class": [1, 1]}, ValueError, "num_to_remove_per_class"),
        ({"num_to_remove_per_class": [1, -1, 1]}, ValueError, r"num_to_remove_per_class\[1\]"),
        ({"confident_joint": np.ones((3, 2))}, ValueError, "confident_joint has shape"),
        ({"filter_by": "confident_learning", "num_to_remove_per_class": [1, 1, 1]},
         ValueError, "prune rules"),
        ({"confident_joint": np.ones((3, 2, 2)), "low_memory": True}, ValueError,
         "low_memory"),
        ({"low_memory": "yes"}, TypeError, "low_memory"),
    ],
)
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        find_label_issues(V1_LABELS, np.array(V1_PROBS), **kwargs)


def test_bad_labels_and_probs_name_the_argument():
    with pytest.raises(ValueError, match="class index 3"):
        find_label_issues([[3]] + V1_LABELS[1:], np.array(V1_PROBS))
    with pytest.raises(ValueError, match="pred_probs has a value outside"):
        find_label_issues(V1_LABELS, np.array(V1_PROBS) * 2)
    with pytest.raises(ValueError, match="9 rows"):
        find_label_issues(V1_LABELS, np.array(V1_PROBS)[:9])


def test_single_label_joint_is_ignored_with_warning():
    P = np.array(V1_PROBS)
    with pytest.warns(UserWarning, match="single-label"):
        out = find_multilabel_issues_per_class(V1_LABELS, P, confident_joint=np.ones((3, 3)))
    np.testing.assert_array_equal(out, find_multilabel_issues_per_class(V1_LABELS, P))


def test_confident_learning_warns_that_joint_is_ignored():
    with pytest.warns(UserWarning, match="ignored"):
        issues_ = find_label_issues(V1_LABELS, np.array(V1_PROBS), filter_by="confident_learning",
                                    confident_joint=[[[4, 2], [1, 3]]] * 3)
    assert np.flatnonzero(issues_).tolist() == [3, 6, 8, 9]


def test_frac_noise_unused_warning():
    with pytest.warns(UserWarning, match="`frac_noise` is not used"):
        find_label_issues(V1_LABELS, np.array(V1_PROBS), filter_by="predicted_neq_given",
                          frac_noise=0.5)


# ----------------------------------------------------------------------- low_memory (3.4)
def test_low_memory_warns_and_ranks():
    P = np.array(V2_PROBS)
    with pytest.warns(UserWarning, match="`filter_by` is not used when `low_memory=True`"):
        find_label_issues(V2_LABELS, P, low_memory=True, filter_by="both")
    mask = find_multilabel_issues_per_class(V2_LABELS, P, low_memory=True)
    ranked = find_label_issues(V2_LABELS, P, low_memory=True,
                               return_indices_ranked_by="self_confidence")
    assert sorted(ranked.tolist()) == np.flatnonzero(mask.any(axis=1)).tolist()
    idx, _, _ = find_multilabel_issues_per_class(V2_LABELS, P, low_memory=True,
                                                 return_indices_ranked_by="self_confidence")
    for c, a in enumerate(idx):
        assert sorted(a.tolist()) == np.flatnonzero(mask[:, c]).tolist()
        scores = np.where(np.array([c in row for row in V2_LABELS])[a], P[a, c], 1 - P[a, c])
        assert np.all(np.diff(scores) >= 0)


# ----------------------------------------------------------------------- invariances
def test_label_forms_read_only_inputs_n_jobs_verbose(capsys):
    rng = np.random.default_rng(5)
    labels, P = random_case(rng, 60, 5)
    dense = np.zeros((60, 5), dtype=np.int8)
    for i, row in enumerate(labels):
        dense[i, row] = 1
    expected = find_multilabel_issues_per_class(labels, P)
    for form in (read_only(dense), sp.csr_matrix(dense), dense.astype(bool)):
        np.testing.assert_array_equal(
            find_multilabel_issues_per_class(form, read_only(P), n_jobs=2), expected)
    out = find_label_issues(labels, P, verbose=True)
    assert "Flagged" in capsys.readouterr().out
    np.testing.assert_array_equal(out, expected.any(axis=1))


@given(st.integers(0, 10_000), st.integers(5, 80), st.integers(1, 6))
def test_prune_rules_agree_with_default_options(seed, n, k):
    # Rule F4 (docs/architecture.rst): with the estimated joint the three prune rules coincide.
    rng = np.random.default_rng(seed)
    labels, P = random_case(rng, n, k)
    labels[0] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        masks = [find_multilabel_issues_per_class(labels, P, filter_by=f) for f in PRUNE]
        cl = find_multilabel_issues_per_class(labels, P, filter_by="confident_learning")
    np.testing.assert_array_equal(masks[0], masks[1])
    np.testing.assert_array_equal(masks[0], masks[2])
    # Every flag passes the disagreement gate.
    Y = check_labels(labels, n_classes=k).toarray()
    for m in masks + [cl]:
        assert np.all(np.where(Y, 1 - P >= P + 1e-6, P > 1 - P + 1e-6)[m])


@given(st.integers(0, 10_000), st.integers(1, 40), st.integers(1, 5))
def test_flag_smallest_matches_stable_argsort(seed, n, k):
    rng = np.random.default_rng(seed)
    key = rng.integers(0, 5, size=(k, n)).astype(float)  # many ties
    members = rng.random((k, n)) < 0.6
    u = rng.integers(-1, n + 2, size=k)
    out = flag_smallest(key, members, u)
    for r in range(k):
        idx = np.flatnonzero(members[r])
        chosen = idx[np.argsort(key[r, idx], kind="stable")][: max(u[r], 0)]
        assert np.flatnonzero(out[r]).tolist() == sorted(chosen.tolist())


def test_calibration_restores_total_on_entry_with_largest_rounding_loss():
    # E row 1 = [2.5, 7.499999999999999]: rint gives [2, 7]; the lost unit goes to
    # entry 0 (loss 0.5 > 0.4999...), as in the reference: [3, 7], not [2, 8].
    R = np.array([[[22, 17], [2, 6]]])
    C = calibrate_joint(R, np.array([[45, 10]]), 55)
    assert C.tolist() == [[[25, 20], [3, 7]]]


@pytest.mark.parametrize("seed", range(4))
def test_prune_selection_paths_agree(seed, monkeypatch):
    # The prune rules select among the gated candidates with one sort when they are
    # few, else class by class over every column; both must flag the same
    # annotations, ties (rounded probabilities) included.
    from skmlq._core import _confident_learning as cl

    rng = np.random.default_rng(seed)
    Y = rng.random((300, 4)) < 0.3
    Y[0] = False
    P = np.round(np.clip(np.where(Y, 0.7, 0.3) + rng.normal(0, 0.3, Y.shape), 0, 1), 1)
    gated = cl._gated_candidates
    masks = {}
    for path, limit in (("few", 10**9), ("chunks", -1)):
        monkeypatch.setattr(cl, "_gated_candidates",
                            lambda Y, P, _, limit=limit: gated(Y, P, limit))
        for rule in cl.PRUNE_FILTERS:
            masks[path, rule] = cl.issue_mask(Y, P, rule, frac_noise=0.7)
    for rule in cl.PRUNE_FILTERS:
        np.testing.assert_array_equal(masks["few", rule], masks["chunks", rule])
    assert masks["few", "prune_by_class"].any()
