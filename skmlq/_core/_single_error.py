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
from ._error_proba import calibrated_block

__all__ = ["error_shares_em", "fit_error_shares", "reviewed_responsibilities",
           "side_sums_block", "single_error_block", "single_error_scores_block"]

_EM_ITER = 500
_EM_TOL = 1e-10
# Calibrated probabilities are kept this far from 0 and 1, so that odds stay finite.
_S_EPS = 1e-9


def _weighted_odds(Q_block, Y_block, model, calibrated=None):
    """Per annotation, its odds of being flipped over the size of its side + 1, and
    the ``(rows, cols)`` of the given annotations."""
    s = calibrated_block(Q_block, model) if calibrated is None else calibrated
    np.clip(s, _S_EPS, 1 - _S_EPS, out=s)
    # absent: s / (1 - s), computed for every entry; given: (1 - s) / s, written over
    # the given entries only (a few per row)
    rows, cols = nonzero_2d(Y_block)
    s_given = s[rows, cols]
    odds = np.subtract(1, s)
    np.divide(s, odds, out=odds)
    n_given = np.bincount(rows, minlength=odds.shape[0])
    n_classes = odds.shape[1]
    odds *= (1.0 / (n_given + 1))[:, None]
    odds[rows, cols] = (1 - s_given) / s_given * (1.0 / (n_classes - n_given + 1))[rows]
    return odds, (rows, cols)


def _side_sums(odds, given):
    """``(L_missing, L_wrong)`` of each row; ``given`` the ``(rows, cols)`` of its
    given annotations."""
    rows, cols = given
    total = odds.sum(axis=1)
    wrong = np.bincount(rows, weights=odds[rows, cols], minlength=odds.shape[0])
    return total - wrong, wrong


def side_sums_block(Q_block, Y_block, model, calibrated=None):
    """``(L_missing, L_wrong)`` of each row of a block: the likelihoods of one tag
    missing and of one wrong tag against a clean example. ``calibrated``: the
    block's ``calibrated_block``, when already computed (it is overwritten)."""
    return _side_sums(*_weighted_odds(Q_block, Y_block, model, calibrated))


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
        s = calibrated_block(None, model, logits=Q) if logits else None
        L[1, start:stop], L[2, start:stop] = side_sums_block(Q, Y_block, model, s)

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


def error_shares_em(L, known=None, start=None):
    """The shares by EM from the side likelihoods ``L`` (3, n) of every row (row 0
    ones, rows 1 and 2 ``L_missing`` and ``L_wrong``).

    ``known``: None or ``(rows, responsibilities (len(rows), 3))``, reviewed rows
    whose kind is settled; their responsibilities stay fixed through the EM.
    ``start``: the shares to start from (a refit starts from the previous ones).
    """
    pi = np.array([0.9, 0.05, 0.05]) if start is None else np.asarray(start, dtype=float)
    for _ in range(_EM_ITER):
        w = pi[:, None] * L
        w /= w.sum(axis=0)
        if known is not None:
            w[:, known[0]] = known[1].T
        new = w.mean(axis=1)
        done = np.abs(new - pi).max() <= _EM_TOL
        pi = new
        if done:
            break
    return pi


def single_error_block(Q_block, Y_block, model, shares, calibrated=None):
    """Probability that each annotation is the example's one wrong annotation, (n, K).

    ``calibrated``: the block's ``calibrated_block``, when already computed (it is
    overwritten)."""
    odds, given = _weighted_odds(Q_block, Y_block, model, calibrated)
    missing, wrong = _side_sums(odds, given)
    clean, p_missing, p_wrong = shares
    den = clean + p_missing * missing + p_wrong * wrong
    odds_given = odds[given]
    odds *= p_missing
    odds[given] = odds_given * p_wrong
    odds /= np.maximum(den, np.finfo(np.float64).tiny)[:, None]
    return np.clip(odds, 0.0, 1.0, out=odds)


def single_error_scores_block(Q_block, Y_block, model, shares, out=None, calibrated=None):
    """``1 - single_error_block``, the per-class scores, dtype of ``Q_block``."""
    P = single_error_block(Q_block, Y_block, model, shares, calibrated)
    return np.subtract(1, P, out=out, dtype=Q_block.dtype, casting="same_kind")
