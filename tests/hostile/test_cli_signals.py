"""Signals sent to the ``skmlq`` process: the same cleanup as an exception.

SIGINT, SIGTERM and SIGHUP, at start-up (while Python imports numpy and
scikit-learn) and while ``skmlq score`` writes a large output, must leave no
temporary file and no half-written output, and exit with 128 + the signal number
(130, 143, 129) after exactly one line on stderr.
"""

import os
import signal
import sys

import numpy as np
import pytest

from ._contract import list_dir
from ._processes import importing_numpy, start, wait_for

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not os.path.exists("/proc/self/maps"),
    reason="POSIX signals and /proc are needed",
)


SIGNALS = {"SIGINT": 130, "SIGTERM": 143, "SIGHUP": 129}


def _one_line(stderr):
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("skmlq: ") and "Traceback" not in stderr
    return lines[0]


@pytest.fixture(scope="module")
def big_inputs(tmp_path_factory):
    """Inputs whose ranked output (--per-class) takes a few seconds to write."""
    path = tmp_path_factory.mktemp("big")
    rng = np.random.default_rng(0)
    n, k = 150_000, 8
    np.save(path / "y.npy", rng.random((n, k)) < 0.3)
    np.save(path / "p.npy", rng.random((n, k), dtype=np.float32))
    return path


def _score_args(inputs):
    # The route that fits nothing: the signal is meant for the writing, which then
    # starts within a second instead of after the second stage's fit on 150,000 rows.
    return ["score", "--labels", inputs / "y.npy", "--pred-probs", inputs / "p.npy",
            "--method", "self_confidence", "--aggregator", "exponential_moving_average",
            "--flag-by", "filter", "--per-class", "--no-progress"]


@pytest.mark.parametrize("name", list(SIGNALS))
def test_signal_during_start_up(name, tmp_path, big_inputs):
    proc = start(_score_args(big_inputs) + ["-o", "out.csv"], tmp_path)
    try:
        assert wait_for(lambda: importing_numpy(proc.pid), timeout=30), "numpy never loaded"
        proc.send_signal(getattr(signal, name))
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == SIGNALS[name], err
    _one_line(err)
    assert list_dir(tmp_path) == []


@pytest.mark.parametrize("name, existing", [
    ("SIGINT", False),
    ("SIGTERM", False),
    ("SIGHUP", False),
    ("SIGTERM", True),  # --force over an existing file
])
def test_signal_while_writing(name, existing, tmp_path, big_inputs):
    args = _score_args(big_inputs) + ["-o", "out.csv"]
    if existing:
        (tmp_path / "out.csv").write_text("old\n")
        args.append("--force")
    proc = start(args, tmp_path)
    try:
        writing = wait_for(lambda: any(f.endswith(".part") for f in os.listdir(tmp_path)))
        assert writing, "the output was never written"
        proc.send_signal(getattr(signal, name))
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == SIGNALS[name], err
    _one_line(err)
    if existing:
        assert list_dir(tmp_path) == ["out.csv"]
        assert (tmp_path / "out.csv").read_text() == "old\n"
    else:
        assert list_dir(tmp_path) == []


def test_second_signal_ends_the_process_with_the_default_action(monkeypatch):
    # The first signal's exception can be swallowed (raised in a __del__ or a gc
    # callback); a second signal must then still stop the process.
    from skmlq.cli import _signals

    killed = []
    monkeypatch.setattr(_signals.os, "kill", lambda pid, signum: killed.append(signum))
    stop = _signals.StopSignals()
    with stop:
        with pytest.raises(_signals.Interrupted):
            stop.handle(signal.SIGTERM, None)
        stop.handle(signal.SIGTERM, None)
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert killed == [signal.SIGTERM]
    assert signal.getsignal(signal.SIGTERM) is not stop.handle  # handlers restored
