"""Fit progress: the plan line, per fold and per binary fit, tqdm or the built-in line."""

import contextlib
import io
import re

import numpy as np
import pytest
from sklearn.datasets import make_multilabel_classification
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlq import MultilabelLabelQuality
from skmlq._estimator import _progress
from skmlq._estimator._progress import FitProgress, count_class_fits, fit_plan


@pytest.fixture
def data():
    return make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)


def _model():
    return make_pipeline(StandardScaler(), OneVsRestClassifier(LogisticRegression()))


@pytest.fixture(scope="module")
def quiet_pred_probs():
    """The out-of-fold probabilities of a fit without progress, which prints nothing
    (one fit for the module: with and without tqdm compare against the same)."""
    X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        quiet = MultilabelLabelQuality(_model(), cv=3, random_state=0).fit(X, Y)
    assert err.getvalue() == ""
    return quiet.pred_probs_


def test_plan_line():
    import scipy.sparse as sp

    assert fit_plan(5, 159, sp.csr_matrix((7395, 1836)), LogisticRegression()) == (
        "5 folds x 159 classes on 7,395 x 1,836 sparse (LogisticRegression)")
    assert fit_plan(3, 2, ["a", "b"], LogisticRegression()).startswith(
        "3 folds x 2 classes on 2 examples")


@pytest.mark.parametrize("use_tqdm", [True, False])
def test_fit_reports_each_binary_fit(data, quiet_pred_probs, capsys, monkeypatch, use_tqdm):
    if not use_tqdm:
        monkeypatch.setattr(_progress, "_tqdm", lambda: None)
    else:
        pytest.importorskip("tqdm")
    X, Y = data
    mlq = MultilabelLabelQuality(_model(), cv=3, random_state=0, verbose=1).fit(X, Y)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Fitting 3 folds x 3 classes on 60 x 20 dense (Pipeline)" in captured.err
    if use_tqdm:
        assert "9/9" in captured.err
    else:
        assert re.search(r"fold \d/3, class \d/3", captured.err)
        assert "3 folds done in" in captured.err
    # the fitted models are the caller's classifier, never the counting wrapper
    assert type(mlq.estimator_[-1].estimator) is LogisticRegression
    np.testing.assert_array_equal(quiet_pred_probs, mlq.pred_probs_)


def test_other_classifiers_report_folds(data, capsys, monkeypatch):
    monkeypatch.setattr(_progress, "_tqdm", lambda: None)
    X, Y = data
    assert count_class_fits(KNeighborsClassifier(), 0) is None
    MultilabelLabelQuality(KNeighborsClassifier(), cv=2, random_state=0, verbose=1).fit(X, Y)
    err = capsys.readouterr().err
    assert "fold 2/2" in err and "class" not in err.split("\n", 1)[1]


def test_disabled_progress_prints_nothing():
    stream = io.StringIO()
    with FitProgress("plan", 2, 3, enabled=False, stream=stream) as progress:
        progress.fold_done()
    assert stream.getvalue() == ""
