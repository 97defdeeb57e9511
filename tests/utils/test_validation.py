"""Boundary checks of pred_probs and scoring options (skmlq.utils._validation, _blocks)."""

import numpy as np
import pytest

from skmlq.utils._blocks import row_blocks
from skmlq.utils._validation import (
    METHODS,
    check_method,
    check_positive,
    check_pred_probs,
    check_unit_interval,
)

from .._helpers import read_only


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_input_kept_without_copy(dtype):
    P = read_only(np.full((3, 2), 0.5, dtype=dtype))
    out = check_pred_probs(P)
    assert out is P and out.dtype == dtype


@pytest.mark.parametrize("dtype", [bool, np.int8, np.uint8, np.int64, np.float16])
def test_other_numeric_input_becomes_float64(dtype):
    out = check_pred_probs(np.array([[0, 1], [1, 0]], dtype=dtype))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[0, 1], [1, 0]])


def test_nested_lists_and_non_contiguous():
    np.testing.assert_array_equal(check_pred_probs([[0.5, 0.25]]), [[0.5, 0.25]])
    P = np.asfortranarray(np.linspace(0, 1, 12).reshape(4, 3))
    assert check_pred_probs(P[:, ::2]).base is not None  # a view, not a copy


@pytest.mark.parametrize(
    "value, what",
    [(np.nan, "non-finite value (nan)"), (np.inf, "non-finite value (inf)"),
     (-np.inf, "non-finite value (-inf)"), (-0.01, "value outside"),
     (1.0001, "value outside"), (2.0, "value outside [0, 1] (2.0)")],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bad_values_name_row_and_column(value, what, dtype):
    P = np.full((5, 4), 0.5, dtype=dtype)
    P[3, 2] = value
    P[4, 3] = value  # only the first offending cell is reported
    with pytest.raises(ValueError) as info:
        check_pred_probs(P)
    assert f"pred_probs has a {what}" in str(info.value)
    assert "at row 3, column 2; probabilities must be finite and in [0, 1]" in str(info.value)


def test_float64_just_above_one_is_rejected():
    with pytest.raises(ValueError, match="row 0, column 0"):
        check_pred_probs(np.array([[1.0 + 1e-12]]))


def test_bad_value_in_a_later_block_gives_global_row():
    P = np.full((2**17, 16), 0.5)
    P[100_000, 7] = np.nan
    with pytest.raises(ValueError, match="row 100000, column 7"):
        check_pred_probs(P)


@pytest.mark.parametrize(
    "P, exc, fragment",
    [
        (np.array([0.1, 0.2]), ValueError, r"shape \(2,\); expected a 2-D array"),
        (np.zeros((2, 2, 2)), ValueError, r"shape \(2, 2, 2\); expected a 2-D"),
        (np.zeros((3, 0)), ValueError, "no columns"),
        (np.array([["a", "b"]]), TypeError, "dtype <U1; expected a numeric"),
        (np.array([[1 + 0j]]), TypeError, "dtype complex128"),
        ([[0.1, 0.2], [0.3]], ValueError, "could not be read as an array"),
    ],
)
def test_bad_shapes_and_types(P, exc, fragment):
    with pytest.raises(exc, match=fragment) as info:
        check_pred_probs(P)
    assert "pred_probs" in str(info.value)


def test_check_method_lists_valid_methods():
    for method in METHODS:
        assert check_method(method) == method
    for bad in ("foo", None, 1, "Self_Confidence"):
        with pytest.raises(ValueError) as info:
            check_method(bad)
        message = str(info.value)
        assert f"method={bad!r}" in message
        assert all(repr(m) in message for m in METHODS)


def test_check_unit_interval_and_positive():
    assert check_unit_interval(0, "alpha") == 0.0
    assert check_unit_interval(np.float32(1), "alpha") == 1.0
    assert check_unit_interval(None, "alpha", allow_none=True) is None
    for bad in (-0.1, 1.1, np.nan, "0.5", True, None):
        with pytest.raises(ValueError, match=r"alpha=.* is invalid; expected a number in \[0, 1\]"):
            check_unit_interval(bad, "alpha")
    assert check_positive(0.5, "temperature") == 0.5
    for bad in (0, -1, np.nan, "1", False):
        with pytest.raises(ValueError, match=r"temperature=.* is invalid; expected a number > 0"):
            check_positive(bad, "temperature")


@pytest.mark.parametrize("n, k", [(0, 5), (1, 1), (10, 3), (1000, 2000), (5000, 7)])
def test_row_blocks_cover_all_rows(n, k):
    blocks = row_blocks(n, k, block_elements=4096)
    rows = [i for start, stop in blocks for i in range(start, stop)]
    assert rows == list(range(n))
    assert all(stop - start >= 1 for start, stop in blocks)
    assert all((stop - start) * k <= max(4096, k) for start, stop in blocks)
