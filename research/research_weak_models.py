"""Research: why the second-stage methods lose with weak base models (forest, k-NN).

Rescores the cached cases of ``bench_detection.py`` (``SKMLQ_BENCH_CACHE``, the
same out-of-fold ``p`` and second-stage ``q``); only the ``clip`` candidates refit
the second stage. The library is untouched. Run ``python
research/research_weak_models.py`` (about 5 minutes on 2 cores); ``--only``
restricts the cases, ``--detail NAME ...`` adds a per-benchmark table of the
candidates whose name contains NAME, ``--kinds CASE ...`` the diagnosis below for
some cases (``synthetic-realistic-knn-0``).

Where every second-stage method stays below cleanlab's best (synthetic realistic
with a forest or k-NN, bibtex missing with a forest), cleanlab's best is its
adjusted ``self_confidence`` with softmin 0.1. Candidates:

- ``clip``: the stage fitted on ``p`` clipped to ``[e, 1 - e]`` (the stage clips at
  1e-4): ``e`` = half the smallest distance of a ``p`` from 0 or 1 (so the exact 0
  and 1 of a forest or 15-NN sit one step beyond their neighbours on the logit
  scale instead of 6 units away), or ``e`` = 0.01;
- ``joint EM``: the one-error mixture of ``single_error`` with the calibration
  ``s = sigmoid(a logit q + b)`` refitted inside the EM (soft targets: the expected
  true labels under the mixture) instead of the noise model's, from ``s = q`` or from
  the noise model's calibration;
- ``single_error`` with ``s = q`` (no calibration), ``s = p`` (the first stage) or
  halfway between ``q`` and the noise model's calibration;
- the two sides on one footing without estimating the direction of the noise:
  ``noise_posterior`` with both flip rates of a class set to their mean, and
  ``single_error`` with the two kinds of error given equal shares.

Findings (2026-12-02; mean over the 26 benchmarks of the mean over 3 seeds;
cleanlab best in hindsight: AUROC 0.723, AP 0.400; "#ok": benchmarks at most 0.01
AUROC and 0.01 AP below it; about 5 minutes)::

    candidate                          AUROC     AP  min dAU  min dAP  #ok
    noise_posterior                    0.830  0.608   -0.090   -0.212   18
    single_error                       0.854  0.632   -0.098   -0.171   19
    single_error s=q                   0.846  0.628   -0.155   -0.182   19
    single_error s=p                   0.693  0.356   -0.171   -0.271   10
    single_error halfway               0.855  0.643   -0.126   -0.167   19
    noise_posterior, equal rates       0.788  0.569   -0.357   -0.331   16
    single_error, equal shares         0.847  0.608   -0.063   -0.152   18
    joint EM from s=q                  0.840  0.624   -0.137   -0.181   19
    joint EM from noise model          0.759  0.551   -0.318   -0.181   15
    clip adaptive, noise_posterior     0.820  0.600   -0.201   -0.224   16
    clip adaptive, single_error        0.853  0.641   -0.138   -0.178   19
    clip 0.01, noise_posterior         0.817  0.596   -0.367   -0.349   16
    clip 0.01, single_error            0.837  0.631   -0.472   -0.370   19

On the synthetic benchmark's realistic noise (cleanlab's best 0.724 / 0.314 with a
forest, 0.672 / 0.242 with k-NN), AUROC / AP::

    candidate                       forest       k-NN
    noise_posterior               .683/.204   .583/.130
    clip adaptive, posterior      .683/.205   .546/.126
    clip 0.01, posterior          .685/.209   .567/.129
    single_error                  .658/.191   .575/.128
    joint EM from s=q             .588/.133   .535/.117
    joint EM from noise model     .588/.133   .387/.080

Equal shares lift ``single_error`` on synthetic realistic with k-NN (0.610 / 0.135)
and bibtex missing forest (0.810 / 0.260) but cost 0.04-0.08 AUROC on bibtex
missing knn and lr; equal rates lose the direction that finds bibtex's forgotten
tags (0.41-0.45). Neither a finer clip nor a calibration fitted with the mixture
helps where the shipped methods lose, and both lose elsewhere (a clip of 0.01 costs up to 0.47
AUROC on bibtex toggle lr, whose logistic regression is confident for good
reasons). The joint EM degenerates: started from the noise model's calibration, on
6 of the 18 synthetic cases every example becomes "one tag missing", shares
(0, 1, 0), because a free per-class calibration can explain any label pattern as
well as the mixture can.

The diagnosis (``--kinds synthetic-realistic-knn-0``): AUROC of the example score
of the examples of one kind of error against the clean ones::

    score                   lost a tag  gained one  swapped
    cleanlab sc+adj          .674        .673        .722
    cleanlab sc              .472        .704        .666
    noise_posterior          .489        .714        .659
    single_error             .444        .714        .655

An example that lost a tag is not found at all (AUROC below one half, as with
cleanlab's unadjusted scores), while added tags are found as well as cleanlab's
adjusted scores find them. The cause is the given side: the noise model puts the
probability that a class that does not apply is annotated at 0.027, against about
0.003 in truth, and that a tag is left out at 0.112, against 0.02-0.05 (k-NN's
``p = 0`` for a given tag is mostly a rare true tag k-NN cannot see, not a wrong
one, but nothing in ``(p, y)`` tells the two apart), so a given tag with a low
probability outweighs any absent class with a moderate one; the single-error
shares say the same (clean 0.67, one missing 0.005, one wrong 0.33, for a truth of
0.90 / 0.06 / 0.01 plus 0.03 swaps). Cleanlab's adjustment compares each
probability with the class's average over its given (or absent) annotations
instead, which puts the two sides on one scale without estimating noise rates.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.special import expit
from sklearn.metrics import roc_auc_score

# The detection benchmark's cache and rows are imported from benchmarks/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_detection import noise_model  # noqa: E402
from research_adaptive import load_all, rescore  # noqa: E402

from skmlq import get_label_quality_scores_per_class  # noqa: E402
from skmlq._core._aggregation import resolve_aggregator  # noqa: E402
from skmlq._core._logistic import logit_block  # noqa: E402
from skmlq._core._error_proba import posterior_scores_block  # noqa: E402
from skmlq._core._single_error import fit_error_shares, single_error_scores_block  # noqa: E402
from skmlq.rank import get_cooccurrence_params  # noqa: E402

SOFTMIN = resolve_aggregator({"method": "softmin", "temperature": 0.1})


def adaptive_eps(P, floor=1e-4):
    """Half the smallest distance of a probability from 0 or 1, at least ``floor``."""
    low = P[P > 0].min(initial=1.0)
    high = (1 - P)[P < 1].min(initial=1.0)
    return max(floor, 0.5 * min(low, high))


def calibration_only(a, b):
    """A noise model with calibration ``(a, b)`` per class and no flips."""
    a = np.asarray(a, dtype=float)
    return np.column_stack([a, np.broadcast_to(b, a.shape), np.zeros_like(a), np.zeros_like(a)])


def equal_rates(model):
    """``model`` with both flip rates of a class set to their mean."""
    out = model.copy()
    out[:, 2:4] = model[:, 2:4].mean(axis=1, keepdims=True)
    return out


def single_error_on(Y, M, model):
    """``single_error`` scores of ``M`` read through ``model``, shares refitted."""
    M = np.clip(M, 1e-4, 1 - 1e-4)
    shares = fit_error_shares(Y, lambda a, b: M[a:b], model, *M.shape)
    return single_error_scores_block(M, Y, model, shares)


def joint_em(Y, Q, init, n_iter=40, n_newton=2):
    """The one-error mixture with its calibration refitted in the EM; per-class scores."""
    n_classes = Y.shape[1]
    u = np.clip(logit_block(Q, 1e-9), -12, 12)
    a, b = init[:, 0].copy(), init[:, 1].copy()
    n_given = Y.sum(axis=1)
    side = np.where(Y, (1.0 / (n_classes - n_given + 1))[:, None], (1.0 / (n_given + 1))[:, None])
    pi = np.array([0.9, 0.05, 0.05])

    def e_step():
        s = np.clip(expit(a * u + b), 1e-9, 1 - 1e-9)
        odds = np.where(Y, (1 - s) / s, s / (1 - s)) * side
        wrong = np.where(Y, odds, 0.0).sum(axis=1)
        missing = odds.sum(axis=1) - wrong
        den = pi[0] + pi[1] * missing + pi[2] * wrong
        share = np.array([np.mean(pi[0] / den), np.mean(pi[1] * missing / den),
                          np.mean(pi[2] * wrong / den)])
        return odds * np.where(Y, pi[2], pi[1]) / den[:, None], share

    for _ in range(n_iter):
        g, pi = e_step()
        target = np.where(Y, 1 - g, g)
        for _ in range(n_newton):  # weighted logistic regression of the soft targets
            s = expit(a * u + b)
            r, w = s - target, s * (1 - s)
            ga, gb = (r * u).sum(axis=0) + 1e-3 * a, r.sum(axis=0) + 1e-6 * b
            haa, hab = (w * u * u).sum(axis=0) + 1e-3, (w * u).sum(axis=0)
            hbb = w.sum(axis=0) + 1e-6
            det = haa * hbb - hab * hab
            a = np.maximum(a - (hbb * ga - hab * gb) / det, 0.0)
            b = b - (haa * gb - hab * ga) / det
    return 1 - e_step()[0]


def candidates(case, Y, P, Q):
    cache = {"Q": Q}
    Q, model, shares = noise_model(case, Y, P, cache)
    n_classes = Y.shape[1]
    identity = calibration_only(np.ones(n_classes), 0.0)
    out = {
        "noise_posterior": posterior_scores_block(Q, Y, model),
        "single_error": single_error_scores_block(Q, Y, model, shares),
        "single_error s=q": single_error_on(Y, Q, identity),
        "single_error s=p": single_error_on(Y, P.astype(float), identity),
        "single_error halfway": single_error_on(
            Y, Q, calibration_only((1 + model[:, 0]) / 2, model[:, 1] / 2)),
        "noise_posterior, equal rates": posterior_scores_block(Q, Y, equal_rates(model)),
        "single_error, equal shares": single_error_scores_block(
            Q, Y, model, [shares[0], (1 - shares[0]) / 2, (1 - shares[0]) / 2]),
        "joint EM from s=q": joint_em(Y, Q, identity),
        "joint EM from noise model": joint_em(Y, Q, model),
    }
    for name, eps in (("clip adaptive", adaptive_eps(P)), ("clip 0.01", 0.01)):
        Pc = np.clip(P, eps, 1 - eps)
        params = get_cooccurrence_params(Y, Pc, random_state=0)
        for method in ("noise_posterior", "single_error"):
            out[f"{name}, {method}"] = get_label_quality_scores_per_class(
                Y, Pc, method=method, cooccurrence_params=params)
    return {name: SOFTMIN(S) for name, S in out.items()}


def by_kind(case, Y, P, Q, wrong):
    """AUROC of the examples of each kind of error against the clean ones."""
    Q, model, shares = noise_model(case, Y, P, {"Q": Q})
    lost, added = (wrong & ~Y).any(axis=1), (wrong & Y).any(axis=1)
    kinds = {"lost a tag": lost & ~added, "gained one": added & ~lost, "swapped": lost & added}
    clean = ~wrong.any(axis=1)
    scores = {
        "cleanlab sc+adj": get_label_quality_scores_per_class(
            Y, P, method="self_confidence", adjust_pred_probs=True),
        "cleanlab sc": get_label_quality_scores_per_class(Y, P, method="self_confidence"),
        "noise_posterior": posterior_scores_block(Q, Y, model),
        "single_error": single_error_scores_block(Q, Y, model, shares),
    }
    print(f"\n{'-'.join(map(str, case))}: " + ", ".join(
        f"{n} {int(k.sum())}" for n, k in kinds.items()) + f", clean {int(clean.sum())}")
    print(f"  {'score':22s} " + " ".join(f"{n:>11s}" for n in kinds))
    for name, S in scores.items():
        s = SOFTMIN(S)
        cells = []
        for member in kinds.values():
            truth = np.r_[np.zeros(clean.sum()), np.ones(member.sum())]
            cells.append(roc_auc_score(truth, -np.r_[s[clean], s[member]]) if member.any()
                         else np.nan)
        print(f"  {name:22s} " + " ".join(f"{c:11.3f}" for c in cells))
    print(f"  noise model: absent-side flip rate {model[:, 2].mean():.3f}, given-side "
          f"{model[:, 3].mean():.3f}; single-error shares {np.round(shares, 3)}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="substring of the case names to run")
    parser.add_argument("--detail", nargs="*", default=[],
                        help="substrings of candidate names for a per-benchmark table")
    parser.add_argument("--kinds", nargs="*", default=[],
                        help="cases (data-noise-model-seed) to diagnose by kind of error")
    args = parser.parse_args(argv)
    data = load_all()
    for name in args.kinds:
        case = next(c for c in data if "-".join(map(str, c)) == name)
        by_kind(case, *data[case])
    if args.kinds:
        return
    rescore(data, candidates, only=args.only, detail=args.detail)


if __name__ == "__main__":
    main()
