"""Output paths that are not plain files: written through, never replaced.

A named pipe, a character device (``/dev/stdout``, ``/dev/null``) or a symbolic
link is where the user wants the output to go: ``-o`` writes into it (a symlink's
target is replaced atomically, the link stays), and ``--force`` never turns it
into a regular file.
"""

import os
import stat
import sys

import numpy as np
import pytest

from ._contract import list_dir, run_cli
from ._processes import start

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")


def _write_inputs(path):
    rng = np.random.default_rng(0)
    Y = rng.random((30, 3)) < 0.4
    P = rng.random((30, 3))
    np.save(path / "y.npy", Y)
    np.save(path / "p.npy", P)
    return path


@pytest.fixture
def inputs(tmp_path):
    return _write_inputs(tmp_path)


def _score(path, *extra):
    return ["score", "--labels", "y.npy", "--pred-probs", "p.npy", "-o", path, *extra]


@pytest.fixture
def expected(inputs):
    code, out, err = run_cli(_score("-"), inputs)
    assert code == 0, err
    return out


def _read_available(fd):
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode()


@pytest.mark.parametrize("force", [False, True])
def test_fifo_is_written_into(force, inputs, expected):
    os.mkfifo(inputs / "pipe")
    # A reader holds the pipe open, so the writer never blocks; the small output
    # fits into the pipe's buffer.
    reader = os.open(inputs / "pipe", os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, _, err = run_cli(_score("pipe", *(["--force"] if force else [])), inputs)
        received = _read_available(reader)
    finally:
        os.close(reader)
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(inputs / "pipe").st_mode)
    assert received == expected
    assert list_dir(inputs) == ["p.npy", "pipe", "y.npy"]


def test_symlink_is_written_through(inputs, expected):
    (inputs / "target.csv").write_text("old\n")
    os.symlink("target.csv", inputs / "link.csv")
    code, _, err = run_cli(_score("link.csv"), inputs)
    assert code == 2 and "--force" in err  # the target exists
    assert (inputs / "target.csv").read_text() == "old\n"
    code, _, err = run_cli(_score("link.csv", "--force"), inputs)
    assert code == 0, err
    assert os.path.islink(inputs / "link.csv")
    assert (inputs / "target.csv").read_text() == expected
    assert list_dir(inputs) == ["link.csv", "p.npy", "target.csv", "y.npy"]


def test_dangling_symlink_creates_its_target(inputs, expected):
    os.mkdir(inputs / "sub")
    os.symlink(os.path.join("sub", "new.csv"), inputs / "link.csv")
    code, _, err = run_cli(_score("link.csv"), inputs)
    assert code == 0, err
    assert os.path.islink(inputs / "link.csv")
    assert (inputs / "sub" / "new.csv").read_text() == expected
    assert list_dir(inputs / "sub") == ["new.csv"]


@pytest.fixture(scope="module")
def dev_stdout_runs(tmp_path_factory):
    """``skmlq score -o /dev/stdout`` without and with --force, each in a directory of
    its own: real processes (/dev/stdout must be the command's own stdout, a pipe here,
    not the test runner's), both started at once so that they run side by side."""
    runs = {}
    for force in (False, True):
        path = _write_inputs(tmp_path_factory.mktemp("dev-stdout"))
        runs[force] = path, start(_score("/dev/stdout", *(["--force"] if force else [])),
                                  path)
    yield runs
    for _, proc in runs.values():
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.parametrize("force", [False, True])
def test_dev_stdout(force, dev_stdout_runs):
    path, proc = dev_stdout_runs[force]
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    code, expected, err = run_cli(_score("-"), path)
    assert code == 0, err
    assert out.startswith(expected)
    assert list_dir(path) == ["p.npy", "y.npy"]


def test_dev_null(inputs):
    code, _, err = run_cli(_score(os.devnull), inputs)
    assert code == 0, err
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert list_dir(inputs) == ["p.npy", "y.npy"]


def test_directory_is_refused(inputs):
    os.mkdir(inputs / "out")
    code, _, err = run_cli(_score("out", "--force"), inputs)
    assert code == 2 and "directory" in err
    assert list_dir(inputs / "out") == []
