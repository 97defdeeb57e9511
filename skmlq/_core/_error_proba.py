"""Calibrated probabilities that annotations are wrong: a per-class noise model.

For class k, let ``u = logit(q)`` be the co-occurrence stage's probability that
the class is annotated (see ``_second_stage``). The given annotation is modelled
as the true one seen through a per-class 2x2 noise matrix: a class that does not
apply is annotated with probability ``r_absent``, one that applies is left out
with probability ``r_given``, and the true class applies with probability
``s = sigmoid(alpha u + beta)``::

    P(given | u) = r_absent + (1 - r_absent - r_given) s

The four parameters of each class are fitted by maximum likelihood on a
histogram of ``u`` per class and side (counts from one pass over the rows, which
add up over blocks, batches or chunks; fitting them costs nothing next to that
pass). The flip rates are either each class's own or one pair shared by all
classes, whichever the Bayesian information criterion prefers (see
:func:`fit_noise_model`). Bayes' rule then gives the probability that each annotation is wrong::

    given:  r_absent (1 - s) / P(given | u)
    absent: r_given s / (1 - P(given | u))

and an example has at least one wrong annotation with probability
``1 - prod_k (1 - e_k)`` (annotations independent given ``u``). The probability
that an annotation is right, ``1 - e_k``, is the per-class score of
``method="noise_posterior"``. The model is fitted with the stage
(``_second_stage.fit_second_stage``) and kept in its parameters, so a block, batch
or slice is scored by the model of all rows.
"""

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from threadpoolctl import threadpool_limits

from ..utils._blocks import row_blocks, run_blocks
from ..utils._labels import indicator_block
from ._logistic import logit_block, sigmoid_inplace

__all__ = [
    "calibrated_block",
    "error_proba_block",
    "example_error_proba",
    "fit_noise_model",
    "noise_histogram",
    "posterior_scores_block",
]

_N_BINS = 128
_U_MAX = 12.0
# Flip rates above one half would swap the meaning of the two sides.
_MAX_RATE = 0.49
_TINY = np.finfo(np.float64).tiny
# Probabilities are clipped this close to 0 and 1 before the logit, so that the
# calibration meets finite values.
_Q_EPS = 1e-9


def _bins(u):
    b = np.floor((u + _U_MAX) * (_N_BINS / (2 * _U_MAX))).astype(np.intp)
    return np.clip(b, 0, _N_BINS - 1)


def noise_histogram(Y, Q_blocks, n_samples, n_classes):
    """Per class, side and bin of ``u``: counts and sums of ``u``, shape (2, K, bins) each.

    ``Q_blocks(start, stop)`` returns the second-stage probabilities of a block.
    """
    def block_hist(start, stop):
        u = logit_block(Q_blocks(start, stop), _Q_EPS)
        y = indicator_block(Y, start, stop)
        flat = (np.arange(n_classes) * _N_BINS + _bins(u)) + y * (n_classes * _N_BINS)
        size = 2 * n_classes * _N_BINS
        counts = np.bincount(flat.ravel(), minlength=size)
        sums = np.bincount(flat.ravel(), weights=u.ravel(), minlength=size)
        return counts, sums

    counts = np.zeros(2 * n_classes * _N_BINS)
    sums = np.zeros(2 * n_classes * _N_BINS)
    for c, s in run_blocks(block_hist, row_blocks(n_samples, n_classes)):
        counts += c
        sums += s
    shape = (2, n_classes, _N_BINS)
    return counts.reshape(shape), sums.reshape(shape)


def _centres(counts, sums):
    """Mean ``u`` of each class and bin over both sides, shape (K, bins)."""
    total = counts.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, sums.sum(axis=0) / total, 0.0)


def _log_likelihood(counts, centre, model):
    """Binned log-likelihood of the given annotations under ``model``, per class (K,)."""
    alpha, beta, r0, r1 = model.T
    s = expit(alpha[:, None] * centre + beta[:, None])
    q = np.clip(r0[:, None] + (1 - r0 - r1)[:, None] * s, 1e-12, 1 - 1e-12)
    return (counts[1] * np.log(q) + counts[0] * np.log1p(-q)).sum(axis=1)


def _fit_rates(counts, centre, shared):
    """Maximum likelihood ``[alpha, beta, r_absent, r_given]`` per class, (K, 4).

    ``alpha`` and ``beta`` are always per class; with ``shared`` the two flip
    rates are one pair for all classes (their gradients are summed over classes).
    """
    n_classes = counts.shape[1]
    n_rates = 1 if shared else n_classes
    n0, n1 = counts[0], counts[1]
    scale = max(float(counts.sum()), 1.0)

    def unpack(theta):
        alpha, beta = theta[:n_classes], theta[n_classes:2 * n_classes]
        r0 = np.broadcast_to(theta[2 * n_classes:2 * n_classes + n_rates], n_classes)
        r1 = np.broadcast_to(theta[2 * n_classes + n_rates:], n_classes)
        return alpha, beta, r0, r1

    def loss_grad(theta):
        alpha, beta, r0, r1 = unpack(theta)
        s = expit(alpha[:, None] * centre + beta[:, None])
        span = (1 - r0 - r1)[:, None]
        q = np.clip(r0[:, None] + span * s, 1e-12, 1 - 1e-12)
        loss = -(n1 * np.log(q) + n0 * np.log1p(-q)).sum()
        dq = -(n1 / q - n0 / (1 - q))
        ds = dq * span * s * (1 - s)
        g0, g1 = (dq * (1 - s)).sum(axis=1), (-dq * s).sum(axis=1)
        if shared:
            g0, g1 = g0.sum(keepdims=True), g1.sum(keepdims=True)
        grad = np.concatenate([(ds * centre).sum(axis=1), ds.sum(axis=1), g0, g1])
        return loss / scale, grad / scale

    theta0 = np.concatenate([np.ones(n_classes), np.zeros(n_classes),
                             np.full(2 * n_rates, 0.01)])
    # alpha >= 0: the calibration keeps the stage's order (a falling one, which a
    # handful of rows can produce, would call the stage's best guesses wrong).
    bounds = ([(0.0, None)] * n_classes + [(None, None)] * n_classes
              + [(0.0, _MAX_RATE)] * (2 * n_rates))
    # L-BFGS-B's small vector operations run far slower on several BLAS threads
    # (measured 10x on 2 busy cores, 30 classes)
    with threadpool_limits(1, user_api="blas"):
        result = minimize(loss_grad, theta0, jac=True, method="L-BFGS-B", bounds=bounds,
                          options={"maxiter": 2000})
    return np.column_stack(unpack(result.x))


def fit_noise_model(counts, sums):
    """Per-class ``[alpha, beta, r_absent, r_given]``, shape (K, 4), from the histogram.

    Two fits: flip rates of their own for every class, and one pair of flip rates
    shared by all classes (the calibration ``alpha, beta`` stays per class in
    both). The Bayesian information criterion picks between them: the per-class
    rates must raise the log-likelihood by more than ``(K - 1) log(n_samples)``
    (half the penalty of their ``2 (K - 1)`` extra parameters, times two).

    Why: a class's flip rates are told apart from the shape of its calibration
    curve only by its few confident examples. For a rare class the fit readily
    explains a curve that flattens below 1 as "a tenth of its tags are missing";
    many such small spurious rates add up over the absent annotations of many
    classes (twice to four times the true number of wrong examples with 159
    classes). Shared rates pool that evidence; data whose classes really differ
    in noise level gain enough likelihood to keep their own.
    """
    centre = _centres(counts, sums)
    per_class = _fit_rates(counts, centre, shared=False)
    n_classes = counts.shape[1]
    if n_classes < 2:
        return per_class
    shared = _fit_rates(counts, centre, shared=True)
    n_samples = float(counts[:, 0].sum())
    gain = (_log_likelihood(counts, centre, per_class).sum()
            - _log_likelihood(counts, centre, shared).sum())
    return per_class if gain > (n_classes - 1) * np.log(max(n_samples, 2.0)) else shared


def calibrated_block(Q_block, model):
    """The noise model's probability that each class truly applies, ``s``, (n, K) float64."""
    alpha, beta = model[:, 0], model[:, 1]
    s = logit_block(Q_block, _Q_EPS)
    s *= alpha
    s += beta
    return sigmoid_inplace(s)


def error_proba_block(Q_block, Y_block, model):
    """Probability that each annotation of a block is wrong, (n, K) float64."""
    r0, r1 = model[:, 2], model[:, 3]
    s = calibrated_block(Q_block, model)
    # absent: r_given s / (1 - r_absent - span s); given: r_absent (1 - s) / (r_absent
    # + span s). A denominator is 0 only where its numerator is (a zero rate), and
    # those annotations are not wrong: flooring the denominators leaves them 0 (a
    # masked division is 20x slower).
    ps = s * (1 - r0 - r1)
    e = s * r1
    den = np.subtract(1 - r0, ps)
    e /= np.maximum(den, _TINY, out=den)
    given = np.subtract(1, s, out=s)
    given *= r0
    ps += r0
    given /= np.maximum(ps, _TINY, out=ps)
    e = np.where(Y_block, given, e)
    return np.clip(e, 0.0, 1.0, out=e)


def example_error_proba(E_block):
    """``1 - prod_k (1 - e_k)`` per row, computed in log space."""
    return -np.expm1(np.log1p(-np.minimum(E_block, 1 - 1e-16)).sum(axis=1))


def posterior_scores_block(Q_block, Y_block, model, out=None):
    """``1 - error_proba_block``: the probability that each annotation is right.

    The per-class scores of ``method="noise_posterior"``, dtype of ``Q_block``.
    """
    E = error_proba_block(Q_block, Y_block, model)
    return np.subtract(1, E, out=out, dtype=Q_block.dtype, casting="same_kind")
