"""model_quality, the guardrail warning and audit_summary."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from skmlq.report import ModelQualityWarning, audit_summary, label_issue_report, model_quality
from skmlq.report._summary import check_model_quality

pd = pytest.importorskip("pandas")


def _case(seed=0, n=200, k=4, noise=0.1):
    rng = np.random.default_rng(seed)
    Y = rng.random((n, k)) < [0.3, 0.3, 0.3, 0.03]
    Y[0, 3] = True
    P = np.clip(np.where(Y, 0.8, 0.2) + rng.normal(0, noise, Y.shape), 0, 1)
    return Y, P


def test_model_quality_matches_sklearn_per_class():
    Y, P = _case()
    P[:, 1] = np.random.default_rng(1).random(len(P))  # a class the model cannot see
    table = model_quality(Y, P, class_names=list("abcd"))
    assert list(table.columns) == ["class", "n_given", "prevalence", "average_precision",
                                   "roc_auc", "too_few", "weak"]
    for k in range(4):
        assert table["average_precision"][k] == pytest.approx(
            average_precision_score(Y[:, k], P[:, k]))
        assert table["roc_auc"][k] == pytest.approx(roc_auc_score(Y[:, k], P[:, k]))
    np.testing.assert_array_equal(table["n_given"], Y.sum(axis=0))
    assert table["too_few"].tolist() == [False, False, False, Y[:, 3].sum() < 10]
    assert table["weak"].tolist() == [False, True, False, False]
    Y[:, 2] = False
    assert np.isnan(model_quality(Y, P)["average_precision"][2])


def test_model_quality_with_ties_matches_sklearn():
    rng = np.random.default_rng(3)
    Y = rng.random((300, 5)) < [0.5, 0.2, 0.05, 0.9, 0.3]
    P = np.round(np.clip(np.where(Y, 0.6, 0.4) + rng.normal(0, 0.25, Y.shape), 0, 1), 1)
    P[:, 4] = 0.5  # one tie group only
    table = model_quality(Y, P)
    for k in range(5):
        assert table["average_precision"][k] == pytest.approx(
            average_precision_score(Y[:, k], P[:, k]), abs=1e-12)
        assert table["roc_auc"][k] == pytest.approx(roc_auc_score(Y[:, k], P[:, k]), abs=1e-12)


def test_warning_names_rare_classes_and_a_weak_model():
    names = ["a", "b", "rare"]
    with pytest.warns(ModelQualityWarning, match="fewer than 10 given examples.*: rare"):
        check_model_quality(names, [50, 40, 3], np.array([0.9, 0.8, 0.1]), np.ones(3))
    with pytest.warns(ModelQualityWarning, match="too weak.*stronger model") as record:
        check_model_quality(names, [50, 40, 30], np.array([0.2, 0.3, 0.9]), np.ones(3))
    assert "weak: a, b" in str(record[0].message)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_model_quality(names, [50, 40, 30], np.array([0.9, 0.8, 0.7]), np.ones(3))
    with pytest.warns(ModelQualityWarning, match="AUROC below 0.75"):  # frequent classes
        check_model_quality(names, [50, 40, 30], np.full(3, 0.6), np.full(3, 0.55))


def test_warning_when_no_class_can_be_judged_does_not_call_the_model_weak():
    with pytest.warns(ModelQualityWarning) as record:
        check_model_quality(["a", "b"], [3, 2], np.array([0.9, 0.9]), np.ones(2))
    message = str(record[0].message)
    assert "No class has enough given examples" in message
    assert "too weak" not in message


def test_audit_summary_counts_and_words():
    Y, P = _case()
    P[:5] = 1 - P[:5]
    report = label_issue_report(Y, P, class_names=list("abcd"))
    summary = audit_summary(report, model_quality(Y, P, class_names=list("abcd")))
    n_remove = sum(map(len, report["to_remove"]))
    n_add = sum(map(len, report["to_add"]))
    assert (summary.n_examples, summary.n_given) == (200, int(Y.sum()))
    assert (summary.n_to_remove, summary.n_to_add) == (n_remove, n_add)
    assert summary.n_flagged == int(report["flagged"].sum()) > 0
    assert list(summary.per_class.columns) == ["class", "n_given", "n_to_remove", "n_to_add",
                                               "average_precision", "roc_auc", "too_few",
                                               "weak"]
    assert summary.per_class["n_to_remove"].sum() == n_remove
    assert summary.trusted is True
    text = str(summary)
    assert text.startswith(f"200 examples, 4 classes, {int(Y.sum())} given labels.")
    assert f"{n_remove} given labels look wrong" in text and "median AUROC" in text
    assert "label quality" not in text.lower()
    assert repr(summary).startswith("AuditSummary(n_examples=200")
    weak = audit_summary(report, model_quality(Y, np.full(P.shape, 0.5),
                                               class_names=list("abcd")))
    with pytest.raises(ValueError, match="model_quality has no row for class 'a'"):
        audit_summary(report, model_quality(Y, P))  # the table of other class names
    assert weak.trusted is False and "too weak" in str(weak)
    with pytest.raises(ValueError, match="long report"):
        audit_summary(label_issue_report(Y, P, form="wide"))
