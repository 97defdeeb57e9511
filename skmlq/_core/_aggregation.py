"""Aggregation of per-class scores into one score per example: the kernels.

:func:`resolve_aggregator` checks ``aggregator_kwargs`` once (with the helpers of
``skmlq.utils._validation``) and returns a function that aggregates one (n, K)
block of trusted per-class scores. The public, validating
``exponential_moving_average`` and ``softmin`` are in ``skmlq.rank._aggregators``.
"""

import math
from functools import lru_cache

import numpy as np

from ..utils._defaults import (
    AGGREGATORS, DEFAULT_AGGREGATOR, DEFAULT_AGGREGATOR_KWARGS, DEFAULT_TEMPERATURE,
)
from ..utils._errors import InputTypeError, InputValueError
from ..utils._validation import check_aggregated, check_positive, check_unit_interval

__all__ = [
    "check_aggregator_name", "ema_last_axis", "product_last_axis", "resolve_aggregator",
    "softmin_last_axis",
]

# Weight mass below which the largest scores may be left out of the exponential
# moving average: their contribution is bounded by it, far below float64 noise on
# a score in [0, 1] for any realistic test.
_EMA_TAIL_MASS = 1e-13


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


def ema_last_axis(s, alpha):
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
        # n_kept = log(mass) / log(1 - alpha) < K / 4, written without the division,
        # which overflows for a tiny alpha (5e-324: every term is kept).
        log_keep = math.log1p(-alpha)
        if math.log(_EMA_TAIL_MASS) > n_classes / 4 * log_keep:
            n_kept = math.ceil(math.log(_EMA_TAIL_MASS) / log_keep)
            smallest = np.sort(np.partition(s, n_kept, axis=-1)[..., : n_kept + 1], axis=-1)
            tail = np.array([(1 - alpha) ** n_kept], dtype=s.dtype)
            return smallest @ np.concatenate([weights[:n_kept], tail])
    return np.sort(s, axis=-1) @ weights


def softmin_last_axis(s, temperature):
    z = np.subtract(1, s, dtype=s.dtype)
    z /= max(temperature, 1e-6)
    z -= z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    total = z.sum(axis=-1)
    z *= s
    return z.sum(axis=-1) / total


def product_last_axis(s):
    """Product along the last axis, in the dtype of ``s``.

    For per-class probabilities that each annotation is right, the probability that
    every annotation of the example is (annotations independent given the model).
    """
    return np.prod(s, axis=-1, dtype=s.dtype)


def check_aggregator_name(method, name):
    """Check the name of a built-in aggregator (callables are handled by the caller)."""
    if not isinstance(method, str) or method not in AGGREGATORS:
        raise InputValueError(
            f"{name}={method!r} is not a valid aggregator; valid ones are "
            f"{', '.join(repr(m) for m in AGGREGATORS)} or a callable f(scores, axis=1) "
            f"returning one score per row."
        )
    return method


def resolve_aggregator(aggregator_kwargs, name="aggregator_kwargs"):
    """Validate ``aggregator_kwargs`` once and return ``aggregate(S_block) -> (n,)``.

    Parameters
    ----------
    aggregator_kwargs : dict or None
        ``{"method": name or callable, **options}``; None or ``{}`` mean
        ``DEFAULT_AGGREGATOR_KWARGS`` (``skmlq.utils._defaults``).

    Returns
    -------
    aggregate : callable
        Maps a (n, K) block of per-class scores to (n,) aggregated scores. Its
        ``spec`` attribute, ``(name, option)``, tells the sparse core which closed
        form applies (``("callable", func)`` for a callable it has none for).
    """
    if aggregator_kwargs is None:
        aggregator_kwargs = DEFAULT_AGGREGATOR_KWARGS
    if not isinstance(aggregator_kwargs, dict):  # also [], "" and 0: not "the default"
        raise InputTypeError(
            f"{name} must be a dict such as {DEFAULT_AGGREGATOR_KWARGS!r} (or None for "
            f"that default); got {aggregator_kwargs!r} of type "
            f"{type(aggregator_kwargs).__name__}."
        )
    if not aggregator_kwargs:
        aggregator_kwargs = DEFAULT_AGGREGATOR_KWARGS
    options = dict(aggregator_kwargs)
    method = options.pop("method", DEFAULT_AGGREGATOR)
    if callable(method):
        if "axis" in options:
            raise InputValueError(
                f"{name} must not contain 'axis': the aggregator is always called "
                f"with axis=1 on the (n_samples, n_classes) score matrix."
            )
        aggregate = _callable_aggregator(method, options)
        # numpy's min and mean have closed forms on sparse scores (``_sparse``); any
        # other callable is given the implied dense rows.
        known = _KNOWN_CALLABLES.get(id(method)) if not options else None
        aggregate.spec = (known, None) if known else ("callable", method)
        return aggregate
    check_aggregator_name(method, f"{name}['method']")
    allowed = AGGREGATORS[method]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise InputTypeError(
            f"{name} has unknown option(s) {unknown} for method {method!r}; "
            f"accepted: {list(allowed)}."
        )
    if method == "softmin":
        temperature = check_positive(options.get("temperature", DEFAULT_TEMPERATURE), "temperature")

        def aggregate(S):
            return softmin_last_axis(S, temperature)

        aggregate.spec = (method, temperature)
    elif method == "product":

        def aggregate(S):
            return product_last_axis(S)

        aggregate.spec = (method, None)
    else:
        alpha = check_unit_interval(options.get("alpha"), "alpha", allow_none=True)

        def aggregate(S):
            return ema_last_axis(S, 2.0 / (S.shape[1] + 1) if alpha is None else alpha)

        aggregate.spec = (method, alpha)

    # Built-in aggregators keep no state, so row blocks may run on several threads.
    aggregate.thread_safe = True
    return aggregate


# Callables whose row reduction the sparse core computes in closed form, by identity.
_KNOWN_CALLABLES = {id(np.min): "min", id(np.amin): "min", id(np.mean): "mean"}


def _callable_aggregator(func, options):
    def aggregate(S):
        try:
            result = func(S, axis=1, **options)
        except (TypeError, ValueError) as exc:  # e.g. a function without axis=
            raise InputTypeError(
                f"the aggregator {getattr(func, '__name__', func)!r} failed on scores of "
                f"shape {S.shape} ({type(exc).__name__}: {exc}); it is called as "
                f"f(scores, axis=1, **options) and must return one score per row."
            ) from exc
        return check_aggregated(result, func, S.shape)

    return aggregate
