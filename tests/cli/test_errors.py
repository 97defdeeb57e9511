"""User errors: exit code 2, one line on stderr naming the problem, and atomic output."""

import numpy as np
import pytest

from skmlq.cli import _score, main

from ._files import NAMES, make_case, write_probs_csv


@pytest.fixture
def files(tmp_path):
    Y, P = make_case()
    np.save(tmp_path / "y.npy", Y)
    np.save(tmp_path / "p.npy", P)
    return tmp_path


def _score_args(d, *extra, labels="y.npy", probs="p.npy"):
    return ["score", "--labels", str(d / labels), "--pred-probs", str(d / probs), *extra]


def _one_error_line(capsys):
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "error:" in lines[0] and "Traceback" not in err
    return lines[0]


def _write(path, text):
    path.write_text(text)
    return path.name


@pytest.mark.parametrize("make_args, expected", [
    (lambda d: _score_args(d, labels="missing.npy"), "missing.npy does not exist"),
    (lambda d: _score_args(d, probs="nothere.csv"), "nothere.csv does not exist"),
    (lambda d: _score_args(d, labels=_write(d / "l.xlsx", "x")), "unknown extension .xlsx"),
    (lambda d: _score_args(d, labels=_write(d / "bad.npy", "not numpy")),
     "bad.npy is not a readable .npy file"),
    (lambda d: _score_args(d, labels=_write(d / "bad.npz", "not a zip")),
     "bad.npz is not a readable .npz file"),
    (lambda d: _score_args(d, "--alpha", "1.5"), "--alpha: 1.5 is invalid"),
    (lambda d: _score_args(d, "--method", "best"), "invalid choice: 'best'"),
    (lambda d: _score_args(d, "--temperature", "0"), "expected a number > 0"),
    (lambda d: _score_args(d, "--alpha", "0.5", "--aggregator", "softmin"),
     "--alpha applies to --aggregator exponential_moving_average only"),
    (lambda d: _score_args(d, "--adjust-pred-probs", "--method", "confidence_weighted_entropy"),
     "adjust_pred_probs=True is not defined"),
    (lambda d: _score_args(d, "--classes", "a,b"), "--classes names 2 classes"),
    (lambda d: ["score", "--labels", "x.npy"], "required: --pred-probs"),
    (lambda d: ["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_errors_exit_2_with_one_line(files, capsys, make_args, expected):
    assert main(make_args(files)) == 2
    assert expected in _one_error_line(capsys)


def test_shape_mismatch(files, capsys):
    Y, P = make_case(n=41)
    np.save(files / "y41.npy", Y)
    assert main(_score_args(files, labels="y41.npy")) == 2
    assert "labels has 41 examples but pred_probs has 40 rows" in _one_error_line(capsys)


def test_bad_probability_names_row_and_column(files, capsys):
    P = make_case()[1]
    P[5, 2] = 1.5
    write_probs_csv(files / "bad.csv", P)
    assert main(_score_args(files, probs="bad.csv")) == 2
    assert "row 5, column 2" in _one_error_line(capsys)


def test_unparsable_csv_probability(files, capsys):
    (files / "p.csv").write_text("a,b\n0.1,0.2\n0.3,oops\n")
    np.save(files / "y2.npy", np.zeros((2, 2), bool))
    assert main(_score_args(files, labels="y2.npy", probs="p.csv")) == 2
    assert "oops" in _one_error_line(capsys)


@pytest.mark.parametrize("content, suffix, expected", [
    ('[0]\n[1, 9]\n', "jsonl", "line 2: class index 9 is out of range"),
    ('[0]\n{"a": 1}\n', "jsonl", "line 2: expected a JSON list"),
    ('[0]\n[1,\n', "jsonl", "line 2: not valid JSON"),
    ('["cat"]\n["cow"]\n', "jsonl", "line 2: unknown class 'cow'"),
    ("id,tags\n0,cat\n", "csv", "no column 'labels'"),
    ("id,labels\n0,cat\n1,dog;cow\n", "csv", "line 3: unknown class 'cow'"),
    ("id,labels\n0,cat,extra\n", "csv", "2: 3 fields, but the header has 2"),
])
def test_label_file_errors_name_the_line(tmp_path, capsys, content, suffix, expected):
    write_probs_csv(tmp_path / "p.csv", np.full((2, 4), 0.5), NAMES)
    (tmp_path / f"l.{suffix}").write_text(content)
    assert main(_score_args(tmp_path, labels=f"l.{suffix}", probs="p.csv")) == 2
    assert expected in _one_error_line(capsys)


def test_names_count_must_match_columns_without_header(tmp_path, capsys):
    np.save(tmp_path / "p.npy", np.full((2, 3), 0.5))
    (tmp_path / "l.jsonl").write_text('["cat"]\n["dog"]\n')
    assert main(_score_args(tmp_path, labels="l.jsonl")) == 2
    assert "2 distinct class names but pred_probs has 3 columns" in _one_error_line(capsys)


def test_refuses_to_overwrite_without_force(files, capsys):
    out = files / "out.csv"
    out.write_text("precious\n")
    assert main(_score_args(files, "-o", str(out))) == 2
    assert "already exists; pass --force" in _one_error_line(capsys)
    assert out.read_text() == "precious\n"
    assert main(_score_args(files, "-o", str(out), "--force")) == 0
    assert out.read_text().startswith("row,label_quality,rank,given,to_remove,to_add\n")


def test_output_directory_must_exist(files, capsys):
    assert main(_score_args(files, "-o", str(files / "nodir" / "out.csv"))) == 2
    assert "does not exist" in _one_error_line(capsys)


@pytest.mark.parametrize("exc, code", [(KeyboardInterrupt, 130), (OSError, 2)])
def test_interrupted_write_leaves_no_partial_file(files, capsys, monkeypatch, exc, code):
    """A failure mid-write removes the temporary file and keeps the old output."""
    real_write = _score.write_report_csv

    def write_then_fail(fh, *args, **kwargs):
        real_write(fh, *args, **kwargs)  # the whole CSV reaches the temporary file
        raise exc("disk full")

    monkeypatch.setattr(_score, "write_report_csv", write_then_fail)
    out = files / "out.csv"
    out.write_text("old\n")
    before = sorted(p.name for p in files.iterdir())
    assert main(_score_args(files, "-o", str(out), "--force")) == code
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in files.iterdir()) == before  # no temporary left
    (files / "out.csv").unlink()
    assert main(_score_args(files, "-o", str(out))) == code
    assert not out.exists()


def _break_scoring(monkeypatch, exc):
    def broken(*args, **kwargs):
        raise exc

    monkeypatch.setattr(_score, "compute_scores", broken)


def test_internal_error_is_a_bug_with_exit_1(files, capsys, monkeypatch):
    monkeypatch.delenv("SKMLQ_DEBUG", raising=False)
    # A ValueError that skmlq's checks did not raise is a bug, not bad input.
    _break_scoring(monkeypatch, ValueError("operands could not be broadcast"))
    assert main(_score_args(files)) == 1
    err = capsys.readouterr().err
    assert "internal error: ValueError: operands could not be broadcast" in err
    assert "this is a bug, please report it" in err and "--debug" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("how", ["flag before", "flag after", "env"])
def test_debug_shows_the_traceback(files, capsys, monkeypatch, how):
    monkeypatch.delenv("SKMLQ_DEBUG", raising=False)
    _break_scoring(monkeypatch, RuntimeError("boom"))
    args = _score_args(files)
    if how == "flag before":
        args = ["--debug", *args]
    elif how == "flag after":
        args = [*args, "--debug"]
    else:
        monkeypatch.setenv("SKMLQ_DEBUG", "1")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: boom" in err
    assert "this is a bug, please report it" in err


def test_debug_user_error_keeps_exit_2_and_shows_the_traceback(files, capsys, monkeypatch):
    monkeypatch.setenv("SKMLQ_DEBUG", "0")  # "0" means off
    assert main(_score_args(files, labels="missing.npy")) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert main(["--debug", *_score_args(files, labels="missing.npy")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and err.strip().splitlines()[-1].startswith("skmlq: error:")
