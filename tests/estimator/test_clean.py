"""Tests of ``CleanMultilabelClassifier`` (skmlq/_estimator/_clean.py)."""

import inspect
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline

from skmlq import CleanMultilabelClassifier, MultilabelLabelQuality
from skmlq.benchmarking import missing_tags_noise, realistic_noise

SHARED = ("method", "adjust_pred_probs", "aggregator", "alpha", "temperature", "cv",
          "n_jobs", "verbose", "random_state", "memory")


def fast_lr():
    return OneVsRestClassifier(LogisticRegression(solver="liblinear"))


def make_problem(noise):
    """A seeded problem: 400 training examples, 40% of them corrupted by ``noise``, and
    400 test examples with their true labels."""
    X, Y = make_multilabel_classification(n_samples=800, n_features=8, n_classes=4,
                                          n_labels=2, length=300, random_state=3)
    Y = Y.astype(bool)
    X_train, X_test, Y_train, Y_test = X[:400], X[400:], Y[:400], Y[400:]
    noisy, wrong = noise(Y_train, rate=0.4, random_state=0)
    return X_train, X_test, np.asarray(noisy), np.asarray(wrong), Y_train, Y_test


@pytest.fixture(scope="module")
def problem():
    """Forgotten tags: a classifier trained on them under-predicts every class."""
    return make_problem(missing_tags_noise)


@pytest.fixture(scope="module")
def realistic_problem():
    return make_problem(realistic_noise)


def micro_f1(model, X, Y):
    return f1_score(Y, model.predict(X), average="micro")


class CountingForest(RandomForestClassifier):
    """Counts its fits across clones (module level: picklable)."""

    fits = [0]

    def fit(self, X, y, sample_weight=None):
        CountingForest.fits[0] += 1
        return super().fit(X, y, sample_weight=sample_weight)


def test_defaults_follow_the_label_quality_estimator():
    ours = inspect.signature(CleanMultilabelClassifier).parameters
    theirs = inspect.signature(MultilabelLabelQuality).parameters
    for name in SHARED:
        assert ours[name].default == theirs[name].default, name
    clf = CleanMultilabelClassifier()
    assert clf.cleaning == "fix" and clf.confidence == (0.5, (0.2, "auto"))


# Gains in test micro-F1 measured on these problems (noise seeds 0, 1, 2): logistic
# regression on forgotten tags 0.58 noisy, 0.89 on the true labels, fix (default
# confidence) +0.28 to +0.29, drop +0.17 to +0.24; a 10-tree forest on realistic
# noise 0.83 noisy, 0.93 true, weight +0.045 to +0.063. Each bound is under half the
# smallest gain.
@pytest.mark.parametrize("cleaning, noise, base, bound", [
    ("fix", "missing", fast_lr(), 0.1),
    ("drop", "missing", fast_lr(), 0.08),
    ("weight", "realistic", RandomForestClassifier(n_estimators=10, random_state=0), 0.02),
])
def test_each_cleaning_mode_gains_on_held_out_data(problem, realistic_problem, cleaning,
                                                   noise, base, bound):
    X_train, X_test, noisy, _, _, Y_test = problem if noise == "missing" else realistic_problem
    before = micro_f1(clone(base).fit(X_train, noisy), X_test, Y_test)
    clf = CleanMultilabelClassifier(base, cleaning=cleaning, cv=3, random_state=0)
    after = micro_f1(clf.fit(X_train, noisy), X_test, Y_test)
    assert after - before >= bound, (before, after)


def test_fix_changes_the_likely_wrong_annotations(problem):
    X_train, _, noisy, wrong, Y_train, _ = problem
    clf = CleanMultilabelClassifier(fast_lr(), confidence=0.5, cv=3,
                                    random_state=0).fit(X_train, noisy)
    changed = clf.y_cleaned_ != noisy
    np.testing.assert_array_equal(
        changed, clf.label_quality_.error_proba_per_class_ >= clf.confidence)
    assert clf.n_changed_ == changed.sum() > 0
    # Most changes repair an injected error.
    assert (changed & wrong).sum() / changed.sum() > 0.6
    assert clf.kept_.all() and clf.sample_weight_ is None
    assert not hasattr(clf.label_quality_, "estimator_")  # refit=False: no extra fit


def test_auto_changes_as_many_as_the_noise_model_expects(problem):
    X_train, _, noisy, _, _, _ = problem
    clf = CleanMultilabelClassifier(fast_lr(), confidence="auto", cv=3,
                                    random_state=0).fit(X_train, noisy)
    error_proba = clf.label_quality_.error_proba_per_class_
    changed = clf.y_cleaned_ != noisy
    for side in (noisy, ~noisy):
        assert changed[side].sum() == round(error_proba[side].sum())
        if changed[side].any():  # the most likely wrong of the side
            assert error_proba[side & changed].min() >= error_proba[side & ~changed].max()
    assert changed[~noisy].sum() > 0  # forgotten tags are added


def test_a_pair_of_confidences_acts_per_side(problem):
    X_train, _, noisy, _, _, _ = problem
    clf = CleanMultilabelClassifier(fast_lr(), confidence=(0.9, "auto"), cv=3,
                                    random_state=0).fit(X_train, noisy)
    error_proba = clf.label_quality_.error_proba_per_class_
    changed = clf.y_cleaned_ != noisy
    np.testing.assert_array_equal(changed[noisy], error_proba[noisy] >= 0.9)
    assert changed[~noisy].sum() == round(error_proba[~noisy].sum()) > 0


@pytest.mark.parametrize("threshold", [0.2, 0.6])
def test_a_side_of_several_criteria_changes_what_any_of_them_selects(problem, threshold):
    """(threshold, "auto") adds every absent tag from the threshold, or the expected
    number of them where the threshold adds fewer: whichever adds more."""
    X_train, _, noisy, _, _, _ = problem
    clf = CleanMultilabelClassifier(fast_lr(), confidence=(0.5, (threshold, "auto")), cv=3,
                                    random_state=0).fit(X_train, noisy)
    absent = clf.label_quality_.error_proba_per_class_[~noisy]
    added = (clf.y_cleaned_ != noisy)[~noisy]
    n_expected, n_above = round(absent.sum()), int((absent >= threshold).sum())
    assert added.sum() == max(n_expected, n_above) > 0
    assert (absent[added] >= threshold).all() if n_above >= n_expected else (
        absent[added].min() >= absent[~added].max())
    # Each threshold here picks the other criterion once: 0.2 adds more than
    # expected, 0.6 fewer.
    assert (n_above > n_expected) == (threshold == 0.2)


def test_drop_and_weight_attributes(problem):
    X_train, _, noisy, _, _, _ = problem
    forest = RandomForestClassifier(n_estimators=10, random_state=0)
    drop = CleanMultilabelClassifier(forest, cleaning="drop", confidence=0.6, cv=3,
                                     random_state=0).fit(X_train, noisy)
    error_proba = drop.label_quality_.error_proba_
    np.testing.assert_array_equal(drop.kept_, error_proba < 0.6)
    assert drop.n_changed_ == (~drop.kept_).sum() > 0
    np.testing.assert_array_equal(drop.y_cleaned_, noisy[drop.kept_])
    weight = CleanMultilabelClassifier(forest, cleaning="weight", cv=3,
                                       random_state=0).fit(X_train, noisy)
    np.testing.assert_allclose(weight.sample_weight_, 1 - error_proba)
    np.testing.assert_array_equal(weight.y_cleaned_, noisy)


def test_cleaning_costs_one_fit_beyond_the_cross_fitting(problem):
    X_train, _, noisy, _, _, _ = problem
    CountingForest.fits[0] = 0
    clf = CleanMultilabelClassifier(CountingForest(n_estimators=5, random_state=0), cv=3,
                                    random_state=0).fit(X_train, noisy)
    assert CountingForest.fits[0] == 3 + 1
    assert clf.predict_proba(X_train[:4]).shape == (4, noisy.shape[1])


def test_predict_proba_and_decision_function_follow_the_classifier(problem):
    X_train, X_test, noisy, _, _, _ = problem
    lr = CleanMultilabelClassifier(fast_lr(), cv=3, random_state=0).fit(X_train, noisy)
    np.testing.assert_allclose(lr.predict_proba(X_test), lr.estimator_.predict_proba(X_test))
    np.testing.assert_allclose(lr.decision_function(X_test),
                               lr.estimator_.decision_function(X_test))
    np.testing.assert_array_equal(lr.predict(X_test), lr.estimator_.predict(X_test))
    knn = CleanMultilabelClassifier(KNeighborsClassifier(), cv=3, random_state=0)
    assert not hasattr(knn, "decision_function")
    restored = pickle.loads(pickle.dumps(lr))
    np.testing.assert_array_equal(restored.predict(X_test), lr.predict(X_test))


def test_pipeline_on_raw_text():
    rng = np.random.default_rng(0)
    words = np.array([["sun", "beach", "sea"], ["snow", "ski", "cold"], ["code", "bug", "test"]])
    texts, labels = [], []
    for _ in range(150):
        given = rng.random(3) < 0.4
        tokens = list(rng.choice(["the", "a", "of", "day"], size=3))
        for k in np.flatnonzero(given):
            tokens += list(rng.choice(words[k], size=2))
        texts.append(" ".join(rng.permutation(tokens)))
        labels.append([["summer", "winter", "work"][k] for k in np.flatnonzero(given)])
    labels[0] = ["summer", "winter"]  # a wrong tag is fine: it is what gets cleaned
    model = make_pipeline(CountVectorizer(), fast_lr())
    clf = CleanMultilabelClassifier(model, cv=3, random_state=0).fit(texts, labels)
    assert list(clf.classes_) == ["summer", "winter", "work"]
    pred = clf.predict(["sun and sea", "ski in the snow"])
    np.testing.assert_array_equal(pred, [[1, 0, 0], [0, 1, 0]])


def test_grid_search_over_the_cleaning_settings(problem, tmp_path):
    X_train, _, noisy, _, _, _ = problem
    CountingForest.fits[0] = 0
    search = GridSearchCV(
        CleanMultilabelClassifier(CountingForest(n_estimators=5, random_state=0), cv=3,
                                  random_state=0, memory=str(tmp_path)),
        {"cleaning": ["fix", "drop"], "confidence": [0.4, 0.6]},
        cv=KFold(2), scoring="f1_micro",
    ).fit(X_train[:200], noisy[:200])
    assert search.best_params_["cleaning"] in ("fix", "drop")
    # Memory: one cross fitting per outer split (3 fits), shared by the 4 candidates,
    # plus one final fit per candidate and split, plus the refit of the best.
    assert CountingForest.fits[0] <= 2 * 3 + 4 * 2 + 3 + 1


def test_the_test_fold_labels_never_reach_the_cleaning(problem):
    """In cross-validation each split cleans its training fold only: changing the
    test fold's labels changes nothing the split's model learnt."""
    X_train, _, noisy, _, _, _ = problem
    X, Y = X_train[:150], noisy[:150]
    folds = list(KFold(3).split(X))[:1]  # one split is enough, and keeps the test fast
    test = folds[0][1]
    other = Y.copy()
    other[test] = ~other[test]  # every annotation of the first test fold flipped
    clf = CleanMultilabelClassifier(KNeighborsClassifier(), cv=3, random_state=0)
    runs = [cross_validate(clf, X, labels, cv=folds, return_estimator=True,
                           scoring="f1_micro") for labels in (Y, other)]
    first, second = (run["estimator"][0] for run in runs)
    np.testing.assert_array_equal(first.y_cleaned_, second.y_cleaned_)
    np.testing.assert_array_equal(first.label_quality_.pred_probs_,
                                  second.label_quality_.pred_probs_)
    assert first.y_cleaned_.shape[0] == len(folds[0][0])
    # The scores differ: the test fold's labels are used for scoring only.
    assert runs[0]["test_score"][0] != runs[1]["test_score"][0]


class RecordingForest(RandomForestClassifier):
    """Records the rows (their ids, column 0 of X) of every fit across clones."""

    seen = []

    def fit(self, X, y, sample_weight=None):
        RecordingForest.seen.append(frozenset(np.asarray(X)[:, 0].astype(int)))
        return super().fit(X, y, sample_weight=sample_weight)


def test_a_search_fits_on_its_training_folds_only(problem):
    """In GridSearchCV, every fit of the cleaning (the cross fitting and the fit on
    the cleaned labels) sees the rows of one outer training fold, never a test row."""
    X_train, _, noisy, _, _, _ = problem
    X = np.column_stack([np.arange(120), X_train[:120]])
    outer = KFold(2)
    RecordingForest.seen = []
    GridSearchCV(
        CleanMultilabelClassifier(RecordingForest(n_estimators=5, random_state=0), cv=3,
                                  random_state=0),
        {"cleaning": ["fix", "drop"]}, cv=outer, scoring="f1_micro", refit=False,
    ).fit(X, noisy[:120])
    trains = [frozenset(train) for train, _ in outer.split(X)]
    # 2 splits x 2 candidates x (3 cross-fitted folds + 1 final fit)
    assert len(RecordingForest.seen) == 2 * 2 * 4
    for rows in RecordingForest.seen:
        assert any(rows <= train for train in trains)
    # Each split's "fix" fitted on its whole training fold.
    assert sum(rows in trains for rows in RecordingForest.seen) >= 2


@pytest.mark.parametrize("params, error, match", [
    ({"cleaning": "clean"}, ValueError, r"cleaning='clean' is not a valid cleaning mode"),
    ({"cleaning": None}, ValueError, r"cleaning=None"),
    ({"confidence": 1.5}, ValueError, r"confidence=1.5"),
    ({"confidence": "high"}, ValueError, r"confidence='high'"),
    ({"confidence": (0.5, 0.2, 0.1)}, ValueError, r"expected a number in \[0, 1\], 'auto'"),
    ({"confidence": (0.5, (0.2, "most"))}, ValueError, r"each side a criterion or a tuple"),
    ({"confidence": (0.5, ())}, ValueError, r"confidence=\(0.5, \(\)\) is invalid"),
    ({"cleaning": "drop", "confidence": (0.6, 0.2)}, ValueError,
     r"except with cleaning='drop' a pair"),
    ({"cleaning": "weight", "estimator": KNeighborsClassifier()}, TypeError,
     r"cleaning='weight' needs a classifier whose fit accepts sample_weight.*"
     r"KNeighborsClassifier"),
    ({"cleaning": "drop", "confidence": 0.0}, ValueError,
     r"cleaning='drop' with confidence=0.0 leaves out all 60 examples"),
])
def test_bad_parameters_get_named_errors(params, error, match):
    X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    clf = CleanMultilabelClassifier(**{"estimator": fast_lr(), "cv": 3, **params})
    with pytest.raises(error, match=match):
        clf.fit(X, Y)


def test_class_names_round_trip(problem):
    X_train, X_test, noisy, _, _, _ = problem
    names = np.array(["a", "b", "c", "d"])
    lists = [list(names[row]) for row in noisy]
    clf = CleanMultilabelClassifier(fast_lr(), cv=3, random_state=0).fit(X_train, lists)
    ref = CleanMultilabelClassifier(fast_lr(), cv=3, random_state=0).fit(X_train, noisy)
    np.testing.assert_array_equal(clf.predict(X_test), ref.predict(X_test))
    np.testing.assert_array_equal(clf.classes_, names)
