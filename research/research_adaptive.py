"""Research: scorers that adapt to the direction of the noise (missing vs wrong tags).

Scores candidates on the cached out-of-fold probabilities ``p`` and second-stage
probabilities ``q`` (``method="cooccurrence"``) of ``bench_detection.py``, without
refitting anything: 26 benchmarks x 3 seeds in about 30 s. Each candidate is compared
with cleanlab's best configuration chosen in hindsight for every benchmark (30
configurations). Run ``python research/research_adaptive.py [NAME ...]`` with
``SKMLQ_BENCH_CACHE`` pointing at a filled cache; names (substrings) add a
per-benchmark table of those candidates. A candidate sees only the noisy labels and
the probabilities; rows marked ORACLE use the true direction of the errors and are
upper bounds, not candidates. No candidate has a constant fitted to a result.

Findings (2026-12-01; mean over the 26 benchmarks of the mean over 3 seeds; cleanlab
best in hindsight: AUROC 0.723, AP 0.400; "#ok" counts the benchmarks where the
candidate is at most 0.01 AUROC and 0.01 AP below it; the target needs AUROC >= 0.753
and #ok = 26). The families: 1. switch ``adjust_pred_probs`` on an estimate of the
direction; 2. put the absent and the given side on a common scale (priors per side, or
ranks); 3. blend the first-stage ``p`` and the second-stage ``q``::

    candidate                            AUROC     AP  min dAU  min dAP  #ok  worst
    cooc min (today's best mean)         0.777  0.545   -0.375   -0.333   16  bib-missing-forest
    cooc+adj min                         0.776  0.543   -0.237   -0.405   13  bib-toggle-forest
    1. switch adjust by confident-joint  0.776  0.543   -0.237   -0.405   13  bib-toggle-forest
    2. odds: logit(sc) - logit(cj rate)  0.750  0.499   -0.456   -0.343   17  bib-missing-forest
    2. same, rate pooled per side        0.761  0.532   -0.466   -0.344   16  bib-missing-forest
    2. noise-model posterior, max        0.801  0.568   -0.175   -0.215   15  bib-missing-forest
    2. rank-min of the two sides, q      0.810  0.559   -0.178   -0.198   14  bib-missing-forest
    2. z-min of the two sides, q         0.811  0.585   -0.161   -0.204   13  bib-toggle-lr
    3. rank-min, absent g, given q       0.814  0.551   -0.126   -0.193   14  bib-toggle-forest
    3. z-min, absent g, given q          0.813  0.567   -0.106   -0.209   15  bib-toggle-lr
    3. rank-min weighted by noise-model  0.815  0.562   -0.125   -0.233   16  bib-toggle-forest
    3. rank-min, absent g+adj softmin    0.811  0.528   -0.112   -0.190   15  bib-toggle-forest
    3. g softmin0.1 (whole example)      0.742  0.414   -0.417   -0.338   15  bib-missing-forest
    3. g+adj softmin0.1                  0.773  0.494   -0.293   -0.409   15  bib-toggle-forest
    rank-min, p+adj softmin & cooc min   0.793  0.465   -0.088   -0.166   14  bib-toggle-forest
    ORACLE switch adjust, true direction 0.815  0.610   -0.138   -0.115   16  bib-missing-knn
    ORACLE odds, true per-class rates    0.770  0.496   -0.247   -0.288   18  bib-missing-forest
    ORACLE weighted, absent g, given q   0.833  0.613   -0.054   -0.056   18  syn-realistic-knn
    best of 33 candidates per benchmark  0.848  0.642   -0.041   -0.032   22  bib-missing-knn

(``g = sigmoid((logit p + logit q) / 2)``; "rank-min": per example, the min of the
lowest self-confidence on each side, each turned into its rank among the examples,
then the min of the two ranks; "z-min": the same with a robust z-score, (x - median)
/ MAD of the logit, instead of the rank; "weighted": min(u_absent / w, u_given / (1 - w))
with w the share of the error mass on the absent side.)

Per benchmark, AUROC / AP: cleanlab best | cooc min | cooc+adj min | rank-min absent
g, given q | z-min absent g, given q | ORACLE weighted rank-min::

    bib-missing-forest   0.775/0.412 0.400/0.079 0.688/0.319 0.666/0.248 0.685/0.351 0.747/0.406
    bib-missing-knn      0.738/0.390 0.382/0.097 0.600/0.275 0.612/0.234 0.632/0.351 0.690/0.361
    bib-missing-lr       0.708/0.340 0.417/0.085 0.654/0.287 0.650/0.223 0.674/0.339 0.734/0.355
    bib-realistic-knn    0.703/0.335 0.597/0.189 0.667/0.298 0.710/0.312 0.708/0.346 0.716/0.331
    bib-realistic-lr     0.681/0.278 0.626/0.198 0.692/0.286 0.730/0.306 0.729/0.328 0.739/0.319
    bib-toggle-forest    0.912/0.563 0.929/0.627 0.674/0.158 0.864/0.370 0.859/0.403 0.926/0.604
    bib-toggle-knn       0.819/0.291 0.917/0.550 0.659/0.150 0.849/0.333 0.808/0.227 0.913/0.534
    bib-toggle-lr        0.888/0.454 0.929/0.612 0.655/0.141 0.863/0.363 0.824/0.245 0.926/0.594
    syn-classcond-forest 0.695/0.722 0.707/0.719 0.639/0.673 0.678/0.701 0.673/0.695 0.672/0.698
    syn-classcond-knn    0.677/0.694 0.654/0.677 0.611/0.645 0.633/0.661 0.636/0.665 0.629/0.659
    syn-classcond-lr     0.749/0.767 0.747/0.757 0.660/0.694 0.703/0.733 0.694/0.721 0.695/0.729
    syn-realistic-forest 0.724/0.314 0.612/0.141 0.701/0.275 0.699/0.238 0.703/0.279 0.703/0.261
    syn-realistic-knn    0.672/0.242 0.549/0.117 0.615/0.165 0.639/0.172 0.635/0.150 0.647/0.186
    syn-realistic-lr     0.722/0.354 0.687/0.204 0.717/0.301 0.743/0.317 0.743/0.354 0.738/0.335
    yeast-classcond-forest 0.665/0.698 0.908/0.910 0.899/0.912 0.917/0.922 0.917/0.924 0.898/0.911
    yeast-classcond-knn  0.659/0.673 0.904/0.898 0.901/0.911 0.900/0.891 0.900/0.891 0.877/0.876
    yeast-classcond-lr   0.646/0.667 0.907/0.910 0.895/0.908 0.895/0.903 0.896/0.904 0.871/0.884
    yeast-missing-forest 0.729/0.288 0.866/0.601 0.882/0.735 0.908/0.658 0.908/0.747 0.937/0.788
    yeast-missing-knn    0.700/0.254 0.875/0.570 0.869/0.714 0.899/0.594 0.894/0.617 0.927/0.689
    yeast-missing-lr     0.668/0.214 0.866/0.598 0.875/0.728 0.906/0.664 0.895/0.644 0.932/0.761
    yeast-realistic-forest 0.695/0.238 0.949/0.754 0.957/0.833 0.955/0.796 0.956/0.839 0.957/0.834
    yeast-realistic-knn  0.692/0.203 0.942/0.726 0.953/0.819 0.942/0.690 0.943/0.689 0.945/0.709
    yeast-realistic-lr   0.665/0.170 0.947/0.758 0.955/0.827 0.950/0.793 0.946/0.778 0.949/0.811
    yeast-toggle-forest  0.753/0.298 0.966/0.800 0.923/0.694 0.957/0.785 0.964/0.810 0.965/0.812
    yeast-toggle-knn     0.746/0.266 0.963/0.786 0.923/0.681 0.949/0.659 0.954/0.650 0.955/0.703
    yeast-toggle-lr      0.729/0.264 0.964/0.805 0.923/0.700 0.951/0.759 0.961/0.802 0.960/0.801

What this shows:

- The direction of the noise is not identifiable from the first moments of the
  probabilities. ``q`` is a logistic regression with an intercept fitted on the noisy
  annotations, so per class the sum of ``q`` over the absent annotations equals the
  sum of ``1 - q`` over the given ones: the "disagreement mass" is split 0.50 / 0.50
  on every case, toggle or missing alike; for ``p`` the split is the same for bibtex
  toggle and missing (0.39 / 0.39 with logistic regression). The binary confident
  joint counts 11-24 times too many errors on bibtex (for example 13,644 estimated
  missing tags for 989 true ones, seed 0) and puts most of them on the absent side for every
  noise kind, so a switch on its share always adjusts. The per-class noise model's
  share of error mass on the absent side overlaps between the kinds (bibtex: toggle
  0.48-0.74, missing 0.61-0.95, truth 0.02 and 1.00). Priors built from these
  estimates (family 2, posterior odds) lose where they are most wrong; and even the
  true per-class, per-side rates as priors, ``logit(self-confidence) - logit(rate)``,
  only reach 0.770 (ORACLE odds): with ``q`` calibrated to the noisy annotations,
  ``q / (1 - q)`` is not the likelihood ratio of a flip, so better priors alone do
  not fix that family.
- Putting the two sides on a common scale *without* estimating the direction works
  best: the min of the two sides' ranks (or robust z-scores) lets whichever side holds
  the outliers decide. It raises the mean AUROC from 0.777 to 0.810-0.815 and the
  worst margin from -0.375 to -0.106 / -0.126, and costs AP where only one side is
  wrong (bibtex toggle: the other side's lowest ranks are false alarms).
- On the absent side, the first-stage ``p`` finds missing tags of many rare classes
  better than ``q`` (seed 0; bibtex missing, absent side only: AUROC 0.73-0.75 with ``p``,
  0.64-0.73 with ``q``), and ``q`` is far better on structured classes (yeast
  missing: 0.80-0.85 with ``p``, 0.91 with ``q``); the logit average ``g`` of the two
  is within reach of the better one on both (0.70-0.76 and 0.93-0.94), hence family 3.
- ``g`` also repairs the synthetic benchmark, whose classes are independent (the
  label-to-label weights of ``q`` add only noise there): ``g`` + softmin 0.1 is within
  0.003 of cleanlab's best or above it on its class-conditional noise (0.708 / 0.674 /
  0.753 AUROC for forest / k-NN / LR against 0.695 / 0.677 / 0.749), but like every
  whole-example score it fails on one of the two directions (bibtex missing: -0.42).
- Even with the true direction (ORACLE rows) or the best of all 33 candidates chosen
  per benchmark in hindsight, the target is not met: bibtex missing forest and k-NN
  (-0.021 / -0.041 AUROC) and synthetic realistic forest and k-NN (-0.019 / -0.027 AP)
  remain below cleanlab's best, which there is adjusted ``self_confidence`` of ``p``
  with softmin 0.1. Meeting it needs better per-side evidence (a second stage that
  does not learn from the missing tags it should find; an aggregate that adds up
  several moderate errors, as softmin does on class-conditional noise), not only a
  better choice between existing scores.
"""

import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

# The detection benchmark's cache and rows are imported from benchmarks/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from _detect_data import CACHE, available_cases, load_case  # noqa: E402
from bench_detection import AGGREGATORS, cleanlab_rows  # noqa: E402

from skmlq import get_label_quality_scores_per_class  # noqa: E402
from skmlq._core._aggregation import resolve_aggregator, softmin_last_axis  # noqa: E402
from skmlq._core._scoring import adjust_block  # noqa: E402
from skmlq._core._thresholds import confident_thresholds  # noqa: E402

# Derived from the cached cases, so it is kept (and deleted) with them.
BEST_CACHE = CACHE / "research_cleanlab_best.json"


def load_all():
    """Every built case of the cache: ``{case: (noisy labels, p, q, wrong mask)}``.

    ``q`` is the co-occurrence stage of ``bench_detection.py``, fitted and cached next
    to the case when it is missing, so a research script scores the stage the
    benchmark scores, also on a freshly built cache.
    """
    from bench_detection import second_stage

    cases = available_cases()
    if not cases:
        raise SystemExit(f"no built case in {CACHE}: run python benchmarks/_detect_data.py "
                         "first (or set SKMLQ_BENCH_CACHE)")
    data = {}
    for case in cases:
        d = load_case(*case)
        Y, P = d["noisy"].astype(bool), d["pred_probs"]
        data[case] = (Y, P, second_stage(case, Y, P), d["wrong"])
    return data


def metrics(scores, wrong):
    is_error = wrong.any(axis=1)
    return roc_auc_score(is_error, -scores), average_precision_score(is_error, -scores)


def cleanlab_best(data):
    """Per benchmark: best mean-over-seeds AUROC and AP of every cleanlab configuration."""
    if BEST_CACHE.exists():  # computed once, again when a benchmark was built since
        raw = json.loads(BEST_CACHE.read_text())
        best = {tuple(k.split("|")): v for k, v in raw.items()}
        if {case[:3] for case in data} <= set(best):
            return best
    per = defaultdict(lambda: defaultdict(list))
    for case, (Y, P, _, wrong) in data.items():
        cache = {}
        for name, (method, adjust, agg) in cleanlab_rows().items():
            if (method, adjust) not in cache:
                cache[method, adjust] = get_label_quality_scores_per_class(
                    Y, P, method=method, adjust_pred_probs=adjust)
            s = resolve_aggregator(AGGREGATORS[agg])(cache[method, adjust])
            per[case[:3]][name].append(metrics(s, wrong))
    best = {}
    for bench, rows in per.items():
        means = {n: np.mean(v, axis=0) for n, v in rows.items()}
        best[bench] = [max(m[0] for m in means.values()), max(m[1] for m in means.values())]
    BEST_CACHE.parent.mkdir(parents=True, exist_ok=True)
    BEST_CACHE.write_text(json.dumps({"|".join(k): v for k, v in best.items()}))
    return best


# ---------------------------------------------------------------- building blocks

def sc(Y, P):
    """self_confidence: probability of the given side."""
    return np.where(Y, P, 1 - P)


def sc_adj(Y, P):
    return sc(Y, adjust_block(P, confident_thresholds(Y, P)))


def softmin(S, T=0.1):
    return softmin_last_axis(S, T)


def smin(S):
    return S.min(axis=1)


def logit(x, eps=1e-6):
    x = np.clip(x, eps, 1 - eps)
    return np.log(x) - np.log1p(-x)


def confident_joint_rates(Y, Q):
    """Per class, the confident-joint estimate of the fraction of wrong annotations per side.

    Column 0: share of absent annotations whose q is at least the class's given-side
    threshold t1 (mean q of the given annotations) -- "missing" candidates; column 1:
    share of given annotations whose 1 - q is at least t0 (mean 1 - q of the absent)
    -- "wrong" candidates. (A binary confident joint, off-diagonal / side count.)
    """
    t = confident_thresholds(Y, Q)
    t0, t1 = t[:, 0], t[:, 1]
    n1 = Y.sum(0)
    n0 = len(Y) - n1
    # Binary confident joint: true side = the side whose probability is over its
    # threshold; if both, the larger margin.
    above1 = Q >= t1
    above0 = (1 - Q) >= t0
    both = above1 & above0
    true1 = np.where(both, (Q - t1) >= (1 - Q - t0), above1)
    conf = above1 | above0
    miss = (~Y & conf & true1).sum(0)
    wrong = (Y & conf & ~true1).sum(0)
    return np.column_stack([miss / np.maximum(n0, 1), wrong / np.maximum(n1, 1)]), miss, wrong


def missing_share(Y, Q):
    _, miss, wrong = confident_joint_rates(Y, Q)
    return miss.sum() / max(miss.sum() + wrong.sum(), 1)


# ---------------------------------------------------------------- candidates

def c_cooc_min(Y, P, Q):
    return smin(sc(Y, Q))


def c_cooc_adj_min(Y, P, Q):
    return smin(sc_adj(Y, Q))


def c_cooc_adj_sm(Y, P, Q):
    return softmin(sc_adj(Y, Q))


def c_switch_cj(Y, P, Q):
    """Adjust iff the confident joint puts most estimated error mass on the absent side."""
    return smin(sc_adj(Y, Q)) if missing_share(Y, Q) > 0.5 else smin(sc(Y, Q))


def c_oracle_switch(Y, P, Q, wrong):
    """Not a candidate: the switch with the TRUE direction, an upper bound of family 1."""
    miss = (wrong & ~Y).sum()
    return smin(sc_adj(Y, Q)) if miss > (wrong & Y).sum() else smin(sc(Y, Q))


def c_odds_cj(Y, P, Q):
    """log posterior odds wrong ~ log prior(side, class) + logit(1 - sc): min quality."""
    rates, _, _ = confident_joint_rates(Y, Q)
    n = len(Y)
    prior = np.where(Y, rates[:, 1], rates[:, 0])
    prior = np.clip(prior, 1.0 / n, 0.5)
    quality = logit(sc(Y, Q)) - logit(prior)
    return quality.min(axis=1)


def c_odds_cj_sum(Y, P, Q):
    rates, _, _ = confident_joint_rates(Y, Q)
    n = len(Y)
    prior = np.clip(np.where(Y, rates[:, 1], rates[:, 0]), 1.0 / n, 0.5)
    log_odds = logit(1 - sc(Y, Q)) + logit(prior)
    return -np.logaddexp(0, log_odds).sum(axis=1)  # log P(all correct)


def c_odds_side(Y, P, Q):
    """Same as c_odds_cj with the rate pooled over classes per side (2 numbers)."""
    _, miss, wrong = confident_joint_rates(Y, Q)
    n1 = Y.sum()
    n0 = Y.size - n1
    r = np.array([miss.sum() / n0, wrong.sum() / n1])
    prior = np.where(Y, r[1], r[0])
    return (logit(sc(Y, Q)) - logit(prior)).min(axis=1)


CANDIDATES = {
    "cooc min": c_cooc_min,
    "cooc+adj min": c_cooc_adj_min,
    "cooc+adj softmin0.1": c_cooc_adj_sm,
    "switch(cj share) min": c_switch_cj,
    "odds cj min": c_odds_cj,
    "odds cj sum": c_odds_cj_sum,
    "odds side min": c_odds_side,
}
ORACLES = {"ORACLE switch (true direction)": c_oracle_switch}


# ---------------------------------------------------------------- side-balanced by rank

def side_min(S, Y, side):
    """Min of the per-annotation scores of one side per example (2 where it has none)."""
    return np.where(Y == bool(side), S, 2.0).min(axis=1)


def example_rank(s):
    """Fraction of examples scoring at most ``s`` (ties averaged): a p-value-like rank."""
    from scipy.stats import rankdata
    return rankdata(s, method="average") / len(s)


def rank_min(*scores):
    return np.min([example_rank(s) for s in scores], axis=0)


def c_rank_q(Y, P, Q):
    S = sc(Y, Q)
    return rank_min(side_min(S, Y, 0), side_min(S, Y, 1))


def c_rank_qadj(Y, P, Q):
    S = sc_adj(Y, Q)
    return rank_min(side_min(S, Y, 0), side_min(S, Y, 1))


def c_rank_padj_q(Y, P, Q):
    return rank_min(side_min(sc_adj(Y, P), Y, 0), side_min(sc(Y, Q), Y, 1))


def c_rank_four(Y, P, Q):
    return rank_min(side_min(sc_adj(Y, P), Y, 0), side_min(sc_adj(Y, Q), Y, 0),
                    side_min(sc(Y, Q), Y, 1), side_min(sc(Y, P), Y, 1))


CANDIDATES.update({
    "rank-min sides, q": c_rank_q,
    "rank-min sides, q adj": c_rank_qadj,
    "rank-min absent p adj, given q": c_rank_padj_q,
    "rank-min four": c_rank_four,
})


def weighted_rank_min(u_absent, u_given, w_absent):
    """Weighted Bonferroni of the two sides' example ranks: min(u_a / w_a, u_g / w_g)."""
    w = np.clip(w_absent, 0.05, 0.95)
    return np.minimum(example_rank(u_absent) / w, example_rank(u_given) / (1 - w))


def noise_model_share(Y, Q):
    """Share of the error mass on the absent side by the per-class noise model (error_proba)."""
    from skmlq._core._error_proba import error_proba_block, fit_noise_model, noise_histogram

    model = fit_noise_model(*noise_histogram(Y, lambda a, b: Q[a:b], *Q.shape))
    E = error_proba_block(Q, Y, model)
    return E[~Y].sum() / E.sum()


def c_wrank_oracle(Y, P, Q, wrong):
    S = sc(Y, Q)
    miss_ex = (wrong & ~Y).any(axis=1).sum()
    wrong_ex = (wrong & Y).any(axis=1).sum()
    return weighted_rank_min(side_min(S, Y, 0), side_min(S, Y, 1), miss_ex / (miss_ex + wrong_ex))


def c_wrank_nm(Y, P, Q):
    S = sc(Y, Q)
    return weighted_rank_min(side_min(S, Y, 0), side_min(S, Y, 1), noise_model_share(Y, Q))


CANDIDATES["weighted rank-min, noise-model share"] = c_wrank_nm
ORACLES["ORACLE weighted rank-min (true share)"] = c_wrank_oracle


def geo(P, Q, eps=1e-4):
    """Logit-average ensemble of the first-stage p and the second-stage q."""
    from scipy.special import expit
    return expit((logit(P, eps) + logit(Q, eps)) / 2)


def c_rank_g(Y, P, Q):
    S = sc(Y, geo(P, Q))
    return rank_min(side_min(S, Y, 0), side_min(S, Y, 1))


def c_rank_g_absent(Y, P, Q):
    return rank_min(side_min(sc(Y, geo(P, Q)), Y, 0), side_min(sc(Y, Q), Y, 1))


def c_wrank_g_absent(Y, P, Q):
    return weighted_rank_min(side_min(sc(Y, geo(P, Q)), Y, 0), side_min(sc(Y, Q), Y, 1),
                             noise_model_share(Y, Q))


def c_wrank_g_absent_oracle(Y, P, Q, wrong):
    miss_ex = (wrong & ~Y).any(axis=1).sum()
    wrong_ex = (wrong & Y).any(axis=1).sum()
    return weighted_rank_min(side_min(sc(Y, geo(P, Q)), Y, 0), side_min(sc(Y, Q), Y, 1),
                             miss_ex / (miss_ex + wrong_ex))


CANDIDATES["rank-min sides, g"] = c_rank_g
CANDIDATES["rank-min absent g, given q"] = c_rank_g_absent
CANDIDATES["wrank-min absent g, given q, nm"] = c_wrank_g_absent
ORACLES["ORACLE wrank absent g given q"] = c_wrank_g_absent_oracle


def side_softmin(S, Y, side, T=0.1):
    """softmin (temperature T) over the annotations of one side; 1 where it has none."""
    mask = Y == bool(side)
    z = np.where(mask, (1 - S) / T, -np.inf)
    zmax = z.max(axis=1, keepdims=True)
    zmax = np.where(np.isfinite(zmax), zmax, 0)
    w = np.where(mask, np.exp(z - zmax), 0)
    total = w.sum(axis=1)
    return np.where(total > 0, (w * S).sum(axis=1) / np.maximum(total, 1e-300), 1.0)


def c_rank_g_absent_sm(Y, P, Q):
    return rank_min(side_softmin(sc(Y, geo(P, Q)), Y, 0), side_softmin(sc(Y, Q), Y, 1))


def c_rank_g_absent_sm_giv(Y, P, Q):
    return rank_min(side_min(sc(Y, geo(P, Q)), Y, 0), side_softmin(sc(Y, Q), Y, 1))


CANDIDATES["rank-min absent g, given q, softmin"] = c_rank_g_absent_sm
CANDIDATES["rank-min absent g min, given q softmin"] = c_rank_g_absent_sm_giv


def robust_z(x):
    """(x - median) / (1.4826 MAD): a side's scores on a scale shared with the other side."""
    med = np.median(x)
    mad = 1.4826 * np.median(np.abs(x - med))
    return (x - med) / max(mad, 1e-12)


def c_z_g_absent(Y, P, Q):
    a = logit(side_min(sc(Y, geo(P, Q)), Y, 0), 1e-6)
    g = logit(np.minimum(side_min(sc(Y, Q), Y, 1), 1 - 1e-6), 1e-6)
    return np.minimum(robust_z(a), robust_z(g))


def c_z_q(Y, P, Q):
    S = sc(Y, Q)
    a = logit(side_min(S, Y, 0), 1e-6)
    g = logit(np.minimum(side_min(S, Y, 1), 1 - 1e-6), 1e-6)
    return np.minimum(robust_z(a), robust_z(g))


def c_z_class_side(Y, P, Q):
    """Per class and side: robust z of logit(self-confidence), then min over the example."""
    L = logit(sc(Y, Q), 1e-6)
    Z = np.empty_like(L)
    for side in (0, 1):  # research code: a loop over classes is fine here
        m = Y == bool(side)
        for k in range(L.shape[1]):
            v = L[m[:, k], k]
            if v.size:
                Z[m[:, k], k] = robust_z(v) if v.size > 1 else 0.0
    return Z.min(axis=1)


CANDIDATES["z-min absent g, given q"] = c_z_g_absent
CANDIDATES["z-min sides, q"] = c_z_q
CANDIDATES["z per class-side, q, min"] = c_z_class_side


def side_logsum(S, Y, side):
    """log P(all annotations of one side correct) = sum of log self-confidence."""
    return np.where(Y == bool(side), np.log(np.clip(S, 1e-12, 1)), 0.0).sum(axis=1)


def c_rank_logsum(Y, P, Q):
    return rank_min(side_logsum(sc(Y, geo(P, Q)), Y, 0), side_logsum(sc(Y, Q), Y, 1))


def c_rank_fisher(Y, P, Q):
    a = example_rank(side_min(sc(Y, geo(P, Q)), Y, 0))
    g = example_rank(side_min(sc(Y, Q), Y, 1))
    return np.log(a) + np.log(g)


CANDIDATES["rank-min absent g, given q, log-sum"] = c_rank_logsum
CANDIDATES["rank-product (Fisher) absent g, given q"] = c_rank_fisher


def error_proba(Y, M):
    from skmlq._core._error_proba import error_proba_block, fit_noise_model, noise_histogram

    model = fit_noise_model(*noise_histogram(Y, lambda a, b: M[a:b], *M.shape))
    return error_proba_block(M, Y, model)


def c_e_max(Y, P, Q):
    """Per-class noise-model posterior (priors per class and side), most suspicious annotation."""
    return -error_proba(Y, Q).max(axis=1)


def c_rank_e(Y, P, Q):
    E = error_proba(Y, Q)
    return rank_min(side_min(1 - E, Y, 0), side_min(1 - E, Y, 1))


CANDIDATES["noise-model posterior, max"] = c_e_max
CANDIDATES["rank-min sides, noise-model posterior"] = c_rank_e

# ---------------------------------------------------------------- ensemble g on the whole example


def c_g_min(Y, P, Q):
    return smin(sc(Y, geo(P, Q)))


def c_g_adj_min(Y, P, Q):
    return smin(sc_adj(Y, geo(P, Q)))


def c_g_sm(Y, P, Q):
    return softmin(sc(Y, geo(P, Q)))


def c_g_adj_sm(Y, P, Q):
    return softmin(sc_adj(Y, geo(P, Q)))


CANDIDATES["g min"] = c_g_min
CANDIDATES["g+adj min"] = c_g_adj_min
CANDIDATES["g softmin0.1"] = c_g_sm
CANDIDATES["g+adj softmin0.1"] = c_g_adj_sm


def c_rank_g_sm_both(Y, P, Q):
    S = sc(Y, geo(P, Q))
    return rank_min(side_softmin(S, Y, 0), side_softmin(S, Y, 1))


def c_rank_gadj_sm_q(Y, P, Q):
    return rank_min(side_softmin(sc_adj(Y, geo(P, Q)), Y, 0), side_min(sc(Y, Q), Y, 1))


def c_rank_g_q_g(Y, P, Q):
    """Three witnesses: absent side of g, given side of q, softmin of g over the example."""
    G = sc(Y, geo(P, Q))
    return rank_min(side_min(G, Y, 0), side_min(sc(Y, Q), Y, 1), softmin(G))


CANDIDATES["rank-min sides, g softmin"] = c_rank_g_sm_both
CANDIDATES["rank-min absent g+adj softmin, given q"] = c_rank_gadj_sm_q
CANDIDATES["rank-min absent g, given q, g softmin"] = c_rank_g_q_g


def c_rank_witnesses(Y, P, Q):
    """Two whole-example witnesses: adjusted p with softmin 0.1, and q with min."""
    return rank_min(softmin(sc_adj(Y, P)), smin(sc(Y, Q)))


def c_rank_witnesses_sides(Y, P, Q):
    """Witnesses: adjusted p softmin 0.1, and the side-balanced rank-min of g / q."""
    return rank_min(softmin(sc_adj(Y, P)), c_rank_g_absent(Y, P, Q))


CANDIDATES["rank-min of p+adj softmin and cooc min"] = c_rank_witnesses
CANDIDATES["rank-min of p+adj softmin and sides g/q"] = c_rank_witnesses_sides


def c_odds_oracle(Y, P, Q, wrong):
    """Idea 2 with the TRUE per-class, per-side share of wrong annotations as the prior."""
    n1 = Y.sum(axis=0)
    n0 = len(Y) - n1
    rates = np.column_stack([(wrong & ~Y).sum(0) / np.maximum(n0, 1),
                             (wrong & Y).sum(0) / np.maximum(n1, 1)])
    prior = np.clip(np.where(Y, rates[:, 1], rates[:, 0]), 1.0 / len(Y), 0.5)
    return (logit(sc(Y, geo(P, Q))) - logit(prior)).min(axis=1)


ORACLES["ORACLE odds, true per-class rates, g"] = c_odds_oracle


# ---------------------------------------------------------------- evaluation

def summarise(per, best, width=34):
    """Print one row per candidate of ``per[name][benchmark] = [(AUROC, AP), ...]``
    against cleanlab's ``best``; candidates not run on every benchmark are left out.
    Returns the benchmarks and each candidate's (benchmarks, 2) mean metrics."""
    benches = sorted(best)
    best_au = np.array([best[b][0] for b in benches])
    best_ap = np.array([best[b][1] for b in benches])
    print(f"cleanlab best in hindsight: mean AUROC {best_au.mean():.3f}, AP {best_ap.mean():.3f}"
          f"; target mean AUROC >= {best_au.mean() + 0.03:.3f}, #ok {len(benches)}")
    print(f"{'candidate':{width}s} {'AUROC':>6s} {'AP':>6s} {'min dAU':>8s} {'min dAP':>8s} "
          f"{'#ok':>4s}  worst benchmark")
    out = {}
    for name, rows in per.items():
        if any(b not in rows for b in benches):
            continue
        m = np.array([np.mean(rows[b], axis=0) for b in benches])
        d_au, d_ap = m[:, 0] - best_au, m[:, 1] - best_ap
        worst = int(np.argmin(np.minimum(d_au, d_ap)))
        ok = int(((d_au >= -0.01) & (d_ap >= -0.01)).sum())
        print(f"{name:{width}s} {m[:, 0].mean():6.3f} {m[:, 1].mean():6.3f} {d_au.min():+8.3f} "
              f"{d_ap.min():+8.3f} {ok:4d}  {'-'.join(benches[worst])}")
        out[name] = m
    return benches, out


def print_detail(benches, out, best, patterns):
    """Per-benchmark AUROC/AP of the candidates of ``out`` whose name contains one of
    ``patterns`` (from :func:`summarise`), after cleanlab's best."""
    names = [n for n in out if any(a in n for a in patterns)]
    if not names:
        return
    print("\nper benchmark, AUROC/AP:", " | ".join(names))
    for i, b in enumerate(benches):
        print(f"{'-'.join(b):28s} best {best[b][0]:.3f}/{best[b][1]:.3f} " + " ".join(
            f"{out[n][i, 0]:.3f}/{out[n][i, 1]:.3f}" for n in names))


def rescore(data, candidates, *, only="", seeds=3, detail=(), width=34):
    """Score the cases of ``data`` whose name contains ``only`` (seeds below
    ``seeds``) with ``candidates(case, Y, P, Q) -> {name: example scores}``, then
    print :func:`summarise` against cleanlab's best and :func:`print_detail`."""
    best = cleanlab_best(data)
    cases = [c for c in data if only in "-".join(map(str, c)) and c[3] < seeds]
    per = defaultdict(lambda: defaultdict(list))
    for case in sorted(cases):
        Y, P, Q, wrong = data[case]
        for name, s in candidates(case, Y, P, Q).items():
            per[name][case[:3]].append(metrics(s, wrong))
        print("  " + "-".join(map(str, case)), file=sys.stderr, flush=True)
    best = {b: best[b] for b in {c[:3] for c in cases}}
    benches, out = summarise(per, best, width=width)
    print_detail(benches, out, best, detail)


def run(data, best, candidates, oracles=None):
    per = defaultdict(lambda: defaultdict(list))
    for case, (Y, P, Q, wrong) in data.items():
        for name, f in candidates.items():
            per[name][case[:3]].append(metrics(f(Y, P, Q), wrong))
        for name, f in (oracles or {}).items():
            per[name][case[:3]].append(metrics(f(Y, P, Q, wrong), wrong))
    benches, out = summarise(per, best)
    best_au = np.array([best[b][0] for b in benches])
    best_ap = np.array([best[b][1] for b in benches])
    union = np.max([out[n] for n in candidates], axis=0)  # best candidate per benchmark
    d_au, d_ap = union[:, 0] - best_au, union[:, 1] - best_ap
    print(f"{'(best candidate per benchmark, hindsight)':34s} {union[:, 0].mean():6.3f} "
          f"{union[:, 1].mean():6.3f} {d_au.min():+8.3f} {d_ap.min():+8.3f} "
          f"{int(((d_au >= -0.01) & (d_ap >= -0.01)).sum()):4d}  below on: " + ", ".join(
              f"{'-'.join(b)} {a:+.3f}/{p:+.3f}" for b, a, p in zip(benches, d_au, d_ap)
              if min(a, p) < -0.01))
    return benches, out


def main():
    data = load_all()
    print(f"{len(data)} cases")
    best = cleanlab_best(data)
    benches, out = run(data, best, CANDIDATES, ORACLES)
    if len(sys.argv) > 1:  # per-benchmark table of the candidates whose name has an argument
        print_detail(benches, out, best, sys.argv[1:])


if __name__ == "__main__":
    main()
