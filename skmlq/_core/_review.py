"""Review in batches: which examples to show a person next, and the count of wrong
examples estimated from what they answered.

A batch of ``n`` examples is taken from the *pool*, the examples neither reviewed
nor in an earlier batch, in two parts (two strata):

- the ``n - m`` likeliest errors of the pool (lowest label quality), taken whole:
  each is in the batch with probability 1;
- ``m`` draws with replacement from the rest of the pool, ``R``: example i with
  probability ``p_i = (1 - g) sqrt(e_i (1 - e_i)) / sum_R sqrt(e (1 - e)) +
  g / |R|``, where ``e`` is the current probability that the example has a wrong
  annotation and ``g = DEFENSIVE_SHARE`` (drawn twice, an example is shown once;
  the batch is topped up with the next likeliest errors).

Once all the examples of a batch and of the batches before it are reviewed, the
batch estimates the number N of wrong examples of the whole data set as::

    N_b = W(settled before b) + W(top part) + sum_R e_i + 1/m sum_d (w_d - e_d) / p_d

with ``W`` the number of examples found wrong and ``w_d`` whether draw d was. The
last term is the Hansen-Hurwitz estimator (Horvitz-Thompson's form for draws
with replacement) of the error probabilities' miss over ``R``, ``sum_R (w_i -
e_i)``: the draws are independent given the batches before, so ``N_b`` is unbiased
given everything before it, *whatever* the error probabilities are. They only
decide its precision: the closer ``e`` to the truth (the refitted noise model
brings them closer with every batch), the smaller the misses that the draws
must estimate (a difference estimator, model-assisted and design-unbiased).
With replacement, the draw probabilities are known exactly and the variance has
an unbiased estimate, ``s_b^2 / m`` (``s_b^2`` the sample variance of the
``(w_d - e_d) / p_d``), which fixed-size designs without replacement lack in
closed form. A handful of draws that all miss the errors estimate it near zero,
so the variance used is at least the one the error probabilities predict,
``sum_R e_i (1 - e_i) / p_i / m`` (a floor, which only widens the interval).
Sampling proportional to ``sqrt(e (1 - e))``, the standard deviation of ``w`` if
``e`` is right, minimises that variance; the uniform share ``g`` bounds ``1 /
p_i`` by ``|R| / g`` when ``e`` is badly wrong (a defensive mixture).

The order of the likeliest errors also learns from the answers
(:func:`fit_review_ranker`): a logistic regression of "found wrong" on five
summaries of each example (:func:`review_features`: the logit of its error
probability, the log sums of the error probabilities of its given and of its absent
annotations, its number of given labels and the logit of its label quality score),
fitted on the reviewed examples, ranks the others once at least
:data:`RANKER_MIN_PER_COEFFICIENT` examples per summary were found wrong and as many
right. The noise model ties the kinds of error together through a few parameters;
the ranker learns how much each summary says about an error *on this data*, which
matters most where the noise model's guess of the kind of noise is wrong (on the
synthetic benchmark with realistic noise it doubles the errors found by 10%
reviewed). The reviewed examples were chosen from what is observed of them, which
these summaries include, so fitting on them alone does not bias the conditional
model.

The batches' estimates are averaged with weights proportional to their draws.
Each one's error has mean zero given the batches before (a martingale), so the
errors are uncorrelated and the average stays unbiased with variance
``sum_b weight_b^2 s_b^2 / m_b``; the interval is Student's t on that variance with
``sum_b (m_b - 1)`` degrees of freedom, clipped to the counts still possible.
"""

import numpy as np
from scipy.stats import t as student_t

from ..utils._blocks import nonzero_2d, row_blocks, run_blocks
from ._error_proba import _ETA_MAX, _U_HI, _U_LO, side_from_odds, stage_u
from ._single_error import _S_EPS, error_shares_em

__all__ = ["DEFENSIVE_SHARE", "ReviewBatch", "combine_estimates", "draw_batch",
           "draw_probabilities", "error_row_sums", "fit_review_ranker", "refit_pass",
           "review_features", "review_ranking", "stage_logits"]

#: Share of the draw probability spread evenly over the rest of the pool.
DEFENSIVE_SHARE = 0.5
_U_BOUND = max(abs(_U_LO), abs(_U_HI))
# The flip odds of the single-error likelihoods: s / (1 - s) at s = _S_EPS, 1 - _S_EPS.
_ODDS_LO, _ODDS_HI = _S_EPS / (1 - _S_EPS), (1 - _S_EPS) / _S_EPS
# example_error_proba keeps each e below 1 - 1e-16.
_MIN_RIGHT = 1 - (1 - 1e-16)


class ReviewBatch:
    """One batch: what was shown, and what its estimate needs.

    Attributes
    ----------
    rows : ndarray of int
        The examples of the batch, likeliest errors first, then the drawn ones.
    settled : ndarray of int
        The examples outside the pool when the batch was drawn.
    top : ndarray of int
        The likeliest errors, taken whole.
    draws, draw_proba, draw_error_proba : ndarray
        The draws (with repetitions), their draw probabilities and their error
        probabilities at the time.
    rest_error_proba : float
        ``sum_R e_i`` over the rest of the pool the draws come from.
    """

    __slots__ = ("rows", "settled", "top", "draws", "draw_proba", "draw_error_proba",
                 "rest_error_proba", "model_variance")

    def __init__(self, rows, settled, top, draws, draw_proba, draw_error_proba,
                 rest_error_proba, model_variance=0.0):
        self.rows = rows
        self.settled = settled
        self.top = top
        self.draws = draws
        self.draw_proba = draw_proba
        self.draw_error_proba = draw_error_proba
        self.rest_error_proba = float(rest_error_proba)
        self.model_variance = float(model_variance)

    def __getstate__(self):
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state):
        for name in self.__slots__:
            setattr(self, name, state[name])

    def needs(self):
        """Every example whose answer the estimate needs."""
        return np.concatenate([self.settled, self.top, self.draws])

    def estimate(self, wrong):
        """``(N_b, variance, m)`` from ``wrong``, a boolean mask of all examples."""
        z = (wrong[self.draws] - self.draw_error_proba) / self.draw_proba
        m = z.size
        known = wrong[self.settled].sum() + wrong[self.top].sum()
        value = known + self.rest_error_proba + (z.mean() if m else 0.0)
        variance = z.var(ddof=1) / m if m > 1 else (0.0 if m == 0 else np.inf)
        # A few draws that happen to miss every error estimate the variance near 0;
        # it is at least what the error probabilities themselves predict.
        return float(value), max(float(variance), self.model_variance), m


def draw_probabilities(error_proba):
    """Draw probabilities over a stratum from its error probabilities (module doc)."""
    e = np.clip(np.asarray(error_proba, dtype=np.float64), 0.0, 1.0)
    spread = np.sqrt(e * (1 - e))
    total = spread.sum()
    n = e.size
    if total <= 0:
        return np.full(n, 1.0 / n)
    return (1 - DEFENSIVE_SHARE) * spread / total + DEFENSIVE_SHARE / n


def draw_batch(scores, error_proba, pool, n, n_draws, rng):
    """Draw a batch of ``n`` examples of the ``pool`` (boolean mask of all examples).

    ``scores`` order the likeliest errors (lowest first, ties by row);
    ``error_proba`` are the current probabilities that each example is wrong;
    ``n_draws`` of the ``n`` come from draws (fewer when the pool is small);
    ``rng`` is a numpy Generator.
    """
    candidates = np.flatnonzero(pool)
    n = min(int(n), candidates.size)
    order = candidates[np.lexsort((candidates, scores[candidates]))]
    n_draws = min(int(n_draws), max(n - 1, 0)) if order.size > n else 0
    n_top = n - n_draws
    top, rest = order[:n_top], order[n_top:]
    settled = np.flatnonzero(~pool)
    if n_draws == 0 or rest.size == 0:
        empty = np.zeros(0, dtype=np.intp)
        return ReviewBatch(top, settled, top, empty, np.zeros(0), np.zeros(0),
                           float(np.sum(error_proba[rest])))
    e_rest = np.clip(error_proba[rest], 0.0, 1.0)
    p = draw_probabilities(e_rest)
    picks = rng.choice(rest.size, size=n_draws, replace=True, p=p / p.sum())
    drawn = np.unique(picks)
    # Drawn twice, an example is shown once; the likeliest errors of the rest that
    # were not drawn fill the batch to n (the estimate uses the draws only).
    missing = n_draws - drawn.size
    filler = np.setdiff1d(np.arange(rest.size), drawn, assume_unique=True)[:missing]
    rows = np.concatenate([top, rest[np.sort(filler)], rest[drawn]])
    # The filler belongs to R: the estimate counts it through sum_R e and the draws.
    # Under the error probabilities, a draw's term has variance sum_R e (1 - e) / p.
    model_variance = float(np.sum(e_rest * (1 - e_rest) / p)) / n_draws
    return ReviewBatch(rows, settled, top, rest[picks], p[picks], e_rest[picks],
                       float(e_rest.sum()), model_variance)


def combine_estimates(parts, lower, upper, level=0.9):
    """Average batch estimates ``[(N_b, variance_b, m_b), ...]``, weights ``m_b``.

    Returns ``(estimate, low, high)`` of the ``level`` interval, clipped to
    ``[lower, upper]`` (the counts still possible), or None without a batch with
    draws.
    """
    parts = [p for p in parts if p[2] > 0]
    if not parts:
        return None
    values, variances, draws = (np.array(v, dtype=np.float64) for v in zip(*parts))
    weights = draws / draws.sum()
    estimate = float(weights @ values)
    sd = float(np.sqrt(weights ** 2 @ variances))
    dof = float(np.sum(draws - 1))
    quantile = student_t.ppf(0.5 + level / 2, dof) if dof > 0 else np.inf
    low = min(max(estimate - quantile * sd, lower), upper)
    high = max(min(estimate + quantile * sd, upper), lower)
    return min(max(estimate, lower), upper), low, high


def stage_logits(Q):
    """The clipped logits ``u`` of the stage's probabilities ``Q`` of all rows, (N, K)
    float64, read in row blocks: what :func:`refit_pass` reads in every batch."""
    U = np.empty(Q.shape)

    def block(start, stop):
        U[start:stop] = stage_u(Q[start:stop])

    run_blocks(block, row_blocks(*Q.shape))
    return U


def refit_pass(Y, U, model, known, start, aggregate=None, dtype=np.float64):
    """What follows a refitted noise model, in one pass over row blocks.

    ``Y`` the given labels (dense boolean), ``U`` the clipped logits of the stage's
    probabilities of all rows (:func:`stage_logits`: the stage does not change in
    the loop, so they are computed once), ``model`` the refitted noise model,
    ``known`` and ``start`` as in
    :func:`~skmlq._core._single_error.error_shares_em`, ``dtype`` that of the
    scores (the stage's probabilities'). Returns ``(example_proba (N,),
    per_class_proba (N, K), shares (3,), scores, sums (N, 2))``: with an
    ``aggregate``, ``scores`` are the ``"noise_posterior"`` scores ``(per_class (N,
    K), aggregated (N,))`` from the same error probabilities, else None; ``sums``
    are the row sums the ranker reads (:func:`error_row_sums`).

    The quantities are those of ``error_proba_block``, ``example_error_proba``,
    ``side_sums_block`` and ``posterior_scores_block``, written in terms of the
    odds ``t = exp(alpha u + beta)`` of the calibrated probability ``s = t / (1 +
    t)`` so that a batch costs one exponential per annotation instead of a logit, a
    sigmoid and a ``log1p``: the flip odds of the single-error likelihoods are
    ``t`` and ``1 / t``; the error probabilities and the scores are
    ``_error_proba.side_from_odds`` of the same odds; and the probability of an
    error in the example is ``1 - prod_k (1 - e_k)`` (a product rather than a sum
    of logs: it differs by rounding, at most a few 1e-14). Both forms avoid the
    cancellations of ``1 - s`` near 1.
    """
    n_samples, n_classes = U.shape
    model = np.asarray(model)
    alpha, beta = (np.ascontiguousarray(c) for c in model[:, :2].T)
    # exp overflows beyond 709: the logits are clipped only when the calibration
    # can reach that far (as ``sigmoid`` saturates, the probabilities agree).
    clip = float(np.max(alpha * _U_BOUND + np.abs(beta))) > _ETA_MAX
    per_class = np.empty((n_samples, n_classes))
    example = np.empty(n_samples)
    sums = np.empty((n_samples, 2))
    L = np.ones((3, n_samples))
    scores = None
    if aggregate is not None:
        scores = np.empty((n_samples, n_classes), dtype=dtype), np.empty(n_samples, dtype)
    # With the product of float64 scores, the probability of an error in the example
    # is one minus it, except where a score is 0 (an annotation certainly wrong) and
    # the floor applies.
    product = (aggregate is not None and np.dtype(dtype) == np.float64
               and getattr(aggregate, "spec", None) == ("product", None))
    # The given annotations, row-major, found once for all blocks.
    all_rows, all_cols = nonzero_2d(Y)
    bounds = np.concatenate([[0], np.cumsum(np.bincount(all_rows, minlength=n_samples))])

    def block(start_row, stop_row):
        given = slice(bounds[start_row], bounds[stop_row])
        rows, cols = all_rows[given] - start_row, all_cols[given]
        n_given = np.diff(bounds[start_row:stop_row + 1])
        t = np.multiply(U[start_row:stop_row], alpha)
        t += beta
        if clip:
            np.clip(t, -_ETA_MAX, _ETA_MAX, out=t)
        np.exp(t, out=t)
        # The single-error likelihoods, from the flip odds kept in [_ODDS_LO, _ODDS_HI]
        # (the calibrated probability kept _S_EPS from 0 and 1, as in _single_error).
        odds = np.clip(t, _ODDS_LO, _ODDS_HI)
        odds_given = odds[rows, cols]
        odds[rows, cols] = 0
        L[1, start_row:stop_row] = odds.sum(axis=1) / (n_given + 1)
        L[2, start_row:stop_row] = np.bincount(
            rows, weights=1 / odds_given, minlength=n_given.size) / (n_classes - n_given + 1)
        # The error probabilities (the odds are within (0, inf): the logits are
        # clipped where they can pass _ETA_MAX).
        E = side_from_odds(t, rows, cols, model, False, out=per_class[start_row:stop_row])
        total = E.sum(axis=1)
        given_sum = np.bincount(rows, weights=E[rows, cols], minlength=n_given.size)
        sums[start_row:stop_row, 0] = given_sum
        sums[start_row:stop_row, 1] = total - given_sum
        if aggregate is not None:
            # 1 - e as its own ratio (as posterior_scores_block has it), not one minus
            # e: certain errors keep probabilities of being right of their own size
            right = side_from_odds(t, rows, cols, model, True, out=odds)
            S = scores[0][start_row:stop_row]
            np.copyto(S, right, casting="same_kind")
            scores[1][start_row:stop_row] = aggregate(S)
        # The product of the 1 - e, each floored at 1e-16 (as example_error_proba
        # keeps e below 1).
        if product:
            example[start_row:stop_row] = 1 - scores[1][start_row:stop_row]
            zero = np.flatnonzero(scores[1][start_row:stop_row] == 0)
            right = np.maximum(S[zero], _MIN_RIGHT)
            example[start_row + zero] = 1 - np.prod(right, axis=1)
        else:
            right = np.maximum(np.subtract(1, E, out=t), _MIN_RIGHT, out=t)
            example[start_row:stop_row] = 1 - np.prod(right, axis=1)

    # A user's callable aggregator may not be thread-safe (as in the driver).
    parallel = aggregate is None or getattr(aggregate, "thread_safe", False)
    # Blocks of the default size: a block goes through three float64 temporaries
    # (2**15 values per block measured 20-30% slower, 2**19 60% slower).
    run_blocks(block, row_blocks(n_samples, n_classes), parallel=parallel)
    return example, per_class, error_shares_em(L, known, start), scores, sums


# Probabilities are clipped this far from 0 and 1 before a logit, sums floored
# before a log.
_EPS = 1e-6


def _logit(p):
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def _row_sums_block(E, Y_block):
    out = np.empty((E.shape[0], 2))
    out[:, 0] = np.where(np.asarray(Y_block, dtype=bool), E, 0.0).sum(axis=1)
    out[:, 1] = E.sum(axis=1) - out[:, 0]
    return out


def error_row_sums(per_class_proba, Y, rows=None):
    """Per example: the sums of the error probabilities of its given and of its
    absent annotations, (n, 2) float64, read in row blocks. ``rows`` restricts them
    to those rows (all rows when None).

    :func:`refit_pass` returns the same sums of the error probabilities it
    computes.
    """
    everything = rows is None
    rows = np.arange(Y.shape[0]) if everything else np.asarray(rows, dtype=np.intp)
    out = np.empty((rows.size, 2))

    def block(start, stop):
        r = slice(start, stop) if everything else rows[start:stop]
        out[start:stop] = _row_sums_block(per_class_proba[r], Y[r])

    run_blocks(block, row_blocks(rows.size, Y.shape[1]))
    return out


def review_features(example_proba, scores, sums, n_given, rows=None):
    """Summaries of examples for the ranker, (n, 5) float64 (module docstring).

    ``sums`` are the examples' :func:`error_row_sums` and ``n_given`` their numbers
    of given labels (of all rows); ``rows`` restricts the summaries to those rows
    (all rows when None).
    """
    rows = slice(None) if rows is None else np.asarray(rows, dtype=np.intp)
    sums = sums[rows]
    out = np.empty((sums.shape[0], 5))
    out[:, 0] = _logit(example_proba[rows])
    out[:, 1] = np.log(sums[:, 0] + _EPS)
    out[:, 2] = np.log(sums[:, 1] + _EPS)
    out[:, 3] = n_given[rows]
    out[:, 4] = _logit(scores[rows])
    return out


#: Examples of each answer (found wrong, found right) per coefficient the ranker
#: needs before it replaces the scores' order.
RANKER_MIN_PER_COEFFICIENT = 2


def fit_review_ranker(features, wrong):
    """The ranker fitted on reviewed examples' features and answers, or None while
    either answer has fewer than :data:`RANKER_MIN_PER_COEFFICIENT` examples per
    summary (the scores' order then stays). Returns ``(mean, scale, coef,
    intercept)``.

    The first batches are the likeliest errors: where the scores rank well, nearly
    all are wrong, and a regression of five coefficients on a handful of right
    examples is a guess (on yeast with toggled tags and no draws, a ranker fitted on 96
    reviewed examples, 6 of them right, chose a next batch with 1 wrong example of 48,
    where the scores' order had 36).
    """
    from sklearn.linear_model import LogisticRegression

    wrong = np.asarray(wrong, dtype=bool)
    if min(wrong.sum(), wrong.size - wrong.sum()) < RANKER_MIN_PER_COEFFICIENT * features.shape[1]:
        return None
    mean, scale = features.mean(axis=0), features.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0).fit((features - mean) / scale, wrong)
    return mean, scale, model.coef_[0].copy(), float(model.intercept_[0])


def review_ranking(features, ranker):
    """Ranking scores of the ranker, lower for likelier errors (the log-odds that an
    example is right)."""
    mean, scale, coef, intercept = ranker
    return -(((features - mean) / scale) @ coef + intercept)
