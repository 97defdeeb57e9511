"""Command line: ``skmlq score`` on memory-mapped ``.npy`` files, streamed CSV out.

N x K = 50 float32 probabilities and a boolean indicator are written to ``.npy``
files in a temporary folder, then scored with ``skmlq score --labels Y.npy
--pred-probs P.npy -o out.csv`` (in-process through ``skmlq.cli.main``):

- ``cleanlab route`` (``--method self_confidence --aggregator
  exponential_moving_average --flag-by filter``): cleanlab's ranking and the
  confident-learning filter's suggestions, nothing fitted; at 2,000,000 rows
  (400 MB of probabilities). ``--per-class`` (which formats N x K floats in Python)
  on the first 200,000 rows (10 million values).
- ``default`` (the estimator's scoring and verdict: a second stage fitted on the
  files, then the error probabilities) at 200,000 rows; at 2,000,000 rows too with
  ``--full`` (minutes).

Two runs each:

- wall time, without tracing (tracemalloc slows Python-level CSV formatting ~5x);
- the tracemalloc peak of a second run: allocated memory only (the page cache of the
  memory-mapped inputs is not allocated memory and does not count).

CPU seconds (all threads) are printed beside the wall time: on a shared machine
they are the steadier figure. There is no reference implementation (cleanlab has
no command line). Usage: ``python benchmarks/bench_cli.py [--quick] [--full]``; the
temporary files are deleted.
"""

import argparse
import contextlib
import io
import os
import tempfile
import time
import tracemalloc

import numpy as np
from _report import summary_line

from skmlq.cli import main as skmlq_main

ROWS_PER_WRITE = 200_000


def write_inputs(folder, n_samples, n_classes, seed=0):
    rng = np.random.default_rng(seed)
    P = np.lib.format.open_memmap(os.path.join(folder, "P.npy"), mode="w+",
                                  dtype=np.float32, shape=(n_samples, n_classes))
    Y = np.lib.format.open_memmap(os.path.join(folder, "Y.npy"), mode="w+",
                                  dtype=bool, shape=(n_samples, n_classes))
    for start in range(0, n_samples, ROWS_PER_WRITE):
        stop = min(start + ROWS_PER_WRITE, n_samples)
        y = rng.random((stop - start, n_classes)) < 0.1
        Y[start:stop] = y
        P[start:stop] = np.clip(np.where(y, 0.8, 0.1) + rng.normal(0, 0.1, y.shape), 0, 1)
    P.flush()
    Y.flush()
    return P.nbytes + Y.nbytes


def run(folder, extra, trace):
    out = os.path.join(folder, "out.csv")
    argv = ["score", "--labels", os.path.join(folder, "Y.npy"), "--pred-probs",
            os.path.join(folder, "P.npy"), "-o", out, "--force", "--no-progress", *extra]
    if trace:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        code = skmlq_main(argv)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] / 1e6 if trace else None
    if trace:
        tracemalloc.stop()
    assert code == 0, f"skmlq score exited with {code}"
    size = os.path.getsize(out) / 1e6
    os.remove(out)
    return seconds, cpu, peak, size


CLEANLAB = ["--method", "self_confidence", "--aggregator", "exponential_moving_average",
            "--flag-by", "filter"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--full", action="store_true",
                        help="also the default route at 2,000,000 rows (minutes)")
    args = parser.parse_args(argv)
    n_classes = 50
    big = 20_000 if args.quick else 2_000_000
    small = 2_000 if args.quick else 200_000
    cases = [("cleanlab route", CLEANLAB, big),
             ("cleanlab route --per-class", CLEANLAB + ["--per-class"], small),
             ("default", [], small)]
    if args.full:
        cases.append(("default", [], big))
    print(f"skmlq score on memory-mapped .npy inputs (float32 pred_probs, bool labels), "
          f"K={n_classes}")
    print(f"  {'options':27s} {'N':>10s} {'inputs MB':>10s} {'wall s':>8s} {'CPU s':>7s} "
          f"{'rows/s':>10s} {'peak MB':>8s} {'CSV MB':>8s}")
    results = []
    for name, extra, n_samples in cases:
        with tempfile.TemporaryDirectory(prefix="skmlq-bench-cli-") as folder:
            n_bytes = write_inputs(folder, n_samples, n_classes)
            seconds, cpu, _, size = run(folder, extra, trace=False)
            _, _, peak, _ = run(folder, extra, trace=True)
        print(f"  {name:27s} {n_samples:10,} {n_bytes / 1e6:10.0f} {seconds:8.2f} {cpu:7.2f} "
              f"{n_samples / seconds:10,.0f} {peak:8.1f} {size:8.1f}", flush=True)
        results.append((name, n_samples, n_bytes, seconds, cpu, peak))
    for name, n_samples, n_bytes, seconds, cpu, peak in results:
        summary_line(f"score {name} N={n_samples:,} K={n_classes} (.npy mmap)", seconds,
                     None, peak, note=f"no reference; CPU {cpu:.1f} s; "
                                      f"{n_bytes / 1e6:.0f} MB inputs")


if __name__ == "__main__":
    main()
