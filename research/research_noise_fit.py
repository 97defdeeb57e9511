"""A converged fit of the noise model: Newton's method instead of L-BFGS-B.

Question (2026-12-07): the noise model (``skmlq._core._error_proba``: per class a
calibration ``alpha, beta`` of the stage's logit and two flip rates, shared or per
class) is fitted by L-BFGS-B on all ``2K + 2`` (or ``4K``) parameters at once. On
delicious (983 classes) that fit costs 17-20 CPU s and stops far from the optimum:
the shared fit ends after 5 iterations ("relative reduction of f" below its
tolerance, the loss being divided by N x K), with every calibration still at its
start (alpha = 1, beta = 0); the per-class fit runs out of its 2,000 iterations.
Does a fit that converges find the errors better, and count them better?

The fit here: for fixed flip rates the classes are independent, so each class's
calibration takes damped Newton steps of its own (observed Hessian,
Levenberg-Marquardt damping per class, a step goes at most half way to a bound);
the shared rates follow Newton's method on their profile likelihood, whose
curvature is the Schur complement of the calibrations in the Hessian; the
per-class fit starts from the shared one (which it contains). It reaches the
likelihood of an L-BFGS-B run with tolerances at 1e-14 (delicious toggle k-NN:
-557,663.5 both; 220 s for L-BFGS-B) in 2.5 CPU s.

Finding (seed 0 of each case; ``python research/research_noise_fit.py``): the
converged fit always has the higher likelihood, and is a *worse* noise model.
It reads the stage's imperfect calibration as lost tags, and on data with many
classes the sum over a row's hundreds of absent annotations turns that into
errors: the estimated number of wrong examples doubles on bibtex (690 -> 1,584
and 701 -> 1,605 against 740 true) and on delicious (3,470 -> 6,263 and 4,573
-> 8,066 against 1,610); AUROC moves by -0.024 (bibtex toggle lr) to +0.020
(delicious toggle k-NN). With fewer classes both fits agree (yeast: the same
counts and AUROC within 0.002). The calibration held at the identity (rates
only) reproduces the shipped fit on bibtex and delicious, and undercounts yeast
four times (59 against 242): yeast needs its calibration, bibtex and delicious
get away with none. The shipped fit's early stop is therefore acting as a prior
that keeps calibrations at the identity unless a class's evidence is large
relative to the whole data set's.

An explicit prior of that kind does not replace it (``--prior 10 100 1000``: a
Gaussian prior of that precision on ``alpha - 1`` and ``beta``, per class). No
precision suits every data set: at 100, bibtex's counts come within 0.91-1.44x of
the truth (shipped 0.61-1.18x) with AUROC -0.013 to +0.030, but yeast, which needs
its calibration, falls to 0.65-0.76x (classcond 0.37-0.42x; shipped 0.96-1.25x),
and at 10 bibtex overcounts 1.1-2.0x. The shipped fit's stop adapts to the data
set's size and number of classes, a fixed prior cannot; choosing its precision
per data set would be tuning to the suite. Not adopted: a faster fit needs a
calibration flexible enough that the flip rates stop absorbing its misfit (or a
prior whose strength follows the evidence, derived rather than tuned), judged on
every data set.

Also found: with the product of the per-annotation probabilities, the absent
side decides the ranking at many classes. On delicious toggle k-NN the given
annotations' error probabilities alone rank at AUROC 0.876 (the stage's own
``min`` 0.879), the absent ones 0.477, the product 0.624: the lost-tag rate
(0.012-0.023 per tag, truth about 1e-4) spreads over 960 absent annotations per
row. On delicious missing k-NN the absent side is the signal (0.669, given side
0.500). Which side to trust is the kind of noise again; a reviewed batch pins
the lost-tag rate (the review loop's refit).
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.special import expit
from sklearn.metrics import average_precision_score, roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from _detect_data import available_cases, case_path, load_case  # noqa: E402

from skmlq._core._error_proba import (  # noqa: E402
    _MAX_RATE, _centres, _log_likelihood, _reviewed_log_likelihood, _reviewed_terms,
    error_proba_block, example_error_proba, fit_noise_model, noise_histogram,
)


def _class_terms(counts, centre, theta, terms, n_free):
    """Per class: the negative log-likelihood (K,), its gradient (K, n_free) and its
    Hessian (K, n_free, n_free) in ``[alpha, beta, r_absent, r_given]`` (the first
    ``n_free`` of them).

    The Hessian is the observed one, not the Fisher information: the model is
    often far from the data at the start (flip rates that the classes do not
    share), and the Fisher information then converges only linearly (hundreds of
    steps on 1,000 classes).
    """
    n0, n1 = counts[0], counts[1]
    alpha, beta, r0, r1 = (theta[:, i, None] for i in range(4))
    s = expit(alpha * centre + beta)
    span = 1 - r0 - r1
    q = np.clip(r0 + span * s, 1e-12, 1 - 1e-12)
    loss = -(n1 * np.log(q) + n0 * np.log1p(-q)).sum(axis=1)
    # first and second derivatives of the loss in q, and of q in z = alpha u + beta
    dq = n0 / (1 - q) - n1 / q
    curve = n1 / (q * q) + n0 / ((1 - q) * (1 - q))
    slope = s * (1 - s)
    a = span * slope
    d_z = dq * a
    h_z = curve * a * a + dq * a * (1 - 2 * s)
    if terms is not None:
        true, false, lost, kept, added, absent = terms
        loss -= _reviewed_log_likelihood(terms, s, r0[:, 0], r1[:, 0])
        d_z = d_z - (true * (1 - s) - false * s)
        h_z = h_z + (true + false) * slope
    grad = np.empty((theta.shape[0], n_free))
    hess = np.empty((theta.shape[0], n_free, n_free))
    grad[:, 0] = (d_z * centre).sum(axis=1)
    grad[:, 1] = d_z.sum(axis=1)
    hess[:, 0, 0] = (h_z * centre * centre).sum(axis=1)
    hess[:, 0, 1] = hess[:, 1, 0] = (h_z * centre).sum(axis=1)
    hess[:, 1, 1] = h_z.sum(axis=1)
    if n_free == 4:
        ns = 1 - s
        h_z0 = curve * a * ns - dq * slope
        h_z1 = -curve * a * s - dq * slope
        grad[:, 2] = (dq * ns).sum(axis=1)
        grad[:, 3] = -(dq * s).sum(axis=1)
        hess[:, 0, 2] = hess[:, 2, 0] = (h_z0 * centre).sum(axis=1)
        hess[:, 1, 2] = hess[:, 2, 1] = h_z0.sum(axis=1)
        hess[:, 0, 3] = hess[:, 3, 0] = (h_z1 * centre).sum(axis=1)
        hess[:, 1, 3] = hess[:, 3, 1] = h_z1.sum(axis=1)
        hess[:, 2, 2] = (curve * ns * ns).sum(axis=1)
        hess[:, 3, 3] = (curve * s * s).sum(axis=1)
        hess[:, 2, 3] = hess[:, 3, 2] = -(curve * ns * s).sum(axis=1)
        if terms is not None:
            r0c, r1c = np.maximum(r0[:, 0], 1e-12), np.maximum(r1[:, 0], 1e-12)
            grad[:, 2] -= added / r0c - absent / (1 - r0[:, 0])
            grad[:, 3] -= lost / r1c - kept / (1 - r1[:, 0])
            hess[:, 2, 2] += added / r0c ** 2 + absent / (1 - r0[:, 0]) ** 2
            hess[:, 3, 3] += lost / r1c ** 2 + kept / (1 - r1[:, 0]) ** 2
    if PRIOR:
        # a Gaussian prior on the calibration around the identity, PRIOR its precision
        loss += PRIOR / 2 * ((theta[:, 0] - 1) ** 2 + theta[:, 1] ** 2)
        grad[:, 0] += PRIOR * (theta[:, 0] - 1)
        grad[:, 1] += PRIOR * theta[:, 1]
        hess[:, 0, 0] += PRIOR
        hess[:, 1, 1] += PRIOR
    return loss, grad, hess


#: Precision of a prior on the calibration around the identity (0: none).
PRIOR = 0.0

_LOWER = np.array([0.0, -np.inf, 0.0, 0.0])
_UPPER = np.array([np.inf, np.inf, _MAX_RATE, _MAX_RATE])


def _subset_terms(terms, idx):
    return None if terms is None else tuple(t[idx] for t in terms)


def _free_system(grad, info, theta, n_free):
    """The Newton system with the parameters held at a bound removed: a parameter
    on its bound whose gradient points out of the box stays where it is."""
    lower, upper = _LOWER[:n_free], _UPPER[:n_free]
    held = (((theta <= lower) & (grad > 0)) | ((theta >= upper) & (grad < 0)))
    grad = np.where(held, 0.0, grad)
    info = np.where(held[:, :, None] | held[:, None, :], 0.0, info)
    info[:, np.arange(n_free), np.arange(n_free)] += held
    return grad, info


def _towards_bounds(theta, step, lower, upper):
    """``theta - step``, going at most half way to a finite bound.

    A step that overshoots a bound is not clipped onto it: a rate or slope of
    exactly 0 is a point the model cannot leave (the likelihood is flat or
    infinite there), and a fit clipped to 0 on its first long step stayed there,
    far from its optimum. Halving the distance reaches ``1e-12`` in 40 steps.
    """
    new = theta - step
    with np.errstate(invalid="ignore"):
        low = np.where(np.isfinite(lower), (theta + lower) / 2, -np.inf)
        high = np.where(np.isfinite(upper), (theta + upper) / 2, np.inf)
    return np.clip(new, low, high)


def _newton_classes(counts, centre, theta, terms, n_free, max_iter=200):
    """Fit the first ``n_free`` parameters of every class, the others fixed, by
    Fisher scoring with a Levenberg-Marquardt damping of each class's own.

    The classes are independent given the fixed parameters, so each takes the
    step that lowers its own likelihood: one badly started class never holds
    back the others (a joint quasi-Newton fit of 1,000 classes stopped far from
    the optimum after thousands of iterations). Returns ``theta`` and the loss
    per class.
    """
    theta = np.array(theta, dtype=np.float64)
    n_classes = theta.shape[0]
    lower, upper = _LOWER[:n_free], _UPPER[:n_free]
    loss, grad, info = _class_terms(counts, centre, theta, terms, n_free)
    damping = np.full(n_classes, 1e-3)
    todo = np.arange(n_classes)
    eye = np.eye(n_free)
    for _ in range(max_iter):
        if todo.size == 0:
            break
        g, h = _free_system(grad[todo], info[todo], theta[todo, :n_free], n_free)
        scale = np.abs(np.einsum("kii->ki", h))
        damped = h + (damping[todo, None] * scale)[:, :, None] * eye
        damped += (1e-12 * (1.0 + scale.max(axis=1)))[:, None, None] * eye
        step = np.linalg.solve(damped, g[:, :, None])[:, :, 0]
        candidate = theta[todo].copy()
        candidate[:, :n_free] = _towards_bounds(candidate[:, :n_free], step, lower, upper)
        c_loss, c_grad, c_info = _class_terms(counts[:, todo], centre[todo], candidate,
                                              _subset_terms(terms, todo), n_free)
        better = c_loss <= loss[todo]
        gain = np.where(better, loss[todo] - c_loss, 0.0)
        won = todo[better]
        theta[won], loss[won], grad[won], info[won] = (
            candidate[better], c_loss[better], c_grad[better], c_info[better])
        damping[todo] = np.where(better, np.maximum(damping[todo] / 10, 1e-12),
                                 damping[todo] * 10)
        tol = 1e-10 * (1.0 + np.abs(loss[todo]))
        done = (better & (gain <= tol)) | (damping[todo] > 1e8)
        todo = todo[~done]
    return theta, loss


def _fit_shared_rates(counts, centre, theta, terms, max_iter=100):
    """Per-class calibration with one pair of flip rates for all classes.

    Newton's method on the profile likelihood of the two rates: for given rates the
    calibrations are fitted class by class (:func:`_newton_classes`), and the
    profile's curvature is the Schur complement of the calibrations in the
    Fisher information, so the rates converge in a few steps whatever the number
    of classes.
    """
    theta, loss = _newton_classes(counts, centre, theta, terms, 2)
    total = loss.sum()
    for _ in range(max_iter):
        _, grad, info = _class_terms(counts, centre, theta, terms, 4)
        grad, info = _free_system(grad, info, theta, 4)
        a, b, c = info[:, :2, :2], info[:, :2, 2:], info[:, 2:, 2:]
        a = a + (1e-12 * (1.0 + np.einsum("kii->k", a)))[:, None, None] * np.eye(2)
        solved = np.linalg.solve(a, np.concatenate([b, grad[:, :2, None]], axis=2))
        schur = (c - np.einsum("kji,kjl->kil", b, solved[:, :, :2])).sum(axis=0)
        g = (grad[:, 2:] - np.einsum("kji,kj->ki", b, solved[:, :, 2])).sum(axis=0)
        rates = theta[0, 2:]
        held = ((rates <= 0) & (g > 0)) | ((rates >= _MAX_RATE) & (g < 0))
        g = np.where(held, 0.0, g)
        schur = np.where(held[:, None] | held[None, :], 0.0, schur) + np.diag(held * 1.0)
        # far from the optimum the profile may curve down: floor its eigenvalues
        values, vectors = np.linalg.eigh(schur)
        values = np.maximum(np.abs(values), 1e-9 * (1.0 + np.abs(values).max()))
        step = vectors @ ((vectors.T @ g) / values)
        improved = False
        for _ in range(40):
            new_rates = _towards_bounds(rates, step, 0.0, _MAX_RATE)
            if np.array_equal(new_rates, rates):
                break
            candidate = theta.copy()
            candidate[:, 2:] = new_rates
            candidate, c_loss = _newton_classes(counts, centre, candidate, terms, 2)
            if c_loss.sum() <= total:
                improved = True
                break
            step = step / 2
        if not improved:
            break
        gain = total - c_loss.sum()
        theta, total = candidate, c_loss.sum()
        if gain <= 1e-10 * (1.0 + abs(total)):
            break
    return theta


def _fit_rates(counts, centre, shared, reviewed=None, start=None):
    """Maximum likelihood ``[alpha, beta, r_absent, r_given]`` per class, (K, 4).

    ``alpha`` and ``beta`` are always per class; with ``shared`` the two flip
    rates are one pair for all classes. With ``reviewed`` counts
    (:func:`reviewed_histogram`), ``counts`` are those of the other rows, and the
    reviewed annotations add ``log P(true | u) + log P(given | true)`` each.
    ``start``, a (K, 4) model, is where the search starts (a refit after a batch
    of reviews starts from the previous model). ``alpha >= 0``: the calibration
    keeps the stage's order (a falling one, which a handful of rows can produce,
    would call the stage's best guesses wrong); the rates stay in ``[0, 0.49]``.
    """
    n_classes = counts.shape[1]
    terms = None if reviewed is None else _reviewed_terms(reviewed)
    if start is None:
        theta = np.tile([1.0, 0.0, 0.01, 0.01], (n_classes, 1))
    else:
        theta = np.array(start, dtype=np.float64)
        if shared:
            theta[:, 2:] = theta[:, 2:].mean(axis=0)
    # off the bounds: a parameter exactly on one would stay there (_towards_bounds)
    theta[:, 2:] = np.clip(theta[:, 2:], 1e-10, _MAX_RATE - 1e-10)
    theta[:, 0] = np.maximum(theta[:, 0], 1e-10)
    if shared:
        return _fit_shared_rates(counts, centre, theta, terms)
    return _newton_classes(counts, centre, theta, terms, 4)[0]


def fit_converged(counts, sums):
    """The noise model as ``fit_noise_model`` chooses it (BIC between shared and
    per-class rates), fitted to convergence."""
    centre = _centres(counts, sums)
    n_samples = float(counts[:, 0].sum())
    shared = _fit_rates(counts, centre, shared=True)
    per_class = _fit_rates(counts, centre, shared=False, start=shared)
    gain = (_log_likelihood(counts, centre, per_class).sum()
            - _log_likelihood(counts, centre, shared).sum())
    return per_class if gain > (counts.shape[1] - 1) * np.log(max(n_samples, 2.0)) else shared


def _with_prior(precision, counts, sums):
    global PRIOR
    PRIOR = precision
    try:
        return fit_converged(counts, sums)
    finally:
        PRIOR = 0.0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="substring of the case names")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--prior", type=float, nargs="*", default=[],
                        help="also fit with these precisions of a prior on the calibration")
    args = parser.parse_args(argv)
    fits = {"shipped (L-BFGS-B)": fit_noise_model, "converged (Newton)": fit_converged}
    for precision in args.prior:
        fits[f"prior {precision:g}"] = lambda c, s, precision=precision: _with_prior(
            precision, c, s)
    print(f"{'case':28s} {'fit':20s} {'CPU s':>6s} {'log-lik':>12s} {'AUROC':>6s} "
          f"{'AP':>6s} {'count':>7s} {'true':>6s}")
    for case in available_cases():
        name = "-".join(map(str, case))
        if args.only not in name or case[-1] != args.seed:
            continue
        stage = case_path(*case).with_suffix(".cooc-v4.npy")
        if not stage.exists():
            continue
        d = load_case(*case)
        Y, wrong = d["noisy"], d["wrong"]
        wrong = wrong.any(axis=1) if wrong.ndim == 2 else wrong
        Q = np.load(stage)
        counts, sums = noise_histogram(Y, lambda a, b: Q[a:b], *Q.shape)
        centre = _centres(counts, sums)
        for label, fit in fits.items():
            t0 = time.process_time()
            model = fit(counts, sums)
            cpu = time.process_time() - t0
            e = example_error_proba(error_proba_block(Q, Y, model))
            print(f"{name:28s} {label:20s} {cpu:6.2f} "
                  f"{_log_likelihood(counts, centre, model).sum():12.1f} "
                  f"{roc_auc_score(wrong, e):6.3f} {average_precision_score(wrong, e):6.3f} "
                  f"{e.sum():7.0f} {int(wrong.sum()):6d}", flush=True)


if __name__ == "__main__":
    main()
