"""The issue report: skmlq._estimator._report.label_issue_report and
MultilabelLabelQuality.find_label_issues."""

import numpy as np
import pytest
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import RandomForestClassifier

from skmlq import MultilabelLabelQuality
from skmlq._estimator._report import label_issue_report
from skmlq.filter import find_label_issues, find_multilabel_issues_per_class
from skmlq.rank import get_label_quality_scores

from ..filter.test_filter import V2_LABELS, V2_PROBS

pd = pytest.importorskip("pandas")


def test_report_content_and_order():
    P = np.array(V2_PROBS)
    scores = get_label_quality_scores(V2_LABELS, P)
    scores[5] = scores[4]  # a tie: row 4 must come before row 5
    classes = np.array(["a", "b", "c", "d"])
    report = label_issue_report(V2_LABELS, P, scores, classes=classes, threshold=0.6)
    assert list(report.columns) == ["label_quality", "is_label_issue", "given_labels",
                                    "predicted_labels", "suspect_a", "suspect_b",
                                    "suspect_c", "suspect_d"]
    np.testing.assert_array_equal(report.index, np.argsort(scores, kind="stable"))
    assert list(report.index).index(4) < list(report.index).index(5)
    np.testing.assert_array_equal(report["label_quality"], np.sort(scores))
    row = report.loc[3]
    assert row["given_labels"] == ["b"] and row["predicted_labels"] == ["c"]
    mask = find_multilabel_issues_per_class(V2_LABELS, P)
    flags = report.loc[np.arange(12), ["suspect_a", "suspect_b", "suspect_c", "suspect_d"]]
    np.testing.assert_array_equal(flags.to_numpy(), mask)
    np.testing.assert_array_equal(report.loc[np.arange(12), "is_label_issue"], mask.any(1))
    assert report.loc[4, "given_labels"] == []


def test_report_filter_kwargs_pass_through():
    P = np.array(V2_PROBS)
    scores = get_label_quality_scores(V2_LABELS, P)
    low = label_issue_report(V2_LABELS, P, scores, classes=np.arange(4),
                             filter_by="low_self_confidence")
    np.testing.assert_array_equal(
        low.sort_index()["is_label_issue"],
        find_label_issues(V2_LABELS, P, filter_by="low_self_confidence"))
    half = label_issue_report(V2_LABELS, P, scores, classes=np.arange(4), frac_noise=0.5)
    # Reference vector V2, frac_noise=0.5, prune_by_noise_rate: [[4], [], [], [4, 10]].
    assert sorted(half.index[half["is_label_issue"]]) == [4, 10]
    with pytest.raises(TypeError, match="return_indices_ranked_by"):
        label_issue_report(V2_LABELS, P, scores, classes=np.arange(4),
                           return_indices_ranked_by="self_confidence")
    with pytest.raises(ValueError, match="threshold"):
        label_issue_report(V2_LABELS, P, scores, classes=np.arange(4), threshold=2)
    with pytest.raises(ValueError, match="classes has shape"):
        label_issue_report(V2_LABELS, P, scores, classes=np.arange(3))
    with pytest.raises(ValueError, match="scores has shape"):
        label_issue_report(V2_LABELS, P, scores[:3], classes=np.arange(4))


@pytest.fixture(scope="module")
def fitted():
    X, Y = make_multilabel_classification(n_samples=80, n_classes=3, random_state=0)
    Y_noisy = Y.copy()
    Y_noisy[:6, 0] ^= 1
    forest = RandomForestClassifier(n_estimators=15, random_state=0)
    return X, Y_noisy, MultilabelLabelQuality(forest, cv=3, random_state=0).fit(X, Y_noisy)


def test_estimator_report_on_training_data(fitted):
    X, Y, mlq = fitted
    report = mlq.find_label_issues()
    assert report.shape == (80, 7)
    np.testing.assert_array_equal(report["label_quality"],
                                  np.sort(mlq.label_quality_scores_, kind="stable"))
    expected = find_label_issues(Y, mlq.pred_probs_)
    np.testing.assert_array_equal(report.sort_index()["is_label_issue"], expected)
    assert report["is_label_issue"].any()
    both = mlq.find_label_issues(filter_by="confident_learning", threshold=0.3)
    np.testing.assert_array_equal(
        both.sort_index()["is_label_issue"],
        find_label_issues(Y, mlq.pred_probs_, filter_by="confident_learning"))
    assert all(both.loc[i, "predicted_labels"] == np.flatnonzero(
        mlq.pred_probs_[i] >= 0.3).tolist() for i in range(5))


def test_estimator_report_on_new_data(fitted):
    X, Y, mlq = fitted
    report = mlq.find_label_issues(X[:30], Y[:30])
    assert report.shape == (30, 7)
    np.testing.assert_allclose(report.sort_index()["label_quality"],
                               mlq.score_samples(X[:30], Y[:30]))
    with pytest.raises(ValueError, match="needs the given labels"):
        mlq.find_label_issues(X[:30])
    with pytest.raises(ValueError, match="labels without X"):
        mlq.find_label_issues(labels=Y[:30])
    with pytest.raises(ValueError, match="30 examples but X has 29"):
        mlq.find_label_issues(X[:29], Y[:30])


def test_estimator_report_needs_fit():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        MultilabelLabelQuality().find_label_issues()
