import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from sklearn.model_selection import GridSearchCV, KFold, check_cv, cross_val_predict
from sklearn.neighbors import KNeighborsClassifier

from skmlq.model_selection import MultilabelStratifiedKFold

from .._helpers import read_only


def skewed_indicator(seed, n_samples, n_classes, low=0.002, high=0.3):
    """Seeded 0/1 indicator with log-uniform class frequencies (rare to common)."""
    rng = np.random.default_rng(seed)
    freq = np.exp(rng.uniform(np.log(low), np.log(high), n_classes))
    return (rng.random((n_samples, n_classes)) < freq).astype(np.int8)


def folds_of(cv, Y):
    return [test for _, test in cv.split(None, Y)]


def count_deviation(Y, folds):
    """Absolute deviation of per-fold positive counts from positives / n_splits."""
    Y = np.asarray(Y)
    counts = np.stack([Y[test].sum(axis=0) for test in folds])
    return np.abs(counts - Y.sum(axis=0) / len(folds))


@given(
    n_samples=st.integers(2, 60),
    n_classes=st.integers(1, 6),
    n_splits=st.integers(2, 7),
    shuffle=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_partition_and_sizes(n_samples, n_classes, n_splits, shuffle, seed):
    n_splits = min(n_splits, n_samples)
    Y = np.random.default_rng(seed).random((n_samples, n_classes)) < 0.3
    cv = MultilabelStratifiedKFold(
        n_splits, shuffle=shuffle, random_state=seed if shuffle else None
    )
    seen = np.zeros(n_samples, dtype=int)
    sizes = []
    for train, test in cv.split(np.zeros((n_samples, 1)), Y):
        np.testing.assert_array_equal(np.sort(np.concatenate([train, test])),
                                      np.arange(n_samples))
        assert np.intersect1d(train, test).size == 0
        assert np.all(np.diff(test) > 0) and np.all(np.diff(train) > 0)
        seen[test] += 1
        sizes.append(test.size)
    np.testing.assert_array_equal(seen, 1)
    assert len(sizes) == n_splits == cv.get_n_splits()
    # The guarantee: sizes are n_samples // n_splits or one more.
    assert max(sizes) - min(sizes) <= 1 and sum(sizes) == n_samples


@given(
    n_samples=st.integers(200, 2500),
    n_splits=st.integers(2, 6),
    seed=st.integers(0, 2**16),
)
def test_size_bounds_with_slack(n_samples, n_splits, seed):
    # Every example has a class (no unlabeled examples to even out the sizes).
    Y = skewed_indicator(seed, n_samples, 12, low=0.01, high=0.5)
    Y[np.arange(n_samples), np.random.default_rng(seed).integers(0, 12, n_samples)] = 1
    sizes = np.array([test.size for test in folds_of(
        MultilabelStratifiedKFold(n_splits, shuffle=True, random_state=seed), Y)])
    target = np.full(n_splits, n_samples // n_splits)
    target[: n_samples % n_splits] += 1
    slack = n_samples // (100 * n_splits)
    assert sizes.sum() == n_samples
    assert np.all(np.abs(sizes - target) <= slack)
    assert np.all(np.abs(sizes - n_samples / n_splits) <= 0.01 * n_samples / n_splits + 1)


def dense_case(seed):
    """Many classes per example: the plain greedy cannot balance the common ones."""
    return skewed_indicator(seed, 2000, 40, high=0.4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_counts_close_to_ideal(seed):
    Y = dense_case(seed)
    folds = folds_of(MultilabelStratifiedKFold(5, shuffle=True, random_state=seed), Y)
    deviation = count_deviation(Y, folds)
    # iterative-stratification reaches a max of 3.6 to 11 here (and 1.6 on bibtex).
    assert deviation.max() < 1.6 and deviation.mean() < 0.4
    # Classes with a handful of positives are spread as evenly as possible.
    positives = Y.sum(axis=0)
    rare = positives < 40
    assert rare.any() and deviation[:, rare].max() < 1


def test_no_worse_than_iterative_stratification():
    iterstrat = pytest.importorskip("iterstrat.ml_stratifiers")
    for seed in range(3):
        Y = dense_case(seed)
        ours = count_deviation(Y, folds_of(
            MultilabelStratifiedKFold(5, shuffle=True, random_state=seed), Y))
        theirs = count_deviation(Y, [test for _, test in iterstrat.MultilabelStratifiedKFold(
            5, shuffle=True, random_state=seed).split(Y, Y)])
        assert ours.max() <= theirs.max() and ours.mean() <= theirs.mean()


@pytest.mark.parametrize("n_splits", [2, 3, 5, 10])
def test_every_class_in_every_training_fold(n_splits):
    Y = skewed_indicator(2, 500, 40, low=0.004)
    positives = Y.sum(axis=0)
    cv = MultilabelStratifiedKFold(n_splits, shuffle=True, random_state=3)
    for train, _ in cv.split(None, Y):
        present = Y[train].sum(axis=0) > 0
        assert present[positives >= n_splits].all()


def test_hand_made_tricky_case():
    # Class 2 has one positive per fold's worth (4 of them, in 4 folds) and every
    # one of them also carries the common class 0; class 1 sits on the same rows as
    # class 0 half of the time; row 9 and 10 have no class at all.
    labels = [[0, 2], [0, 2], [0, 2], [0, 2], [0, 1], [0, 1], [1], [1], [0], [], [],
              [3], [3], [3, 0], [3, 1], [0, 1]]
    folds = folds_of(MultilabelStratifiedKFold(4), labels)
    assert sorted(map(len, folds)) == [4, 4, 4, 4]
    Y = np.zeros((16, 4), dtype=int)
    for i, row in enumerate(labels):
        Y[i, row] = 1
    counts = np.stack([Y[test].sum(axis=0) for test in folds])
    np.testing.assert_array_equal(counts[:, 2], 1)  # one class-2 example per fold
    np.testing.assert_array_equal(counts[:, 3], 1)
    assert np.ptp(counts[:, 0]) <= 1 and np.ptp(counts[:, 1]) <= 1


def test_deterministic_and_shuffle_changes_folds():
    Y = skewed_indicator(4, 400, 12)
    a = folds_of(MultilabelStratifiedKFold(4, shuffle=True, random_state=7), Y)
    b = folds_of(MultilabelStratifiedKFold(4, shuffle=True, random_state=7), Y)
    c = folds_of(MultilabelStratifiedKFold(4, shuffle=True, random_state=8), Y)
    d = folds_of(MultilabelStratifiedKFold(4), Y)
    e = folds_of(MultilabelStratifiedKFold(4), Y)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    for x, y in zip(d, e):
        np.testing.assert_array_equal(x, y)
    assert any(not np.array_equal(x, y) for x, y in zip(a, c))
    assert any(not np.array_equal(x, y) for x, y in zip(a, d))


def test_formats_give_identical_folds():
    Y = skewed_indicator(5, 300, 9)
    labels = [np.flatnonzero(row).tolist() for row in Y]
    forms = [Y, Y.astype(bool), Y.astype(float), sp.csr_matrix(Y), sp.csc_matrix(Y), labels]
    reference = folds_of(MultilabelStratifiedKFold(3, shuffle=True, random_state=0), Y)
    for form in forms:
        folds = folds_of(MultilabelStratifiedKFold(3, shuffle=True, random_state=0), form)
        for x, y in zip(reference, folds):
            np.testing.assert_array_equal(x, y)


def test_read_only_input_untouched():
    Y = read_only(skewed_indicator(6, 200, 5))
    before = Y.copy()
    list(MultilabelStratifiedKFold(3, shuffle=True, random_state=0).split(Y, Y))
    np.testing.assert_array_equal(Y, before)


@pytest.mark.parametrize("n_splits", [1, 0, -2])
def test_too_few_splits(n_splits):
    with pytest.raises(ValueError, match="n_splits=2 or more"):
        MultilabelStratifiedKFold(n_splits)


@pytest.mark.parametrize("n_splits", [2.0, "3", None, True])
def test_non_integer_splits(n_splits):
    with pytest.raises(ValueError, match="Integral type"):
        MultilabelStratifiedKFold(n_splits)


def test_more_splits_than_examples():
    with pytest.raises(ValueError, match="n_splits=5 greater than the number of samples: "
                                         "n_samples=4"):
        list(MultilabelStratifiedKFold(5).split(None, [[0], [1], [0], [1]]))


def test_random_state_without_shuffle():
    with pytest.raises(ValueError, match="Setting a random_state has no effect"):
        MultilabelStratifiedKFold(3, random_state=0)
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        MultilabelStratifiedKFold(3, shuffle="yes")


@pytest.mark.parametrize("y", [[0, 1, 2, 1, 0, 2], np.array([0, 1, 2, 1, 0, 2])])
def test_one_dimensional_y_rejected(y):
    with pytest.raises(ValueError, match="list of lists"):
        list(MultilabelStratifiedKFold(2).split(None, y))


def test_bad_y():
    with pytest.raises(ValueError, match="needs y"):
        list(MultilabelStratifiedKFold(2).split(np.zeros((4, 1))))
    with pytest.raises(ValueError, match=r"y has value .*2.* at row 1, column 0"):
        list(MultilabelStratifiedKFold(2).split(None, np.array([[0, 1], [2, 0]])))
    with pytest.raises(ValueError, match="X has 3 examples but y has 4"):
        list(MultilabelStratifiedKFold(2).split(np.zeros((3, 2)), [[0], [1], [0], [1]]))


def test_scikit_learn_integration():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4))
    Y = (X[:, :3] + rng.normal(scale=0.5, size=(120, 3)) > 0.8).astype(int)
    cv = MultilabelStratifiedKFold(3, shuffle=True, random_state=0)
    assert check_cv(cv) is cv
    model = KNeighborsClassifier(n_neighbors=3)  # native multi-label, fast
    proba = cross_val_predict(model, X, Y, cv=cv, method="predict_proba")
    assert len(proba) == 3 and proba[0].shape == (120, 2)
    search = GridSearchCV(model, {"n_neighbors": [3, 5]}, cv=cv).fit(X, Y)
    assert search.n_splits_ == 3
    clone = pickle.loads(pickle.dumps(cv))
    assert repr(clone) == ("MultilabelStratifiedKFold(n_splits=3, random_state=0, "
                           "shuffle=True)")


def test_rare_class_kept_where_kfold_loses_it():
    # Five positives of class 1 at the start: KFold puts them all in one test fold.
    Y = np.zeros((50, 2), dtype=int)
    Y[:5, 1] = 1
    Y[::2, 0] = 1
    kfold = [Y[train, 1].sum() for train, _ in KFold(5).split(Y)]
    ours = [Y[train, 1].sum() for train, _ in MultilabelStratifiedKFold(5).split(Y, Y)]
    assert min(kfold) == 0 and ours == [4] * 5
