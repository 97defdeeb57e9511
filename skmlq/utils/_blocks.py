"""Row blocking shared by every pass over (N, K) arrays.

Working on row blocks bounds each temporary to about ``BLOCK_ELEMENTS`` values, so
peak extra memory does not grow with N, and memory-mapped inputs larger than RAM are
streamed through once per pass.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# About 2**17 elements keeps each float64 temporary near 1 MB, so a block and its
# temporaries stay in the CPU caches between the passes over it (measured 1.3-2x
# faster than 2**20 on 100,000 x 100 inputs, benchmarks/bench_rank.py), while the
# per-block Python overhead (~76 blocks per 10**7 values) stays negligible.
BLOCK_ELEMENTS = 2**17


def row_blocks(n_samples, n_classes, block_elements=None):
    """Return ``[(start, stop), ...]`` covering ``range(n_samples)`` in row blocks.

    Each block holds at most ``block_elements`` values (at least one row).
    """
    step = max(1, (block_elements or BLOCK_ELEMENTS) // max(n_classes, 1))
    return [(s, min(s + step, n_samples)) for s in range(0, n_samples, step)]


# numpy releases the GIL in the ufuncs, sorts, partitions and BLAS calls that do the
# work on a block, so threads over blocks use several cores without copies. More
# than a few threads only add contention for memory bandwidth.
_MAX_THREADS = 4


def _available_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_blocks(func, blocks, *, parallel=True):
    """Call ``func(start, stop)`` for every block; return the results in block order.

    With ``parallel`` and more than one block, blocks run on a small thread pool
    (up to the cores available, at most ``_MAX_THREADS``). Only the main thread
    starts a pool: inside a joblib or dask worker, blocks run sequentially so that
    parallel callers are not oversubscribed. The order of the results (hence of any
    reduction over them) does not depend on the threading.
    """
    n_threads = min(len(blocks), _available_cores(), _MAX_THREADS)
    if not parallel or n_threads < 2 or threading.current_thread() is not threading.main_thread():
        return [func(start, stop) for start, stop in blocks]
    with ThreadPoolExecutor(n_threads) as pool:
        return list(pool.map(lambda block: func(*block), blocks))


_CONTROLLER = []


def single_blas_thread():
    """A context in which BLAS runs on one thread.

    For many tiny solves (the second stage's per-class Newton systems, the noise
    model's L-BFGS search), BLAS threads only add their wake-ups: measured up to 10x
    slower on two busy cores. The controller, which inspects the loaded libraries
    (about 4 ms), is made once.
    """
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


def iter_blocks(func, blocks, *, group=8):
    """Yield ``func(start, stop)`` of every block, in block order, running ``group``
    blocks at a time (on threads, as :func:`run_blocks`).

    For passes that reduce per-block results of size K (sums per class): only
    ``group`` of them are alive at once, where :func:`run_blocks` would keep one per
    block, and the caller adds them in block order whatever the threading.
    """
    for start in range(0, len(blocks), group):
        yield from run_blocks(func, blocks[start : start + group])


def nonzero_2d(a):
    """``np.nonzero`` of a 2-d boolean array: int64 ``(rows, cols)``, row-major.

    A flat search and a division: about ten times faster than the 2-d
    ``np.nonzero`` (1.3 ms against 17 ms on a 100,000 x 100 mask), which builds
    its multi-index element by element.
    """
    a = np.ascontiguousarray(a, dtype=bool)
    rows, cols = np.divmod(np.flatnonzero(a), max(a.shape[1], 1))
    return rows, cols
