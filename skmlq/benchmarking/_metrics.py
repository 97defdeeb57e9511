"""How well scores find the wrong annotations of a known noise mask."""

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from ..utils._errors import InputTypeError, InputValueError
from ..utils._validation import as_numeric_array

__all__ = ["average_precision_at_t", "detection_metrics", "lowest_class_hit_rate"]


def _check_pair(scores, wrong, *, per_class=False, names=("scores", "wrong")):
    """Checked ``(scores, wrong)``; messages name the caller's parameters ``names``."""
    scores_name, wrong_name = names
    wrong = as_numeric_array(wrong, wrong_name)
    if wrong.dtype.kind not in "biu":
        raise InputTypeError(f"{wrong_name} has dtype {wrong.dtype}; expected a boolean mask.")
    wrong = wrong.astype(bool)
    scores = as_numeric_array(scores, scores_name)
    if scores.dtype.kind not in "biuf":
        raise InputTypeError(f"{scores_name} has dtype {scores.dtype}; expected real numbers.")
    scores = scores.astype(np.float64)
    ndim = 2 if per_class else 1
    if scores.ndim != ndim:
        raise InputValueError(
            f"{scores_name} has shape {scores.shape}; expected a {ndim}-D array of quality "
            f"scores."
        )
    if not np.isfinite(scores).all():
        i = int(np.flatnonzero(~np.isfinite(scores.ravel()))[0])
        raise InputValueError(f"{scores_name} has a non-finite value at flat position {i}.")
    if wrong.shape[0] != scores.shape[0] or (per_class and wrong.shape != scores.shape):
        raise InputValueError(
            f"{wrong_name} has shape {wrong.shape} but {scores_name} has shape "
            f"{scores.shape}; they must describe the same examples."
        )
    return scores, wrong


def average_precision_at_t(scores, is_error, t=None):
    """Average precision of the ``t`` lowest-scoring examples.

    The examples are ranked from lowest to highest score; the precision at each
    rank ``r <= t`` that holds an error is summed and divided by ``t``. With ``t``
    the number of errors (the default), a perfect ranking scores 1.

    Parameters
    ----------
    scores : array-like of shape (n_samples,)
        Quality scores: lower means more likely an error.
    is_error : array-like of shape (n_samples,), bool
        Which examples are errors.
    t : int, default=None
        Depth of the ranking; None means the number of errors.

    Returns
    -------
    ap_at_t : float
        nan when there are no errors.

    Examples
    --------
    >>> from skmlq.benchmarking import average_precision_at_t
    >>> average_precision_at_t([0.1, 0.2, 0.3, 0.9], [True, False, True, False])
    0.5
    """
    scores, is_error = _check_pair(scores, is_error, names=("scores", "is_error"))
    if is_error.ndim != 1:
        raise ValueError(f"is_error has shape {is_error.shape}; expected one value per example.")
    t = int(is_error.sum()) if t is None else int(t)
    if t <= 0:
        return float("nan")
    order = np.argsort(scores, kind="stable")[:t]
    hits = is_error[order]
    precision = np.cumsum(hits) / np.arange(1, hits.size + 1)
    return float((precision * hits).sum() / t)


def lowest_class_hit_rate(per_class_scores, wrong):
    """How often the lowest-scoring annotation of a corrupted example is a wrong one.

    Parameters
    ----------
    per_class_scores : array-like of shape (n_samples, n_classes)
    wrong : array-like of shape (n_samples, n_classes), bool

    Returns
    -------
    hit_rate : float
        Over the examples with at least one wrong annotation; nan if none.

    Examples
    --------
    >>> from skmlq.benchmarking import lowest_class_hit_rate
    >>> lowest_class_hit_rate([[0.1, 0.9], [0.2, 0.3]], [[True, False], [False, True]])
    0.5
    """
    return _lowest_class_hit_rate(per_class_scores, wrong)


def _lowest_class_hit_rate(per_class_scores, wrong, wrong_name="wrong"):
    S, W = _check_pair(per_class_scores, wrong, per_class=True,
                       names=("per_class_scores", wrong_name))
    rows = np.flatnonzero(W.any(axis=1))
    if rows.size == 0:
        return float("nan")
    lowest = S[rows].argmin(axis=1)
    return float(W[rows, lowest].mean())


def detection_metrics(scores, wrong, *, per_class_scores=None):
    """Detection quality of example scores against a mask of wrong annotations.

    Parameters
    ----------
    scores : array-like of shape (n_samples,)
        One quality score per example; lower means more likely wrong.
    wrong : array-like of shape (n_samples, n_classes) or (n_samples,), bool
        The wrong annotations (as returned by the noise generators), or which
        examples have one.
    per_class_scores : array-like of shape (n_samples, n_classes), default=None
        Per-annotation scores, for ``lowest_class_hit_rate``; needs a 2-D ``wrong``.

    Returns
    -------
    metrics : dict
        ``auroc`` and ``ap`` (of "the example has a wrong annotation", low scores
        first), ``ap_at_t``, ``ap_at_t_multi`` (AP@T over the examples with at
        least two wrong annotations; nan if there are none or ``wrong`` is 1-D),
        and ``lowest_class_hit_rate`` (nan without ``per_class_scores``).

    Examples
    --------
    >>> from skmlq.benchmarking import detection_metrics
    >>> m = detection_metrics([0.1, 0.8, 0.3, 0.9], [[1, 1], [0, 0], [0, 1], [0, 0]])
    >>> m["auroc"], m["ap"], m["ap_at_t_multi"]
    (1.0, 1.0, 1.0)
    """
    scores, wrong = _check_pair(scores, wrong)
    if wrong.ndim not in (1, 2):
        raise ValueError(f"wrong has shape {wrong.shape}; expected (n_samples, n_classes).")
    n_wrong = wrong.sum(axis=1) if wrong.ndim == 2 else wrong.astype(int)
    is_error = n_wrong > 0
    if is_error.all() or not is_error.any():
        raise ValueError(
            "wrong marks every example or none as having a wrong annotation; detection "
            "metrics need both kinds of example."
        )
    out = {
        "auroc": float(roc_auc_score(is_error, -scores)),
        "ap": float(average_precision_score(is_error, -scores)),
        "ap_at_t": average_precision_at_t(scores, is_error),
        "ap_at_t_multi": (
            average_precision_at_t(scores, n_wrong >= 2) if wrong.ndim == 2 else float("nan")
        ),
        "lowest_class_hit_rate": float("nan"),
    }
    if per_class_scores is not None:
        if wrong.ndim != 2:
            raise ValueError("per_class_scores needs wrong of shape (n_samples, n_classes).")
        out["lowest_class_hit_rate"] = _lowest_class_hit_rate(per_class_scores, wrong)
    return out
