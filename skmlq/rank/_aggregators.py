"""The public aggregators of per-class scores (validating wrappers of the kernels)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._core._aggregation import ema_last_axis, softmin_last_axis
from ..utils._defaults import DEFAULT_TEMPERATURE
from ..utils._docstrings import fill_doc
from ..utils._errors import InputTypeError, InputValueError
from ..utils._validation import check_positive, check_unit_interval

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["exponential_moving_average", "softmin"]


_SCORES_DOC = """s : array-like of shape (n_samples, n_classes)
        Scores to aggregate, typically per-class label quality scores in [0, 1]."""

_AXIS_RETURNS_DOC = """axis : int, default=1
        Axis along which to aggregate.

    Returns
    -------
    aggregated : ndarray
        ``s`` with ``axis`` removed; float32 for float32 input, float64 otherwise."""


def _check_scores(s, name="s"):
    s = np.asarray(s)
    if s.dtype.kind not in "biuf":
        raise InputTypeError(f"{name} has dtype {s.dtype}; expected a numeric array of scores.")
    if s.ndim == 0:
        raise InputValueError(f"{name} is a scalar; expected an array of scores.")
    if s.dtype.kind != "f":
        s = s.astype(np.float64)
    return s


def _axis_last(s, axis):
    """``s`` with the aggregated axis last, checked to hold at least one score."""
    s = np.moveaxis(s, axis, -1)
    if s.shape[-1] == 0:
        raise InputValueError("s has no scores along axis; expected at least one class.")
    return s


def exponential_moving_average(
    s: ArrayLike, *, alpha: float | None = None, axis: int = 1
) -> np.ndarray:
    r"""Aggregate scores by an exponential moving average over their sorted values.

    The scores along ``axis`` are sorted from largest to smallest,
    :math:`s_{{(1)}} \ge \dots \ge s_{{(K)}}`, and combined as
    :math:`E_1 = s_{{(1)}}`, :math:`E_t = \alpha s_{{(t)}} + (1 - \alpha) E_{{t-1}}`; the
    result is :math:`E_K`. The smallest score weighs most, so one bad class
    annotation pulls the example's score down.

    Parameters
    ----------
    {scores}
    alpha : float in [0, 1] or None, default=None
        Forgetting factor. None means ``2 / (K + 1)``. ``alpha=1`` gives the
        minimum, ``alpha=0`` the maximum.
    {axis_returns}

    See Also
    --------
    softmin : A smooth minimum, the other built-in aggregator.

    Notes
    -----
    Computed in closed form: weight :math:`(1-\alpha)^{{K-1}}` on :math:`s_{{(1)}}` and
    :math:`\alpha (1-\alpha)^{{K-t}}` on :math:`s_{{(t)}}` for :math:`t \ge 2`. When
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
    s = _axis_last(s, axis)
    if alpha is None:
        alpha = 2.0 / (s.shape[-1] + 1)
    return ema_last_axis(s, alpha)


def softmin(
    s: ArrayLike, *, temperature: float = DEFAULT_TEMPERATURE, axis: int = 1
) -> np.ndarray:
    r"""Aggregate scores by a softmin: a softmax-weighted average favouring small scores.

    With weights :math:`w = \mathrm{{softmax}}((1 - s) / T)` along ``axis``, the
    result is :math:`\sum_k w_k s_k`.

    Parameters
    ----------
    {scores}
    temperature : float > 0, default=0.1
        Smaller values move the result towards the minimum, larger ones towards
        the mean. Values below 1e-6 are treated as 1e-6.
    {axis_returns}

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
    s = _axis_last(s, axis)
    return softmin_last_axis(s, temperature)


fill_doc(exponential_moving_average, softmin, scores=_SCORES_DOC,
         axis_returns=_AXIS_RETURNS_DOC)
