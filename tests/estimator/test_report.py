"""MultilabelLabelQuality.find_label_issues: the report on training and new data."""

import numpy as np
import pytest
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import RandomForestClassifier

from skmlq import MultilabelLabelQuality
from skmlq.filter import find_label_issues, find_multilabel_issues_per_class
from skmlq.report import label_issue_report

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def fitted():
    X, Y = make_multilabel_classification(n_samples=80, n_classes=3, random_state=0)
    Y_noisy = Y.copy()
    Y_noisy[:6, 0] ^= 1
    forest = RandomForestClassifier(n_estimators=15, random_state=0)
    mlq = MultilabelLabelQuality(forest, cv=3, random_state=0).fit(X, Y_noisy)
    return X, Y_noisy, mlq


def test_estimator_report_is_the_functional_report_of_its_out_of_fold_results(fitted):
    X, Y, mlq = fitted
    report = mlq.find_label_issues()
    assert report.shape == (80, 9)
    np.testing.assert_array_equal(report["label_quality"],
                                  np.sort(mlq.label_quality_scores_, kind="stable"))
    # The estimator has error probabilities: they decide the flags and suggestions,
    # as in the functional report given them (which scores by cleanlab's default).
    columns = ["error_proba", "flagged", "given", "to_remove", "to_add", "suggested"]
    pd.testing.assert_frame_equal(report.sort_index()[columns], label_issue_report(
        Y, mlq.pred_probs_, error_proba=mlq.error_proba_,
        error_proba_per_class=mlq.error_proba_per_class_).sort_index()[columns])
    np.testing.assert_array_equal(report.sort_index()["flagged"], mlq.error_proba_ >= 0.5)
    assert report["flagged"].any()
    strict = mlq.find_label_issues(error_threshold=0.9)
    np.testing.assert_array_equal(strict.sort_index()["flagged"], mlq.error_proba_ >= 0.9)
    # The confident-learning flags remain available from the functional report.
    both = label_issue_report(Y, mlq.pred_probs_, filter_by="confident_learning")
    mask = find_multilabel_issues_per_class(Y, mlq.pred_probs_, filter_by="confident_learning")
    np.testing.assert_array_equal(both.sort_index()["flagged"], mask.any(axis=1))
    np.testing.assert_array_equal(
        label_issue_report(Y, mlq.pred_probs_).sort_index()["flagged"],
        find_label_issues(Y, mlq.pred_probs_))
    # Filter options ask the estimator for confident-learning flags; the error
    # probabilities stay in the report.
    cl = mlq.find_label_issues(filter_by="confident_learning")
    np.testing.assert_array_equal(cl.sort_index()["flagged"], mask.any(axis=1))
    np.testing.assert_array_equal(cl.sort_index()["error_proba"], mlq.error_proba_)
    with pytest.raises(TypeError, match="error_threshold"):
        mlq.find_label_issues(filter_by="low_self_confidence", error_threshold=0.5)
    with pytest.raises(ValueError, match="form='tall'"):
        mlq.find_label_issues(form="tall")


def test_estimator_report_on_new_data(fitted):
    X, Y, mlq = fitted
    report = mlq.find_label_issues(X[:30], Y[:30])
    # New data gets the verdict of the second stage fitted on the training data.
    assert report.shape == (30, 9)
    from skmlq._estimator._proba import predict_pred_probs
    from skmlq.rank import get_label_error_probabilities

    proba, _ = get_label_error_probabilities(
        Y[:30], predict_pred_probs(mlq.estimator_, X[:30], 30, 3),
        cooccurrence_params=mlq.cooccurrence_params_)
    np.testing.assert_allclose(report.sort_index()["error_proba"], proba)
    np.testing.assert_array_equal(report.sort_index()["flagged"], proba >= 0.5)
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
    with pytest.raises(NotFittedError):
        MultilabelLabelQuality().audit_summary()
