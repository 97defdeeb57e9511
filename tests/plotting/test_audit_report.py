"""MultilabelLabelQuality.audit_report: the estimator's audit as one HTML file."""

import sys

import numpy as np
import pytest
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import RandomForestClassifier

from skmlq import MultilabelLabelQuality

from ._html_cases import HOSTILE_CLASS, table_data

pytest.importorskip("pandas")
# The tiny fitted problems have weak classes; that warning is tested with the report.
pytestmark = pytest.mark.filterwarnings("ignore::skmlq.report.ModelQualityWarning")

CLASSES = ["sports", HOSTILE_CLASS, "politics & <b>news</b>"]


@pytest.fixture(scope="module")
def fitted():
    X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=1)
    labels = [[CLASSES[k] for k in np.flatnonzero(row)] for row in Y]
    forest = RandomForestClassifier(n_estimators=10, random_state=0)
    mlq = MultilabelLabelQuality(forest, cv=3, random_state=0).fit(X, labels)
    return mlq, X, labels


def _rows(page):
    return len(table_data(page, "examples")[1])


def test_audit_report_of_the_training_data(fitted, tmp_path):
    pytest.importorskip("matplotlib")
    mlq, X, labels = fitted
    path = mlq.audit_report(tmp_path / "audit.html", text=[f"doc {i}" for i in range(60)],
                            max_rows=25, title="News tags")
    page = open(path, encoding="utf-8").read()
    assert _rows(page) == 25 and "The 25 worst of 60 examples" in page
    # histograms of label quality and error_proba, and class rates
    assert page.count('src="data:image/png;base64,') == 3
    assert page.count("<script") == 1 and "<b>news</b>" not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    report = mlq.find_label_issues()
    flag = "flagged"
    assert f"<b>{int(report[flag].sum())}</b><span>examples flagged" in page
    # The likeliest wrong example (by error_proba, which the estimator has) comes
    # first, with its text.
    worst = int(report["error_proba"].idxmax())
    assert table_data(page, "examples")[1][0][:3] == [["1", 1], [str(worst), worst],
                                                      f"doc {worst}"]
    # The per-class table lists every class.
    classes_html = page.split('id="classes-table"')[1]
    assert all(c in classes_html for c in ("sports", "politics &amp; &lt;b&gt;news"))


def test_audit_report_of_new_data_and_without_matplotlib(fitted, tmp_path, monkeypatch):
    mlq, X, labels = fitted
    path = mlq.audit_report(tmp_path / "new.html", X[:20], labels[:20])
    assert "The 20 worst of 20 examples" in open(path, encoding="utf-8").read()
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    page = open(mlq.audit_report(tmp_path / "plain.html"), encoding="utf-8").read()
    assert "data:image/png" not in page and _rows(page) == 60


def test_audit_report_needs_a_fitted_estimator(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        MultilabelLabelQuality().audit_report(tmp_path / "x.html")
    assert not list(tmp_path.iterdir())
