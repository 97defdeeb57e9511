"""Scale: bounded-memory scoring of a memory-mapped file, and dask on a 2-worker cluster.

1. N = 10,000,000 x K = 100 float32 probabilities (4 GB) are written to a ``.npy``
   file in a temporary folder and scored through ``np.load(..., mmap_mode="r")``,
   with default settings and with ``adjust_pred_probs=True``. Peak memory is the
   tracemalloc peak of the scoring call (the page cache of the memory-mapped file
   is not allocated memory and does not count). Labels are a boolean CSR matrix
   built block by block before the measurement: a list of 10 million Python lists
   would itself take gigabytes of Python objects.
2. The same scoring on N = 1,000,000 rows held in RAM, for rows/s side by side.
3. dask: N = 2,000,000 x K = 100 float64 on a ``distributed.LocalCluster`` of 2
   worker processes (loopback only), data persisted on the workers, against
   single-process numpy on the same values: time ratio and max abs difference.

Usage: ``python benchmarks/bench_scale.py [--quick]``. The temporary file is
deleted at the end.
"""

import argparse
import os
import tempfile
import time
import tracemalloc

import numpy as np
import scipy.sparse as sp
from _report import summary_line

from skmlq.rank import get_confident_thresholds, get_label_quality_scores

ROWS_PER_WRITE = 200_000
LABEL_RATE = 0.05  # P(class annotated) = LABEL_RATE * p: ~2.5% of entries
REPEATS = 2


def write_case(path, n_samples, n_classes, seed=0):
    """Write float32 pred_probs to ``path`` block by block; return CSR labels."""
    rng = np.random.default_rng(seed)
    P = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32,
                                  shape=(n_samples, n_classes))
    indices, row_counts = [], []
    for start in range(0, n_samples, ROWS_PER_WRITE):
        stop = min(start + ROWS_PER_WRITE, n_samples)
        block = rng.random((stop - start, n_classes), dtype=np.float32)
        P[start:stop] = block
        annotated = rng.random(block.shape, dtype=np.float32) < LABEL_RATE * block
        indices.append(np.nonzero(annotated)[1].astype(np.int32))
        row_counts.append(np.count_nonzero(annotated, axis=1))
    P.flush()
    del P
    indptr = np.zeros(n_samples + 1, dtype=np.int64)
    np.cumsum(np.concatenate(row_counts), out=indptr[1:])
    indices = np.concatenate(indices)
    data = np.ones(indices.size, dtype=bool)
    return sp.csr_matrix((data, indices, indptr), shape=(n_samples, n_classes))


def measure(labels, pred_probs, **kwargs):
    """Return (scores, seconds, tracemalloc peak in MB) of one scoring call."""
    tracemalloc.start()
    try:
        start = time.perf_counter()
        scores = get_label_quality_scores(labels, pred_probs, **kwargs)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    return scores, seconds, peak


def bench_memmap(n_mmap, n_memory, n_classes, tmpdir):
    path = os.path.join(tmpdir, "pred_probs.npy")
    labels = write_case(path, n_mmap, n_classes)
    size_gb = os.path.getsize(path) / 1e9
    pred_probs = np.load(path, mmap_mode="r")
    in_memory = np.array(pred_probs[:n_memory])
    labels_memory = labels[:n_memory]
    print(f"\n## memory-mapped float32 {n_mmap:,} x {n_classes} ({size_gb:.2f} GB on disk), "
          f"labels CSR with {labels.nnz:,} annotations "
          f"({(labels.indices.nbytes + labels.indptr.nbytes) / 1e6:.0f} MB)")
    header = f"{'case':<28} {'rows':>12} {'seconds':>9} {'rows/s':>12} {'peak MB':>9}"
    print(header)
    print("-" * len(header))
    rows = []
    for name, kwargs in (("default", {}), ("adjust_pred_probs", {"adjust_pred_probs": True})):
        mapped, t_map, peak_map = measure(labels, pred_probs, **kwargs)
        memory, t_mem, peak_mem = measure(labels_memory, in_memory, **kwargs)
        if kwargs:
            # The in-memory rows alone have other thresholds: compare with those of
            # all rows (one more pass over the file, not timed).
            memory = get_label_quality_scores(
                labels_memory, in_memory, thresholds=get_confident_thresholds(labels, pred_probs),
                **kwargs)
        same = np.abs(mapped[:n_memory] - memory).max()
        print(f"{'memmap ' + name:<28} {n_mmap:>12,} {t_map:>9.2f} {n_mmap / t_map:>12,.0f} "
              f"{peak_map:>9.1f}")
        print(f"{'in-memory ' + name:<28} {n_memory:>12,} {t_mem:>9.2f} "
              f"{n_memory / t_mem:>12,.0f} {peak_mem:>9.1f}")
        print(f"  first {n_memory:,} rows: max abs difference memmap vs in-memory = {same:.2g}")
        rows.append((name, n_mmap, t_map, peak_map, n_memory, t_mem, peak_mem))
    del pred_probs
    os.remove(path)
    return rows


def bench_dask(n_samples, n_classes, chunk_rows):
    try:
        import dask
        import dask.array as da
        from distributed import Client, LocalCluster, wait
    except ImportError:
        print("\n## dask: skipped: dask/distributed not installed")
        return None
    print(f"\n## dask, 2-worker LocalCluster vs single-process numpy, float64 "
          f"{n_samples:,} x {n_classes}, chunks of {chunk_rows:,} rows")
    rng = da.random.default_rng(1)
    P = rng.random((n_samples, n_classes), chunks=(chunk_rows, n_classes))
    Y = rng.random((n_samples, n_classes), chunks=(chunk_rows, n_classes)) < LABEL_RATE * P
    with dask.config.set(scheduler="synchronous"):
        P_np, Y_np = dask.compute(P, Y)
    results = []
    # distributed starts its workers with MALLOC_TRIM_THRESHOLD_=65536, which makes
    # glibc map every large temporary afresh (a page fault per 4 KB, ~3x slower
    # block scoring here). Measured with that default and with it unset.
    worker_envs = (("distributed default env", {}),
                   ("MALLOC_TRIM_THRESHOLD_ unset",
                    {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}))
    header = (f"{'workers':<30} {'case':<20} {'numpy s':>9} {'dask s':>9} {'dask/numpy':>11} "
              f"{'max abs diff':>13}")
    print(header)
    print("-" * len(header))
    for env_name, config in worker_envs:
        with dask.config.set(config), \
                LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                             dashboard_address=None, host="127.0.0.1") as cluster, \
                Client(cluster) as client:
            P_w, Y_w = client.persist([P, Y])
            wait([P_w, Y_w])
            # Warm-up: import skmlq on the workers outside the timing.
            client.compute(get_label_quality_scores(Y_w[:10], P_w[:10])).result()
            for name, kwargs in (("default", {}),
                                 ("adjust_pred_probs", {"adjust_pred_probs": True})):
                t_np, t_dask = np.inf, np.inf
                for _ in range(REPEATS):  # best of REPEATS: the machine may be busy
                    start = time.perf_counter()
                    expected = get_label_quality_scores(Y_np, P_np, **kwargs)
                    t_np = min(t_np, time.perf_counter() - start)
                    start = time.perf_counter()
                    got = client.compute(get_label_quality_scores(Y_w, P_w, **kwargs)).result()
                    t_dask = min(t_dask, time.perf_counter() - start)
                diff = np.abs(got - expected).max()
                print(f"{env_name:<30} {name:<20} {t_np:>9.2f} {t_dask:>9.2f} "
                      f"{t_dask / t_np:>11.2f} {diff:>13.2g}", flush=True)
                results.append((f"{name}, {env_name}", t_np, t_dask, diff))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke run)")
    parser.add_argument("--part", choices=("all", "memmap", "dask"), default="all",
                        help="run only one part")
    args = parser.parse_args(argv)
    if args.quick:
        n_mmap, n_memory, n_dask, n_classes, chunk_rows = 30_000, 10_000, 20_000, 20, 5_000
    else:
        n_mmap, n_memory, n_dask, n_classes, chunk_rows = (
            10_000_000, 1_000_000, 2_000_000, 100, 100_000)
    memmap_rows, dask_rows = [], []
    if args.part in ("all", "memmap"):
        with tempfile.TemporaryDirectory(prefix="skmlq-bench-scale-") as tmpdir:
            memmap_rows = bench_memmap(n_mmap, n_memory, n_classes, tmpdir)
    if args.part in ("all", "dask"):
        dask_rows = bench_dask(n_dask, n_classes, chunk_rows)
    print()
    for name, n_map, t_map, peak_map, n_mem, t_mem, peak_mem in memmap_rows:
        summary_line(f"scale memmap {n_map:,}x{n_classes} {name}", t_map, peak_mb=peak_map,
                     note=f"{n_map / t_map:,.0f} rows/s memmapped vs {n_mem / t_mem:,.0f} "
                          f"rows/s in memory ({n_mem:,} rows)")
    if dask_rows is None:
        summary_line(f"scale dask {n_dask:,}x{n_classes}", None,
                     note="skipped: dask not installed")
    else:
        for name, t_np, t_dask, diff in dask_rows:
            summary_line(f"scale dask 2 workers {n_dask:,}x{n_classes} {name}", t_dask,
                         ref_s=t_np, note=f"reference = single-process numpy; max abs diff "
                                          f"{diff:.2g}")


if __name__ == "__main__":
    main()
