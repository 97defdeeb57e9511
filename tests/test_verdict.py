"""One verdict: every view of an audit flags, suggests, orders and counts alike.

On one seeded problem (800 examples, 8 classes, 80 of them corrupted) the issue
report, the audit summary, the error estimate, the HTML report's table, the review
file and ``skmlq score`` must agree: flagged means ``error_proba_ >= error_threshold``,
every flagged example (and only a flagged one) carries a suggested change, the order
is label quality ascending (with the default scoring, the flagged examples first),
and the expected count is the sum of ``error_proba_``.
"""

import csv
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_multilabel_classification
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from skmlq import MultilabelLabelQuality

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def audit():
    X, Y = make_multilabel_classification(n_samples=800, n_features=20, n_classes=8,
                                          random_state=0)
    rng = np.random.RandomState(0)
    noisy = Y.astype(bool)
    corrupted = rng.choice(800, 80, replace=False)
    noisy[corrupted, rng.randint(0, 8, 80)] ^= True
    model = OneVsRestClassifier(LogisticRegression(solver="liblinear"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlq = MultilabelLabelQuality(model, cv=3, random_state=0, refit=False).fit(X, noisy)
    return noisy, mlq


def _changes(report):
    return (report["to_remove"].map(len) + report["to_add"].map(len)).to_numpy()


def test_report_summary_and_estimate_agree(audit):
    Y, mlq = audit
    report = mlq.find_label_issues()
    flagged = report["flagged"].to_numpy()
    # One definition of flagged.
    np.testing.assert_array_equal(report.sort_index()["flagged"],
                                  mlq.error_proba_ >= mlq.error_threshold)
    assert 0 < flagged.sum() < len(report)
    # Every flagged example carries a suggested change, and only flagged ones do.
    np.testing.assert_array_equal(_changes(report) > 0, flagged)
    # One order: label quality ascending, ties by row; with the default scoring the
    # flagged examples come first.
    quality = report["label_quality"].to_numpy()
    np.testing.assert_array_equal(report.index, np.argsort(mlq.label_quality_scores_,
                                                           kind="stable"))
    assert np.all(np.diff(quality) >= 0)
    assert flagged[:flagged.sum()].all()
    assert np.all(np.diff(report["error_proba"].to_numpy()) <= 1e-12)
    # One expected count.
    estimate = mlq.estimate_errors()
    assert estimate.n_wrong_examples == pytest.approx(mlq.error_proba_.sum())
    summary = mlq.audit_summary()
    assert summary.n_flagged == flagged.sum()
    assert summary.n_examples_to_remove == (report["to_remove"].map(len) > 0).sum()
    assert summary.n_examples_to_add == (report["to_add"].map(len) > 0).sum()
    assert summary.n_examples_to_remove + summary.n_examples_to_add >= summary.n_flagged
    assert summary.error_estimate is estimate
    text = str(summary)
    assert f"{summary.n_flagged:,} examples" in text
    if estimate.reliable:
        assert f"about {estimate.n_wrong_examples:,.0f}" in text
    else:
        assert "cannot be estimated reliably" in text


def test_html_and_review_follow_the_report(audit, tmp_path):
    from skmlq.plotting._audit import estimator_audit_inputs
    from skmlq.plotting._html import worst_rows
    from skmlq.report import write_review

    Y, mlq = audit
    report = mlq.find_label_issues()
    page_report, summary, _, _ = estimator_audit_inputs(mlq)
    pd.testing.assert_frame_equal(page_report, report)
    assert summary.n_flagged == report["flagged"].sum()
    np.testing.assert_array_equal(worst_rows(page_report, 100), np.arange(100))
    flagged = report[report["flagged"]]
    n_changes = write_review(flagged, tmp_path / "review.csv")
    with open(tmp_path / "review.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert n_changes == len(rows) == _changes(flagged).sum()
    # In the report's order, every flagged example present.
    examples = list(dict.fromkeys(int(r["example"]) for r in rows))
    assert examples == flagged.index.tolist()


def test_command_line_gives_the_same_verdict(audit, tmp_path, capsys):
    from skmlq.cli import main

    Y, mlq = audit
    report = mlq.find_label_issues()
    np.save(tmp_path / "y.npy", Y)
    np.save(tmp_path / "p.npy", mlq.pred_probs_)
    out = tmp_path / "out.csv"
    assert main(["score", "--labels", str(tmp_path / "y.npy"), "--pred-probs",
                 str(tmp_path / "p.npy"), "-o", str(out), "--float-format", "exact"]) == 0
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["row"]) for r in rows] == report.index.tolist()
    np.testing.assert_allclose([float(r["label_quality"]) for r in rows],
                               report["label_quality"], rtol=1e-12)
    to_fix = np.array([bool(r["to_remove"] or r["to_add"]) for r in rows])
    np.testing.assert_array_equal(to_fix, report["flagged"])
    summary = capsys.readouterr().out
    assert f"{report['flagged'].sum():,} examples" in summary.replace("\n", " ")
