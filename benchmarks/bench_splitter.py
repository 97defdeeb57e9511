"""MultilabelStratifiedKFold against iterative-stratification 0.1.9 and KFold.

Usage::

    python benchmarks/bench_splitter.py            # 10,000 x 20, 100,000 x 100, bibtex
    python benchmarks/bench_splitter.py --quick    # small smoke run

Every splitter gets the same seeded dense 0/1 indicator (synthetic classes with
log-uniform frequencies between 0.1% and 30%) and ``n_splits=5, shuffle=True``;
each seed is one timed run. Reported per splitter (quality figures are means over
the seeds, except max dev, the worst over them):

- wall s / cpu s: best (smallest) wall-clock and CPU time over the seeds of
  ``list(cv.split(X, Y))``; ``x faster``: iterative-stratification's time divided
  by ours (wall, cpu). CPU time is the fairer figure on a loaded machine.
- peak MB: tracemalloc peak of one extra run.
- LD: label distribution of Sechidis et al. (2011), the mean over classes and
  folds of |positives/negatives in the test fold - positives/negatives overall|.
- ED: example distribution, mean over folds of |fold size - N / n_splits|.
- max dev / mean dev: |positives of a class in a test fold - positives / n_splits|.
- lost: (class, training fold) pairs where a class with >= n_splits positives has
  no positive in the training fold.
"""

import argparse
import time
import tracemalloc

import numpy as np
from sklearn.model_selection import KFold

from _report import summary_line
from skmlq.model_selection import MultilabelStratifiedKFold

N_SPLITS = 5


def synthetic(n_samples, n_classes, seed=0, low=0.001, high=0.3):
    """Seeded dense int8 indicator with log-uniform class frequencies."""
    rng = np.random.default_rng(seed)
    freq = np.exp(rng.uniform(np.log(low), np.log(high), n_classes))
    return (rng.random((n_samples, n_classes)) < freq).astype(np.int8)


def quality(Y, tests):
    """LD, ED, max and mean count deviation, lost classes (see module docstring)."""
    Y = np.asarray(Y, dtype=np.int64)
    n_samples, n_splits = Y.shape[0], len(tests)
    positives = Y.sum(axis=0)
    counts = np.stack([Y[test].sum(axis=0) for test in tests])  # (n_splits, K)
    sizes = np.array([test.size for test in tests])[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        fold_ratio = counts / (sizes - counts)
        ratio = positives / (n_samples - positives)
    used = positives > 0
    ld = float(np.mean(np.abs(fold_ratio - ratio)[:, used]))
    ed = float(np.mean(np.abs(sizes[:, 0] - n_samples / n_splits)))
    deviation = np.abs(counts - positives / n_splits)[:, used]
    lost = int(((positives - counts == 0) & (positives >= n_splits)).sum())
    return {"LD": ld, "ED": ed, "max dev": float(deviation.max()),
            "mean dev": float(deviation.mean()), "lost": lost}


def measure(make_cv, Y, seeds, memory=True):
    """Time ``make_cv(seed).split`` on each seed; quality per seed; peak memory once."""
    X = np.zeros((Y.shape[0], 1))
    walls, cpus, scores = [], [], []
    for seed in seeds:
        cv = make_cv(seed)
        wall, cpu = time.perf_counter(), time.process_time()
        tests = [test for _, test in cv.split(X, Y)]
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        scores.append(quality(Y, tests))
    peak = None
    if memory:
        tracemalloc.start()
        list(make_cv(seeds[0]).split(X, Y))
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    result = {key: float(np.mean([s[key] for s in scores])) for key in scores[0]}
    result["max dev"] = max(s["max dev"] for s in scores)
    result.update(wall=min(walls), cpu=min(cpus), peak=peak)
    return result


def load_iterstrat():
    try:
        from iterstrat.ml_stratifiers import MultilabelStratifiedKFold as IterStrat
    except ImportError:
        return None
    return IterStrat


def cases(quick):
    if quick:
        yield "synthetic 2,000 x 10", synthetic(2000, 10)
        return
    yield "synthetic 10,000 x 20", synthetic(10_000, 20)
    yield "synthetic 100,000 x 100", synthetic(100_000, 100)
    try:
        from _data import load_bibtex

        Y = load_bibtex()[1]
    except FileNotFoundError as exc:
        print(f"skipped bibtex: {exc}")
        return
    yield "bibtex 7,395 x 159", Y.toarray().astype(np.int8)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per case (default 3)")
    args = parser.parse_args(argv)
    seeds = list(range(args.seeds or (1 if args.quick else 3)))
    IterStrat = load_iterstrat()
    splitters = {
        "skmlq": lambda s: MultilabelStratifiedKFold(N_SPLITS, shuffle=True, random_state=s),
        "iterstrat 0.1.9": (None if IterStrat is None else
                            lambda s: IterStrat(n_splits=N_SPLITS, shuffle=True, random_state=s)),
        "KFold": lambda s: KFold(N_SPLITS, shuffle=True, random_state=s),
    }
    header = ("case", "splitter", "wall s", "cpu s", "x faster", "peak MB", "LD", "ED",
              "max dev", "mean dev", "lost")
    print(("{:<24} {:<16}" + " {:>9}" * (len(header) - 2)).format(*header))
    summaries = []
    for name, Y in cases(args.quick):
        results = {}
        for label, make_cv in splitters.items():
            if make_cv is None:
                print(f"{name:<24} {label:<16} skipped: iterative-stratification not installed")
                continue
            results[label] = measure(make_cv, Y, seeds)
        ref = results.get("iterstrat 0.1.9")
        for label, r in results.items():
            speed = "-"
            if label == "skmlq" and ref is not None:
                speed = f"{ref['wall'] / r['wall']:.1f}/{ref['cpu'] / r['cpu']:.1f}"
            print(f"{name:<24} {label:<16} {r['wall']:>9.4f} {r['cpu']:>9.4f} {speed:>9} "
                  f"{r['peak']:>9.1f} {r['LD']:>9.2e} {r['ED']:>9.2f} {r['max dev']:>9.2f} "
                  f"{r['mean dev']:>9.3f} {r['lost']:>9.1f}")
        ours, ref = results["skmlq"], results.get("iterstrat 0.1.9")
        note = (f"LD {ours['LD']:.2e} vs {ref['LD']:.2e}, max dev {ours['max dev']:.1f} vs "
                f"{ref['max dev']:.1f}, mean dev {ours['mean dev']:.2f} vs "
                f"{ref['mean dev']:.2f}; cpu x{ref['cpu'] / ours['cpu']:.1f}"
                if ref else "skipped: iterative-stratification not installed")
        summaries.append((f"splitter {name}", ours["wall"], ref and ref["wall"],
                          ours["peak"], note))
    print("x faster (skmlq row): iterative-stratification time / skmlq time, wall/cpu.")
    for summary in summaries:
        summary_line(*summary)


if __name__ == "__main__":
    main()
