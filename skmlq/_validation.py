"""Boundary checks for ``pred_probs`` and scoring options.

The scoring core trusts its inputs; everything a user can get wrong is checked
here, once, with a message that names the argument, the offending row/column and
what is accepted.
"""

from numbers import Real

import numpy as np

from ._blocks import row_blocks

__all__ = ["METHODS", "check_method", "check_pred_probs", "check_unit_interval"]

METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")


def check_pred_probs(pred_probs, name="pred_probs"):
    """Return ``pred_probs`` as a 2-D float array without copying float input.

    float32 and float64 arrays (also memory-mapped or non-contiguous ones) are
    returned as they are; bool and integer arrays are converted to float64.
    Values must be finite and lie in [0, 1].
    """
    if hasattr(pred_probs, "to_numpy") and not hasattr(pred_probs, "__array__"):
        pred_probs = pred_probs.to_numpy()
    try:
        P = np.asarray(pred_probs)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(
            f"{name} could not be read as a 2-D array ({exc}); expected an array of "
            f"shape (n_samples, n_classes) with values in [0, 1]."
        ) from None
    if P.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} has dtype {P.dtype}; expected a numeric array of shape "
            f"(n_samples, n_classes) with probabilities in [0, 1]."
        )
    if P.ndim != 2:
        raise ValueError(
            f"{name} has shape {P.shape}; expected a 2-D array of shape "
            f"(n_samples, n_classes), one column per class (use reshape(-1, 1) for a "
            f"single class)."
        )
    if P.shape[1] == 0:
        raise ValueError(
            f"{name} has shape {P.shape}, no columns; expected one column per class."
        )
    if P.dtype.kind in "biu" or P.dtype == np.float16:
        P = P.astype(np.float64)
    for start, stop in row_blocks(*P.shape):
        block = P[start:stop]
        if block.size == 0:
            continue
        lo, hi = block.min(), block.max()  # both NaN if any NaN
        if lo >= 0 and hi <= 1:
            continue
        bad = ~np.isfinite(block)
        what = "a non-finite value"
        if not bad.any():
            bad = (block < 0) | (block > 1)
            what = "a value outside [0, 1]"
        i, j = divmod(int(np.flatnonzero(bad.ravel())[0]), block.shape[1])
        raise ValueError(
            f"{name} has {what} ({float(block[i, j])!r}) at row {start + i}, column {j}; "
            f"probabilities must be finite and in [0, 1]."
        )
    return P


def check_method(method, name="method"):
    """Check a per-class scoring method name."""
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(
            f"{name}={method!r} is not a valid scoring method; valid methods are "
            f"{', '.join(repr(m) for m in METHODS)}."
        )
    return method


def check_unit_interval(value, name, *, allow_none=False):
    """Check that ``value`` is a real number in [0, 1] (or None if allowed)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value <= 1:
        accepted = "a number in [0, 1]" + (" or None" if allow_none else "")
        raise ValueError(f"{name}={value!r} is invalid; expected {accepted}.")
    return float(value)


def check_positive(value, name):
    """Check that ``value`` is a real number > 0."""
    if isinstance(value, bool) or not isinstance(value, Real) or not value > 0:
        raise ValueError(f"{name}={value!r} is invalid; expected a number > 0.")
    return float(value)
