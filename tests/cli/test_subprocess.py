"""The command line as a user runs it: real processes, exit codes, no tracebacks.

Most behaviour is tested in-process through ``skmlq.cli.main``; these few tests
check what only a real process shows (the console script, ``python -m skmlq``,
exit codes, stderr).
"""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from skmlq import get_label_quality_scores
from skmlq.cli import main

from ._files import NAMES, make_case, read_output, write_labels_csv, write_probs_csv


def _command(script):
    exe = shutil.which("skmlq", path=os.path.dirname(sys.executable)) if script else None
    if script and exe is None:
        pytest.skip("the skmlq console script is not installed next to this python")
    return [exe] if script else [sys.executable, "-m", "skmlq"]


def _run(*args, script=False, cwd=None):
    return subprocess.run(_command(script) + list(args), capture_output=True, text=True,
                          cwd=cwd, timeout=120)


class _Started:
    """A ``python -m skmlq`` process started ahead of its test; ``result()`` waits for
    it like :func:`subprocess.run`."""

    def __init__(self, *args, cwd=None):
        self.proc = subprocess.Popen(_command(False) + list(args), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, cwd=cwd)

    def result(self):
        try:
            out, err = self.proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            raise
        return subprocess.CompletedProcess(self.proc.args, self.proc.returncode, out, err)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture(scope="module", autouse=True)
def started(tmp_path_factory):
    """The module's independent processes, started when the module starts: they run
    beside the tests before them (the demo's fit and every process's imports take
    seconds) instead of one after the other."""
    error_dir = tmp_path_factory.mktemp("error")
    np.save(error_dir / "p.npy", np.full((3, 2), 0.5))
    processes = {
        "error": _Started("score", "--labels", "missing.npy", "--pred-probs", "p.npy",
                          cwd=error_dir),
        "demo": _Started("demo", "--n-samples", "100", "--cv", "2", "--no-progress"),
    }
    yield processes
    for process in processes.values():
        process.stop()


def test_console_script_scores_csv_files(tmp_path):
    Y, P = make_case()
    write_labels_csv(tmp_path / "tags.csv", Y, NAMES, sep="|", column="tags")
    write_probs_csv(tmp_path / "probs.csv", P, NAMES)
    proc = _run("score", "--labels", "tags.csv", "--labels-column", "tags", "--label-sep", "|",
                "--pred-probs", "probs.csv", "--per-class", "-o", "out.csv",
                script=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no progress when stderr is not a terminal
    header, rows = read_output(tmp_path / "out.csv")
    assert header == ["row", "label_quality", "rank", "given", "to_remove", "to_add"] + [
        f"label_quality_{n}" for n in NAMES]
    from skmlq.rank import get_cooccurrence_params

    expected = get_label_quality_scores(  # the estimator's default scoring
        Y, P, method="noise_posterior", aggregator_kwargs={"method": "product"},
        cooccurrence_params=get_cooccurrence_params(Y, P))
    np.testing.assert_array_equal([int(r[0]) for r in rows],
                                  np.argsort(expected, kind="stable"))
    # the same command again refuses to overwrite, then --force replaces
    again = _run("score", "--labels", "tags.csv", "--labels-column", "tags", "--label-sep",
                 "|", "--pred-probs", "probs.csv", "-o", "out.csv", script=True, cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr.strip() == "skmlq: error: output out.csv already exists; pass --force " \
                                   "to replace it"
    assert read_output(tmp_path / "out.csv")[0] == header


def test_error_exits_2_one_line_no_traceback(started):
    proc = started["error"].result()
    assert proc.returncode == 2
    assert proc.stderr == "skmlq: error: labels file missing.npy does not exist\n"
    assert proc.stdout == ""


def test_python_m_skmlq_demo_reduced(started):
    proc = started["demo"].result()
    assert proc.returncode == 0, proc.stderr
    assert "average precision:" in proc.stdout
    assert "The 10 most suspicious images" in proc.stdout


@pytest.mark.parametrize("command", ["score", "audit", "demo"])
def test_help_documents_formats_with_an_example(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"skmlq {command}" in out
    if command != "demo":
        assert "output (-o OUT.csv" in out


def test_top_level_help_and_version(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(cmd in out for cmd in ("demo", "score", "audit"))
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("skmlq ")
