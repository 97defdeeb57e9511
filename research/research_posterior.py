"""Research: what to add to the noise-model posterior (``method="noise_posterior"``).

Rescores the cached cases of ``bench_detection.py`` (``SKMLQ_BENCH_CACHE``, the
same out-of-fold ``p`` and second-stage ``q``); no base model is refitted, and the
library is untouched. Run ``python research/research_posterior.py`` (about 4
minutes for the 26 benchmarks x 3 seeds on 2 cores; the calibration fits of
``--with-2d`` add 10); ``--only``, ``--seeds`` restrict the cases, ``--detail
NAME ...`` adds a per-benchmark table of the candidates whose name contains NAME.

Candidates. ``e`` is the posterior that each annotation is wrong under skmlq's
noise model fitted on ``q`` (``noise_posterior`` is ``1 - e``), ``s`` its
calibrated probability that the class truly applies:

- the posterior on ``q`` aggregated by softmin 0.1, min or ``sum log(1 - e)``;
- the same noise model fitted on the first stage's ``p`` (clipped to
  [1e-4, 1 - 1e-4] as the stage clips it), and per-annotation combinations of
  the two posteriors (max, mean, geometric mean);
- a noise model whose calibration takes both ``logit q`` and ``logit p``
  (``s = sigmoid(a logit q + c logit p + b)`` per class, flip rates shared,
  fitted on all rows; ``--with-2d``);
- the number of given annotations against the model's expectation,
  ``z = (n - sum_k q_k) / sqrt(sum_k q_k (1 - q_k) + 1/4)``, alone and rank-combined
  with the posterior;
- example-level mixtures, which the per-annotation posterior is not: an example
  is clean with probability ``1 - pi`` and corrupted with ``pi`` (fitted by EM,
  with its flip rates); "single flip" (exactly one annotation is wrong: a true tag
  forgotten, each of the ``n + 1`` equally likely, or an absent class added, each
  of the ``K - n + 1``) and "zero-inflated" (in a corrupted example every
  annotation flips independently, with rates per side; "count" scales them by
  ``1 / (n + 1)`` and ``1 / (K - n + 1)``, so that a corrupted example loses
  about the same number of tags whatever it has). The likelihood ratio of each
  annotation is the odds ``s / (1 - s)`` (absent) or ``(1 - s) / s`` (given).

Findings (2026-12-02; mean over the 26 benchmarks of the mean over 3 seeds;
cleanlab best in hindsight: AUROC 0.723, AP 0.400; "#ok": benchmarks at most 0.01
AUROC and 0.01 AP below it; the bar needs AUROC >= 0.753 and #ok = 26)::

    candidate                          AUROC     AP  min dAU  min dAP  #ok
    posterior q, softmin 0.1           0.831  0.608   -0.088   -0.212   18
    posterior q, min                   0.826  0.609   -0.120   -0.214   19
    posterior q, sum log               0.828  0.604   -0.109   -0.218   16
    posterior p, softmin 0.1           0.687  0.341   -0.213   -0.285    8
    max(posterior p, q), softmin 0.1   0.797  0.502   -0.209   -0.284   16
    geo(posterior p, q), softmin 0.1   0.812  0.529   -0.126   -0.212   20
    -|z|, the count alone              0.639  0.292   -0.294   -0.384    3
    rank-product posterior, -|z|       0.801  0.462   -0.123   -0.141   14
    single flip, EM                    0.856  0.639   -0.103   -0.165   19
    zero-inflated, EM                  0.855  0.625   -0.070   -0.153   18
    zero-inflated count, EM            0.857  0.645   -0.091   -0.114   19

Per benchmark, AUROC / AP: cleanlab best | posterior q, softmin 0.1 | single flip |
zero-inflated count::

    bibtex-missing-forest      .775/.412  .689/.200  .803/.248  .880/.461
    bibtex-missing-knn         .738/.390  .650/.272  .851/.421  .884/.622
    bibtex-missing-lr          .708/.340  .710/.340  .851/.490  .874/.575
    bibtex-realistic-knn       .703/.335  .718/.337  .801/.373  .813/.435
    bibtex-realistic-lr        .681/.278  .700/.296  .751/.361  .772/.401
    bibtex-toggle-forest       .912/.563  .930/.635  .931/.631  .906/.591
    bibtex-toggle-knn          .819/.291  .910/.526  .916/.531  .853/.388
    bibtex-toggle-lr           .888/.454  .886/.441  .925/.582  .826/.340
    synthetic-classcond-forest .695/.722  .699/.713  .685/.703  .653/.677
    synthetic-classcond-knn    .677/.694  .658/.678  .638/.672  .639/.676
    synthetic-classcond-lr     .749/.767  .747/.756  .733/.745  .658/.697
    synthetic-realistic-forest .724/.314  .683/.204  .654/.186  .717/.236
    synthetic-realistic-knn    .672/.242  .584/.130  .569/.126  .643/.149
    synthetic-realistic-lr     .722/.354  .735/.293  .740/.334  .736/.337
    yeast (12 benchmarks)      .646-.753  .906-.968  .925-.966  .934-.966

(from ``--seeds 1``, ``--with-2d``: the 2-d calibration is within 0.01 of the
posterior on ``q`` everywhere, 0.682 against 0.689 on synthetic, 0.943 on yeast.)

What this shows:

- The first stage's ``p`` does not help per annotation. The noise model on ``p``
  is far weaker (0.687), its combinations with ``q``'s lose, and a calibration on
  both logits learns nothing ``q`` lacks. Where cleanlab's adjusted ``p`` beats the
  posterior (bibtex missing with forest or k-NN, synthetic realistic), the cause
  is the balance between the two sides, not the per-annotation ranking: the
  posterior's maximum over the *absent* side alone beats its softmin over both
  (bibtex missing forest 0.733 / 0.355 against 0.702 / 0.211; synthetic realistic
  forest 0.707 / 0.275 against 0.666 / 0.159), because the noise model puts
  3-4x too many errors on the given side there (680 expected wrong given tags
  for 167 on synthetic realistic forest; 221 for 0 on bibtex missing forest).
- The count of given annotations is strong evidence for forgotten tags: on
  bibtex missing, ``q - n`` alone reaches AUROC 0.84-0.85 (forest, k-NN), above
  cleanlab's best (0.74-0.78), and "fewer tags" alone 0.77; but it points the
  wrong way under other noise (0.22 on bibtex toggle lr), and rank combinations
  with the posterior trade one benchmark for another.
- Example-level mixtures bring the count in as a likelihood, and are the best
  candidates so far: +0.025 mean AUROC, +0.03-0.04 AP over the posterior. The
  single-flip mixture keeps the posterior's strengths on toggled tags (bibtex
  toggle lr 0.925 / 0.582, above cleanlab's best) and lifts bibtex missing to
  0.80-0.85 AUROC; with the count scaling the zero-inflated mixture lifts it to
  0.87-0.88 (AP 0.46-0.62; cleanlab's best 0.71-0.78 / 0.34-0.41) and has the
  smallest worst AP margin (-0.114). Both lose on class-conditional flips, where
  many annotations of an example are wrong (synthetic classcond: 0.01-0.09 below
  the posterior), the count version also on bibtex toggle (lr 0.826 against 0.886)
  and both on synthetic realistic AP (0.13-0.34 against cleanlab's 0.24-0.35).
  Their fitted ``pi`` is far from the truth (single flip 0.02-0.06 where it is 0.1
  on bibtex missing; count version 0.5-0.9 where it is 0.1): they rank, they do not
  count, so the error probabilities stay the per-annotation model's.
- Choosing between the mixtures by their likelihood does not work: the count
  version has the higher likelihood on every benchmark, including those where it
  ranks worse; and the per-annotation model's likelihood is higher still, since
  the calibration ``s`` was fitted with it. For the same reason a four-component
  mixture (clean, one tag missing, one wrong, the per-annotation model's
  independent flips; weights by EM, exploratory, ``--seeds 1``) gives the
  independent component 10-88% of the weight and ranks like the posterior (mean
  AUROC 0.833).

None reaches the bar. The single-flip mixture ships as ``method="single_error"``
(per annotation: the probability that it is the example's wrong one; with softmin
0.1 it ranks within 0.002 mean AUROC of the mixture's example probability). The next
step suggested: fit the mixture's calibration jointly with it (here ``s`` comes from
the per-annotation noise model, whose side balance is what goes wrong), and a
mixture of the clean, "sparse" and "independent flips" components with their weights
fitted, so that class-conditional noise keeps the independent model.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

# The detection benchmark's cache and rows are imported from benchmarks/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from research_adaptive import example_rank, load_all, rescore, smin, softmin  # noqa: E402

from skmlq._core._logistic import logit_block  # noqa: E402
from skmlq._core._error_proba import (  # noqa: E402
    calibrated_block,
    error_proba_block,
    fit_noise_model,
    noise_histogram,
)


def noise_model(Y, M):
    return fit_noise_model(*noise_histogram(Y, lambda a, b: M[a:b], *M.shape))


def logsum(G):
    return np.log(np.clip(G, 1e-300, 1)).sum(axis=1)


def count_z(Y, M):
    n, mu = Y.sum(axis=1), M.sum(axis=1)
    return (n - mu) / np.sqrt((M * (1 - M)).sum(axis=1) + 0.25)


def flip_odds(Y, S):
    S = np.clip(S, 1e-9, 1 - 1e-9)
    return np.where(Y, (1 - S) / S, S / (1 - S))


def single_flip(Y, S, n_iter=100):
    """P(corrupted) under "clean, or exactly one annotation wrong", pi fitted by EM."""
    odds = flip_odds(Y, S)
    n, K = Y.sum(axis=1), Y.shape[1]
    L = np.stack([np.ones(len(Y)), np.where(Y, 0, odds).sum(axis=1) / (n + 1),
                  np.where(Y, odds, 0).sum(axis=1) / (K - n + 1)])
    pi = np.array([0.9, 0.05, 0.05])
    for _ in range(n_iter):
        w = pi[:, None] * L
        w /= w.sum(axis=0)
        pi = w.mean(axis=1)
    return 1 - w[0]


def zero_inflated(Y, S, count, n_iter=60):
    """P(corrupted) when a corrupted example's annotations flip independently.

    Rates per side (``m``: a true tag is forgotten, ``a``: an absent class added),
    scaled by ``1 / (n + 1)`` and ``1 / (K - n + 1)`` with ``count``; pi and the
    rates fitted by EM."""
    odds = flip_odds(Y, S)
    n, K = Y.sum(axis=1, keepdims=True), Y.shape[1]
    fm = 1 / (n + 1) if count else np.ones(n.shape)
    fa = 1 / (K - n + 1) if count else np.ones(n.shape)
    pi, rm, ra = 0.1, (0.5 if count else 0.05), (0.5 if count else 0.01)
    for _ in range(n_iter):
        m, a = np.minimum(rm * fm, 0.5), np.minimum(ra * fa, 0.5)
        flip = np.where(Y, a, m) * odds
        ratio = np.where(Y, 1 - m, 1 - a) + flip
        lr = np.exp(np.clip(np.log(ratio).sum(axis=1), -700, 700))
        w = pi * lr / (1 - pi + pi * lr)
        flipped = flip / ratio
        pi = w.mean()
        true1 = np.where(Y, 1 - flipped, flipped)
        rm = (w[:, None] * np.where(Y, 0, flipped)).sum() / max(
            (w[:, None] * true1 * fm).sum(), 1e-12)
        ra = (w[:, None] * np.where(Y, flipped, 0)).sum() / max(
            (w[:, None] * (1 - true1) * fa).sum(), 1e-12)
    return w


def fit_2d(Y, U, maxiter=500):
    """Noise model with ``s = sigmoid(sum_f w_fk U_fk + b_k)``, shared flip rates,
    fitted on all rows by L-BFGS. Returns the posterior that each annotation is wrong."""
    F, N, K = U.shape
    y = Y.astype(np.float64)

    def unpack(t):
        return t[:F * K].reshape(F, K), t[F * K:F * K + K], t[-2], t[-1]

    def loss_grad(t):
        w, b, r0, r1 = unpack(t)
        s = expit(np.einsum("fnk,fk->nk", U, w) + b)
        span = 1 - r0 - r1
        q = np.clip(r0 + span * s, 1e-12, 1 - 1e-12)
        dq = -(y / q - (1 - y) / (1 - q))
        ds = dq * span * s * (1 - s)
        grad = np.concatenate([np.einsum("fnk,nk->fk", U, ds).ravel(), ds.sum(axis=0),
                               [(dq * (1 - s)).sum(), (-dq * s).sum()]])
        return -(y * np.log(q) + (1 - y) * np.log1p(-q)).sum() / (N * K), grad / (N * K)

    w0 = np.zeros((F, K))
    w0[0] = 1.0
    t0 = np.concatenate([w0.ravel(), np.zeros(K), [0.01, 0.01]])
    bounds = [(None, None)] * (F * K + K) + [(0.0, 0.49)] * 2
    w, b, r0, r1 = unpack(minimize(loss_grad, t0, jac=True, method="L-BFGS-B", bounds=bounds,
                                   options={"maxiter": maxiter}).x)
    s = expit(np.einsum("fnk,fk->nk", U, w) + b)
    q = r0 + (1 - r0 - r1) * s
    return np.where(Y, r0 * (1 - s) / q, r1 * s / (1 - q))


def candidates(Y, P, Q, with_2d=False):
    model = noise_model(Y, Q)
    E = error_proba_block(Q, Y, model)
    S = calibrated_block(Q, model)
    Pc = np.clip(P, 1e-4, 1 - 1e-4)
    Ep = error_proba_block(Pc, Y, noise_model(Y, Pc))
    out = {
        "posterior q, softmin 0.1": softmin(1 - E),
        "posterior q, min": smin(1 - E),
        "posterior q, sum log": logsum(1 - E),
        "posterior p, softmin 0.1": softmin(1 - Ep),
        "max(posterior p, q), softmin 0.1": softmin(1 - np.maximum(E, Ep)),
        "mean(posterior p, q), softmin 0.1": softmin(1 - (E + Ep) / 2),
        "geo(posterior p, q), softmin 0.1": softmin(1 - np.sqrt(E * Ep)),
    }
    z = -np.abs(count_z(Y, Q))
    out["-|z|, the count alone"] = z
    out["rank-product posterior, -|z|"] = example_rank(out["posterior q, softmin 0.1"]) * \
        example_rank(z)
    out["single flip, EM"] = -single_flip(Y, S)
    out["zero-inflated, EM"] = -zero_inflated(Y, S, count=False)
    out["zero-inflated count, EM"] = -zero_inflated(Y, S, count=True)
    if with_2d:
        U = np.stack([logit_block(Q, 1e-9), logit_block(P)])
        out["2-d calibration (logit q, logit p), softmin 0.1"] = softmin(1 - fit_2d(Y, U))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="substring of the case names to run")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--with-2d", action="store_true",
                        help="also fit the calibration on both logits (slow)")
    parser.add_argument("--detail", nargs="*", default=[],
                        help="substrings of candidate names for a per-benchmark table")
    args = parser.parse_args(argv)
    data = load_all()
    rescore(data, lambda case, Y, P, Q: candidates(Y, P, Q, args.with_2d), only=args.only,
            seeds=args.seeds, detail=args.detail, width=50)


if __name__ == "__main__":
    main()
