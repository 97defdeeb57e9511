"""``skmlq review``: the review loop across runs, its state file and its errors."""

import csv
import os

import numpy as np
import pytest

from skmlq import MultilabelLabelQuality
from skmlq.cli import main
from skmlq._estimator._given import GivenProbabilities
from skmlq.report import apply_review

from ._files import NAMES, write_labels_csv, write_probs_csv

pd = pytest.importorskip("pandas")

N = 160


def _case(seed=0):
    """True and noisy labels, and probabilities that follow the truth."""
    rng = np.random.default_rng(seed)
    true = rng.random((N, len(NAMES))) < 0.35
    P = np.clip(np.where(true, 0.8, 0.12) + rng.normal(0, 0.1, true.shape), 0.01, 0.99)
    given = true.copy()
    flip = rng.random(true.shape) < 0.06
    given[flip] = ~given[flip]
    return true, given, P


@pytest.fixture
def files(tmp_path):
    true, given, P = _case()
    labels = tmp_path / "tags.csv"
    write_labels_csv(labels, given, NAMES)
    probs = tmp_path / "probs.csv"
    write_probs_csv(probs, P, NAMES)
    return true, given, P, labels, probs


def _answer(path, true, out):
    """A truthful reviewer: accept a change that makes the label the true one."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    for row in rows[1:]:
        k = NAMES.index(row[1])
        row[-1] = "accept" if (row[2] == "remove") != bool(true[int(row[0]), k]) else "reject"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return rows[1:]


def _run(capsys, *argv):
    code = main(list(map(str, argv)))
    out, err = capsys.readouterr()
    return code, out, err


def _examples(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return sorted({int(r["example"]) for r in csv.DictReader(fh)})


def test_the_loop_runs_across_runs_as_the_estimator_does(files, tmp_path, capsys):
    true, given, P, labels, probs = files
    code, out, err = _run(capsys, "review", "--labels", labels, "--pred-probs", probs,
                          "--batch", 12)
    assert code == 0, err
    state = f"{labels}.skmlq-review.npz"
    first, page = tmp_path / "tags.review-1.csv", tmp_path / "tags.review-1.html"
    assert os.path.exists(state) and first.exists() and page.exists()
    assert "batch 1: 12 examples" in out and f"--state {state}" in out
    # Every example of the batch has a change to decide, so deciding settles it.
    assert len(_examples(first)) == 12
    assert "<table id=\"review-table\"" in page.read_text(encoding="utf-8")

    # The same calls on the estimator give the same batches and the same count.
    mlq = MultilabelLabelQuality(GivenProbabilities(P), cv=2, refit=False, random_state=0)
    mlq.fit(np.arange(N).reshape(-1, 1), pd.DataFrame(given.astype(int), columns=NAMES))
    batch = mlq.next_to_review(12)
    assert sorted(batch.tolist()) == _examples(first)

    answered = tmp_path / "answered-1.csv"
    rows = _answer(first, true, answered)
    code, out, err = _run(capsys, "review", "--state", state, "--reviewed", answered,
                          "--batch", 12)
    assert code == 0, err
    assert "took back" in out and "12 example(s) newly reviewed" in out
    mlq.add_reviewed(review=str(answered))
    second = tmp_path / "tags.review-2.csv"
    assert _examples(second) == sorted(mlq.next_to_review(12).tolist())
    assert f"errors: {mlq.estimate_errors()}" in out
    # The answers were truthful: what was found wrong is what was wrong.
    wrong = (true != given).any(axis=1)
    assert mlq.estimate_errors().n_found == int(wrong[batch].sum())
    assert mlq.estimate_errors().n_found > 0

    # The next run finds the state next to the labels; the reviewed files applied in
    # order give the labels with every accepted change.
    answered2 = tmp_path / "answered-2.csv"
    _answer(second, true, answered2)
    code, out, err = _run(capsys, "review", "--labels", labels, "--reviewed", answered2,
                          "--batch", 0)
    assert code == 0, err
    assert "24 in all" in out and not (tmp_path / "tags.review-3.csv").exists()
    fixed = apply_review(apply_review(given.astype(int), answered, classes=NAMES),
                         answered2, classes=NAMES)
    reviewed = np.union1d(_examples(first), _examples(second))
    np.testing.assert_array_equal(fixed[reviewed] == 1, true[reviewed])
    assert len(rows) >= 12


def test_bad_reviewed_files_are_named_and_change_nothing(files, tmp_path, capsys):
    true, given, P, labels, probs = files
    assert _run(capsys, "review", "--labels", labels, "--pred-probs", probs,
                "--batch", 10)[0] == 0
    state = f"{labels}.skmlq-review.npz"
    before = open(state, "rb").read()
    first = tmp_path / "tags.review-1.csv"
    lines = first.read_text(encoding="utf-8").splitlines()

    def refused(text, match):
        bad = tmp_path / "bad.csv"
        bad.write_text(text, encoding="utf-8")
        code, out, err = _run(capsys, "review", "--state", state, "--reviewed", bad)
        assert code == 2 and match in err, err
        assert err.count("\n") == 1  # one line
        assert open(state, "rb").read() == before  # the state is untouched
        assert not (tmp_path / "tags.review-2.csv").exists()

    # An unknown example (a file of a larger data set).
    cells = lines[1].split(",")
    refused("\n".join([lines[0], ",".join([str(N + 5)] + cells[1:])]) + "\n",
            f"'{N + 5}' is not a row of the labels (0 to {N - 1})")
    # A class these labels do not have.
    refused("\n".join([lines[0], ",".join(cells[:1] + ["zebra"] + cells[2:])]) + "\n",
            "unknown class 'zebra'")
    # A file of other labels: the given labels of the example differ.
    example = int(cells[0])
    other = [n for n in NAMES if not given[example, NAMES.index(n)]]
    forged = ",".join(cells[:3] + [";".join(other)] + cells[4:])
    refused("\n".join([lines[0], forged]) + "\n", "column 'change'")
    # Not a review file at all.
    refused("a,b\n1,2\n", "line 1, column 1 is 'a', expected 'example'")


def test_start_and_state_errors(files, tmp_path, capsys):
    true, given, P, labels, probs = files
    code, _, err = _run(capsys, "review", "--state", tmp_path / "none.npz")
    assert code == 2 and "does not exist; start the review with --labels" in err
    (tmp_path / "junk.npz").write_bytes(b"not a state")
    code, _, err = _run(capsys, "review", "--state", tmp_path / "junk.npz")
    assert code == 2 and "is not a state file of skmlq review" in err
    code, _, err = _run(capsys, "review", "--pred-probs", probs)
    assert code == 2 and "--pred-probs needs --labels" in err
    short = tmp_path / "short.csv"
    write_labels_csv(short, given[:-3], NAMES)
    code, _, err = _run(capsys, "review", "--labels", short, "--pred-probs", probs)
    assert code == 2 and "labels" in err and str(N) in err and str(N - 3) in err, err
    assert not os.path.exists(f"{short}.skmlq-review.npz")
    assert _run(capsys, "review", "--labels", labels, "--pred-probs", probs,
                "--batch", 5)[0] == 0
    # A second start would drop the review under way: refused without --force.
    code, _, err = _run(capsys, "review", "--labels", labels, "--pred-probs", probs)
    assert code == 2 and "a review of these labels is under way" in err
    # The batch's files are not replaced without --force.
    code, _, err = _run(capsys, "review", "--labels", labels, "--pred-probs", probs,
                        "--force", "--batch", 5, "--review", tmp_path / "tags.review-1.csv",
                        "--html", tmp_path / "other.html")
    assert code == 0, err
    code, _, err = _run(capsys, "review", "--labels", labels, "--batch", 5,
                        "--review", tmp_path / "tags.review-1.csv")
    assert code == 2 and "already exists" in err
    code, _, err = _run(capsys, "review", "--labels", labels, "--pred-probs", probs,
                        "--reviewed", tmp_path / "x.csv", "--force")
    assert code == 2 and "--reviewed continues a review under way" in err


def test_a_state_of_other_draws_is_refused(files, tmp_path, capsys, monkeypatch):
    true, given, P, labels, probs = files
    assert _run(capsys, "review", "--labels", labels, "--pred-probs", probs,
                "--batch", 8)[0] == 0
    from skmlq.cli import _review

    original = _review._fit

    def other_seed(state):
        state.options["random_state"] += 1
        return original(state)

    monkeypatch.setattr(_review, "_fit", other_seed)
    code, _, err = _run(capsys, "review", "--labels", labels, "--batch", 8)
    assert code == 2 and "drew other batches than this version" in err


def test_features_are_fitted_once(files, tmp_path, capsys, monkeypatch):
    true, given, P, labels, probs = files
    rng = np.random.default_rng(3)
    X = np.where(true, 1.5, 0.0) + rng.normal(0, 1, true.shape)
    data = tmp_path / "data.csv"
    with open(data, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([f"x{j}" for j in range(X.shape[1])] + ["labels"])
        for x, row in zip(X, given):
            writer.writerow([repr(float(v)) for v in x]
                            + [";".join(NAMES[j] for j in np.flatnonzero(row))])
    code, out, err = _run(capsys, "review", "--labels", data, "--features", data, "--cv", 2,
                          "--batch", 6)
    assert code == 0, err
    assert "Fitting 4 numeric columns" in out and "batch 1: 6 examples" in out
    first = tmp_path / "data.review-1.csv"
    answered = tmp_path / "answered.csv"
    _answer(first, true, answered)
    from skmlq.cli import _audit

    def no_fit(*args, **kwargs):
        raise AssertionError("the model is fitted again")

    monkeypatch.setattr(_audit, "build_model_input", no_fit)
    code, out, err = _run(capsys, "review", "--labels", data, "--reviewed", answered,
                          "--batch", 6)
    assert code == 0, err
    assert "Fitting" not in out and "6 example(s) newly reviewed" in out
    code, _, err = _run(capsys, "review", "--labels", labels, "--features", data,
                        "--pred-probs", probs)
    assert code == 2 and "--pred-probs or --features, not both" in err
