"""Aggregation of per-class scores into one score per example."""

from functools import lru_cache

import numpy as np

from ._validation import check_positive, check_unit_interval

__all__ = [
    "AGGREGATORS",
    "DEFAULT_AGGREGATOR_KWARGS",
    "exponential_moving_average",
    "resolve_aggregator",
    "softmin",
]

DEFAULT_AGGREGATOR_KWARGS = {"method": "exponential_moving_average", "alpha": 0.8}
# Weight mass below which the largest scores may be left out of the exponential
# moving average: their contribution is bounded by it, far below float64 noise on
# a score in [0, 1] for any realistic test.
_EMA_TAIL_MASS = 1e-13


def _check_scores(s, name="s"):
    s = np.asarray(s)
    if s.dtype.kind not in "biuf":
        raise TypeError(f"{name} has dtype {s.dtype}; expected a numeric array of scores.")
    if s.ndim == 0:
        raise ValueError(f"{name} is a scalar; expected an array of scores.")
    if s.dtype.kind != "f":
        s = s.astype(np.float64)
    return s


@lru_cache(maxsize=64)
def _ema_weights(n_classes, alpha, dtype):
    """Weights of the closed-form EMA on scores sorted ascending (read-only, cached:
    the scoring loop asks for the same weights once per row block)."""
    j = np.arange(n_classes, dtype=np.float64)
    weights = alpha * (1 - alpha) ** j
    weights[-1] = (1 - alpha) ** (n_classes - 1)
    weights = weights.astype(dtype, copy=False)
    weights.setflags(write=False)
    return weights


def _ema_last_axis(s, alpha):
    """EMA along the last axis of a float array; ``alpha`` already resolved."""
    n_classes = s.shape[-1]
    if alpha == 1:  # all weight on the smallest score
        return s.min(axis=-1)
    if alpha == 0:  # all weight on the largest score
        return s.max(axis=-1)
    weights = _ema_weights(n_classes, alpha, s.dtype)
    if 0 < alpha < 1:
        # Only the smallest scores carry weight: the ``n_kept`` smallest get
        # 1 - (1 - alpha)**n_kept of it. A partial selection then replaces the full
        # sort, and the rest is represented by the next-smallest score, which is off
        # by at most the (tiny) remaining mass.
        n_kept = int(np.ceil(np.log(_EMA_TAIL_MASS) / np.log1p(-alpha)))
        if 4 * n_kept < n_classes:
            smallest = np.sort(np.partition(s, n_kept, axis=-1)[..., : n_kept + 1], axis=-1)
            tail = np.array([(1 - alpha) ** n_kept], dtype=s.dtype)
            return smallest @ np.concatenate([weights[:n_kept], tail])
    return np.sort(s, axis=-1) @ weights


def exponential_moving_average(s, *, alpha=None, axis=1):
    r"""Aggregate scores by an exponential moving average over their sorted values.

    The scores along ``axis`` are sorted from largest to smallest,
    :math:`s_{(1)} \ge \dots \ge s_{(K)}`, and combined as
    :math:`E_1 = s_{(1)}`, :math:`E_t = \alpha s_{(t)} + (1 - \alpha) E_{t-1}`; the
    result is :math:`E_K`. The smallest score weighs most, so one bad class
    annotation pulls the example's score down.

    Parameters
    ----------
    s : array-like of shape (n_samples, n_classes)
        Scores to aggregate, typically per-class label quality scores in [0, 1].
    alpha : float in [0, 1] or None, default=None
        Forgetting factor. None means ``2 / (K + 1)``. ``alpha=1`` gives the
        minimum, ``alpha=0`` the maximum.
    axis : int, default=1
        Axis along which to aggregate.

    Returns
    -------
    aggregated : ndarray
        ``s`` with ``axis`` removed; float32 for float32 input, float64 otherwise.

    See Also
    --------
    softmin : A smooth minimum, the other built-in aggregator.

    Notes
    -----
    Computed in closed form: weight :math:`(1-\alpha)^{K-1}` on :math:`s_{(1)}` and
    :math:`\alpha (1-\alpha)^{K-t}` on :math:`s_{(t)}` for :math:`t \ge 2`. When
    the weights of the largest scores add up to less than 1e-13, they are not
    sorted at all (a partial selection replaces the sort).

    Examples
    --------
    >>> import numpy as np
    >>> from skmlq.rank import exponential_moving_average
    >>> s = np.array([[0.9, 0.2, 0.8], [0.5, 0.5, 0.5]])
    >>> exponential_moving_average(s, alpha=0.8)
    array([0.324, 0.5  ])
    >>> exponential_moving_average(s, alpha=1.0)  # the row minimum
    array([0.2, 0.5])
    """
    s = _check_scores(s)
    alpha = check_unit_interval(alpha, "alpha", allow_none=True)
    s = np.moveaxis(s, axis, -1)
    if s.shape[-1] == 0:
        raise ValueError("s has no scores along axis; expected at least one class.")
    if alpha is None:
        alpha = 2.0 / (s.shape[-1] + 1)
    return _ema_last_axis(s, alpha)


def _softmin_last_axis(s, temperature):
    z = np.subtract(1, s, dtype=s.dtype)
    z /= max(temperature, 1e-6)
    z -= z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    total = z.sum(axis=-1)
    z *= s
    return z.sum(axis=-1) / total


def softmin(s, *, temperature=0.1, axis=1):
    r"""Aggregate scores by a softmin: a softmax-weighted average favouring small scores.

    With weights :math:`w = \mathrm{softmax}((1 - s) / T)` along ``axis``, the
    result is :math:`\sum_k w_k s_k`.

    Parameters
    ----------
    s : array-like of shape (n_samples, n_classes)
        Scores to aggregate, typically per-class label quality scores in [0, 1].
    temperature : float > 0, default=0.1
        Smaller values move the result towards the minimum, larger ones towards
        the mean. Values below 1e-6 are treated as 1e-6.
    axis : int, default=1
        Axis along which to aggregate.

    Returns
    -------
    aggregated : ndarray
        ``s`` with ``axis`` removed; float32 for float32 input, float64 otherwise.

    See Also
    --------
    exponential_moving_average : The default aggregator.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlq.rank import softmin
    >>> s = np.array([[0.9, 0.2, 0.8], [0.5, 0.5, 0.5]])
    >>> softmin(s, temperature=0.1).round(4)
    array([0.2021, 0.5   ])
    """
    s = _check_scores(s)
    temperature = check_positive(temperature, "temperature")
    s = np.moveaxis(s, axis, -1)
    if s.shape[-1] == 0:
        raise ValueError("s has no scores along axis; expected at least one class.")
    return _softmin_last_axis(s, temperature)


AGGREGATORS = {
    "exponential_moving_average": ("alpha",),
    "softmin": ("temperature",),
}


def resolve_aggregator(aggregator_kwargs, name="aggregator_kwargs"):
    """Validate ``aggregator_kwargs`` once and return ``aggregate(S_block) -> (n,)``.

    Parameters
    ----------
    aggregator_kwargs : dict or None
        ``{"method": name or callable, **options}``; None or ``{}`` mean the default
        ``{"method": "exponential_moving_average", "alpha": 0.8}``.

    Returns
    -------
    aggregate : callable
        Maps a (n, K) block of per-class scores to (n,) aggregated scores.
    """
    if aggregator_kwargs is None or len(aggregator_kwargs) == 0:
        aggregator_kwargs = DEFAULT_AGGREGATOR_KWARGS
    if not isinstance(aggregator_kwargs, dict):
        raise TypeError(
            f"{name} must be a dict such as {DEFAULT_AGGREGATOR_KWARGS!r}; "
            f"got {type(aggregator_kwargs).__name__}."
        )
    options = dict(aggregator_kwargs)
    method = options.pop("method", "exponential_moving_average")
    if callable(method):
        if "axis" in options:
            raise ValueError(
                f"{name} must not contain 'axis': the aggregator is always called "
                f"with axis=1 on the (n_samples, n_classes) score matrix."
            )
        return _callable_aggregator(method, options)
    if not isinstance(method, str) or method not in AGGREGATORS:
        raise ValueError(
            f"{name}['method']={method!r} is not a valid aggregator; valid ones are "
            f"{', '.join(repr(m) for m in AGGREGATORS)} or a callable f(scores, axis=1)."
        )
    allowed = AGGREGATORS[method]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise TypeError(
            f"{name} has unknown option(s) {unknown} for method {method!r}; "
            f"accepted: {list(allowed)}."
        )
    if method == "softmin":
        temperature = check_positive(options.get("temperature", 0.1), "temperature")

        def aggregate(S):
            return _softmin_last_axis(S, temperature)

    else:
        alpha = check_unit_interval(options.get("alpha"), "alpha", allow_none=True)

        def aggregate(S):
            return _ema_last_axis(S, 2.0 / (S.shape[1] + 1) if alpha is None else alpha)

    # Built-in aggregators keep no state, so row blocks may run on several threads.
    aggregate.thread_safe = True
    return aggregate


def _callable_aggregator(func, options):
    def aggregate(S):
        result = np.asarray(func(S, axis=1, **options))
        if result.shape != (S.shape[0],):
            raise ValueError(
                f"the aggregator {getattr(func, '__name__', func)!r} returned shape "
                f"{result.shape} for scores of shape {S.shape}; it must reduce axis=1 "
                f"and return one score per example, shape ({S.shape[0]},)."
            )
        return result

    return aggregate
