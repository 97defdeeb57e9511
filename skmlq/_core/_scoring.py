"""The per-class scoring formulas: the label quality score of each class annotation.

Every per-class score of skmlq is computed by :func:`class_scores_block` and nowhere
else. Functions take already-validated inputs (``skmlq.utils._validation`` and
``skmlq.utils._labels``) and work on one row block at a time, so callers control
peak memory. Where the formulas deliberately depart from the reference, see
docs/architecture.rst, "Reference parity".

One-vs-rest view of class k on example i: given side ``y = labels[i, k]``, the two
probabilities ``q = (1 - p, p)`` with ``p = pred_probs[i, k]``.
"""

import numpy as np

from ._error_proba import calibrated_logits_block, posterior_scores_block
from ._single_error import single_error_scores_block

__all__ = ["adjust_block", "class_scores_block"]


def adjust_block(P_block, thresholds):
    """Threshold-adjusted probability of the positive side, ``q'[:, 1]``.

    The adjustment ``q' = q - t + max(t0, t1)`` followed by row normalisation is an
    affine map of ``p`` per class, because the row sum ``1 - t0 - t1 + 2 max(t)``
    does not depend on ``p``; ``q'[:, 0] = 1 - q'[:, 1]``.
    """
    t0, t1 = thresholds[:, 0], thresholds[:, 1]
    top = np.maximum(t0, t1)
    denom = 1.0 - t0 - t1 + 2.0 * top
    scale = (1.0 / denom).astype(P_block.dtype)
    shift = ((top - t1) / denom).astype(P_block.dtype)
    out = np.multiply(P_block, scale, order="C")
    out += shift
    # The affine map rounds p = 0 or 1 to one ulp outside [0, 1] (scores of
    # -2.2e-16 and 1.0000000000000002): a probability stays a probability.
    np.clip(out, 0, 1, out=out)
    return out


def class_scores_block(P_block, Y_block, method, thresholds=None, out=None,
                       second_stage=None, logits=False):
    """Per-class label quality scores of one row block.

    Parameters
    ----------
    P_block : ndarray of shape (n, K), float32 or float64
    Y_block : ndarray of shape (n, K), bool
    method : {"self_confidence", "normalized_margin", "confidence_weighted_entropy", \
"noise_posterior", "single_error"}
        The last two score second-stage probabilities (``P_block`` is ``q``) by
        the probability that each annotation is right: under the noise model of
        ``second_stage`` (see ``_error_proba``), or under its single-error
        mixture (see ``_single_error``).
    thresholds : ndarray of shape (K, 2) or None
        If given, score the threshold-adjusted probabilities (not defined for
        ``confidence_weighted_entropy``, ``noise_posterior`` or ``single_error``;
        callers reject those combinations).
    out : ndarray of shape (n, K), optional
        Where to write the result.
    second_stage : CooccurrenceParams, optional
        The fitted stage, with its noise model and single-error shares, of the last
        two methods.
    logits : bool, default=False
        With the last two methods: ``P_block`` holds the stage's logits (float64,
        overwritten) instead of its probabilities.

    Returns
    -------
    scores : ndarray of shape (n, K), dtype of ``P_block``
    """
    if method in ("noise_posterior", "single_error"):
        model = second_stage.noise_model
        eta = calibrated_logits_block(None, model, logits=P_block) if logits else None
        if method == "noise_posterior":
            return posterior_scores_block(None if logits else P_block, Y_block, model,
                                          out=out, calibrated_logits=eta)
        return single_error_scores_block(P_block, Y_block, model, second_stage.error_shares,
                                         out=out, calibrated_logits=eta)
    p = P_block if thresholds is None else adjust_block(P_block, thresholds)
    # q_y, the probability of the given side.
    # C order whatever the layout of P, so that the results do not depend on it.
    q_given = np.subtract(1, p, out=out, dtype=p.dtype, order="C")
    np.copyto(q_given, p, where=Y_block)
    if method == "self_confidence":
        return q_given
    if method == "normalized_margin":
        # (q_y - q_{1-y} + 1) / 2 with q_{1-y} = 1 - q_y.
        q_given -= np.subtract(1, q_given, dtype=p.dtype)
        q_given += 1
        q_given /= 2
        return q_given
    # confidence_weighted_entropy: r = H(q) / q_y with H in bits, score = log1p(r) / r,
    # continued by its limits: 1 at r = 0 (q_y = 1, a saturated correct prediction) and
    # 0 at r = inf (q_y = 0, a saturated wrong one). The reference floors both divisors
    # at 1e-6, which scores saturated correct predictions ~0 and nearly saturated wrong
    # ones (q_y < 1e-6) up to ~1; elsewhere the two forms are identical
    # (docs/architecture.rst, "Reference parity", rule S1).
    # H(q) * ln 2 = -(p ln p + (1 - p) ln(1 - p)), with numpy's vectorised log (about
    # 1.6x faster than scipy.special.entr); nan where p is exactly 0 or 1, fixed below.
    other = np.subtract(1, p, dtype=p.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.log(p)
        ratio *= p
        ratio += np.log(other) * other
        ratio /= q_given
        ratio *= -1 / np.log(2)
        # log1p(r) / r = log(u) / (u - 1) with u = 1 + r (Kahan's accurate form);
        # nan where u == 1 (r = 0), u = inf (r = inf) or q_y = 0 (r = 0 / 0).
        ratio += 1
        scores = np.log(ratio, out=q_given)
        ratio -= 1
        scores /= ratio
    if not np.isfinite(scores.sum()):  # only with p within ~1e-16 of 0 or 1
        # H = 0 at p in {0, 1}: r = 0 and score 1 if the given side has probability 1
        # (a saturated correct prediction), r = 0 / 0 and score 0 if it has 0.
        np.copyto(scores, 1, where=ratio == 0)  # r underflowed to 0 (p ~ 1e-300)
        saturated = (p == 0) | (p == 1)
        np.copyto(scores, (p == 1) == Y_block, where=saturated)
        # r = inf (q_y ~ 0 while H > 0): the limit of log1p(r) / r is 0.
        np.copyto(scores, 0, where=np.isnan(scores))
    return scores
