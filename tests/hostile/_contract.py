"""The bad-input contract, as helpers the hostile-input tests share.

Every public entry point either returns the result it gives for the cleaned
input, or raises ValueError/TypeError whose message names the argument; the
command line exits 0, or 2 with exactly one ``skmlq: error:`` line; nothing is
left behind and no input is modified.
"""

import copy
import os

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq.cli import main


def raises_naming(names, func, *args, **kwargs):
    """Call ``func``; it must raise ValueError or TypeError naming one of ``names``."""
    if isinstance(names, str):
        names = (names,)
    with pytest.raises((ValueError, TypeError)) as info:
        func(*args, **kwargs)
    message = str(info.value)
    assert any(name in message for name in names), (
        f"{type(info.value).__name__} does not name any of {names}: {message}"
    )
    assert "\n" not in message.strip() or len(message) < 2000
    return info.value


def snapshot(value):
    """A deep copy of ``value`` to compare with after a call (see :func:`unchanged`)."""
    if sp.issparse(value):
        return value.copy()
    if isinstance(value, np.ndarray):
        return value.copy()
    try:
        return copy.deepcopy(value)
    except Exception:  # objects that refuse copying are compared by identity only
        return value


def unchanged(before, after):
    """True if ``after`` still equals the snapshot ``before``."""
    if sp.issparse(before):
        if not sp.issparse(after) or before.format != after.format:
            return False
        b, a = before.tocoo(), after.tocoo()
        return (
            b.shape == a.shape
            and np.array_equal(b.row, a.row)
            and np.array_equal(b.col, a.col)
            and np.array_equal(b.data, a.data, equal_nan=True)
        )
    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and before.dtype == after.dtype
            and before.shape == after.shape
            and before.tobytes() == after.tobytes()
        )
    if hasattr(before, "equals"):  # pandas
        return before.equals(after)
    try:
        return bool(before == after) if not isinstance(before, (list, tuple, dict)) else (
            _equal_nested(before, after)
        )
    except Exception:
        return True


def _equal_nested(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal_nested(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_equal_nested(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return unchanged(a, b)
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:
        return a is b


def run_cli(argv, capsys, cwd):
    """Run ``skmlq.cli.main`` in-process in ``cwd``; check the exit-code contract.

    Returns ``(code, stdout, stderr)``. Exit code 0, or 2 with exactly one
    ``skmlq: error:`` line on stderr (notes ``skmlq: ...`` may precede it).
    """
    old = os.getcwd()
    os.chdir(cwd)
    try:
        code = main([str(a) for a in argv])
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    assert code in (0, 2), f"exit code {code}; stderr: {err}"
    lines = err.splitlines()
    if code == 2:
        assert len(lines) >= 1 and lines[-1].startswith("skmlq: error: "), err
        assert sum(line.startswith("skmlq: error:") for line in lines) == 1, err
        assert all(line.startswith("skmlq: ") for line in lines), err
        assert "Traceback" not in err
    return code, out, err


def list_dir(path):
    """Names in ``path``, hidden ones included (a leftover temp file is hidden)."""
    return sorted(os.listdir(path))
