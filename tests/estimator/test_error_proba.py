"""Error probabilities and the co-occurrence method of MultilabelLabelQuality."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from skmlq import MultilabelLabelQuality
from skmlq.benchmarking import random_toggle_noise
from skmlq.rank import get_label_error_probabilities, get_label_quality_scores


@pytest.fixture(scope="module")
def problem():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 4))
    base = X[:, :3] > 0.3
    clean = np.column_stack([base, base[:, 0] | base[:, 1]])
    noisy, wrong = random_toggle_noise(clean, rate=0.1, random_state=0)
    model = OneVsRestClassifier(LogisticRegression())
    return X, noisy, wrong, model


@pytest.fixture(scope="module")
def fitted(problem):
    X, noisy, _, model = problem
    return MultilabelLabelQuality(model, cv=3, random_state=0, refit=False).fit(X, noisy)


def test_error_probabilities(problem, fitted):
    X, noisy, wrong, _ = problem
    mlq = fitted
    assert mlq.error_proba_.shape == (300,)
    assert mlq.error_proba_per_class_.shape == (300, 4)
    assert 0 <= mlq.error_proba_per_class_.min() and mlq.error_proba_per_class_.max() <= 1
    np.testing.assert_allclose(mlq.error_proba_,
                               1 - np.prod(1 - mlq.error_proba_per_class_, axis=1), atol=1e-12)
    # the functional core gives the same numbers from the same probabilities
    example, per_class = get_label_error_probabilities(
        noisy, mlq.pred_probs_, cooccurrence_params=mlq.cooccurrence_params_)
    np.testing.assert_array_equal(example, mlq.error_proba_)
    np.testing.assert_array_equal(per_class, mlq.error_proba_per_class_)
    assert mlq.flip_rates_.shape == (4, 2)
    assert np.all((mlq.flip_rates_ >= 0) & (mlq.flip_rates_ < 0.5))
    # measured: the 30 corrupted examples have mean error_proba 0.84, the others 0.02;
    # 30 wrong examples estimated
    truth = wrong.any(axis=1)
    assert mlq.error_proba_[truth].mean() > 0.6 and mlq.error_proba_[~truth].mean() < 0.1
    assert 20 <= mlq.error_proba_.sum() <= 40


def test_error_estimate(fitted):
    estimate = fitted.estimate_errors()
    assert estimate is fitted.error_estimate_
    assert estimate.n_examples == 300
    assert estimate.n_wrong_examples == pytest.approx(fitted.error_proba_.sum())
    assert estimate.n_to_add + estimate.n_to_remove == pytest.approx(
        fitted.error_proba_per_class_.sum())
    line = str(estimate)
    if estimate.reliable:
        assert line.startswith("about ") and "of 300, have a wrong annotation" in line
        assert line.endswith(estimate.most_likely_kind)
    else:  # no number where the noise model does not pin it down
        assert "cannot be estimated reliably" in line and estimate.reason in line
        assert f"{estimate.n_wrong_examples:.0f} of" not in line


def test_error_threshold_validated(problem):
    X, noisy, _, model = problem
    with pytest.raises(ValueError, match="error_threshold=1.5"):
        MultilabelLabelQuality(model, error_threshold=1.5).fit(X, noisy)


def test_cooccurrence_method(problem, fitted):
    X, noisy, wrong, model = problem
    mlq = MultilabelLabelQuality(model, cv=3, random_state=0, refit=False,
                                 method="cooccurrence", aggregator=np.min).fit(X, noisy)
    np.testing.assert_allclose(mlq.pred_probs_, fitted.pred_probs_)
    expected = get_label_quality_scores(
        noisy, mlq.pred_probs_, method="cooccurrence", aggregator_kwargs={"method": np.min},
        cooccurrence_params=mlq.cooccurrence_params_)
    np.testing.assert_allclose(mlq.label_quality_scores_, expected)
    with pytest.raises(ValueError, match="valid methods are"):
        MultilabelLabelQuality(model, method="co").fit(X, noisy)


@pytest.mark.parametrize("method", ["noise_posterior", "single_error"])
def test_posterior_methods(problem, method):
    X, noisy, _, model = problem
    mlq = MultilabelLabelQuality(model, cv=3, random_state=0, method=method,
                                 aggregator="softmin").fit(X, noisy)
    if method == "noise_posterior":
        # the per-class scores are the probabilities that each annotation is right
        np.testing.assert_allclose(mlq.label_quality_scores_per_class_,
                                   1 - mlq.error_proba_per_class_, rtol=0, atol=1e-15)
    softmin = {"method": "softmin", "temperature": 0.1}
    expected = get_label_quality_scores(
        noisy, mlq.pred_probs_, method=method, aggregator_kwargs=softmin,
        cooccurrence_params=mlq.cooccurrence_params_)
    np.testing.assert_array_equal(mlq.label_quality_scores_, expected)
    # new data is scored with what the fit estimated, not refitted on it
    new = mlq.score_samples(X[:50], noisy[:50])
    np.testing.assert_allclose(new, get_label_quality_scores(
        noisy[:50], mlq.estimator_.predict_proba(X[:50]), method=method,
        aggregator_kwargs=softmin, cooccurrence_params=mlq.cooccurrence_params_))
    assert 0 <= mlq.score(X, noisy) <= 1
    with pytest.raises(ValueError, match=f"not defined for method='{method}'"):
        MultilabelLabelQuality(model, method=method, adjust_pred_probs=True).fit(X, noisy)
