"""Imports of the optional dependencies, each with a clear error when missing.

pandas is a dependency (imported when a table is first made); matplotlib and dask
are extras. Nothing imports them at import time of skmlq. :func:`is_dask_array`
only looks at ``sys.modules``: an object cannot be a dask array unless dask is
already imported.
"""

import sys

__all__ = ["import_dask_array", "is_dask_array", "is_sparse_dask_array", "require_pandas",
           "require_pyplot", "uses_dask"]


def require_pandas(what="skmlq.dataset tables"):
    """Return the pandas module, or raise an ImportError saying how to install it."""
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - exercised only without pandas
        raise ImportError(
            f"{what} need pandas, a dependency of skmlq missing from this environment; "
            f"install it with `pip install \"pandas>=2.2\"`."
        ) from exc
    return pd


def require_pyplot():
    """Return ``matplotlib.pyplot``, or raise an ImportError saying how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
        raise ImportError(
            "skmlq.plotting needs matplotlib; install it with `pip install \"skmlq[plot]\"`."
        ) from exc
    return plt


def import_dask_array():
    """Return ``dask.array``, or raise an ImportError saying how to install it."""
    try:
        import dask.array as da
    except ImportError:  # pragma: no cover - dask is in the test extra
        raise ImportError(
            'Scoring dask arrays needs the optional dependency dask: pip install "skmlq[dask]".'
        ) from None
    return da


def is_dask_array(x):
    """True if ``x`` is a ``dask.array.Array`` (without importing dask)."""
    module = sys.modules.get("dask.array")
    return module is not None and isinstance(x, module.Array)


def is_sparse_dask_array(x):
    """True if ``x`` is a dask array whose chunks are scipy.sparse matrices or arrays."""
    if not is_dask_array(x):
        return False
    import scipy.sparse as sp

    return sp.issparse(getattr(x, "_meta", None))


def uses_dask(labels, pred_probs):
    """True if either scoring input is a dask array."""
    return is_dask_array(labels) or is_dask_array(pred_probs)
