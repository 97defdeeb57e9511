"""Timing and peak-memory helpers shared by the benchmark scripts."""

import gc
import time
import tracemalloc

import numpy as np


def best_time(func, repeat):
    """Best wall time of ``repeat`` calls of ``func`` (after a garbage collection each),
    and the last result."""
    best, out = np.inf, None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - start)
    return best, out


def peak_mb(func):
    """Peak memory traced by tracemalloc during one call of ``func``, in MiB."""
    gc.collect()
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
