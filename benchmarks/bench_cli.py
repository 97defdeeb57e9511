"""Command line: ``skmlq score`` on memory-mapped ``.npy`` files, streamed CSV out.

N = 2,000,000 x K = 50 float32 probabilities (400 MB) and a boolean indicator
(100 MB) are written to ``.npy`` files in a temporary folder, then scored with
``skmlq score --labels Y.npy --pred-probs P.npy -o out.csv`` (in-process through
``skmlq.cli.main``). ``--per-class`` (which formats N x K floats in Python) is run
on the first 200,000 rows (10 million values). Two runs each:

- wall time, without tracing (tracemalloc slows Python-level CSV formatting ~5x);
- the tracemalloc peak of a second run: allocated memory only (the page cache of the
  memory-mapped inputs is not allocated memory and does not count).

There is no reference implementation (cleanlab has no command line). Usage:
``python benchmarks/bench_cli.py [--quick]``; the temporary files are deleted.
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
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = skmlq_main(argv)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1e6 if trace else None
    if trace:
        tracemalloc.stop()
    assert code == 0, f"skmlq score exited with {code}"
    size = os.path.getsize(out) / 1e6
    os.remove(out)
    return seconds, peak, size


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    args = parser.parse_args(argv)
    n_classes = 50
    cases = [("default", [], 20_000 if args.quick else 2_000_000),
             ("--per-class", ["--per-class"], 2_000 if args.quick else 200_000)]
    print(f"skmlq score on memory-mapped .npy inputs (float32 pred_probs, bool labels), "
          f"K={n_classes}")
    print(f"  {'options':12s} {'N':>10s} {'inputs MB':>10s} {'wall s':>8s} {'rows/s':>10s} "
          f"{'peak MB':>8s} {'CSV MB':>8s}")
    results = []
    for name, extra, n_samples in cases:
        with tempfile.TemporaryDirectory(prefix="skmlq-bench-cli-") as folder:
            n_bytes = write_inputs(folder, n_samples, n_classes)
            seconds, _, size = run(folder, extra, trace=False)
            _, peak, _ = run(folder, extra, trace=True)
        print(f"  {name:12s} {n_samples:10,} {n_bytes / 1e6:10.0f} {seconds:8.2f} "
              f"{n_samples / seconds:10,.0f} {peak:8.1f} {size:8.1f}", flush=True)
        results.append((name, n_samples, n_bytes, seconds, peak))
    for name, n_samples, n_bytes, seconds, peak in results:
        summary_line(f"score {name} N={n_samples:,} K={n_classes} (.npy mmap)", seconds,
                     None, peak, note=f"no reference; {n_bytes / 1e6:.0f} MB inputs")


if __name__ == "__main__":
    main()
