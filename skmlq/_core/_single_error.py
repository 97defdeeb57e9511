"""The ``"single_error"`` method: at most one wrong annotation per example.

The noise model of ``_error_proba`` treats every annotation on its own, so an
example that lost one of its tags is judged only by that tag's small probability
among many absent classes. Annotation errors usually come one per example: an
annotator forgets a tag, or adds one that does not apply. Here an example is
either clean, or has exactly one tag forgotten (each of its ``n + 1`` true tags
equally likely: its ``n`` given ones and the missing one), or exactly one class
added wrongly (each of its ``K - n + 1`` absent classes and the added one equally
likely). With ``s`` the noise model's calibrated probability that a class
applies, the annotation of class k flipped multiplies the clean likelihood by its
odds ``s / (1 - s)`` (absent) or ``(1 - s) / s`` (given), so against a clean
example::

    L_missing = sum_{k absent} odds_k / (n + 1)
    L_wrong   = sum_{k given}  odds_k / (K - n + 1)

The shares ``pi = (clean, one missing, one wrong)`` are fitted by EM over all
rows (a first pass keeps the two sums per row; ``_EM_ITER`` rounds on them), and
Bayes' rule gives the probability that annotation k is the example's wrong one::

    P_k = pi_side odds_k / (size of its side + 1) / (pi_clean + pi_missing L_missing
                                                      + pi_wrong L_wrong)

The per-class score is ``1 - P_k``; their sum over k is the probability that the
example has an error. Reviewed examples, whose kind of error a person settled,
enter the EM with that kind as a known responsibility (see
:func:`fit_error_shares`). The count of tags enters through the ``1 / (n + 1)``: an
example with fewer tags than the model expects is likelier to have lost one.
"""

import numpy as np

from ..utils._blocks import nonzero_2d, row_blocks, run_blocks
from ..utils._labels import indicator_block
from ._error_proba import calibrated_logits_block

__all__ = ["error_shares_em", "fit_error_shares", "flip_odds", "reviewed_responsibilities",
           "shares_denominator", "side_sums_block", "side_weights", "single_error_block",
           "single_error_scores_block"]

_EM_ITER = 500
_EM_TOL = 1e-10
_NEWTON_ITER = 100
_NEWTON_TOL = 1e-13
_LINE_SEARCH = 40
# Calibrated probabilities are kept this far from 0 and 1, so that odds stay finite.
_S_EPS = 1e-9
_ODDS_LOGIT_MAX = float(np.log((1 - _S_EPS) / _S_EPS))


def flip_odds(calibrated_logits):
    """The odds ``s / (1 - s)`` of the calibrated probabilities from their logits
    (overwritten), ``s`` kept ``_S_EPS`` from 0 and 1: one exponential per
    annotation, where the probability would take a sigmoid, a subtraction and a
    division."""
    # s kept _S_EPS from 0 and 1: its logit within +-_ODDS_LOGIT_MAX
    np.clip(calibrated_logits, -_ODDS_LOGIT_MAX, _ODDS_LOGIT_MAX, out=calibrated_logits)
    return np.exp(calibrated_logits, out=calibrated_logits)


def side_weights(n_given, n_classes):
    """``(absent, given)``: per row, one over the size of each side + 1, by which the
    odds of its absent and of its given annotations are weighted."""
    return 1.0 / (n_given + 1), 1.0 / (n_classes - n_given + 1)


def _weighted_odds(Q_block, Y_block, model, calibrated_logits=None):
    """Per annotation, its odds of being flipped over the size of its side + 1, and
    the ``(rows, cols)`` of the given annotations.

    ``calibrated_logits``: the block's :func:`calibrated_logits_block`, when already
    computed (it is overwritten)."""
    eta = (calibrated_logits_block(Q_block, model) if calibrated_logits is None
           else calibrated_logits)
    rows, cols = nonzero_2d(Y_block)
    # absent: s / (1 - s), computed for every entry; given: (1 - s) / s, written over
    # the given entries only (a few per row)
    odds = flip_odds(eta)
    odds_given = odds[rows, cols]
    absent, given = side_weights(np.bincount(rows, minlength=odds.shape[0]), odds.shape[1])
    odds *= absent[:, None]
    odds[rows, cols] = 1 / odds_given * given[rows]
    return odds, (rows, cols)


def _side_sums(odds, given):
    """``(L_missing, L_wrong)`` of each row; ``given`` the ``(rows, cols)`` of its
    given annotations."""
    rows, cols = given
    total = odds.sum(axis=1)
    wrong = np.bincount(rows, weights=odds[rows, cols], minlength=odds.shape[0])
    return total - wrong, wrong


def side_sums_block(Q_block, Y_block, model, calibrated_logits=None):
    """``(L_missing, L_wrong)`` of each row of a block: the likelihoods of one tag
    missing and of one wrong tag against a clean example. ``calibrated_logits``:
    the block's ``calibrated_logits_block``, when already computed (it is
    overwritten)."""
    return _side_sums(*_weighted_odds(Q_block, Y_block, model, calibrated_logits))


def fit_error_shares(Y, Q_blocks, model, n_samples, n_classes, known=None, start=None,
                     logits=False):
    """The shares ``(clean, one missing, one wrong)``, shape (3,), by EM over all rows.

    ``Q_blocks(start, stop)`` returns the second-stage probabilities of a block, or
    with ``logits`` the stage's logits (float64, which may be overwritten).
    ``known`` is None or ``(rows, responsibilities)`` of reviewed rows (see
    :func:`error_shares_em`); ``start`` the shares the EM starts from.
    """
    L = np.ones((3, n_samples))

    def block(start, stop):
        Y_block = indicator_block(Y, start, stop)
        Q = Q_blocks(start, stop)
        eta = calibrated_logits_block(None, model, logits=Q) if logits else None
        L[1, start:stop], L[2, start:stop] = side_sums_block(Q, Y_block, model, eta)

    run_blocks(block, row_blocks(n_samples, n_classes))
    return error_shares_em(L, known, start)


def reviewed_responsibilities(Y_rows, T_rows):
    """What a review settled of each reviewed example, (n, 3): ``(1, 0, 0)`` clean,
    ``(0, 1, 0)`` tags lost only, ``(0, 0, 1)`` tags wrongly added only, and an
    example with both kinds split in proportion to their counts."""
    Y_rows, T_rows = np.asarray(Y_rows, dtype=bool), np.asarray(T_rows, dtype=bool)
    lost = (T_rows & ~Y_rows).sum(axis=1)
    added = (Y_rows & ~T_rows).sum(axis=1)
    out = np.column_stack([(lost + added) == 0, lost, added]).astype(np.float64)
    return out / out.sum(axis=1, keepdims=True)


def _em_step(pi, L, known):
    w = pi[:, None] * L
    w /= w.sum(axis=0)
    if known is not None:
        w[:, known[0]] = known[1].T
    return _row_sums(w) / w.shape[1]


def _row_sums(a):
    # Row by row: numpy reduces a few long rows along axis 1 twenty times slower.
    return np.array([row.sum() for row in a])


def error_shares_em(L, known=None, start=None):
    """The shares by maximum likelihood from the side likelihoods ``L`` (3, n) of
    every row (row 0 ones, rows 1 and 2 ``L_missing`` and ``L_wrong``): EM's fixed
    point, reached by Newton's method.

    ``known``: None or ``(rows, responsibilities (len(rows), 3))``, reviewed rows
    whose kind is settled; their responsibilities stay fixed (they add
    ``sum_rows r . log(pi)`` to the log-likelihood).
    ``start``: the shares to start from (a refit starts from the previous ones).

    EM (``pi <- mean of the responsibilities``) converges to the maximum of the
    log-likelihood ``sum_i log(pi . L_i)``, concave in ``pi``, but slowly where a
    share is tiny: after a batch whose every answer was "right", 500 rounds (half
    a second at 100,000 rows) still left the share of lost tags twice its
    maximum. Newton's method on the two free shares (``pi_clean = 1 - pi_missing -
    pi_wrong``; a share no reviewed row holds may end at 0, where its gradient
    points out of the simplex) reaches it in about ten steps, each a pass over the
    rows with a line search that never lowers the likelihood; EM's rounds remain
    the fallback if a step is not finite or the likelihood is flat along a share.
    """
    pi = np.array([0.9, 0.05, 0.05]) if start is None else np.asarray(start, dtype=float)
    n_samples = L.shape[1]
    if known is not None and len(known[0]):
        counts = np.asarray(known[1], dtype=float).sum(axis=0)
        unknown = np.ones(n_samples, dtype=bool)
        unknown[known[0]] = False
        if not unknown.any():
            return counts / n_samples
        A = np.compress(unknown, L[1:], axis=1)
        A -= 1.0
    else:
        counts, A = np.zeros(3), L[1:] - 1.0
    # One EM round first: every share a reviewed row holds is then positive.
    pi = _em_step(pi, L, known)
    shares = _newton_shares(A, counts, pi[1:])
    if shares is not None:
        return shares
    for _ in range(_EM_ITER):
        new = _em_step(pi, L, known)
        done = np.abs(new - pi).max() <= _EM_TOL
        pi = new
        if done:
            break
    return pi


def _shares_log_likelihood(x, A, counts):
    """``sum_i log(pi . L_i) + counts . log(pi)`` at ``pi = (1 - x.sum(), x)`` (-inf
    outside the simplex), and the ``pi . L_i``."""
    clean = 1 - x.sum()
    d = 1 + x @ A
    if clean < 0 or (x < 0).any() or (d <= 0).any():
        return -np.inf, d
    pi = np.concatenate([[clean], x])
    held = counts > 0
    with np.errstate(divide="ignore"):
        return float(np.log(d).sum() + counts[held] @ np.log(pi[held])), d


def _newton_shares(A, counts, x):
    """Newton's method for :func:`error_shares_em` on ``x = (pi_missing,
    pi_wrong)``; ``A = L[1:] - 1`` of the rows not reviewed (``pi . L_i = 1 + x .
    A_i``). None when a step is not finite or the likelihood is flat along a share."""
    held = counts[1:] > 0
    f, d = _shares_log_likelihood(x, A, counts)
    for _ in range(_NEWTON_ITER):
        clean = 1 - x.sum()
        Ad = A / d
        with np.errstate(divide="ignore", invalid="ignore"):
            own = np.where(held, counts[1:] / x, 0.0)
            own2 = np.where(held, counts[1:] / x ** 2, 0.0)
            pull = counts[0] / clean if counts[0] else 0.0
            pull2 = counts[0] / clean ** 2 if counts[0] else 0.0
        gradient = _row_sums(Ad) + own - pull
        curvature = Ad @ Ad.T + np.diag(own2) + pull2  # minus the Hessian
        # A share at 0 whose gradient points out of the simplex stays there.
        free = ~((x <= 0) & (gradient <= 0))
        step = np.zeros(2)
        if free.any():
            try:
                step[free] = np.linalg.solve(curvature[np.ix_(free, free)], gradient[free])
            except np.linalg.LinAlgError:  # flat along a share (e.g. no row tells it)
                return None
        if not np.all(np.isfinite(step)):
            return None
        # Halve the step until the likelihood does not fall (beyond rounding); a share
        # no reviewed row holds may stop at 0.
        for _ in range(_LINE_SEARCH):
            new = x + step
            new[(new < 0) & ~held] = 0.0
            f_new, d_new = _shares_log_likelihood(new, A, counts)
            if f_new >= f - 1e-12 * abs(f):
                break
            step /= 2
        else:
            break
        moved = np.abs(new - x).max()
        x, f, d = new, f_new, d_new
        if moved <= _NEWTON_TOL:
            break
    return np.concatenate([[1 - x.sum()], x])


def single_error_block(Q_block, Y_block, model, shares, calibrated_logits=None):
    """Probability that each annotation is the example's one wrong annotation, (n, K).

    ``calibrated_logits``: the block's ``calibrated_logits_block``, when already
    computed (it is overwritten)."""
    odds, given = _weighted_odds(Q_block, Y_block, model, calibrated_logits)
    den = shares_denominator(*_side_sums(odds, given), shares)
    _, p_missing, p_wrong = shares
    odds_given = odds[given]
    odds *= p_missing
    odds[given] = odds_given * p_wrong
    odds /= den[:, None]
    return np.clip(odds, 0.0, 1.0, out=odds)


def shares_denominator(missing, wrong, shares):
    """Per row, the likelihood of its annotations against a clean example, ``pi_clean
    + pi_missing L_missing + pi_wrong L_wrong``, floored at the smallest float (the
    denominator of Bayes' rule)."""
    clean, p_missing, p_wrong = shares
    return np.maximum(clean + p_missing * missing + p_wrong * wrong, np.finfo(np.float64).tiny)


def single_error_scores_block(Q_block, Y_block, model, shares, out=None,
                              calibrated_logits=None):
    """``1 - single_error_block``, the per-class scores, dtype of ``Q_block``."""
    P = single_error_block(Q_block, Y_block, model, shares, calibrated_logits)
    return np.subtract(1, P, out=out, dtype=P.dtype if Q_block is None else Q_block.dtype,
                       casting="same_kind")
