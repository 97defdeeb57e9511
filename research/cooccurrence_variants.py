"""Variants of the co-occurrence stage, on the cached detection benchmark cases.

Run ``python research/cooccurrence_variants.py`` (``--only NAME`` to restrict the
cases, ``--variants a,b`` to pick variants; it needs the detection cache). It reads
the out-of-fold probabilities cached by ``benchmarks/_detect_data.py`` (cases not in
the cache are skipped, none is built) and scores each variant's second-stage probabilities with the
co-occurrence rows of ``bench_detection.py`` (self_confidence, adjusted or not, 4
aggregators). Printed: mean AUROC / AP over those rows and the seeds per
benchmark, then per row over the benchmarks, and each variant's total fit time.

Variants:

- ``current``: ``get_cooccurrence_params`` as shipped (one Newton fit on all rows,
  one Newton step per fold).
- ``refit``: the same model refitted from scratch on the rows outside each fold
  (five Newton fits, as the stage was fitted before; the reference of ``current``).
- ``logodds``: 3 weights per class, ``q = sigmoid(a logit(p) + b + g c)`` with one
  evidence feature ``c_ik = sum_{j != k} y_ij L_jk``, ``L`` the smoothed
  (+0.5) label-to-label log odds ratios from the counts, leave-one-out (the row's
  own annotations taken out of the counts), fitted by batched Newton on 3 x 3
  systems: cheap (one sparse product per block) but weaker.
- ``half``, ``quarter``: ``current`` fitted on a hashed sample of that share of the
  rows (what happens beyond 32,768 rows, here on the benchmarks' smaller data).

Measured 2026-12-01 on the 78 cached cases (26 benchmarks), mean over benchmarks
of the 8 rows: ``current`` 0.757-0.780 AUROC / 0.505-0.545 AP, within 0.002 AUROC /
0.007 AP of the previous five-fit stage on every benchmark; ``logodds`` 0.025-0.043
AUROC and 0.07-0.11 AP lower (yeast 0.05-0.08 AUROC lower); ``half`` 0.006-0.008 /
0.02-0.03 lower, ``quarter`` 0.015 / 0.04-0.06 lower.
"""

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import scipy.sparse as sp

# The detection benchmark's cache and rows are imported from benchmarks/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
# These experiments study the dense stage (every class reads all other labels), which
# the package replaced by the neighbour stage; the tests keep it as their oracle.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "rank"))

import _dense_stage as cooc  # noqa: E402

from _detect_data import case_path, cases, load_case  # noqa: E402
from bench_detection import AGGREGATORS, new_rows  # noqa: E402

from skmlq import get_label_quality_scores_per_class  # noqa: E402
from skmlq._core._aggregation import resolve_aggregator  # noqa: E402
from skmlq.benchmarking import detection_metrics  # noqa: E402


def current(Y, P):
    return cooc.cooccurrence_block(P, Y, cooc.fit_cooccurrence(Y, P))


def refit(Y, P, n_folds=5):
    folds = cooc.row_folds(P, Y, n_folds, 0)
    params = []
    for fold in range(n_folds):
        out = folds != fold
        sample = cooc._FitSample(Y[out], P[out], n_folds, 0)
        params.append(cooc._fit_all(sample, 1.0)[0])
    return cooc.cooccurrence_block(P, Y, np.stack(params))


def sampled(share):
    def variant(Y, P):
        saved = cooc._MAX_FIT_ROWS
        cooc._MAX_FIT_ROWS = max(1, int(P.shape[0] * share))
        try:
            return current(Y, P)
        finally:
            cooc._MAX_FIT_ROWS = saved
    return variant


def logodds(Y, P, alpha=0.5, inv_c=1.0):
    L = sp.csr_matrix(Y, dtype=np.float64)
    y = L.toarray() > 0
    n = L.shape[0]
    counts = np.asarray(L.sum(axis=0)).ravel()
    n11 = (L.T @ L).toarray()                  # rows with labels j and k
    n10 = counts[:, None] - n11                # j without k
    n01 = counts[None, :] - n11                # k without j
    n00 = n - counts[:, None] - counts[None, :] + n11

    def log_odds(a, b, c, d):
        M = np.log(a + alpha) + np.log(d + alpha) - np.log(b + alpha) - np.log(c + alpha)
        np.fill_diagonal(M, 0)
        return M

    # Leave-one-out: a row with label j was counted in n11 if it has k, else in n10.
    given = log_odds(np.maximum(n11 - 1, 0), n10, n01, n00)
    absent = log_odds(n11, np.maximum(n10 - 1, 0), n01, n00)
    evidence = np.where(y, L @ given, L @ absent)
    Z = cooc.logit_block(P)
    X = np.stack([Z, np.ones_like(Z), evidence])           # (3, n, K)
    theta = np.array([np.ones(Z.shape[1]), np.zeros(Z.shape[1]), np.zeros(Z.shape[1])])
    penalty = np.array([inv_c, 1e-9, inv_c])

    def loss_of(theta):
        return (cooc.log_loss(np.einsum("fnk,fk->nk", X, theta), y)[0]
                + 0.5 * (penalty[:, None] * theta ** 2).sum(axis=0))

    loss = loss_of(theta)
    for _ in range(30):
        s = cooc.log_loss(np.einsum("fnk,fk->nk", X, theta), y)[1]
        grad = np.einsum("fnk,nk->kf", X, s - y) + (penalty[:, None] * theta).T
        hess = np.einsum("fnk,gnk,nk->kfg", X, X, s * (1 - s)) + np.diag(penalty)
        step = np.linalg.solve(hess, grad[..., None])[..., 0].T
        t = np.ones(Z.shape[1])
        for _ in range(8):
            trial = theta - t * step
            new = loss_of(trial)
            worse = new > loss + 1e-12 * np.abs(loss)
            if not worse.any():
                break
            t = np.where(worse, t / 2, t)
        trial, new = np.where(worse, theta, trial), np.where(worse, loss, new)
        decrease, theta, loss = float((loss - new).max()), trial, new
        if decrease <= 1e-6 * n:
            break
    return cooc.sigmoid_inplace(np.einsum("fnk,fk->nk", X, theta))


VARIANTS = {"current": current, "refit": refit, "logodds": logodds,
            "half": sampled(0.5), "quarter": sampled(0.25)}


def row_metrics(Y, Q, wrong):
    out = {}
    for name, (_, adjust, agg) in new_rows().items():
        S = get_label_quality_scores_per_class(Y, Q, adjust_pred_probs=adjust)
        m = detection_metrics(resolve_aggregator(AGGREGATORS[agg])(S), wrong)
        out[name] = (m["auroc"], m["ap"])
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help=f"comma-separated, from {', '.join(VARIANTS)}")
    args = parser.parse_args(argv)
    names = args.variants.split(",")
    unknown = sorted(set(names) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants {unknown}; choose from {list(VARIANTS)}")
    results = defaultdict(lambda: defaultdict(list))  # (benchmark, row) -> variant -> values
    seconds = defaultdict(float)
    for case in cases():
        if args.only not in "-".join(map(str, case)) or not case_path(*case).exists():
            continue
        d = load_case(*case)
        Y, P, wrong = d["noisy"], d["pred_probs"], d["wrong"]
        for name in names:
            start = time.perf_counter()
            Q = VARIANTS[name](Y, P)
            seconds[name] += time.perf_counter() - start
            for row, value in row_metrics(Y, Q, wrong).items():
                results[("-".join(case[:3]), row)][name].append(value)
    if not results:
        print("no cached case matches; build them with benchmarks/_detect_data.py")
        return 1
    benches = sorted({b for b, _ in results})
    rows = list(new_rows())

    def mean(pairs, i):
        return np.mean([v[i] for v in pairs])

    print("Per benchmark, mean over the co-occurrence rows and seeds, AUROC / AP:")
    print(f"  {'benchmark':28s} " + " ".join(f"{n:>13s}" for n in names))
    for b in benches:
        cells = [f"{np.mean([mean(results[(b, r)][n], 0) for r in rows]):.3f} / "
                 f"{np.mean([mean(results[(b, r)][n], 1) for r in rows]):.3f}" for n in names]
        print(f"  {b:28s} " + " ".join(f"{c:>13s}" for c in cells))
    print("Per row, mean over the benchmarks, AUROC / AP:")
    for r in rows:
        cells = [f"{np.mean([mean(results[(b, r)][n], 0) for b in benches]):.3f} / "
                 f"{np.mean([mean(results[(b, r)][n], 1) for b in benches]):.3f}" for n in names]
        print(f"  {r:28s} " + " ".join(f"{c:>13s}" for c in cells))
    print("Fit + second-stage time over all cases: "
          + ", ".join(f"{n} {seconds[n]:.1f} s" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
