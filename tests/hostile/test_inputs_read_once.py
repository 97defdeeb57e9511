"""Inputs are read once: a named pipe given as an input file does not block a command
that needs it twice (``audit``'s data, ``score --write-labels``' labels), and both
steps see the same text."""

import os
import sys
import threading

import numpy as np
import pytest

from ._processes import start

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX named pipes")


def _feed(path, data):
    def write():
        with open(path, "wb") as fh:  # blocks until the command opens the pipe
            fh.write(data)
    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def _start(command, path):
    """Start ``command`` on a named pipe ``data.csv`` in ``path`` and feed the pipe;
    returns the process and the text fed."""
    rng = np.random.default_rng(0)
    Y = rng.random((40, 2)) < 0.5
    P = np.clip(np.where(Y, 0.7, 0.3) + rng.normal(0, 0.3, Y.shape), 0.01, 0.99)
    rows = [f"{p[0]:.3f},{p[1]:.3f},{';'.join(f'c{k}' for k in np.flatnonzero(y))}"
            for p, y in zip(P, Y)]
    text = ("f1,f2,labels\n" + "\n".join(rows) + "\n").encode()
    os.mkfifo(path / "data.csv")
    np.save(path / "p.npy", P)
    feeder = _feed(path / "data.csv", text)
    if command == "score":
        args = ["score", "--labels", "data.csv", "--pred-probs", "p.npy", "--classes=c0,c1",
                "--write-labels", "clean.csv", "--no-progress"]
    else:
        args = ["audit", "data.csv", "--cv", "2", "--write-labels", "clean.csv",
                "--no-progress"]
    return start(args, path), feeder


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Both commands, each in a directory of its own, started at once: real processes
    (one that blocked on the pipe is killed, not left hanging in the test runner), and
    side by side they take the time of one."""
    started = {}
    for command in ("score", "audit"):
        path = tmp_path_factory.mktemp(command)
        started[command] = (path, *_start(command, path))
    yield started
    for _, proc, _ in started.values():
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.parametrize("command", ["score", "audit"])
def test_a_pipe_input_is_read_once(command, runs):
    path, proc, feeder = runs[command]
    try:
        out, err = proc.communicate(timeout=120)
    except Exception:
        proc.kill()
        proc.communicate()
        raise
    feeder.join(5)
    assert proc.returncode == 0, err
    written = (path / "clean.csv").read_text().splitlines()
    assert written[0] == "f1,f2,labels" and len(written) == 41
