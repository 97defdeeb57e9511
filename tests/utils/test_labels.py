"""Conversion of every accepted ``labels`` form (skmlq.utils._labels)."""

from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq.utils._labels import (
    check_labels, indicator_block, labels_to_indicator, positives_per_class,
)

from .._helpers import read_only

EXPECTED = np.array(
    [[0, 1, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0], [0, 1, 1, 1]],
    dtype=bool,
)
LISTS = [[1], [0, 2], [], [1, 2, 3]]


def dense(Y):
    return Y.toarray() if sp.issparse(Y) else np.asarray(Y, dtype=bool)


@pytest.mark.parametrize(
    "labels",
    [
        LISTS,
        tuple(tuple(row) for row in LISTS),
        [np.array(row, dtype=np.int64) for row in LISTS],
        [[np.int32(v) for v in row] for row in LISTS],
        [[np.uint8(v) for v in row] for row in LISTS],
        np.array([np.array(row) for row in LISTS], dtype=object),  # ragged object array
        [[1, 1], [2, 0, 2], [], [3, 1, 2, 3]],  # duplicates and unsorted
    ],
    ids=["lists", "tuples", "arrays", "int32", "uint8", "ragged-object", "duplicates"],
)
def test_list_forms(labels):
    Y = check_labels(labels, n_samples=4, n_classes=4)
    assert sp.issparse(Y) and Y.dtype == bool and Y.has_canonical_format
    np.testing.assert_array_equal(dense(Y), EXPECTED)


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "lil", "csr_array"])
def test_sparse_forms(fmt):
    if fmt == "csr_array":
        Y_in = sp.csr_array(EXPECTED.astype(np.int8))
    else:
        Y_in = sp.csr_matrix(EXPECTED.astype(np.float64)).asformat(fmt)
    Y = check_labels(Y_in, n_samples=4, n_classes=4)
    assert sp.issparse(Y) and Y.format == "csr" and Y.dtype == bool
    np.testing.assert_array_equal(dense(Y), EXPECTED)


def test_non_canonical_sparse_is_not_modified():
    # Duplicate entry (0, 1) twice with value 1 each -> 2 would be invalid if summed, so the
    # canonical meaning of a duplicated 1 is "annotated"; explicit zeros mean "absent".
    data = np.array([1, 0, 1, 1, 1, 1], dtype=np.int64)
    indices = np.array([1, 3, 0, 2, 1, 1], dtype=np.int32)
    indptr = np.array([0, 2, 4, 4, 6])
    Y_in = sp.csr_matrix((data, indices, indptr), shape=(4, 4))
    assert not Y_in.has_canonical_format
    before = (Y_in.data.copy(), Y_in.indices.copy(), Y_in.indptr.copy())
    Y = check_labels(Y_in, n_classes=4)
    expected = np.zeros((4, 4), dtype=bool)
    expected[0, 1] = expected[1, 0] = expected[1, 2] = expected[3, 1] = True
    np.testing.assert_array_equal(dense(Y), expected)
    assert Y.nnz == 4  # explicit zero gone, duplicates merged
    for a, b in zip(before, (Y_in.data, Y_in.indices, Y_in.indptr)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", [bool, np.int8, np.int64, np.uint16, np.float32, np.float64])
def test_dense_indicator_returned_unchanged(dtype):
    Y_in = read_only(EXPECTED.astype(dtype))
    Y = check_labels(Y_in, n_samples=4, n_classes=4)
    assert Y is Y_in or np.shares_memory(Y, Y_in)  # never copied
    np.testing.assert_array_equal(indicator_block(Y, 0, 4), EXPECTED)
    assert indicator_block(Y, 1, 3).dtype == bool


def test_all_empty_and_empty_dataset():
    Y = check_labels([[], [], []], n_samples=3, n_classes=5)
    assert Y.shape == (3, 5) and Y.nnz == 0
    Y = check_labels([], n_samples=0, n_classes=5)
    assert Y.shape == (0, 5)
    Y = check_labels(np.zeros((0, 5)), n_samples=0, n_classes=5)
    assert Y.shape == (0, 5)
    np.testing.assert_array_equal(positives_per_class(Y), np.zeros(5, dtype=np.int64))


def test_inferred_number_of_classes():
    assert check_labels([[1], [0, 4]]).shape == (2, 5)
    assert check_labels([[], []]).shape == (2, 0)
    assert check_labels(np.zeros((2, 3), dtype=bool)).shape == (2, 3)


@pytest.mark.parametrize("as_sparse", [False, True])
def test_positives_per_class(as_sparse):
    Y = check_labels(sp.csr_matrix(EXPECTED) if as_sparse else EXPECTED, n_classes=4)
    counts = positives_per_class(Y)
    assert counts.dtype == np.int64
    np.testing.assert_array_equal(counts, EXPECTED.sum(axis=0))


def test_labels_to_indicator():
    for labels in (LISTS, EXPECTED.astype(int), sp.csc_matrix(EXPECTED)):
        out = labels_to_indicator(labels, n_classes=4)
        assert out.dtype == bool
        np.testing.assert_array_equal(out, EXPECTED)
    original = EXPECTED.astype(int)
    labels_to_indicator(original)[0, 0] = True  # a copy: the input is not touched
    assert original[0, 0] == 0


@pytest.mark.parametrize(
    "labels, exc, fragments",
    [
        ([[0], [1.5]], TypeError, ["labels[1]", "1.5", "integers in [0, 3)"]),
        ([[0], [1.0]], TypeError, ["labels[1]", "1.0"]),
        ([[0], ["a"]], TypeError, ["labels[1]", "'a'"]),
        ([[True], [False]], TypeError, ["labels[0]", "True", "bool"]),
        ([[0], [], [None]], TypeError, ["labels[2]", "None"]),
        ([[0], [1, [2]]], TypeError, ["labels[1]", "[2]"]),
        ([[0], 2], TypeError, ["labels[1]", "list of class indices", "[[c] for c in labels]"]),
        ([[0], "ab"], TypeError, ["labels[1]", "'ab'", "str"]),
        ([[0], [3]], ValueError, ["labels[1]", "class index 3", "[0, 3)"]),
        ([[0], [], [-1]], ValueError, ["labels[2]", "class index -1", "[0, 3)"]),
        ([[0], [2**70]], ValueError, ["labels[1]", str(2**70), "[0, 3)"]),
        ([[0], [1, np.float64(2.0)]], TypeError, ["labels[1]", "2.0", "float64"]),
        ([[1], [], [Fraction(2, 1)]], TypeError, ["labels[2]", "Fraction"]),
        ([[0], [np.uint64(2**63)]], ValueError, ["labels[1]", str(2**63)]),
        ([[np.True_], [0]], TypeError, ["labels[0]", "True", "bool"]),
        (np.array([0, 1]), ValueError, ["labels", "shape (2,)", "[[c] for c in labels]"]),
        (np.array([["a", "b", "c"]] * 2), TypeError, ["labels", "dtype <U1", "0/1"]),
    ],
)
def test_bad_lists_and_arrays(labels, exc, fragments):
    with pytest.raises(exc) as info:
        check_labels(labels, n_classes=3)
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.mark.parametrize("to_sparse", [False, True])
@pytest.mark.parametrize("value", [2, -1, 0.5])
def test_indicator_values_other_than_0_1(to_sparse, value):
    Y = np.zeros((4, 3))
    Y[2, 1] = value
    Y[0, 0] = 1
    if to_sparse:
        Y = sp.csr_matrix(Y)
    with pytest.raises(ValueError, match=r"labels has value .* at row 2, column 1.* 0 and 1"):
        check_labels(Y, n_classes=3)


@pytest.mark.parametrize("to_sparse", [False, True])
def test_indicator_shape_mismatch(to_sparse):
    Y = np.zeros((4, 2), dtype=bool)
    Y = sp.csr_matrix(Y) if to_sparse else Y
    with pytest.raises(ValueError, match=r"labels .*shape \(4, 2\).*pred_probs has 3 columns"):
        check_labels(Y, n_samples=4, n_classes=3)
    with pytest.raises(ValueError, match="labels has 4 examples but pred_probs has 5 rows"):
        check_labels(Y, n_samples=5, n_classes=2)


def test_list_length_mismatch_and_custom_name():
    with pytest.raises(ValueError, match="given has 2 examples but pred_probs has 3 rows"):
        check_labels([[0], [1]], n_samples=3, n_classes=2, name="given")


def test_bools_mixed_with_indices_are_rejected():
    # A bool among class indices is a mistake (an indicator row pasted into a list),
    # not class 0 or 1: reading it as an index would be a silent wrong answer.
    with pytest.raises(TypeError, match=r"labels\[1\] contains True of type bool"):
        check_labels([[0], [2, True]], n_classes=3)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_indicator_block_of_sparse_rows(fmt):
    rng = np.random.default_rng(0)
    dense_in = rng.random((50, 7)) < 0.3
    Y = sp.csr_matrix(dense_in).asformat(fmt)
    for start, stop in [(0, 50), (0, 1), (13, 29), (49, 50), (20, 20)]:
        block = indicator_block(Y, start, stop)
        assert block.dtype == bool
        np.testing.assert_array_equal(block, dense_in[start:stop])
    # A stored False (canonical bool matrix, explicit zero) stays False.
    Y = sp.csr_matrix((np.array([True, False, True]), [0, 1, 1], [0, 2, 2, 3]), shape=(3, 2))
    np.testing.assert_array_equal(indicator_block(Y, 0, 3), [[1, 0], [0, 0], [0, 1]])
