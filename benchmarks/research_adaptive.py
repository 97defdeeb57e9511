"""Research: scorers that adapt to the direction of the noise (missing vs wrong tags).

Scores candidates on the cached out-of-fold probabilities and second-stage ``q``
of ``bench_detection.py`` (no refit), 26 benchmarks x 3 seeds, and compares each
with cleanlab's best configuration chosen in hindsight for every benchmark.
Run with ``SKMLQ_BENCH_CACHE`` pointing at a filled cache.
"""

import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _detect_data import available_cases, case_path, load_case  # noqa: E402
from bench_detection import AGGREGATORS, cleanlab_rows  # noqa: E402

from skmlq import get_label_quality_scores_per_class  # noqa: E402
from skmlq._core._aggregation import resolve_aggregator, softmin_last_axis  # noqa: E402
from skmlq._core._scoring import adjust_block  # noqa: E402
from skmlq._core._thresholds import confident_thresholds  # noqa: E402

HERE = Path(__file__).resolve().parent
BEST_CACHE = HERE / "results" / "research_cleanlab_best.json"


def load_all():
    data = {}
    for case in available_cases():
        q_path = case_path(*case).with_suffix(".cooc-v2.npy")
        if not q_path.exists():
            continue
        d = load_case(*case)
        data[case] = (d["noisy"].astype(bool), d["pred_probs"], np.load(q_path), d["wrong"])
    return data


def metrics(scores, wrong):
    is_error = wrong.any(axis=1)
    return roc_auc_score(is_error, -scores), average_precision_score(is_error, -scores)


def cleanlab_best(data):
    """Per benchmark: best mean-over-seeds AUROC and AP of every cleanlab configuration."""
    if BEST_CACHE.exists():
        raw = json.loads(BEST_CACHE.read_text())
        return {tuple(k.split("|")): v for k, v in raw.items()}
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
    """Not a candidate: the switch with the TRUE direction, an upper bound of idea 1."""
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


# ---------------------------------------------------------------- evaluation

def run(data, best, candidates, oracles=None):
    per = defaultdict(lambda: defaultdict(list))
    for case, (Y, P, Q, wrong) in data.items():
        for name, f in candidates.items():
            per[name][case[:3]].append(metrics(f(Y, P, Q), wrong))
        for name, f in (oracles or {}).items():
            per[name][case[:3]].append(metrics(f(Y, P, Q, wrong), wrong))
    benches = sorted(best)
    best_au = np.array([best[b][0] for b in benches])
    best_ap = np.array([best[b][1] for b in benches])
    print(f"cleanlab best in hindsight: mean AUROC {best_au.mean():.3f}, AP {best_ap.mean():.3f}"
          f"; target mean AUROC >= {best_au.mean() + 0.03:.3f}")
    print(f"{'candidate':34s} {'AUROC':>6s} {'AP':>6s} {'min dAU':>8s} {'min dAP':>8s} "
          f"{'#ok':>4s}  worst benchmark")
    out = {}
    for name, rows in per.items():
        m = np.array([np.mean(rows[b], axis=0) for b in benches])
        d_au, d_ap = m[:, 0] - best_au, m[:, 1] - best_ap
        worst = int(np.argmin(np.minimum(d_au, d_ap)))
        ok = int(((d_au >= -0.01) & (d_ap >= -0.01)).sum())
        print(f"{name:34s} {m[:, 0].mean():6.3f} {m[:, 1].mean():6.3f} {d_au.min():+8.3f} "
              f"{d_ap.min():+8.3f} {ok:4d}  {'-'.join(benches[worst])}")
        out[name] = m
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
        names = [n for n in out if any(a in n for a in sys.argv[1:])]
        for i, b in enumerate(benches):
            print(f"{'-'.join(b):28s} best {best[b][0]:.3f}/{best[b][1]:.3f} " + " ".join(
                f"{out[n][i, 0]:.3f}/{out[n][i, 1]:.3f}" for n in names))


if __name__ == "__main__":
    main()
