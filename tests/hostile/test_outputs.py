"""One writer for every output: each output option of every command, and the Python
API's writers, treat special files, existing files, permissions and failures alike.

For every output (``-o``, ``--review``, ``--html``, ``--write-labels`` of ``skmlq
score``, ``-o`` of ``skmlq apply``): a symbolic link stays a link (its target is
replaced, only with ``--force``), a named pipe or a device is written through, a new
file gets the umask's permissions and a replaced one keeps its own, and a command
that fails leaves no output and no temporary file.
"""

import os
import select
import shutil
import stat
import sys
import threading

import numpy as np
import pytest

from skmlq.utils._errors import InputValueError
from skmlq.utils._output import safe_output, staged_outputs

from ._contract import list_dir, run_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")

# (option, file name): every output file of the command line.
OUTPUTS = [("-o", "out.csv"), ("--review", "review.csv"), ("--html", "report.html"),
           ("--write-labels", "clean.npy"), ("apply", "applied.npy")]
INPUTS = ["p.npy", "review_in.csv", "y.npy"]


@pytest.fixture(scope="module")
def made_inputs(tmp_path_factory):
    """The input files, made once (the review file by a command of its own)."""
    path = tmp_path_factory.mktemp("inputs")
    rng = np.random.default_rng(0)
    Y = rng.random((40, 3)) < 0.4
    P = np.clip(Y + rng.normal(0, 0.45, Y.shape), 0.01, 0.99)
    np.save(path / "y.npy", Y)
    np.save(path / "p.npy", P)
    code, _, err = run_cli(["score", "--labels", "y.npy", "--pred-probs", "p.npy",
                            "--review", "review_in.csv"], path)
    assert code == 0, err
    lines = (path / "review_in.csv").read_text().splitlines()
    assert len(lines) > 1  # at least one suggested change
    (path / "review_in.csv").write_text(
        "\n".join([lines[0]] + [line + "accept" for line in lines[1:]]) + "\n")
    assert list_dir(path) == INPUTS
    return path


@pytest.fixture
def inputs(made_inputs, tmp_path):
    """A fresh copy of the input files: each test's directory holds them alone."""
    for name in INPUTS:
        shutil.copyfile(made_inputs / name, tmp_path / name)
    return tmp_path


def _argv(option, path, *extra):
    if option == "apply":
        return ["apply", "--labels", "y.npy", "--review", "review_in.csv", "-o", path, *extra]
    return ["score", "--labels", "y.npy", "--pred-probs", "p.npy", option, path, *extra]


@pytest.fixture(scope="module")
def written(made_inputs, tmp_path_factory):
    """``written(option, name)``: the bytes the command writes into a new plain file,
    made once per option (the same inputs give the same bytes; the HTML report's
    figures take seconds to draw)."""
    cache = {}

    def expected(option, name):
        if option not in cache:
            path = tmp_path_factory.mktemp("fresh")
            for input_name in INPUTS:
                shutil.copyfile(made_inputs / input_name, path / input_name)
            code, _, err = run_cli(_argv(option, "fresh_" + name), path)
            assert code == 0, err
            cache[option] = (path / ("fresh_" + name)).read_bytes()
        return cache[option]

    return expected


@pytest.mark.parametrize("option,name", OUTPUTS)
def test_symlink_is_written_through_only_with_force(option, name, inputs, written):
    expected = written(option, name)
    (inputs / "target").write_bytes(b"old")
    os.symlink("target", inputs / name)
    code, _, err = run_cli(_argv(option, name), inputs)
    assert code == 2 and "--force" in err and "a link to" in err
    assert (inputs / "target").read_bytes() == b"old"
    code, _, err = run_cli(_argv(option, name, "--force"), inputs)
    assert code == 0, err
    assert os.path.islink(inputs / name)
    assert (inputs / "target").read_bytes() == expected
    assert list_dir(inputs) == sorted(INPUTS + [name, "target"])


@pytest.mark.parametrize("option,name", OUTPUTS)
@pytest.mark.parametrize("force", [False, True])
def test_fifo_is_written_into(option, name, force, inputs, written):
    expected = written(option, name)
    os.mkfifo(inputs / name)
    reader = os.open(inputs / name, os.O_RDONLY | os.O_NONBLOCK)
    chunks, done = [], threading.Event()

    def drain():  # the HTML report is larger than a pipe's buffer
        while True:
            ready, _, _ = select.select([reader], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(reader, 1 << 16)
                except BlockingIOError:
                    continue
                if chunk:
                    chunks.append(chunk)
                    continue
            if done.is_set():
                return

    thread = threading.Thread(target=drain)
    thread.start()
    try:
        code, _, err = run_cli(_argv(option, name, *(["--force"] if force else [])), inputs)
    finally:
        done.set()
        thread.join(30)
        os.close(reader)
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(inputs / name).st_mode)
    assert b"".join(chunks) == expected
    assert list_dir(inputs) == sorted(INPUTS + [name])


@pytest.mark.parametrize("option,name", OUTPUTS)
def test_device_is_written_into_never_replaced(option, name, inputs):
    # A copy of /dev/null's device node, so that a regression cannot replace the real one.
    try:
        os.mknod(inputs / name, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        with open(inputs / name, "wb") as fh:
            fh.write(b"x")
    except OSError as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    code, _, err = run_cli(_argv(option, name, "--force"), inputs)
    assert code == 0, err
    assert stat.S_ISCHR(os.lstat(inputs / name).st_mode)
    assert list_dir(inputs) == sorted(INPUTS + [name])


@pytest.mark.parametrize("option,name", OUTPUTS)
def test_dev_null_is_written_into(option, name, inputs):
    code, _, err = run_cli(_argv(option, os.devnull), inputs)
    assert code == 0, err
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert list_dir(inputs) == INPUTS


@pytest.mark.parametrize("option,name", OUTPUTS)
def test_permissions_follow_the_umask_and_a_replaced_file_keeps_its_own(option, name, inputs):
    old = os.umask(0o027)
    try:
        code, _, err = run_cli(_argv(option, name), inputs)
        assert code == 0, err
        assert stat.S_IMODE(os.stat(inputs / name).st_mode) == 0o640
        os.chmod(inputs / name, 0o604)
        code, _, err = run_cli(_argv(option, name, "--force"), inputs)
        assert code == 0, err
        assert stat.S_IMODE(os.stat(inputs / name).st_mode) == 0o604
    finally:
        os.umask(old)


@pytest.mark.parametrize("option,name", OUTPUTS)
def test_existing_file_is_kept_without_force(option, name, inputs):
    (inputs / name).write_bytes(b"mine")
    code, _, err = run_cli(_argv(option, name), inputs)
    assert code == 2 and "already exists; pass --force" in err
    assert (inputs / name).read_bytes() == b"mine"
    assert list_dir(inputs) == sorted(INPUTS + [name])


def test_a_failing_command_leaves_no_output(inputs, monkeypatch):
    from skmlq.cli import _score

    def fail(*args, **kwargs):
        raise InputValueError("the HTML report failed")

    monkeypatch.setattr(_score, "write_html", fail)
    code, _, err = run_cli(["score", "--labels", "y.npy", "--pred-probs", "p.npy", "-o",
                            "out.csv", "--review", "r.csv", "--write-labels", "c.npy",
                            "--html", "r.html"], inputs)
    assert code == 2 and "the HTML report failed" in err
    assert list_dir(inputs) == INPUTS


def test_force_is_checked_at_the_rename(tmp_path):
    path = tmp_path / "out.csv"
    with pytest.raises(InputValueError, match="already exists"):
        with safe_output(path, force=False) as fh:
            fh.write("new")
            path.write_text("created meanwhile")
    assert path.read_text() == "created meanwhile"
    assert list_dir(tmp_path) == ["out.csv"]


def test_staged_outputs_are_all_or_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        with staged_outputs():
            with safe_output(tmp_path / "a.csv") as fh:
                fh.write("a")
            raise RuntimeError("later step")
    assert list_dir(tmp_path) == []
    (tmp_path / "b.csv").write_text("b")
    with pytest.raises(InputValueError, match="b.csv already exists"):
        with staged_outputs(force=False):
            with safe_output(tmp_path / "a.csv") as fh:
                fh.write("a")
            with safe_output(tmp_path / "b.csv", force=True) as fh:  # force is the stage's
                fh.write("new b")
    assert list_dir(tmp_path) == ["b.csv"] and (tmp_path / "b.csv").read_text() == "b"


@pytest.mark.parametrize("writer", ["write_review", "write_html_report"])
def test_python_writers_use_the_safe_writer(writer, tmp_path):
    pd = pytest.importorskip("pandas")
    from skmlq.plotting import write_html_report
    from skmlq.report import write_review

    report = pd.DataFrame({"label_quality": [0.1, 0.9], "flagged": [True, False],
                           "given": [["a"], ["b"]], "to_remove": [["a"], []],
                           "to_add": [[], []], "to_remove_scores": [[0.1], []],
                           "to_add_scores": [[], []]})
    report.attrs["classes"] = ["a", "b"]
    (tmp_path / "target").write_text("old")
    os.symlink("target", tmp_path / "link")
    old = os.umask(0o022)
    try:
        if writer == "write_review":
            write_review(report, tmp_path / "link")
            write_review(report, tmp_path / "new.csv")
        else:
            write_html_report(tmp_path / "link", report)
            write_html_report(tmp_path / "new.csv", report)
    finally:
        os.umask(old)
    assert os.path.islink(tmp_path / "link") and (tmp_path / "target").read_text() != "old"
    assert stat.S_IMODE(os.stat(tmp_path / "new.csv").st_mode) == 0o644
    assert list_dir(tmp_path) == ["link", "new.csv", "target"]
