"""Aggregators of per-class scores (skmlq._core._aggregation, skmlq.rank._aggregators)."""

import numpy as np
import pytest

from skmlq._core._aggregation import resolve_aggregator
from skmlq.utils._defaults import DEFAULT_AGGREGATOR_KWARGS
from skmlq.rank import exponential_moving_average, softmin

from .._helpers import read_only


def ema_recursion(row, alpha):
    """The EMA exactly as the spec states it: a loop over the descending scores."""
    ordered = np.sort(row)[::-1]
    value = ordered[0]
    for s in ordered[1:]:
        value = alpha * s + (1 - alpha) * value
    return value


def softmin_direct(row, temperature):
    z = (1 - row) / max(temperature, 1e-6)
    w = np.exp(z - z.max())
    return float(np.sum(row * w / w.sum()))


@pytest.mark.parametrize("k", [1, 2, 3, 17, 80, 300])
@pytest.mark.parametrize("alpha", [None, 0.0, 0.05, 0.3, 0.8, 0.99, 1.0])
def test_ema_matches_recursion(k, alpha):
    rng = np.random.default_rng(k)
    s = rng.random((20, k))
    s[0] = 0.5  # all ties
    s[1, : k // 2] = 0.25  # partial ties
    effective = 2 / (k + 1) if alpha is None else alpha
    expected = [ema_recursion(row, effective) for row in s]
    got = exponential_moving_average(read_only(s), alpha=alpha)
    assert got.shape == (20,) and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_ema_partial_selection_is_exact_for_large_k():
    # alpha=0.8 with K=1000 uses a partial selection instead of a full sort.
    rng = np.random.default_rng(1)
    s = rng.random((50, 1000))
    s[:, 500] = 0.0  # a single zero among large values
    expected = [ema_recursion(row, 0.8) for row in s]
    np.testing.assert_allclose(exponential_moving_average(s, alpha=0.8), expected, atol=1e-12)


def test_ema_extremes():
    rng = np.random.default_rng(2)
    s = rng.random((30, 9))
    np.testing.assert_array_equal(exponential_moving_average(s, alpha=1.0), s.min(axis=1))
    np.testing.assert_array_equal(exponential_moving_average(s, alpha=0.0), s.max(axis=1))


def test_axis_and_dtypes():
    rng = np.random.default_rng(3)
    s = rng.random((6, 4))
    np.testing.assert_allclose(
        exponential_moving_average(s.T, alpha=0.4, axis=0),
        exponential_moving_average(s, alpha=0.4), atol=1e-15,
    )
    np.testing.assert_allclose(softmin(s.T, axis=0), softmin(s), atol=1e-15)
    s32 = s.astype(np.float32)
    assert exponential_moving_average(s32).dtype == np.float32
    assert softmin(s32).dtype == np.float32
    np.testing.assert_allclose(softmin(s32), softmin(s), atol=1e-6)
    ints = np.array([[0, 1, 1]])
    assert exponential_moving_average(ints, alpha=0.5).dtype == np.float64
    np.testing.assert_allclose(exponential_moving_average(ints, alpha=0.5), [0.5])
    # one row as a 1-D array along axis 0
    np.testing.assert_allclose(
        exponential_moving_average(s[0], alpha=0.4, axis=0),
        exponential_moving_average(s[:1], alpha=0.4)[0],
    )


@pytest.mark.parametrize("temperature", [1e-9, 0.05, 0.1, 1.0, 50.0])
def test_softmin_matches_direct_formula(temperature):
    rng = np.random.default_rng(4)
    s = rng.random((25, 7))
    expected = [softmin_direct(row, temperature) for row in s]
    np.testing.assert_allclose(softmin(s, temperature=temperature), expected, atol=1e-12)


def test_softmin_small_temperature_tends_to_min():
    s = np.array([[0.9, 0.2, 0.8]])
    np.testing.assert_allclose(softmin(s, temperature=1e-9), [0.2], atol=1e-12)
    np.testing.assert_allclose(softmin(s, temperature=1e6), [s.mean()], atol=1e-6)


@pytest.mark.parametrize("bad", [-0.1, 1.5, np.nan, "0.3", True])
def test_ema_alpha_out_of_range(bad):
    with pytest.raises(ValueError, match=r"alpha=.*expected a number in \[0, 1\] or None"):
        exponential_moving_average(np.ones((2, 2)), alpha=bad)
    with pytest.raises(ValueError, match=r"alpha="):
        resolve_aggregator({"method": "exponential_moving_average", "alpha": bad})


@pytest.mark.parametrize("bad", [0, -1.0, np.nan, "0.1"])
def test_softmin_temperature_not_positive(bad):
    with pytest.raises(ValueError, match=r"temperature=.*expected a number > 0"):
        softmin(np.ones((2, 2)), temperature=bad)
    with pytest.raises(ValueError, match=r"temperature="):
        resolve_aggregator({"method": "softmin", "temperature": bad})


def test_bad_score_arrays():
    with pytest.raises(TypeError, match="s has dtype <U1"):
        softmin(np.array([["a"]]))
    with pytest.raises(ValueError, match="s is a scalar"):
        exponential_moving_average(0.5)
    with pytest.raises(ValueError, match="no scores along axis"):
        exponential_moving_average(np.ones((3, 0)))
    with pytest.raises(ValueError, match="no scores along axis"):
        softmin(np.ones((3, 0)))


def test_resolve_default_and_ema_without_alpha():
    s = np.random.default_rng(5).random((8, 5))
    default = exponential_moving_average(s, alpha=0.8)
    for kwargs in (None, {}, DEFAULT_AGGREGATOR_KWARGS, {"alpha": 0.8}):
        np.testing.assert_array_equal(resolve_aggregator(kwargs)(s), default)
    np.testing.assert_array_equal(
        resolve_aggregator({"method": "exponential_moving_average"})(s),
        exponential_moving_average(s, alpha=None),
    )
    np.testing.assert_array_equal(
        resolve_aggregator({"method": "softmin", "temperature": 0.5})(s),
        softmin(s, temperature=0.5),
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_product_multiplies_the_scores_in_their_dtype(dtype):
    s = np.random.default_rng(8).random((8, 5)).astype(dtype)
    got = resolve_aggregator({"method": "product"})(s)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, [np.prod(row.astype(np.float64)) for row in s],
                               rtol=1e-6 if dtype == np.float32 else 1e-14)
    # a zero score (an annotation surely wrong) makes the example's score 0
    s[3, 2] = 0
    assert resolve_aggregator({"method": "product"})(s)[3] == 0


def test_product_is_one_minus_the_error_probability_with_noise_posterior():
    from skmlq import get_label_quality_scores
    from skmlq.rank import get_cooccurrence_params, get_label_error_probabilities

    rng = np.random.RandomState(0)
    labels = rng.random_sample((300, 5)) < 0.3
    pred_probs = np.clip(labels * 0.7 + rng.random_sample((300, 5)) * 0.3, 0, 1)
    params = get_cooccurrence_params(labels, pred_probs)
    scores = get_label_quality_scores(labels, pred_probs, method="noise_posterior",
                                      aggregator_kwargs={"method": "product"},
                                      cooccurrence_params=params)
    example, _ = get_label_error_probabilities(labels, pred_probs, cooccurrence_params=params)
    np.testing.assert_allclose(scores, 1 - example, atol=1e-12)


def test_resolve_callable():
    s = np.random.default_rng(6).random((8, 5))
    np.testing.assert_array_equal(resolve_aggregator({"method": np.min})(s), s.min(axis=1))
    np.testing.assert_allclose(
        resolve_aggregator({"method": np.quantile, "q": 0.25})(s),
        np.quantile(s, 0.25, axis=1),
    )


@pytest.mark.parametrize(
    "func, shape",
    [
        (lambda s, axis: s, r"\(8, 5\)"),
        (lambda s, axis: s.min(), r"\(\)"),
        (lambda s, axis: s.min(axis=0), r"\(5,\)"),
        (lambda s, axis: s.min(axis=axis)[:-1], r"\(7,\)"),
    ],
)
def test_callable_wrong_shape(func, shape):
    aggregate = resolve_aggregator({"method": func})
    with pytest.raises(ValueError, match=rf"returned shape {shape} .*shape \(8,\)"):
        aggregate(np.random.default_rng(7).random((8, 5)))


def test_resolve_errors():
    with pytest.raises(ValueError) as info:
        resolve_aggregator({"method": "mean"})
    message = str(info.value)
    assert "aggregator_kwargs['method']='mean'" in message
    assert "'exponential_moving_average'" in message and "'softmin'" in message
    assert "callable" in message
    with pytest.raises(TypeError, match=r"unknown option\(s\) \['temperature'\].*\['alpha'\]"):
        resolve_aggregator({"method": "exponential_moving_average", "temperature": 1})
    with pytest.raises(TypeError, match=r"unknown option\(s\) \['alpha'\].*\['temperature'\]"):
        resolve_aggregator({"method": "softmin", "alpha": 1})
    with pytest.raises(TypeError, match=r"unknown option\(s\) \['temperature'\].*\[\]"):
        resolve_aggregator({"method": "product", "temperature": 1})
    with pytest.raises(ValueError, match="must not contain 'axis'"):
        resolve_aggregator({"method": np.min, "axis": 0})
    with pytest.raises(TypeError, match="aggregator_kwargs must be a dict"):
        resolve_aggregator([("method", "softmin")])
