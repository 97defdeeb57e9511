"""Benchmark of ``skmlq.filter.find_label_issues`` against cleanlab, in one process.

Run ``python benchmarks/bench_filter.py`` (full: N=20,000 with K=100 and K=1,000,
several minutes because of the reference) or with ``--quick`` (small smoke run).

Default ``filter_by`` ("prune_by_noise_rate"), mask output, on synthetic data with
realistic structure: probabilities that follow the true labels, and one class
annotation toggled on 10% of the examples. cleanlab runs one binary
confident-learning pass per class in Python; skmlq processes all classes at once.
cleanlab is called with ``n_jobs=1`` so that both run in one process (its default
process pool only spreads the per-class loop over this machine's 2 cores) and
tracemalloc sees all of its memory. Times are the best of ``--repeat`` runs (one run
of cleanlab at K=1,000); peak memory (tracemalloc, beyond the inputs) comes from one
separate traced call of each. The two masks are checked to be identical.
"""

import argparse
import warnings

import numpy as np
from _measure import best_time, peak_mb
from _report import summary_line

from skmlq.filter import find_label_issues

try:
    from cleanlab.multilabel_classification.filter import (
        find_label_issues as cleanlab_find_label_issues,
    )
except ImportError:  # pragma: no cover - optional
    cleanlab_find_label_issues = None


def make_data(n_samples, n_classes, seed=0):
    """``(labels as list of lists, pred_probs)``; 10% of examples have one class toggled."""
    rng = np.random.default_rng(seed)
    truth = rng.random((n_samples, n_classes)) < np.minimum(3.0 / n_classes, 0.3)
    signal = np.where(truth, rng.beta(8, 2, truth.shape), rng.beta(1, 12, truth.shape))
    given = truth.copy()
    noisy = np.flatnonzero(rng.random(n_samples) < 0.10)
    given[noisy, rng.integers(0, n_classes, noisy.size)] ^= True
    given[0] = False  # no class annotated everywhere
    labels = [np.flatnonzero(row).tolist() for row in given]
    return labels, signal


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per side")
    args = parser.parse_args(argv)
    n_samples = 2_000 if args.quick else 20_000
    sizes = (20, 100) if args.quick else (100, 1_000)
    repeat = args.repeat or (1 if args.quick else 3)
    header = f"{'case':<22}{'skmlq s':>10}{'cleanlab s':>12}{'speed-up':>10}" \
             f"{'skmlq MB':>10}{'cleanlab MB':>13}{'flagged':>9}"
    print(header)
    print("-" * len(header))
    for n_classes in sizes:
        labels, pred_probs = make_data(n_samples, n_classes)
        ours_s, ours = best_time(lambda: find_label_issues(labels, pred_probs), repeat)
        ours_mb = peak_mb(lambda: find_label_issues(labels, pred_probs))
        name = f"N={n_samples} K={n_classes}"
        if cleanlab_find_label_issues is None:
            ref_s = ref_mb = None
            note = "skipped: cleanlab not installed"
        else:
            def reference():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return cleanlab_find_label_issues(labels, pred_probs, n_jobs=1)

            # The reference is slow: time it once per repeat only for the small K.
            ref_s, ref = best_time(reference, repeat if n_classes <= 100 else 1)
            ref_mb = peak_mb(reference)
            if not np.array_equal(ref, ours):
                raise AssertionError(f"{name}: skmlq and cleanlab masks differ")
            note = "identical masks; default filter_by; cleanlab n_jobs=1"
        ratio = "-" if ref_s is None else f"{ref_s / ours_s:.1f}x"
        print(f"{name:<22}{ours_s:>10.3f}{'-' if ref_s is None else f'{ref_s:.2f}':>12}"
              f"{ratio:>10}{ours_mb:>10.1f}{'-' if ref_mb is None else f'{ref_mb:.1f}':>13}"
              f"{int(ours.sum()):>9}")
        summary_line(f"filter {name}", ours_s, ref_s, ours_mb, note)


if __name__ == "__main__":
    main()
