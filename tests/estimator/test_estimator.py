"""Tests of ``MultilabelLabelQuality`` (skmlq/_estimator.py, skmlq/_proba.py)."""

import pickle
import re

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from joblib import parallel_backend
from hypothesis import strategies as st
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import GridSearchCV, KFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import ClassifierChain, MultiOutputClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.svm import LinearSVC

from skmlq import (
    MultilabelLabelQuality,
    get_label_quality_scores,
    get_label_quality_scores_per_class,
)
from skmlq._estimator._proba import pred_probs_from_output
from skmlq.model_selection import MultilabelStratifiedKFold

from .._helpers import read_only

N, K = 120, 4


def fast_lr(**kwargs):
    """One-vs-rest logistic regression with the solver that is fastest on tiny data."""
    return OneVsRestClassifier(LogisticRegression(solver="liblinear", **kwargs))


@pytest.fixture(scope="module")
def data():
    X, Y = make_multilabel_classification(
        n_samples=N, n_features=10, n_classes=K, length=100, random_state=0
    )
    return X, Y


@pytest.fixture(scope="module")
def fitted(data):
    X, Y = data
    return MultilabelLabelQuality(fast_lr(), cv=3, random_state=0).fit(X, Y)


# Counts base-model fits across clones (module-level: picklable and hashable).
FIT_COUNT = [0]


class CountingOVR(OneVsRestClassifier):
    def fit(self, X, y, **fit_params):
        FIT_COUNT[0] += 1
        return super().fit(X, y, **fit_params)


class WrongShapeClassifier(ClassifierMixin, BaseEstimator):
    """predict_proba returns one column too many."""

    def fit(self, X, y):
        self.n_outputs_ = np.shape(y)[1]
        return self

    def predict_proba(self, X):
        return np.full((len(X), self.n_outputs_ + 1), 0.5)


# ------------------------------------------------------------------ fit basics


def test_fitted_attributes(fitted, data):
    X, Y = data
    assert fitted.pred_probs_.shape == (N, K)
    assert fitted.pred_probs_.dtype == np.float64
    assert fitted.label_quality_scores_.shape == (N,)
    assert fitted.label_quality_scores_.dtype == np.float64
    assert fitted.label_quality_scores_per_class_.shape == (N, K)
    np.testing.assert_array_equal(fitted.classes_, np.arange(K))
    assert fitted.n_features_in_ == X.shape[1]
    assert not hasattr(fitted, "feature_names_in_")
    # estimator_ is the base model refitted on all the data.
    assert fitted.estimator_.predict_proba(X).shape == (N, K)


def test_scores_come_from_the_scoring_core(data):
    X, Y = data
    folds = list(KFold(3).split(X))
    base = MultilabelLabelQuality(fast_lr(), cv=folds).fit(X, Y)
    P = base.pred_probs_
    ema = "exponential_moving_average"
    cleanlab = {"method": "self_confidence", "aggregator": ema}
    cases = [
        ({}, {"method": "product"}),
        (cleanlab, {"method": ema, "alpha": 0.8}),
        ({**cleanlab, "method": "normalized_margin", "alpha": 0.3},
         {"method": ema, "alpha": 0.3}),
        ({**cleanlab, "adjust_pred_probs": True}, {"method": ema, "alpha": 0.8}),
        (
            {"method": "confidence_weighted_entropy", "aggregator": "softmin",
             "temperature": 0.5},
            {"method": "softmin", "temperature": 0.5},
        ),
        ({"method": "self_confidence", "aggregator": np.min}, {"method": np.min}),
        ({**cleanlab, "alpha": None}, {"method": ema, "alpha": None}),
    ]
    for params, agg in cases:
        mlq = clone(base).set_params(**params).fit(X, Y)
        method = params.get("method", "noise_posterior")
        adjust = params.get("adjust_pred_probs", False)
        stage = mlq.cooccurrence_params_ if method == "noise_posterior" else None
        np.testing.assert_allclose(
            mlq.label_quality_scores_,
            get_label_quality_scores(
                Y, P, method=method, adjust_pred_probs=adjust, aggregator_kwargs=agg,
                cooccurrence_params=stage,
            ),
            rtol=1e-12,
        )
        np.testing.assert_allclose(
            mlq.label_quality_scores_per_class_,
            get_label_quality_scores_per_class(Y, P, method=method, adjust_pred_probs=adjust,
                                               cooccurrence_params=stage),
            rtol=1e-12,
        )


def test_default_is_noise_posterior_product_and_cleanlab_is_one_setting_away(data):
    X, Y = data
    mlq = MultilabelLabelQuality(fast_lr(), cv=3, random_state=0).fit(X, Y)
    assert (mlq.method, mlq.aggregator) == ("noise_posterior", "product")
    # The default score is the probability that every annotation is right.
    np.testing.assert_allclose(mlq.label_quality_scores_, 1 - mlq.error_proba_, atol=1e-12)
    cleanlab = clone(mlq).set_params(method="self_confidence",
                                     aggregator="exponential_moving_average", alpha=0.8)
    np.testing.assert_allclose(
        cleanlab.fit(X, Y).label_quality_scores_,
        get_label_quality_scores(Y, mlq.pred_probs_), rtol=1e-12)


def test_out_of_fold_probabilities_match_cross_val_predict(data):
    X, Y = data
    folds = list(KFold(3, shuffle=True, random_state=1).split(X))
    mlq = MultilabelLabelQuality(fast_lr(), cv=folds, refit=False).fit(X, Y)
    expected = cross_val_predict(fast_lr(), X, Y, cv=folds, method="predict_proba")
    np.testing.assert_allclose(mlq.pred_probs_, expected, rtol=1e-12)
    assert not hasattr(mlq, "estimator_")


def test_integer_cv_uses_shuffled_multilabel_stratified_folds(data):
    X, Y = data
    mlq = MultilabelLabelQuality(fast_lr(), cv=3, random_state=7, refit=False).fit(X, Y)
    folds = list(MultilabelStratifiedKFold(3, shuffle=True, random_state=7).split(X, Y))
    same = MultilabelLabelQuality(fast_lr(), cv=folds, refit=False).fit(X, Y)
    np.testing.assert_array_equal(mlq.pred_probs_, same.pred_probs_)
    unshuffled = list(MultilabelStratifiedKFold(3).split(X, Y))
    other = MultilabelLabelQuality(fast_lr(), cv=unshuffled, refit=False).fit(X, Y)
    assert not np.array_equal(mlq.pred_probs_, other.pred_probs_)


def test_fit_transform_returns_out_of_fold_scores(data):
    X, Y = data
    mlq = MultilabelLabelQuality(fast_lr(), cv=3, random_state=0)
    out = mlq.fit_transform(X, Y)
    np.testing.assert_array_equal(out, mlq.label_quality_scores_[:, None])
    # transform on the training data is in-sample, hence different (documented).
    assert not np.allclose(out, mlq.transform(X, Y))
    per_class = clone(mlq).set_params(per_class=True)
    np.testing.assert_array_equal(
        per_class.fit_transform(X, Y), mlq.label_quality_scores_per_class_
    )
    assert per_class.transform(X, Y).shape == (N, K)


def test_transform_and_score_samples_use_estimator_(fitted, data):
    X, Y = data

    def expected(rows):
        # New data is scored with the second stage fitted on the training data.
        return get_label_quality_scores(
            Y[rows], fitted.estimator_.predict_proba(X[rows]), method="noise_posterior",
            aggregator_kwargs={"method": "product"},
            cooccurrence_params=fitted.cooccurrence_params_)

    rows = np.arange(30)
    np.testing.assert_allclose(fitted.score_samples(X[:30], Y[:30]), expected(rows),
                               rtol=1e-12)
    np.testing.assert_allclose(fitted.transform(X[:30], Y[:30])[:, 0], expected(rows),
                               rtol=1e-12)
    # Another order of the rows: the same core on the classifier's probabilities (the
    # stage's folds hash each row's probabilities, which a classifier may round
    # differently in another batch order).
    order = np.random.default_rng(0).permutation(30)
    np.testing.assert_allclose(
        fitted.score_samples(X[:30][order], Y[:30][order]), expected(order), rtol=1e-12
    )
    cleanlab = clone(fitted).set_params(method="self_confidence",
                                        aggregator="exponential_moving_average")
    cleanlab.fit(X, Y)
    np.testing.assert_allclose(
        cleanlab.score_samples(X[:30][order], Y[:30][order]),
        cleanlab.score_samples(X[:30], Y[:30])[order], rtol=1e-12)


def test_transform_without_labels_says_why(fitted, data):
    X, _ = data
    for method in (fitted.transform, fitted.score_samples):
        with pytest.raises(ValueError, match=r"needs the given labels of X.*labels"):
            method(X)


def test_refit_false_has_no_transform(data):
    X, Y = data
    mlq = MultilabelLabelQuality(fast_lr(), cv=3, random_state=0, refit=False).fit(X, Y)
    with pytest.raises(NotFittedError, match="refit=False"):
        mlq.transform(X, Y)
    with pytest.raises(NotFittedError):
        MultilabelLabelQuality().transform(X, Y)


def test_fit_is_deterministic_and_does_not_mutate_inputs(data):
    X, Y = data
    X_ro, Y_ro = read_only(X), read_only(Y)
    a = MultilabelLabelQuality(fast_lr(), cv=3, random_state=3).fit(X_ro, Y_ro)
    b = MultilabelLabelQuality(fast_lr(), cv=3, random_state=3).fit(X_ro, Y_ro)
    np.testing.assert_array_equal(a.label_quality_scores_, b.label_quality_scores_)
    np.testing.assert_array_equal(X_ro, X)
    np.testing.assert_array_equal(Y_ro, Y)
    a.score(X_ro, Y_ro)  # the synthetic errors go into a copy
    np.testing.assert_array_equal(Y_ro, Y)


def test_clone_and_pickle_round_trip(fitted, data):
    X, Y = data
    params = clone(fitted).get_params()
    assert params["cv"] == 3 and params["random_state"] == 0
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(X, Y), fitted.transform(X, Y))
    np.testing.assert_array_equal(restored.label_quality_scores_, fitted.label_quality_scores_)


# ------------------------------------------------------------------- y forms


def test_label_forms_agree(data):
    X, Y = data
    folds = list(KFold(3).split(X))
    reference = MultilabelLabelQuality(fast_lr(), cv=folds, refit=False).fit(X, Y)
    lists = [np.flatnonzero(row).tolist() for row in Y]
    for y in (sp.csr_matrix(Y), lists, Y.astype(bool)):
        mlq = MultilabelLabelQuality(fast_lr(), cv=folds, refit=False).fit(X, y)
        np.testing.assert_allclose(mlq.pred_probs_, reference.pred_probs_, rtol=1e-12)
        np.testing.assert_array_equal(mlq.classes_, np.arange(K))


def test_string_class_names(data):
    X, Y = data
    names = np.array(["sports", "arts", "politics", "science"])
    labels = [names[np.flatnonzero(row)].tolist() for row in Y]
    mlq = MultilabelLabelQuality(fast_lr(), cv=3, random_state=0, per_class=True)
    out = mlq.fit_transform(X, labels)
    np.testing.assert_array_equal(mlq.classes_, sorted(names))
    assert mlq.get_feature_names_out().tolist() == [
        f"label_quality_{c}" for c in sorted(names)
    ]
    # Columns follow classes_ (sorted names), not the order of first appearance.
    order = np.argsort(names)
    ref = MultilabelLabelQuality(fast_lr(), cv=3, random_state=0, per_class=True)
    np.testing.assert_allclose(out, ref.fit_transform(X, Y[:, order]), rtol=1e-12)
    np.testing.assert_array_equal(
        mlq.transform(X[:5], labels[:5]), mlq.transform(X[:5], Y[:5, order])
    )
    with pytest.raises(ValueError, match="'music'.*not seen in fit"):
        mlq.transform(X[:2], [["music"], []])


def test_one_dimensional_y_is_one_class_per_example(data):
    X, _ = data
    y = np.array(["cat", "dog", "eel"])[np.arange(N) % 3]
    mlq = MultilabelLabelQuality(fast_lr(), cv=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(mlq.classes_, ["cat", "dog", "eel"])
    assert mlq.pred_probs_.shape == (N, 3)
    onehot = (y[:, None] == mlq.classes_).astype(int)
    np.testing.assert_allclose(mlq.score_samples(X, y), mlq.score_samples(X, onehot))
    binary = MultilabelLabelQuality(fast_lr(), cv=3, random_state=0).fit(X, np.arange(N) % 2)
    assert binary.pred_probs_.shape == (N, 2)  # one column per class
    with pytest.raises(ValueError, match="y.*continuous"):
        MultilabelLabelQuality(fast_lr(), cv=3).fit(X, np.linspace(0, 1, N))


def test_single_indicator_column(data):
    X, Y = data
    mlq = MultilabelLabelQuality(fast_lr(), cv=3, random_state=0).fit(X, Y[:, :1])
    assert mlq.pred_probs_.shape == (N, 1)
    P = cross_val_predict(
        LogisticRegression(solver="liblinear"), X, Y[:, 0],
        cv=list(MultilabelStratifiedKFold(3, shuffle=True, random_state=0).split(X, Y[:, :1])),
        method="predict_proba",
    )
    np.testing.assert_allclose(mlq.pred_probs_[:, 0], P[:, 1], rtol=1e-12)


def test_dataframe_input_names_and_set_output(data):
    pd = pytest.importorskip("pandas")
    X, Y = data
    index = pd.Index([f"doc{i}" for i in range(N)])
    X_df = pd.DataFrame(X, columns=[f"w{j}" for j in range(X.shape[1])], index=index)
    Y_df = pd.DataFrame(Y, columns=["a", "b", "c", "d"], index=index)
    mlq = MultilabelLabelQuality(fast_lr(), cv=3, random_state=0).set_output(transform="pandas")
    out = mlq.fit_transform(X_df, Y_df)
    assert isinstance(out, pd.DataFrame)
    assert out.index.equals(index) and out.columns.tolist() == ["label_quality"]
    np.testing.assert_array_equal(mlq.feature_names_in_, X_df.columns)
    np.testing.assert_array_equal(mlq.classes_, ["a", "b", "c", "d"])
    new = mlq.transform(X_df.iloc[:7], Y_df.iloc[:7])
    assert new.index.equals(index[:7])
    mlq.set_params(per_class=True)
    assert mlq.transform(X_df, Y_df).columns.tolist() == [f"label_quality_{c}" for c in "abcd"]
    with pytest.raises(ValueError, match="input_features"):
        mlq.get_feature_names_out(["x"])


def test_sparse_x(data):
    X, Y = data
    folds = list(KFold(3).split(X))
    dense = MultilabelLabelQuality(fast_lr(), cv=folds).fit(X, Y)
    for X_sparse in (sp.csr_matrix(X), sp.coo_matrix(X)):
        mlq = MultilabelLabelQuality(fast_lr(), cv=folds).fit(X_sparse, Y)
        np.testing.assert_allclose(mlq.pred_probs_, dense.pred_probs_, rtol=1e-6)
        assert mlq.n_features_in_ == X.shape[1]


# ----------------------------------------------------------- base estimators


@pytest.mark.parametrize(
    "estimator",
    [
        fast_lr(),
        MLPClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0),
        ClassifierChain(LogisticRegression(solver="liblinear"), random_state=0),
        MultiOutputClassifier(LogisticRegression(solver="liblinear")),
        RandomForestClassifier(n_estimators=10, random_state=0),
        ExtraTreesClassifier(n_estimators=10, random_state=0),
        KNeighborsClassifier(n_neighbors=5),
        make_pipeline(KNeighborsClassifier(n_neighbors=5)),
    ],
    ids=lambda est: type(est).__name__,
)
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_multilabel_classifiers(estimator, data):
    X, Y = data
    folds = list(KFold(3).split(X))
    mlq = MultilabelLabelQuality(estimator, cv=folds).fit(X, Y)
    assert mlq.pred_probs_.shape == (N, K)
    assert np.all((mlq.pred_probs_ >= 0) & (mlq.pred_probs_ <= 1))
    # Each fold's rows come from a model fitted on the other folds: P(class applies).
    train, test = folds[0]
    model = clone(estimator).fit(X[train], Y[train])
    raw = model.predict_proba(X[test])
    expected = (
        np.stack([part[:, 1] for part in raw], axis=1) if isinstance(raw, list) else raw
    )
    np.testing.assert_allclose(mlq.pred_probs_[test], expected, rtol=1e-12)
    assert mlq.transform(X[:5], Y[:5]).shape == (5, 1)


def test_classes_missing_from_a_training_fold(data):
    X, Y = data
    Y = Y.copy()
    Y[:, 0] = 0
    Y[0, 0] = 1  # class 0: one positive example
    Y[:, 1] = 1
    Y[1, 1] = 0  # class 1: one negative example
    folds = list(KFold(3).split(X))  # examples 0 and 1 are both in the first test fold
    for estimator in (
        RandomForestClassifier(n_estimators=5, random_state=0),
        MultiOutputClassifier(KNeighborsClassifier()),
    ):
        mlq = MultilabelLabelQuality(estimator, cv=folds, method="self_confidence").fit(X, Y)
        # Trained without any positive (negative) example, the model gives 0 (1).
        assert mlq.pred_probs_[0, 0] == 0.0
        assert mlq.pred_probs_[1, 1] == 1.0
        assert mlq.label_quality_scores_per_class_[0, 0] == 0.0


def test_pred_probs_from_output_reads_single_column_parts():
    class Fitted:
        classes_ = [np.array([0, 1]), np.array([0]), np.array([1]), np.array([False, True])]

    parts = [
        np.array([[0.8, 0.2], [0.1, 0.9]]),
        np.ones((2, 1)),
        np.ones((2, 1)),
        np.array([[0.5, 0.5], [0.3, 0.7]]),
    ]
    np.testing.assert_array_equal(
        pred_probs_from_output(parts, Fitted(), 2, 4),
        [[0.2, 0.0, 1.0, 0.5], [0.9, 0.0, 1.0, 0.7]],
    )


@given(
    n=st.integers(1, 6),
    k=st.integers(2, 5),
    seed=st.integers(0, 2**16),
)
def test_pred_probs_from_output_list_matches_positive_columns(n, k, seed):
    rng = np.random.default_rng(seed)
    positive = rng.random((n, k))
    flipped = rng.random(k) < 0.5  # sub-models whose classes_ are [1, 0]

    class Fitted:
        classes_ = [np.array([1, 0]) if f else np.array([0, 1]) for f in flipped]

    parts = [
        np.column_stack([p, 1 - p]) if f else np.column_stack([1 - p, p])
        for p, f in zip(positive.T, flipped)
    ]
    np.testing.assert_allclose(pred_probs_from_output(parts, Fitted(), n, k), positive)
    with pytest.raises(ValueError, match=r"Fitted.predict_proba returned a list of"):
        pred_probs_from_output(parts[:-1], Fitted(), n, k)


# ------------------------------------------------------------------ bad input


def test_non_probabilistic_estimator_fails_at_fit(data):
    X, Y = data
    FIT_COUNT[0] = 0
    with pytest.raises(TypeError, match="OneVsRestClassifier has no predict_proba"):
        MultilabelLabelQuality(OneVsRestClassifier(LinearSVC())).fit(X, Y)
    with pytest.raises(
        ValueError,
        match=re.escape("WrongShapeClassifier.predict_proba returned an array of shape (40, 5)"),
    ):
        MultilabelLabelQuality(WrongShapeClassifier(), cv=3).fit(X, Y)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"method": "bogus"}, ValueError, "method='bogus'"),
        ({"aggregator": "max"}, ValueError, "aggregator='max'"),
        ({"alpha": 2.0, "aggregator": "exponential_moving_average"}, ValueError, "alpha=2.0"),
        ({"temperature": 0, "aggregator": "softmin"}, ValueError, "temperature=0"),
        (
            {"method": "confidence_weighted_entropy", "adjust_pred_probs": True},
            ValueError,
            "adjust_pred_probs=True",
        ),
        ({"refit": "yes"}, TypeError, "refit='yes'"),
        ({"cv": 1}, ValueError, "cv=1"),
    ],
)
def test_bad_parameters_fail_before_any_fit(params, error, match, data):
    X, Y = data
    FIT_COUNT[0] = 0
    with pytest.raises(error, match=re.escape(match)):
        MultilabelLabelQuality(CountingOVR(LogisticRegression()), **params).fit(X, Y)
    assert FIT_COUNT[0] == 0


def test_bad_input(data):
    X, Y = data
    mlq = MultilabelLabelQuality(fast_lr(), cv=3)
    with pytest.raises(ValueError, match="X has 119 examples but y has 120"):
        mlq.fit(X[1:], Y)
    Y_zero = Y.copy()
    Y_zero[:, 2] = 0
    with pytest.raises(ValueError, match=r"y column 2 \(class 2\) is constant: no example"):
        mlq.fit(X, Y_zero)
    with pytest.raises(ValueError, match=r"y column 0 \(class 0\) is constant"):
        mlq.fit(X, np.zeros((N, 1)))
    with pytest.raises(ValueError, match="y has 2 examples, fewer than the cv=3 folds"):
        mlq.fit(X[:2], [[0], [1]])
    with pytest.raises(ValueError, match="requires y to be passed"):
        mlq.fit(X, None)
    with pytest.raises(ValueError, match="one class"):
        mlq.fit(X, np.zeros(N))
    with pytest.raises(TypeError, match=r"y\[0\] is \[0\] but y\[1\] is 1"):
        mlq.fit(X[:3], [[0], 1, 2])
    with pytest.raises(ValueError, match="y has value 2 at row 0, column"):
        mlq.fit(X, np.where(Y == 1, 2, 0))
    with pytest.raises(ValueError, match="does not put every example in exactly one test fold"):
        MultilabelLabelQuality(fast_lr(), cv=[(np.arange(60), np.arange(60, 100))]).fit(X, Y)
    mlq.fit(X, Y)
    with pytest.raises(ValueError, match="labels has 3 examples but X has 4"):
        mlq.transform(X[:4], Y[:3])
    with pytest.raises(ValueError, match="labels is an indicator with 3 columns"):
        mlq.transform(X[:4], Y[:4, :3])
    with pytest.raises(ValueError, match="X has 9 features, but"):
        mlq.transform(X[:4, :9], Y[:4])


# --------------------------------------------------------- text and pipelines


CORPUS = [
    ("the striker scored a late goal in the football match", {"sports"}),
    ("parliament passed the budget after a long debate", {"politics"}),
    ("the team won the league title after a penalty shootout", {"sports"}),
    ("the minister resigned over the election scandal", {"politics"}),
    ("a new telescope observed a distant galaxy", {"science"}),
    ("researchers sequenced the genome of a rare plant", {"science"}),
    ("the olympic sprinter broke the world record", {"sports"}),
    ("voters queued for hours at the polling stations", {"politics"}),
    ("physicists measured the mass of the particle", {"science"}),
    ("the government funds a football stadium for the city", {"sports", "politics"}),
    ("the science minister announced a research budget", {"science", "politics"}),
    ("sports scientists study the sprinter's muscles", {"sports", "science"}),
]


def text_data(repeat=3):
    texts = [f"{text} {i}" for i in range(repeat) for text, _ in CORPUS]
    labels = [sorted(tags) for _ in range(repeat) for _, tags in CORPUS]
    return texts, labels


def text_pipeline():
    return make_pipeline(TfidfVectorizer(), fast_lr(C=10.0))


def test_text_pipeline_and_grid_search_default_scoring():
    texts, labels = text_data()
    mlq = MultilabelLabelQuality(text_pipeline(), cv=3, random_state=0).fit(texts, labels)
    assert mlq.classes_.tolist() == ["politics", "science", "sports"]
    assert not hasattr(mlq, "n_features_in_")
    assert mlq.score_samples(texts[:3], labels[:3]).shape == (3,)
    # Two candidates (a grid's size adds nothing here, and each candidate costs three
    # cross-fitted fits).
    search = GridSearchCV(
        MultilabelLabelQuality(text_pipeline(), cv=3, random_state=0),
        {"method": ["self_confidence", "normalized_margin"], "alpha": [0.9]},
        cv=3,
    ).fit(texts, labels)
    scores = search.cv_results_["mean_test_score"]
    assert np.all((scores >= 0) & (scores <= 1))
    assert search.best_params_["method"] in ("self_confidence", "normalized_margin")


def test_estimator_as_pipeline_step_after_vectoriser():
    texts, labels = text_data()
    pipe = make_pipeline(
        TfidfVectorizer(),
        MultilabelLabelQuality(fast_lr(C=10.0), cv=3, random_state=0),
    )
    out = pipe.fit_transform(texts, labels)  # the final step's out-of-fold scores
    np.testing.assert_array_equal(out[:, 0], pipe[-1].label_quality_scores_)
    assert pipe.get_feature_names_out().tolist() == ["label_quality"]
    search = GridSearchCV(
        pipe,
        {"multilabellabelquality__method": ["self_confidence", "normalized_margin"],
         "multilabellabelquality__alpha": [0.5]},
        cv=3,
    ).fit(texts, labels)
    assert len(search.cv_results_["mean_test_score"]) == 2
    assert search.best_estimator_[-1].alpha == 0.5
    assert 0 <= search.best_score_ <= 1


def test_grid_search_with_routed_known_mask(data):
    X, Y = data
    rng = np.random.default_rng(0)
    mask = np.zeros(N, dtype=bool)
    mask[rng.choice(N, 12, replace=False)] = True
    noisy = Y.copy()
    noisy[mask, rng.integers(0, K, mask.sum())] ^= 1
    outer = list(KFold(3, shuffle=True, random_state=0).split(X))
    with config_context(enable_metadata_routing=True):
        estimator = MultilabelLabelQuality(fast_lr(), cv=3, random_state=0)
        search = GridSearchCV(
            estimator.set_score_request(label_issue_mask=True),
            {"method": ["self_confidence", "normalized_margin"], "alpha": [0.2]},
            cv=outer,
        ).fit(X, noisy, label_issue_mask=mask)
    # Each split's score is the AUROC of ranking the known issues first on held-out data.
    train, test = outer[0]
    best = search.best_params_
    mlq = MultilabelLabelQuality(fast_lr(), cv=3, random_state=0, **best).fit(
        X[train], noisy[train]
    )
    expected = roc_auc_score(mask[test], -mlq.score_samples(X[test], noisy[test]))
    assert search.cv_results_["split0_test_score"][search.best_index_] == pytest.approx(expected)
    assert mlq.score(X[test], noisy[test], label_issue_mask=mask[test]) == pytest.approx(
        expected
    )


def test_transform_labels_routed_through_pipeline(data):
    X, Y = data
    with config_context(enable_metadata_routing=True):
        pipe = Pipeline(
            [("mlq", MultilabelLabelQuality(fast_lr(), cv=3, random_state=0)
              .set_transform_request(labels=True))]
        ).fit(X, Y)
        out = pipe.transform(X[:10], labels=Y[:10])
    np.testing.assert_array_equal(out, pipe[-1].transform(X[:10], Y[:10]))


# ------------------------------------------------------------------- score()


def test_score_synthetic_errors_follow_the_estimated_shares(fitted, data):
    from skmlq.benchmarking import single_error_noise

    X, Y = data
    s1 = fitted.score(X, Y)
    assert s1 == fitted.score(X, Y)
    assert 0 < s1 <= 1
    # Reconstruct the documented corruption: 3 seeded draws of single errors with the
    # fitted shares (one tag lost, one class added), AUROCs averaged.
    _, missing, extra = fitted.cooccurrence_params_.error_shares
    assert missing + extra >= 0.1  # not scaled up (another test checks that)
    rng = np.random.RandomState(0)
    expected = []
    for _ in range(3):
        noisy, wrong = single_error_noise(Y, missing_rate=missing, extra_rate=extra,
                                          random_state=rng)
        expected.append(roc_auc_score(
            wrong.any(axis=1), -fitted.score_samples(X, noisy.astype(Y.dtype))))
    assert s1 == pytest.approx(np.mean(expected))
    # Not the mean quality score (degenerate: favours inflated scores).
    assert s1 != pytest.approx(fitted.score_samples(X, Y).mean())


def test_score_without_estimated_errors_still_corrupts_one_example(fitted, data):
    X, Y = data
    clean = pickle.loads(pickle.dumps(fitted))
    params = clean.cooccurrence_params_
    params.__setstate__({**params.__getstate__(), "error_shares": np.array([1.0, 0.0, 0.0])})
    assert 0 < clean.score(X, Y) <= 1


def test_score_with_known_mask(fitted, data):
    X, Y = data
    mask = np.zeros(N, dtype=bool)
    mask[[3, 10, 50]] = True
    expected = roc_auc_score(mask, -fitted.score_samples(X, Y))
    assert fitted.score(X, Y, label_issue_mask=mask) == pytest.approx(expected)
    assert fitted.score(X, Y, label_issue_mask=mask.astype(int)) == pytest.approx(expected)
    with pytest.raises(ValueError, match="label_issue_mask has no True entry"):
        fitted.score(X, Y, label_issue_mask=np.zeros(N, dtype=bool))
    with pytest.raises(ValueError, match="label_issue_mask has no False entry"):
        fitted.score(X, Y, label_issue_mask=np.ones(N, dtype=bool))
    with pytest.raises(ValueError, match="at least 2 examples in X"):
        fitted.score(X[:1], Y[:1])
    with pytest.raises(ValueError, match=r"label_issue_mask must be a boolean array of shape"):
        fitted.score(X, Y, label_issue_mask=mask[:-1])


# ------------------------------------------------------------ memory, verbose


def test_memory_fits_base_model_once_per_split(data, tmp_path):
    X, Y = data
    outer = list(KFold(3, shuffle=True, random_state=0).split(X))
    # Two candidates (each fit also fits the second stage, which no cache holds): with
    # one, each split would fit the classifier once anyway; with two, the cache is what
    # saves the second candidate's fits.
    grid = {"method": ["self_confidence", "normalized_margin"], "alpha": [0.2]}

    def run(memory):
        FIT_COUNT[0] = 0
        estimator = MultilabelLabelQuality(
            CountingOVR(LogisticRegression(solver="liblinear")),
            cv=3, random_state=0, memory=memory,
        )
        search = GridSearchCV(estimator, grid, cv=outer).fit(X, Y)
        return FIT_COUNT[0], search.cv_results_["mean_test_score"]

    fits_without, scores_without = run(None)
    fits_with, scores_with = run(str(tmp_path))
    # Per fit of MultilabelLabelQuality: 3 folds + 1 refit; 2 candidates x 3 splits + final.
    assert fits_without == (2 * 3 + 1) * 4
    # With memory: once per outer split, and once for the final refit on all data.
    assert fits_with == (3 + 1) * 4
    np.testing.assert_allclose(scores_with, scores_without)
    # Changing the base model's parameters or the folds invalidates the cache.
    FIT_COUNT[0] = 0
    MultilabelLabelQuality(
        CountingOVR(LogisticRegression(solver="liblinear", C=0.5)),
        cv=3, random_state=0, memory=str(tmp_path),
    ).fit(X, Y)
    MultilabelLabelQuality(
        CountingOVR(LogisticRegression(solver="liblinear", C=0.5)),
        cv=3, random_state=1, memory=str(tmp_path), refit=False,
    ).fit(X, Y)
    assert FIT_COUNT[0] == 4 + 3


def test_parallel_folds_give_the_same_scores(fitted, data):
    X, Y = data
    with parallel_backend("threading", n_jobs=2):
        mlq = MultilabelLabelQuality(fast_lr(), cv=3, random_state=0, n_jobs=2).fit(X, Y)
    np.testing.assert_array_equal(mlq.pred_probs_, fitted.pred_probs_)


def test_verbose_reports_fold_progress_on_stderr(data, capsys):
    X, Y = data
    MultilabelLabelQuality(fast_lr(), cv=3, random_state=0, verbose=1).fit(X, Y)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Fitting 3 folds x 4 classes on 120 x 10 dense" in captured.err
    assert "Refitted OneVsRestClassifier on all 120 examples" in captured.err
    MultilabelLabelQuality(fast_lr(), cv=3, random_state=0).fit(X, Y)
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------ detection test


def test_detects_annotation_errors_like_cleanlab():
    rank = pytest.importorskip("cleanlab.multilabel_classification.rank")
    n, k = 300, 3
    X, Y = make_multilabel_classification(
        n_samples=n, n_features=20, n_classes=k, n_labels=1, length=200, random_state=0
    )
    rng = np.random.default_rng(0)
    is_issue = np.zeros(n, dtype=bool)
    rows = rng.choice(n, n // 10, replace=False)
    is_issue[rows] = True
    noisy = Y.copy()
    noisy[rows, rng.integers(0, k, rows.size)] ^= 1
    # cleanlab's default scoring, one setting away from the estimator's default.
    mlq = MultilabelLabelQuality(fast_lr(C=0.1), cv=3, random_state=0, refit=False,
                                 method="self_confidence",
                                 aggregator="exponential_moving_average")
    mlq.fit(X, noisy)
    ap = average_precision_score(is_issue, -mlq.label_quality_scores_)
    # Measured 0.60 (0.52-0.78 over data seeds 0-3); the base rate is 0.10.
    assert ap > 0.45
    labels = [np.flatnonzero(row).tolist() for row in noisy]
    cleanlab_scores = rank.get_label_quality_scores(labels, mlq.pred_probs_)
    assert ap == pytest.approx(average_precision_score(is_issue, -cleanlab_scores), abs=1e-12)


def test_synthetic_errors_have_the_shares_asked_for():
    from skmlq._estimator._scoring import _inject_single_errors

    rng = np.random.RandomState(0)
    Y = (rng.uniform(size=(2000, 5)) < 0.3).astype(np.int64)
    Y[:3] = 0  # nothing to lose
    before = Y.copy()
    noisy, corrupted = _inject_single_errors(Y, np.array([0.85, 0.1, 0.05]),
                                             np.random.RandomState(1))
    np.testing.assert_array_equal(Y, before)  # the input is not touched
    assert noisy.dtype == Y.dtype
    flipped = noisy != Y
    np.testing.assert_array_equal(corrupted, flipped.any(axis=1))
    assert flipped.sum(axis=1).max() == 1
    assert (flipped & (Y == 1)).sum() == 200 and (flipped & (Y == 0)).sum() == 100
    # shares the data cannot hold are lowered, not refused
    full = np.ones((10, 3), dtype=np.int64)
    noisy, corrupted = _inject_single_errors(full, np.array([0.5, 0.3, 0.2]),
                                             np.random.RandomState(1))
    assert corrupted.sum() == 3 and (noisy <= full).all()
    # shares adding up to less than 10% or more than 50% are scaled to that bound,
    # in proportion
    noisy, corrupted = _inject_single_errors(Y, np.array([0.0, 0.7, 0.3]),
                                             np.random.RandomState(1))
    assert ((noisy < Y).sum(), (noisy > Y).sum()) == (700, 300)
    noisy, corrupted = _inject_single_errors(Y, np.array([0.99, 0.006, 0.004]),
                                             np.random.RandomState(1))
    assert ((noisy < Y).sum(), (noisy > Y).sum()) == (120, 80)
    noisy, corrupted = _inject_single_errors(Y, np.array([1.0, 0.0, 0.0]),
                                             np.random.RandomState(1))
    assert ((noisy < Y).sum(), (noisy > Y).sum()) == (100, 100)
    # on tiny data they round to no example: one example gets the likelier kind
    noisy, corrupted = _inject_single_errors(Y[:4], np.array([0.9, 0.0, 0.1]),
                                             np.random.RandomState(1))
    assert corrupted.sum() == 1 and (noisy >= Y[:4]).all()
    # no example has a tag to lose and only lost tags are estimated: one annotation
    # is toggled, so the objective is defined
    noisy, corrupted = _inject_single_errors(np.zeros((4, 1), dtype=np.int64),
                                             np.array([0.9, 0.1, 0.0]),
                                             np.random.RandomState(1))
    assert (noisy != 0).sum() == 1 and corrupted.sum() == 1
