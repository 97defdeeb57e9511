"""Review benchmark: wrong examples found per review budget, and the count's interval.

Run ``python benchmarks/bench_review.py`` (``--only yeast`` restricts the cases,
``--datasets yeast,bibtex,synthetic`` the data sets (delicious's second stage takes
minutes per case), ``--plot gain.png`` draws the share found against the budget
per data set, ``--timing`` adds ``add_reviewed`` at 100,000 x 100). On every case of the
detection suite's cache (``benchmarks/_detect_data.py``; the cases that exist are
used), a reviewer who answers truthfully (the clean labels) reviews batches of 2%
of the examples until 10% are reviewed, four ways:

- ``loop``: :meth:`MultilabelLabelQuality.next_to_review` then ``add_reviewed``,
  with ``method="noise_posterior", aggregator="product"`` (the ranking is one
  minus the error probability): each batch refits the noise model and re-ranks;
- ``static``: the same configuration's initial ranking, reviewed in order;
- ``cleanlab``: cleanlab's default ranking (self_confidence, exponential moving
  average 0.8, computed by skmlq's core, which reproduces it);
- ``random``: a seeded random order.

Columns: the share of all wrong examples found at each budget, and the loop's
estimated number of wrong examples with its 90% interval against the truth.
The estimator is fitted on the cached out-of-fold probabilities through a
classifier that returns them (``CachedProbabilities``), so no model is refitted.
"""

import argparse
import os
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _detect_data import available_cases, load_case  # noqa: E402
from skmlq._estimator._given import GivenProbabilities  # noqa: E402

from skmlq import MultilabelLabelQuality, get_label_quality_scores  # noqa: E402

BATCH = 0.02
BUDGETS = (0.02, 0.04, 0.06, 0.08, 0.10)
# The count is judged at the first budget of at least 5%.
COUNT_BUDGET = 0.06
LOOP = {"method": "noise_posterior", "aggregator": "product"}


def fit_cached(Y, P, seed, **params):
    """A fitted MultilabelLabelQuality on cached probabilities ``P``."""
    rows = np.arange(Y.shape[0])[:, None]
    est = MultilabelLabelQuality(GivenProbabilities(P), cv=2, refit=False,
                                 random_state=seed, **{**LOOP, **params})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(rows, Y)


def found_share(order, wrong, budgets, n_samples):
    total = max(int(wrong.sum()), 1)
    return [wrong[order[:int(round(b * n_samples))]].sum() / total for b in budgets]


def run_case(case):
    d = load_case(*case)
    Y, P, clean = d["noisy"], d["pred_probs"], d["clean"]
    wrong = d["wrong"].any(axis=1)
    n_samples = Y.shape[0]
    seed = case[3]
    mlq = fit_cached(Y, P, seed)
    static = np.lexsort((np.arange(n_samples), mlq.label_quality_scores_))
    cleanlab = np.lexsort((np.arange(n_samples), get_label_quality_scores(Y, P)))
    rand = np.random.default_rng(seed).permutation(n_samples)
    batch = int(round(BATCH * n_samples))
    loop_found, estimates, times = [], [], []
    for _ in BUDGETS:
        rows = mlq.next_to_review(batch)
        t0 = time.perf_counter()
        mlq.add_reviewed(rows, clean[rows])
        times.append(time.perf_counter() - t0)
        loop_found.append(wrong[mlq.reviewed_].sum() / max(int(wrong.sum()), 1))
        e = mlq.estimate_errors()
        estimates.append((e.n_wrong_examples, e.low, e.high))
    return {
        "loop": loop_found,
        "static": found_share(static, wrong, BUDGETS, n_samples),
        "cleanlab": found_share(cleanlab, wrong, BUDGETS, n_samples),
        "random": found_share(rand, wrong, BUDGETS, n_samples),
        "estimates": estimates, "truth": int(wrong.sum()), "time": max(times),
    }


def timing(n_samples=100_000, n_classes=100, seed=0):
    """``add_reviewed`` + re-ranking at n_samples x n_classes, batches of 2%.

    Prints the wall and the process CPU time (all threads) of every batch, and
    the load average of the machine before and after: on a shared machine the
    wall time is mostly the CPU time stretched by the other jobs' share of the
    cores. Returns the slowest wall time of the batches after the first (the
    first one also computes the stage's probabilities of all rows, kept for the
    next ones).
    """
    from bench_rank import make_data

    _, _, Y, P = make_data(n_samples, n_classes, seed)
    t0 = time.perf_counter()
    mlq = fit_cached(Y, P, seed)
    print(f"\n(j) add_reviewed + re-ranking, N={n_samples:,}, K={n_classes}, "
          f"noise_posterior + product (fit on cached probabilities "
          f"{time.perf_counter() - t0:.1f} s); the reviewer confirms every given label")
    load_before = os.getloadavg()[0]
    batch = n_samples // 50
    slowest = slowest_cpu = 0.0
    for step in range(4):
        t0, c0 = time.perf_counter(), time.process_time()
        rows = mlq.next_to_review(batch)
        t1, c1 = time.perf_counter(), time.process_time()
        mlq.add_reviewed(rows, Y[rows])
        wall, cpu = time.perf_counter() - t1, time.process_time() - c1
        if step:
            slowest, slowest_cpu = max(slowest, wall), max(slowest_cpu, cpu)
        first = " (first: computes the stage's probabilities and logits)" if not step else ""
        print(f"  batch {step + 1}: next_to_review {t1 - t0:.3f} s (CPU {c1 - c0:.3f} s), "
              f"add_reviewed {wall:.3f} s (CPU {cpu:.3f} s){first}")
    load = f"load average {load_before:.1f} then {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    print(f"  add_reviewed under 1 s after the first batch: wall "
          f"{'PASS' if slowest < 1 else 'FAIL'} ({slowest:.3f} s), CPU "
          f"{'PASS' if slowest_cpu < 1 else 'FAIL'} ({slowest_cpu:.3f} s); {load}")
    return slowest


WAYS = {"loop": ("loop", "C0", "-"), "static": ("static", "C1", "--"),
        "cleanlab": ("cleanlab", "C2", ":"), "random": ("random", "0.5", "-.")}


def plot_gain(by_bench, path):
    """One panel per data set: the share of its wrong examples found against the
    share of examples reviewed, each way, averaged over its benchmarks and seeds."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    datasets = list(dict.fromkeys(bench[0] for bench in by_bench))
    fig = Figure(figsize=(3.3 * len(datasets), 3.3), layout="constrained")
    axes = fig.subplots(1, len(datasets), sharey=True, squeeze=False)[0]
    x = np.array((0.0,) + BUDGETS) * 100
    for ax, dataset in zip(axes, datasets):
        runs = [r for bench, results in by_bench.items() if bench[0] == dataset
                for r in results]
        for way, (label, color, style) in WAYS.items():
            y = np.concatenate([[0.0], np.mean([r[way] for r in runs], axis=0)])
            ax.plot(x, y, style, color=color, label=label, marker="o", markersize=3)
        n_benchmarks = sum(bench[0] == dataset for bench in by_bench)
        ax.set_title(f"{dataset} ({n_benchmarks} benchmarks, {len(runs)} runs)", fontsize=9)
        ax.set_xlabel("examples reviewed (%)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("share of the wrong examples found")
    axes[0].legend(fontsize=8, loc="upper left")
    fig.savefig(path, dpi=110, metadata={"Software": None})
    print(f"figure: {Path(path).name}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="only cases whose name contains this")
    parser.add_argument("--datasets", default="",
                        help="comma-separated data sets to run (default: every cached one)")
    parser.add_argument("--plot", metavar="PNG", default=None,
                        help="draw the share found against the budget, per data set")
    parser.add_argument("--timing", action="store_true",
                        help="also time add_reviewed at 100,000 x 100")
    args = parser.parse_args(argv)
    datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    todo = [c for c in available_cases() if args.only in "-".join(map(str, c))
            and (not datasets or c[0] in datasets)]
    if not todo:
        print("no cached case: run benchmarks/_detect_data.py first")
        return 1
    print(f"cases: {len(todo)} of the data sets {', '.join(dict.fromkeys(c[0] for c in todo))}")
    by_bench = defaultdict(list)
    for case in todo:
        by_bench[case[:3]].append(run_case(case))
        if sys.stderr.isatty():  # progress on a terminal, not in recorded output
            print(f"  {'-'.join(map(str, case))}: done", file=sys.stderr, flush=True)
    budget = [f"{b:.0%}" for b in BUDGETS]
    j10, jc = len(BUDGETS) - 1, BUDGETS.index(COUNT_BUDGET)
    print("Share of all wrong examples found at each review budget (mean over seeds);\n"
          f"count at {COUNT_BUDGET:.0%} reviewed: estimate / truth, and how many seeds' "
          f"90% intervals cover the truth")
    print(f"{'benchmark':28s} {'way':8s} " + " ".join(f"{b:>6s}" for b in budget)
          + "   count/truth  covered")
    gains, worst, ratios, covered, runs, slowest = [], [], [], 0, 0, 0.0
    for bench, results in by_bench.items():
        name = "-".join(bench)
        for way in ("loop", "static", "cleanlab", "random"):
            mean = np.mean([r[way] for r in results], axis=0)
            tail = ""
            if way == "loop":
                est = [r["estimates"][jc] for r in results]
                truth = [r["truth"] for r in results]
                ratio = np.mean([e[0] / t for e, t in zip(est, truth)])
                cover = sum(e[1] is not None and e[1] <= t <= e[2] for e, t in zip(est, truth))
                ratios.append(ratio)
                covered += cover
                runs += len(results)
                tail = f"   {ratio:11.2f}  {cover}/{len(results)}"
            print(f"{name if way == 'loop' else '':28s} {way:8s} "
                  + " ".join(f"{v:6.3f}" for v in mean) + tail)
        gain = np.mean([r["loop"][j10] - r["static"][j10] for r in results])
        gains.append(gain)
        worst.append((gain, name))
        slowest = max(slowest, max(r["time"] for r in results))
    print(f"\nat 10% reviewed, loop - static (share of wrong examples found): mean "
          f"{np.mean(gains):+.3f} over {len(gains)} benchmarks (bar +0.05: "
          f"{'PASS' if np.mean(gains) >= 0.05 else 'FAIL'}); worst {min(worst)[0]:+.3f} "
          f"({min(worst)[1]}; bar -0.01: {'PASS' if min(worst)[0] >= -0.01 else 'FAIL'})")
    within = np.abs(np.array(ratios) - 1) <= 0.15
    print(f"count at {COUNT_BUDGET:.0%} reviewed within 15% of the truth on {within.sum()} of "
          f"{len(ratios)} benchmarks (mean over seeds; bar: all: "
          f"{'PASS' if within.all() else 'FAIL'}); 90% interval covers the truth on "
          f"{covered} of {runs} runs ({covered / max(runs, 1):.0%}; bar 90%: "
          f"{'PASS' if covered >= 0.9 * runs else 'FAIL'})")
    print(f"slowest add_reviewed on the suite: {slowest:.3f} s")
    if args.plot:
        plot_gain(by_bench, args.plot)
    if args.timing:
        timing()
    return 0


if __name__ == "__main__":
    sys.exit(main())
