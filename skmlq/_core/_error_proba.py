"""Calibrated probabilities that annotations are wrong: a per-class noise model.

For class k, let ``u = logit(q)`` be the co-occurrence stage's probability that
the class is annotated (see ``_second_stage``), as a logit: scoring float64 inputs
reads it from the stage's logits (:func:`stage_u`), the fit's histogram and the
review loop from the stage's probabilities. The given annotation is modelled
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

Reviewed examples, whose true labels a person gave, add their complete-data
likelihood ``P(true | u) P(given | true)`` to the fit (see
:func:`reviewed_histogram`), so that the flip rates and the calibration are
pinned by the truth where it is known and by the given annotations elsewhere.

An example has at least one wrong annotation with probability
``1 - prod_k (1 - e_k)`` (annotations independent given ``u``). The probability
that an annotation is right, ``1 - e_k``, is the per-class score of
``method="noise_posterior"``. The model is fitted with the stage
(``_second_stage.fit_second_stage``) and kept in its parameters, so a block, batch
or slice is scored by the model of all rows.
"""

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

from ..utils._blocks import iter_blocks, nonzero_2d, row_blocks, single_blas_thread
from ..utils._labels import indicator_block
from ._logistic import logit_block, sigmoid_inplace

__all__ = [
    "calibrated_block",
    "calibrated_logits_block",
    "error_proba_block",
    "example_error_proba",
    "fit_noise_model",
    "log_right",
    "noise_histogram",
    "posterior_scores_block",
    "reviewed_histogram",
    "side_from_odds",
    "stage_u",
]

_N_BINS = 128
# The bins' mean u are rounded to multiples of this (a power of two: exact), see _centres.
_CENTRE_GRID = 2.0**-16
_U_MAX = 12.0
# Flip rates above one half would swap the meaning of the two sides.
_MAX_RATE = 0.49
# The largest |logit| of a calibrated probability exponentiated (exp overflows
# beyond 709).
_ETA_MAX = 700.0
# Probabilities are clipped this close to 0 and 1 before the logit, so that the
# calibration meets finite values.
_Q_EPS = 1e-9
# That clip as bounds of the logit itself: the stage's logits ``eta`` clipped to them
# are ``logit(sigmoid(eta))`` without its exp and log (the two agree to rounding, about
# 1e-12 at eta = 10; the direct form is the more accurate one).
_U_LO, _U_HI = (float(u) for u in logit_block(np.array([_Q_EPS, 1 - _Q_EPS]), _Q_EPS))


def _bins(u):
    b = np.floor((u + _U_MAX) * (_N_BINS / (2 * _U_MAX))).astype(np.intp)
    return np.clip(b, 0, _N_BINS - 1)


def stage_u(Q_block=None, logits=None):
    """``u``, the clipped logit of the stage's probabilities, (n, K) float64: from
    the probabilities ``Q_block``, or from the stage's ``logits`` (overwritten)."""
    if logits is None:
        return logit_block(Q_block, _Q_EPS)
    return np.clip(logits, _U_LO, _U_HI, out=logits)


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
    # (a few blocks' histograms alive at once: each is 4 K bins values, and one per
    # block at 10,000 classes would hold 40 MB for every 13 rows)
    for c, s in iter_blocks(block_hist, row_blocks(n_samples, n_classes)):
        counts += c
        sums += s
    shape = (2, n_classes, _N_BINS)
    return counts.reshape(shape), sums.reshape(shape)


def reviewed_histogram(Y_rows, T_rows, Q_rows, logits=False):
    """Counts of reviewed annotations per given side, true side, class and bin of
    ``u``, shape (2, 2, K, bins): ``[y, t]`` with ``y`` the given and ``t`` the true
    annotation, binned as :func:`noise_histogram` bins all rows.

    ``Y_rows``, ``T_rows`` and ``Q_rows`` are the reviewed rows' given labels, true
    labels and second-stage probabilities (dense, (n, K)); with ``logits``,
    ``Q_rows`` holds their ``u`` (:func:`stage_u`) instead.
    """
    n_classes = Q_rows.shape[1]
    cells = n_classes * _N_BINS
    u = Q_rows if logits else logit_block(Q_rows, _Q_EPS)
    side = 2 * np.asarray(Y_rows, dtype=np.intp) + np.asarray(T_rows, dtype=np.intp)
    flat = np.arange(n_classes) * _N_BINS + _bins(u) + side * cells
    counts = np.bincount(flat.ravel(), minlength=4 * cells)
    return counts.reshape(2, 2, n_classes, _N_BINS).astype(np.float64)


def _reviewed_terms(reviewed):
    """From reviewed counts ``[y, t, k, bin]``: per class and bin the counts of true
    and false annotations, (K, bins) each, and per class the counts of lost tags,
    kept tags, wrongly added tags and confirmed absences, (K,) each."""
    true, false = reviewed[:, 1].sum(axis=0), reviewed[:, 0].sum(axis=0)
    per_class = reviewed.sum(axis=3)
    return true, false, per_class[0, 1], per_class[1, 1], per_class[1, 0], per_class[0, 0]


def _centres(counts, sums):
    """Mean ``u`` of each class and bin over both sides, shape (K, bins), rounded to
    multiples of ``_CENTRE_GRID``.

    Why rounded: the fit of the noise model magnifies the last bits of its inputs
    (L-BFGS-B's path, and where it stops, depends on them). The sums of ``u``
    depend on the order the rows are added in, which differs between the same data
    in another row order, in other blocks, dask chunks, batches or as sparse
    entries; unrounded, the same yeast data with its rows reversed gave a noise
    model 0.02-0.05 away (and the error probabilities with it). The counts are
    integers, exact in any order, and the rounded means are the same unless one
    lies within rounding (about 1e-15) of a grid point's midpoint: the model is
    then a function of the data, not of how it was summed. The grid (1.5e-5 in
    ``u``) is far below the bins' width (0.19), so the fit sees the same curve.
    """
    total = counts.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(total > 0, sums.sum(axis=0) / total, 0.0)
    centre *= 1 / _CENTRE_GRID
    np.round(centre, out=centre)
    centre *= _CENTRE_GRID
    return centre


def _log_likelihood(counts, centre, model, reviewed=None):
    """Binned log-likelihood of the given annotations under ``model``, per class (K,);
    with ``reviewed`` counts, ``counts`` are those of the other rows and the reviewed
    ones add their complete-data likelihood."""
    alpha, beta, r0, r1 = model.T
    s = expit(alpha[:, None] * centre + beta[:, None])
    q = np.clip(r0[:, None] + (1 - r0 - r1)[:, None] * s, 1e-12, 1 - 1e-12)
    total = (counts[1] * np.log(q) + counts[0] * np.log1p(-q)).sum(axis=1)
    if reviewed is not None:
        total += _reviewed_log_likelihood(_reviewed_terms(reviewed), s, r0, r1)
    return total


def _reviewed_log_likelihood(terms, s, r0, r1):
    """Per class: ``log P(true | u) + log P(given | true)`` summed over reviewed
    annotations."""
    true, false, lost, kept, added, absent = terms
    s = np.clip(s, 1e-12, 1 - 1e-12)
    lr0, lr1 = np.log(np.maximum(r0, 1e-12)), np.log(np.maximum(r1, 1e-12))
    return ((true * np.log(s) + false * np.log1p(-s)).sum(axis=1)
            + lost * lr1 + kept * np.log1p(-r1) + added * lr0 + absent * np.log1p(-r0))


def _fit_rates(counts, centre, shared, reviewed=None, start=None, rate_scale=None):
    """Maximum likelihood ``[alpha, beta, r_absent, r_given]`` per class, (K, 4).

    ``alpha`` and ``beta`` are always per class; with ``shared`` the two flip
    rates are one pair for all classes (their gradients are summed over classes).
    With ``reviewed`` counts (:func:`reviewed_histogram`), ``counts`` are those of
    the other rows, and the reviewed annotations add ``log P(true | u) + log
    P(given | true)`` each. ``start``, a (K, 4) model, is where the search starts
    (a refit after a batch of reviews starts from the previous model).
    ``rate_scale``: the search moves the flip rates in units of it (see
    :func:`fit_noise_model`).
    """
    n_classes = counts.shape[1]
    n_rates = 1 if shared else n_classes
    n0, n1 = counts[0], counts[1]
    scale = max(float(counts.sum()) + (0.0 if reviewed is None else float(reviewed.sum())),
                1.0)
    terms = None if reviewed is None else _reviewed_terms(reviewed)

    def unpack(theta):
        alpha, beta = theta[:n_classes], theta[n_classes:2 * n_classes]
        r0 = np.broadcast_to(theta[2 * n_classes:2 * n_classes + n_rates], n_classes)
        r1 = np.broadcast_to(theta[2 * n_classes + n_rates:], n_classes)
        return alpha, beta, r0, r1

    def loss_grad(theta):
        # (in place, in five (K, bins) arrays: the same operations on the same values
        # as the plain expressions, bit for bit, without their twenty temporaries,
        # for the thousand or more calls of a fit)
        alpha, beta, r0, r1 = unpack(theta)
        s = np.multiply(alpha[:, None], centre)
        s += beta[:, None]
        expit(s, out=s)
        span = (1 - r0 - r1)[:, None]
        # q = clip(r0 + span s)
        q = np.multiply(span, s)
        q += r0[:, None]
        np.clip(q, 1e-12, 1 - 1e-12, out=q)
        # loss = -sum(n1 log q + n0 log(1 - q)), log(1 - q) as log1p(-q)
        a = np.log(q)
        a *= n1
        b = np.negative(q)
        np.log1p(b, out=b)
        b *= n0
        a += b
        loss = -a.sum()
        # dq = -(n1 / q - n0 / (1 - q))
        np.subtract(1, q, out=b)
        np.divide(n0, b, out=b)
        dq = np.divide(n1, q, out=a)
        dq -= b
        np.negative(dq, out=dq)
        one_minus_s = np.subtract(1, s, out=q)
        # ds = dq span s (1 - s)
        ds = np.multiply(dq, span, out=b)
        ds *= s
        ds *= one_minus_s
        # g0 = sum(dq (1 - s)), g1 = sum(-dq s)
        work = np.multiply(dq, one_minus_s)
        g0 = work.sum(axis=1)
        np.negative(dq, out=work)
        work *= s
        g1 = work.sum(axis=1)
        if terms is not None:
            true, false, lost, kept, added, absent = terms
            loss -= _reviewed_log_likelihood(terms, s, r0, r1).sum()
            ds -= true * one_minus_s - false * s
            r0c, r1c = np.maximum(r0, 1e-12), np.maximum(r1, 1e-12)
            g0 = g0 - (added / r0c - absent / (1 - r0))
            g1 = g1 - (lost / r1c - kept / (1 - r1))
        if shared:
            g0, g1 = g0.sum(keepdims=True), g1.sum(keepdims=True)
        ds_sum = ds.sum(axis=1)
        ds *= centre
        grad = np.concatenate([ds.sum(axis=1), ds_sum, g0, g1])
        return loss / scale, grad / scale

    if start is None:
        theta0 = np.concatenate([np.ones(n_classes), np.zeros(n_classes),
                                 np.full(2 * n_rates, 0.01)])
    else:
        rates = start[:, 2:4] if not shared else start[:, 2:4].mean(axis=0, keepdims=True)
        theta0 = np.concatenate([start[:, 0], start[:, 1], rates[:, 0], rates[:, 1]])
    # alpha >= 0: the calibration keeps the stage's order (a falling one, which a
    # handful of rows can produce, would call the stage's best guesses wrong).
    bounds = ([(0.0, None)] * n_classes + [(None, None)] * n_classes
              + [(0.0, _MAX_RATE)] * (2 * n_rates))
    # The search runs on theta / unit: the same likelihood, other steps.
    unit = np.ones_like(theta0)
    if rate_scale is not None:
        unit[2 * n_classes:] = rate_scale

    def scaled(x):
        loss, grad = loss_grad(x * unit)
        return loss, grad * unit

    bounds = [(None if low is None else low / u, None if high is None else high / u)
              for (low, high), u in zip(bounds, unit)]
    # L-BFGS-B's small vector operations run far slower on several BLAS threads
    # (measured 10x on 2 busy cores, 30 classes)
    with single_blas_thread():
        result = minimize(scaled, theta0 / unit, jac=True, method="L-BFGS-B", bounds=bounds,
                          options={"maxiter": 2000})
    return np.column_stack(unpack(result.x * unit))


def fit_noise_model(counts, sums, reviewed=None, start=None, rate_scale=None):
    """Per-class ``[alpha, beta, r_absent, r_given]``, shape (K, 4), from the histogram.

    ``counts`` and ``sums`` are the histogram of all rows (:func:`noise_histogram`).
    ``reviewed`` (:func:`reviewed_histogram`) holds the reviewed rows among them with
    their true labels: those rows then enter the likelihood with what is known of
    them (given and true annotation) instead of the given annotation alone. The
    selection of rows to review may depend on anything observed (``u`` and the
    given labels) but not on the truth, so the likelihood of the reviewed and the
    other rows together stays the likelihood of the data (the selection is
    ignorable). ``start`` (a model) is where both fits start.

    ``rate_scale`` (None or a small positive number, e.g. 0.01): the search moves
    the flip rates in units of ``rate_scale`` instead of 1. The maximum is the
    same; the way there is not. Near the maximum, the likelihood is far steeper
    in small flip rates than in the calibration, and L-BFGS, which takes its
    first steps along the gradient, then stops after a few tiny steps: a refit
    started from the previous model (after a batch of reviews) stayed thousands
    of log-likelihood units below the maximum at 100,000 x 100, or crawled for
    a thousand iterations. In units of 0.01 it reaches the maximum in a few
    dozen iterations.

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
    n_samples = float(counts[:, 0].sum())
    if reviewed is not None:
        counts = np.maximum(counts - reviewed.sum(axis=1), 0.0)
    per_class = _fit_rates(counts, centre, shared=False, reviewed=reviewed, start=start,
                           rate_scale=rate_scale)
    n_classes = counts.shape[1]
    if n_classes < 2:
        return per_class
    shared = _fit_rates(counts, centre, shared=True, reviewed=reviewed, start=start,
                        rate_scale=rate_scale)
    gain = (_log_likelihood(counts, centre, per_class, reviewed).sum()
            - _log_likelihood(counts, centre, shared, reviewed).sum())
    return per_class if gain > (n_classes - 1) * np.log(max(n_samples, 2.0)) else shared


def calibrated_logits_block(Q_block, model, logits=None):
    """The logit of :func:`calibrated_block`, ``alpha u + beta``, (n, K) float64.

    ``logits``: the block's stage logits (float64, overwritten), read instead of
    ``Q_block`` (see :func:`stage_u`).
    """
    alpha, beta = model[:, 0], model[:, 1]
    eta = stage_u(Q_block, logits)
    eta *= alpha
    eta += beta
    return eta


def calibrated_block(Q_block, model, logits=None):
    """The noise model's probability that each class truly applies, ``s``, (n, K) float64.

    ``logits``: the block's stage logits (float64, overwritten), read instead of
    ``Q_block`` (see :func:`stage_u`).
    """
    return sigmoid_inplace(calibrated_logits_block(Q_block, model, logits))


def side_from_odds(t, rows, cols, model, right, out=None):
    """The probability that each annotation is wrong (``right=False``) or right
    (``right=True``), (n, K) float64, from the calibrated odds ``t = exp(alpha u +
    beta)`` (positive and finite: logits clipped to ``_ETA_MAX``) and the given
    annotations at ``(rows, cols)``: Bayes' rule of the module docstring written as::

        absent: e = r_given t / (1 - r_absent + r_given t),  1 - e = (1 - r_absent) / (...)
        given:  e = r_absent / (r_absent + (1 - r_given) t),  1 - e = (1 - r_given) t / (...)

    Each side and each of ``e`` and ``1 - e`` is a ratio of non-negative terms,
    so neither cancels: an annotation certainly wrong keeps a probability of being
    right of its own size (``1 - e`` computed from ``s``, as one minus a number
    within 1e-16 of 1, was exactly 0 for all of them, and the examples they decide
    tied at the top of the ranking). The denominators are at least ``1 - r > 0.5``
    (absent) and positive (given: ``t > 0``), so no floor is needed.

    ``out`` (may be ``t``) receives the result.
    """
    r0, r1 = model[:, 2], model[:, 3]
    keep0 = 1 - r0
    t_given = t[rows, cols]
    den = np.multiply(t, r1)
    den += keep0
    out = np.divide(keep0 if right else np.multiply(t, r1, out=out), den, out=out)
    r0_given = r0[cols]
    odds_given = (1 - r1[cols]) * t_given
    out[rows, cols] = (odds_given if right else r0_given) / (r0_given + odds_given)
    return out


def _side_block(Q_block, Y_block, model, calibrated_logits, right):
    """:func:`side_from_odds` of a block, from its stage probabilities ``Q_block`` or
    its :func:`calibrated_logits_block` (``calibrated_logits``, overwritten)."""
    eta = (calibrated_logits_block(Q_block, model) if calibrated_logits is None
           else calibrated_logits)
    # (exp overflows beyond 709; at |eta| > 700 the ratios are 0 or 1 to rounding)
    t = np.clip(eta, -_ETA_MAX, _ETA_MAX, out=eta)
    np.exp(t, out=t)
    return side_from_odds(t, *nonzero_2d(Y_block), model, right, out=t)


def error_proba_block(Q_block, Y_block, model, calibrated_logits=None):
    """Probability that each annotation of a block is wrong, (n, K) float64.

    ``calibrated_logits``: the block's :func:`calibrated_logits_block`, when already
    computed (it is overwritten).
    """
    return _side_block(Q_block, Y_block, model, calibrated_logits, right=False)


def log_right(E):
    """``log(1 - e)`` of error probabilities (kept 1e-16 from 1, so finite): the terms
    of :func:`example_error_proba`'s sum."""
    return np.log1p(-np.minimum(E, 1 - 1e-16))


def example_error_proba(E_block):
    """``1 - prod_k (1 - e_k)`` per row, computed in log space."""
    return -np.expm1(log_right(E_block).sum(axis=1))


def posterior_scores_block(Q_block, Y_block, model, out=None, calibrated_logits=None):
    """``1 - error_proba_block``: the probability that each annotation is right.

    The per-class scores of ``method="noise_posterior"``, dtype of ``Q_block``
    (float64 when only ``calibrated_logits`` are given), computed without the
    cancellation of one minus the error probability (see :func:`_side_block`).
    ``calibrated_logits``: the block's :func:`calibrated_logits_block` (overwritten).
    """
    right = _side_block(Q_block, Y_block, model, calibrated_logits, right=True)
    dtype = np.float64 if Q_block is None else Q_block.dtype
    if out is None:
        return right.astype(dtype, copy=False)
    np.copyto(out, right, casting="same_kind")
    return out
