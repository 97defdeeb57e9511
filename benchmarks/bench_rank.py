"""Benchmark of the scoring core (skmlq.rank) against cleanlab 2.9.0, in one process.

Run ``python benchmarks/bench_rank.py`` (full, a few minutes) or with ``--quick`` (a
small smoke run); ``--review`` times only the review loop's ``add_reviewed`` at
100,000 x 100 (wall and CPU time per batch, and the load average). Prints the
figures of checks (a)-(d) with PASS/FAIL against the project's performance bars
(speed-up over cleanlab, cost over a copy of pred_probs, peak memory), then a size
sweep table. skmlq times are the best of 3 runs
(``time.perf_counter``); cleanlab times one run when that takes over a second (it is
10-40x slower and its time varies little), else the best of 3. Peak extra memory is
measured with tracemalloc (numpy allocations are traced) in a separate, untimed call:
the peak above the memory in use before the call.

Data: labels with on average 3 classes per example (at least 1 for K < 3) and
pred_probs from a decent model (beta(6, 2) for given classes, beta(1, 12) for the
others), then about 5% as many annotation flips as there are annotations, so that
scores look like those of real data.
"""

import argparse
import gc
import sys
import time
import tracemalloc
import warnings

import numpy as np
import scipy.sparse as sp

from _report import summary_line

from skmlq.rank import get_label_quality_scores

try:
    from cleanlab.multilabel_classification.rank import (
        get_label_quality_scores as cleanlab_scores,
    )
except ImportError:  # pragma: no cover - optional
    cleanlab_scores = None

SCORINGS = [
    ("self_confidence", False),
    ("self_confidence", True),
    ("normalized_margin", False),
    ("normalized_margin", True),
    ("confidence_weighted_entropy", False),
]
AGGREGATORS = [
    {"method": "exponential_moving_average", "alpha": 0.8},
    {"method": "softmin", "temperature": 0.1},
]
# Skip cleanlab in the sweep where its predicted time exceeds this (seconds).
CLEANLAB_BUDGET = 60.0
# Skip sweep cells whose pred_probs would exceed this many bytes.
MAX_PRED_PROBS_BYTES = 4 * 2**30


def make_data(n_samples, n_classes, seed=0):
    """Return ``(labels as list of lists, indicator csr, dense bool, pred_probs)``."""
    rng = np.random.default_rng(seed)
    rate = min(1.0, 3.0 / n_classes)
    truth = rng.random((n_samples, n_classes)) < rate
    given = truth ^ (rng.random((n_samples, n_classes)) < 0.05 * rate)
    pred_probs = np.where(
        truth, rng.beta(6, 2, truth.shape), rng.beta(1, 12, truth.shape)
    )
    Y = sp.csr_matrix(given)
    labels = [row.tolist() for row in np.split(Y.indices, Y.indptr[1:-1])]
    return labels, Y, given, pred_probs


def best_of(func, repeat=3, clock=time.perf_counter):
    best = np.inf
    for _ in range(repeat):
        gc.collect()
        start = clock()
        func()
        best = min(best, clock() - start)
    return best


def cpu_best_of(func, repeat=3):
    """Best process CPU time (``time.process_time``): unlike wall time, it hardly
    depends on other jobs competing for the cores of a shared machine."""
    return best_of(func, repeat, clock=time.process_time)


def once(func):
    """One run, or the best of 3 when one run takes under a second (small inputs)."""
    first = best_of(func, repeat=1)
    return first if first >= 1 else min(first, best_of(func, repeat=2))


def peak_extra_memory(func):
    """Peak traced memory above the memory in use before ``func()``, in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        func()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def call_cleanlab(labels, pred_probs, method="self_confidence", adjust=False, agg=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cleanlab_scores(
            labels, pred_probs, method=method, adjust_pred_probs=adjust,
            aggregator_kwargs=dict(agg or AGGREGATORS[0]),
        )


def verdict(ok):
    return "PASS" if ok else "FAIL"


def mb(n_bytes):
    return f"{n_bytes / 2**20:.1f} MB"


def check_a_b(n_samples, n_classes, results):
    labels, _, _, P = make_data(n_samples, n_classes)
    print(f"\n(a) defaults, labels as list of lists, N={n_samples:,}, K={n_classes}")
    ours = best_of(lambda: get_label_quality_scores(labels, P))
    if cleanlab_scores is None:
        print(f"  skmlq {ours * 1e3:8.1f} ms   cleanlab skipped: cleanlab not installed")
        results["summary"].append((f"rank {n_samples}x{n_classes} defaults lists", ours, None))
        return
    theirs = once(lambda: call_cleanlab(labels, P))
    diff = np.abs(get_label_quality_scores(labels, P) - call_cleanlab(labels, P)).max()
    ours_cpu = cpu_best_of(lambda: get_label_quality_scores(labels, P))
    theirs_cpu = cpu_best_of(lambda: call_cleanlab(labels, P), repeat=1)
    ratio = theirs / ours
    results["a"] = ratio >= 15
    results["summary"].append((f"rank {n_samples}x{n_classes} defaults lists", ours, theirs))
    print(f"  wall: skmlq {ours * 1e3:8.1f} ms   cleanlab {theirs * 1e3:8.1f} ms   "
          f"ratio {ratio:5.1f}x  (bar >= 15x)  max |diff| {diff:.1e}  "
          f"{verdict(results['a'])}")
    print(f"  CPU:  skmlq {ours_cpu * 1e3:8.1f} ms   cleanlab {theirs_cpu * 1e3:8.1f} ms   "
          f"ratio {theirs_cpu / ours_cpu:5.1f}x  (process_time; less sensitive to other jobs)")

    print(f"\n(b) every method x aggregator x adjust, labels as lists, N={n_samples:,}, "
          f"K={n_classes} (bar >= 5x each)")
    print(f"  {'method':28s} {'adjust':6s} {'aggregator':10s} {'skmlq ms':>9s} "
          f"{'cleanlab ms':>11s} {'ratio':>6s} {'CPU ratio':>9s} {'max|diff|':>9s}")
    comparable = ((P >= 1e-6) & (P <= 1 - 1e-6)).all(axis=1)
    ok = True
    for method, adjust in SCORINGS:
        for agg in AGGREGATORS:
            kwargs = {"method": method, "adjust_pred_probs": adjust, "aggregator_kwargs": agg}
            ours = best_of(lambda: get_label_quality_scores(labels, P, **kwargs))
            expected = call_cleanlab(labels, P, method, adjust, agg)
            theirs = once(lambda: call_cleanlab(labels, P, method, adjust, agg))
            ours_cpu = cpu_best_of(lambda: get_label_quality_scores(labels, P, **kwargs))
            theirs_cpu = cpu_best_of(
                lambda: call_cleanlab(labels, P, method, adjust, agg), repeat=1
            )
            diff = np.abs(get_label_quality_scores(labels, P, **kwargs) - expected)
            # confidence_weighted_entropy differs by design where some p is within 1e-6
            # of 0 or 1 (docs/user_guide/cleanlab.rst, "Every difference"): compare the other rows.
            diff = diff[comparable].max() if method == "confidence_weighted_entropy" else diff.max()
            ratio = theirs / ours
            ok &= ratio >= 5
            name = "EMA 0.8" if agg["method"] != "softmin" else "softmin"
            print(f"  {method:28s} {str(adjust):6s} {name:10s} {ours * 1e3:9.1f} "
                  f"{theirs * 1e3:11.1f} {ratio:5.1f}x {theirs_cpu / ours_cpu:8.1f}x "
                  f"{diff:9.1e}")
    results["b"] = ok
    print(f"  max|diff| of confidence_weighted_entropy over the {comparable.sum():,} rows with "
          f"every p in [1e-6, 1 - 1e-6]; the other {(~comparable).sum():,} rows differ by "
          f"design (saturated predictions, see docs/user_guide/cleanlab.rst)")
    print(f"  all >= 5x (wall): {verdict(ok)}")


def check_c_d(n_samples, n_classes, results):
    labels, _, dense, P = make_data(n_samples, n_classes)
    print(f"\n(c) defaults, labels as a dense bool indicator, N={n_samples:,}, K={n_classes}")
    ours = best_of(lambda: get_label_quality_scores(dense, P), repeat=5)
    fresh = best_of(lambda: P.copy(), repeat=5)
    buffer = np.empty_like(P)
    prefaulted = best_of(lambda: np.copyto(buffer, P), repeat=5)
    ratio_fresh, ratio_pre = ours / fresh, ours / prefaulted
    results["c"] = ratio_pre <= 10
    results["summary"].append(
        (f"rank {n_samples}x{n_classes} defaults indicator", ours, None,
         f"{ratio_pre:.1f}x a pre-faulted copy, {ratio_fresh:.1f}x a fresh copy")
    )
    print(f"  skmlq {ours * 1e3:.1f} ms; pred_probs.copy() {fresh * 1e3:.1f} ms (fresh "
          f"buffer, page faults included), copy into a pre-faulted buffer "
          f"{prefaulted * 1e3:.1f} ms")
    print(f"  ratio to the fresh copy {ratio_fresh:.1f}x; ratio to the pre-faulted copy "
          f"{ratio_pre:.1f}x (bar <= 10x, judged on the pre-faulted copy, the stricter "
          f"floor): {verdict(results['c'])}")

    print(f"\n(d) peak extra memory of get_label_quality_scores, pred_probs = {mb(P.nbytes)}")
    rows = [("skmlq, labels as lists", lambda: get_label_quality_scores(labels, P)),
            ("skmlq, dense indicator", lambda: get_label_quality_scores(dense, P)),
            ("skmlq, lists, adjust + softmin", lambda: get_label_quality_scores(
                labels, P, adjust_pred_probs=True, aggregator_kwargs=AGGREGATORS[1])),
            ("skmlq, lists, entropy", lambda: get_label_quality_scores(
                labels, P, method="confidence_weighted_entropy"))]
    if cleanlab_scores is not None:
        rows.append(("cleanlab, labels as lists", lambda: call_cleanlab(labels, P)))
    ok = True
    for name, func in rows:
        peak = peak_extra_memory(func)
        ratio = peak / P.nbytes
        if name.startswith("skmlq"):
            ok &= ratio <= 1.5
        print(f"  {name:32s} {mb(peak):>10s}  {ratio:5.2f}x pred_probs")
    if cleanlab_scores is None:
        print("  cleanlab: skipped: cleanlab not installed")
    results["d"] = ok
    print(f"  skmlq <= 1.5x pred_probs: {verdict(ok)}")


def check_f(n_samples, n_classes, results):
    """The second-stage methods against the default (self_confidence + EMA 0.8).

    Fit (:func:`~skmlq.rank.get_cooccurrence_params`: the stage, its noise model
    and the single-error shares, shared by the three methods) and scoring with the
    fitted parameters are timed apart, best of 3 wall and CPU times. Bars: the fit
    within 10x one default scoring pass, scoring with fitted parameters (what the
    estimator pays on new data, its stage being fitted once in ``fit``) within 5x
    the defaults, and the peak extra memory of fit + scoring within 2x pred_probs.
    """
    from skmlq.rank import get_cooccurrence_params

    _, Y, _, P = make_data(n_samples, n_classes)
    print(f"\n(f, g, h) the second-stage methods against the defaults, sparse labels, "
          f"N={n_samples:,}, K={n_classes} (bars: fit <= 10x and scoring <= 5x the "
          f"defaults)")
    base, base_cpu = best_of(lambda: get_label_quality_scores(Y, P)), cpu_best_of(
        lambda: get_label_quality_scores(Y, P))
    fit, fit_cpu = best_of(lambda: get_cooccurrence_params(Y, P)), cpu_best_of(
        lambda: get_cooccurrence_params(Y, P))
    params = get_cooccurrence_params(Y, P)
    fit_ok = fit <= 10 * base
    print(f"  defaults {base * 1e3:.1f} ms (CPU {base_cpu * 1e3:.1f} ms); fit of the stage "
          f"({params.n_neighbors} neighbours) {fit:.2f} s (CPU {fit_cpu:.2f} s) = "
          f"{fit / base:.1f}x the defaults (CPU {fit_cpu / base_cpu:.1f}x; bar <= 10x): "
          f"{verdict(fit_ok)}")
    methods = (("f", "cooccurrence"), ("g", "noise_posterior"), ("h", "single_error"))
    for key, method in methods:
        def score():
            return get_label_quality_scores(Y, P, method=method, cooccurrence_params=params)

        score_wall, score_cpu = best_of(score), cpu_best_of(score)
        total = fit + score_wall
        peak = peak_extra_memory(lambda: get_label_quality_scores(Y, P, method=method))
        results[key] = fit_ok and score_wall <= 5 * base and peak <= 2 * P.nbytes
        results["summary"].append((f"rank {n_samples}x{n_classes} {method}", total, None,
                                   f"{total / base:.0f}x the defaults (fit {fit:.2f} s)"))
        print(f"  {method}: scoring {score_wall:.2f} s (CPU {score_cpu:.2f} s) = "
              f"{score_wall / base:.1f}x the defaults (CPU {score_cpu / base_cpu:.1f}x; bar "
              f"<= 5x); fit + scoring {total / base:.0f}x; peak extra memory of fit + "
              f"scoring {mb(peak)} = {peak / P.nbytes:.2f}x pred_probs (bar <= 2x): "
              f"{verdict(results[key])}")


def check_i(sizes, results):
    """The second stage at many classes: the functional API (fit and
    ``method="noise_posterior"`` scores) and ``MultilabelLabelQuality.fit`` (with a
    classifier returning the same probabilities, 2 folds, no refit), one run each,
    timed while traced (tracemalloc slows it a little); peak memory = pred_probs +
    the peak traced memory above it."""
    from skmlq._estimator._given import GivenProbabilities

    from skmlq import MultilabelLabelQuality

    print("\n(i) the second stage at many classes (about 3 tags per example; peak = "
          "pred_probs + traced peak above it)")
    for n_samples, n_classes, bar_gb in sizes:
        _, Y, _, P = make_data(n_samples, n_classes)
        Y = Y.tolil()
        for k in range(n_classes):  # every class given on some example (fit needs it)
            Y[k % n_samples, k] = True
        Y = Y.tocsr()
        X = np.arange(n_samples, dtype=np.float64)[:, None]
        model = MultilabelLabelQuality(GivenProbabilities(P), cv=2, refit=False, random_state=0)
        routes = [
            ("functional API", lambda: get_label_quality_scores(Y, P, method="noise_posterior")),
            ("estimator fit", lambda: model.fit(X, Y)),
        ]
        for name, func in routes:
            # one run, traced: a second untimed one would double minutes of work
            start = time.perf_counter()
            peak = P.nbytes + peak_extra_memory(func)
            seconds = time.perf_counter() - start
            ok = peak <= bar_gb * 2**30
            results[f"i {n_samples}x{n_classes} {name}"] = ok
            results["summary"].append((f"stage {n_samples}x{n_classes} {name}", seconds, None,
                                       f"peak {peak / 2**30:.2f} GB"))
            print(f"  N={n_samples:,} K={n_classes:,} {name:15s} {seconds:7.1f} s  peak "
                  f"{peak / 2**30:5.2f} GB (bar < {bar_gb} GB): {verdict(ok)}", flush=True)


def check_j(n_samples, n_classes, results):
    """(j) the review loop's add_reviewed + re-ranking (benchmarks/bench_review.py)."""
    from bench_review import timing

    results["j"] = timing(n_samples, n_classes) < 1


def sweep(sizes, classes):
    print("\n(e) sweep, defaults, labels as list of lists (skmlq best of 3, cleanlab 1 run)")
    print(f"  {'N':>9s} {'K':>5s} {'pred_probs':>10s} {'skmlq s':>9s} {'cleanlab s':>10s} "
          f"{'ratio':>7s} {'skmlq rows/s':>13s}")
    cleanlab_rate = None  # seconds per element, from the last measured cell
    for n_classes in classes:
        for n_samples in sizes:
            n_bytes = 8 * n_samples * n_classes
            if n_bytes > MAX_PRED_PROBS_BYTES:
                print(f"  {n_samples:>9,} {n_classes:>5} {mb(n_bytes):>10s}  skipped: "
                      f"pred_probs over 4 GB")
                continue
            labels, _, _, P = make_data(n_samples, n_classes)
            ours = best_of(lambda: get_label_quality_scores(labels, P))
            theirs_text, ratio_text = "skipped", ""
            if cleanlab_scores is None:
                theirs_text = "not installed"
            elif cleanlab_rate is not None and cleanlab_rate * P.size > CLEANLAB_BUDGET:
                theirs_text = f"~{cleanlab_rate * P.size:.0f}s?"
            else:
                theirs = once(lambda: call_cleanlab(labels, P))
                cleanlab_rate = theirs / P.size
                theirs_text, ratio_text = f"{theirs:.3f}", f"{theirs / ours:.1f}x"
            print(f"  {n_samples:>9,} {n_classes:>5} {mb(n_bytes):>10s} {ours:9.4f} "
                  f"{theirs_text:>10s} {ratio_text:>7s} {n_samples / ours:13,.0f}")
    print("  '~Ns?' = cleanlab skipped, predicted time from its rate on the previous cell "
          f"(budget {CLEANLAB_BUDGET:.0f} s)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--stage", action="store_true",
                        help="only the second-stage checks (f, g, h, i)")
    parser.add_argument("--fit", action="store_true",
                        help="only the second stage's fit and scoring against the defaults "
                             "(f, g, h)")
    parser.add_argument("--sweep", action="store_true",
                        help="only the size sweep (e), skmlq against cleanlab")
    parser.add_argument("--review", action="store_true",
                        help="only add_reviewed + re-ranking at 100,000 x 100 (j)")
    parser.add_argument("--many", action="store_true",
                        help="only the second stage at many classes (i)")
    parser.add_argument("--huge", action="store_true",
                        help="also the second stage at N = 10,000, K = 10,000 (about 15 "
                             "minutes of CPU)")
    args = parser.parse_args(argv)
    if cleanlab_scores is None:
        print("cleanlab: skipped: cleanlab not installed (skmlq columns only)")
    n_samples, n_classes = (2_000, 20) if args.quick else (100_000, 100)
    print(f"skmlq scoring benchmark; numpy {np.__version__}, python "
          f"{sys.version.split()[0]}{' (--quick)' if args.quick else ''}")
    results = {"summary": []}
    sweep_sizes = ([1_000, 10_000], [10, 100]) if args.quick else (
        [1_000, 10_000, 100_000, 1_000_000], [10, 100, 1000])
    if args.sweep:
        sweep(*sweep_sizes)
        return 0
    many = [(2_000, 300, 1)] if args.quick else (
        [(20_000, 1_000, 2)] + ([(10_000, 10_000, 4)] if args.huge else []))
    if args.many:
        check_i(many, results)
        print("\nsummary: " + ", ".join(f"({k}) {verdict(v)}" for k, v in sorted(results.items())
                                        if k != "summary"))
        return 0
    if args.review:
        check_j(n_samples, n_classes, results)
        print(f"\nsummary: (j) {verdict(results['j'])}")
        return 0
    if not (args.stage or args.fit):
        check_a_b(n_samples, n_classes, results)
        check_c_d(n_samples, n_classes, results)
    check_f(n_samples, n_classes, results)
    if args.fit:
        print("\nsummary: " + ", ".join(f"({k}) {verdict(v)}" for k, v in sorted(results.items())
                                        if k != "summary"))
        return 0
    # N = 10,000, K = 10,000 takes about 15 minutes of CPU: measured only when asked for.
    check_i(many, results)
    check_j(n_samples, n_classes, results)
    if not args.stage:
        sweep(*sweep_sizes)
    for name, ours, theirs, *note in results.pop("summary"):
        note = note[0] if note else ("" if cleanlab_scores else "skipped: cleanlab not installed")
        summary_line(name, ours, theirs, note=note)
    print("\nsummary: " + ", ".join(f"({k}) {verdict(v)}" for k, v in sorted(results.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
