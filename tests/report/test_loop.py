"""The whole loop on a small seeded problem: fit -> report -> review -> decide -> apply."""

import io
import warnings

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier

from skmlq import MultilabelLabelQuality
from skmlq.report import apply_review, apply_suggestions, write_review

pd = pytest.importorskip("pandas")
NAMES = ["red", "green", "blue"]


def _problem(n=120, seed=0):
    """Classes read off the features; rows 0, 10, ..., 50 get one tag flipped."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    X += np.sign(X)  # every example far from the class boundaries
    truth = X > 0
    given = truth.copy()
    flipped = {0: 0, 10: 1, 20: 2, 30: 0, 40: 1, 50: 2}
    for i, k in flipped.items():
        given[i, k] ^= True
    tags = [[NAMES[k] for k in np.flatnonzero(row)] for row in given]
    return X, truth, given, tags, flipped


@pytest.fixture(scope="module")
def fitted():
    X, truth, given, tags, flipped = _problem()
    forest = RandomForestClassifier(n_estimators=60, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlq = MultilabelLabelQuality(forest, cv=4, random_state=0).fit(X, tags)
    return mlq, truth, given, tags, flipped


def test_fit_report_review_decide_apply(fitted):
    mlq, truth, given, tags, flipped = fitted
    report = mlq.find_label_issues()
    assert list(report.columns) == ["label_quality", "error_proba", "flagged", "given",
                                    "to_remove", "to_add", "suggested", "to_remove_scores",
                                    "to_add_scores"]
    assert sorted(report.attrs["classes"]) == sorted(NAMES)
    assert sorted(report.loc[0, "given"]) == sorted(tags[0])
    # every injected error is suggested
    for i, k in flipped.items():
        column = "to_remove" if given[i, k] else "to_add"
        assert NAMES[k] in report.loc[i, column]
    buffer = io.StringIO()
    write_review(report[report["flagged"]], buffer, pred_probs=mlq.pred_probs_)
    lines = buffer.getvalue().splitlines()
    # the reviewer accepts exactly the suggestions that undo an injected error
    decided = [lines[0]]
    for line in lines[1:]:
        example, cls = int(line.split(",")[0]), line.split(",")[1]
        ok = example in flipped and NAMES[flipped[example]] == cls
        decided.append(line + ("accept" if ok else "reject"))
    cleaned = apply_review(tags, io.StringIO("\n".join(decided) + "\n"), classes=mlq.classes_)
    expected = [[NAMES[k] for k in np.flatnonzero(row)] for row in given]
    for i in flipped:
        expected[i] = [NAMES[k] for k in np.flatnonzero(truth[i])]
    assert [sorted(r) for r in cleaned] == [sorted(r) for r in expected]
    assert tags[0] != cleaned[0]  # the input was not modified, the output is new
    # applying the reviewed file again changes nothing
    again = apply_review(cleaned, io.StringIO("\n".join(decided) + "\n"), classes=mlq.classes_)
    assert again == cleaned


def test_report_options_and_summary(fitted):
    mlq, truth, given, tags, flipped = fitted
    full = mlq.find_label_issues()
    worst = mlq.find_label_issues(worst=5)
    assert list(worst.index) == list(full.index[:5])
    flagged = mlq.find_label_issues(flagged_only=True)
    assert flagged["flagged"].all() and len(flagged) == full["flagged"].sum()
    wide = mlq.find_label_issues(form="wide")
    assert list(wide.columns[3:]) == list(mlq.classes_)
    assert "error_proba" in full.columns  # the estimator's error probabilities
    cleaned = apply_suggestions(given.astype(int), full)
    assert cleaned.dtype == int and cleaned.shape == given.shape
    summary = mlq.audit_summary()
    assert summary.n_examples == 120 and summary.n_flagged == full["flagged"].sum()
    assert summary.trusted is True
    assert mlq.average_precision_per_class_.shape == (3,)
    assert np.all(mlq.average_precision_per_class_ > 0.8)
    assert np.all(mlq.roc_auc_per_class_ > 0.9)
    assert "given labels look wrong" in str(summary)


def test_report_carries_error_probabilities_when_the_estimator_has_them(fitted):
    mlq, truth, given, tags, flipped = fitted
    saved = mlq.error_proba_per_class_, mlq.error_proba_
    mlq.error_proba_per_class_ = np.where(mlq.label_quality_scores_per_class_ < 0.2, 0.9, 0.1)
    mlq.error_proba_ = mlq.error_proba_per_class_.max(axis=1)
    try:
        report = mlq.find_label_issues()
        assert list(report.columns[:3]) == ["label_quality", "error_proba", "flagged"]
        np.testing.assert_array_equal(report.sort_index()["flagged"],
                                      mlq.error_proba_ >= 0.5)
    finally:
        mlq.error_proba_per_class_, mlq.error_proba_ = saved
