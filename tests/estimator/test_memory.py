"""Memory of ``MultilabelLabelQuality.fit``: the labels it keeps and its peak.

The estimator keeps the labels it was fitted on as a one-byte indicator (int8, an
eighth of int64) while its classifier still gets an int64 ``y``; the peak of a fit
is bounded in multiples of ``pred_probs`` (traced by tracemalloc, which sees
numpy's allocations), on one core so that the number of row blocks in flight, and
so the peak, does not depend on the machine.
"""

import pickle
import tracemalloc

import numpy as np
import pytest
from sklearn.base import clone

from skmlq import MultilabelLabelQuality
from skmlq.utils import _blocks

from .._helpers import GivenProbabilities


class RecordingProbabilities(GivenProbabilities):
    """Given probabilities that also record the dtype of every ``y`` it is fitted on."""

    dtypes = []

    def fit(self, X, y):
        type(self).dtypes.append(np.asarray(y).dtype)
        return super().fit(X, y)


def problem(n_samples, n_classes, seed=0, dense_class=False, dense_example=False):
    """About 3 tags per example, every class given somewhere, decent probabilities;
    optionally class 0 given on all but 10 examples and example 0 with 130 tags."""
    rng = np.random.default_rng(seed)
    Y = rng.random((n_samples, n_classes)) < 3 / n_classes
    Y[np.arange(n_classes) % n_samples, np.arange(n_classes)] = True
    if dense_class:
        Y[:n_samples - 10, 0] = True
    if dense_example:
        Y[0, 2:132] = True
    P = np.where(Y, rng.beta(6, 2, Y.shape), rng.beta(1, 12, Y.shape))
    return np.arange(n_samples, dtype=np.float64)[:, None], Y, P


def test_labels_are_kept_in_one_byte_and_the_classifier_gets_int64():
    X, Y, P = problem(200, 30)
    given = Y.astype(np.int64)
    RecordingProbabilities.dtypes = []
    mlq = MultilabelLabelQuality(RecordingProbabilities(P), cv=2, random_state=0).fit(X, given)
    assert mlq._fit_labels.dtype == np.int8 and mlq._fit_labels.nbytes == Y.size
    np.testing.assert_array_equal(mlq._fit_labels, given)
    # two folds and the refit, each given the int64 indicator
    assert RecordingProbabilities.dtypes == [np.dtype(np.int64)] * 3
    # a copy, not the caller's array
    given[0] = 1 - given[0]
    assert not np.array_equal(mlq._fit_labels[0], given[0])
    rows = mlq.next_to_review(5)
    mlq.add_reviewed(rows, 1 - Y[rows].astype(np.int64))
    assert mlq.reviewed_labels_.dtype == np.int8
    np.testing.assert_array_equal(mlq.reviewed_labels_[rows], 1 - Y[rows])
    copy = pickle.loads(pickle.dumps(mlq))
    np.testing.assert_array_equal(copy.reviewed_labels_, mlq.reviewed_labels_)
    assert copy.reviewed_labels_.dtype == np.int8
    assert clone(mlq).get_params()["cv"] == 2


def test_counts_beyond_the_range_of_one_byte_are_exact():
    # a class given on 290 examples (int8 would wrap past 127, uint8 past 255) and an
    # example with 130 tags: every count read from the one-byte labels is exact
    X, Y, P = problem(300, 140, seed=1, dense_class=True, dense_example=True)
    with pytest.warns(Warning):  # (rare classes: the model quality warning)
        mlq = MultilabelLabelQuality(GivenProbabilities(P), cv=2, refit=False,
                                     random_state=0).fit(X, Y)
    table = mlq.audit_summary().per_class
    np.testing.assert_array_equal(table["n_given"], Y.sum(axis=0))
    assert table["n_given"].iloc[0] == 290
    given = mlq.find_label_issues()["given"]
    assert [len(given.loc[i]) for i in range(3)] == Y[:3].sum(axis=1).tolist()
    assert len(given.loc[0]) > 130
    rows = np.arange(3)
    mlq.add_reviewed(rows, np.zeros((3, Y.shape[1]), dtype=np.int64))  # every tag wrong
    assert mlq.error_estimate_.n_found == 3
    assert mlq.reviewed_issue_mask()[:3].tolist() == [1, 1, 1]
    np.testing.assert_array_equal(mlq.reviewed_labels_.sum(axis=0)[:1], [290 - 3])


def test_fit_peak_memory_is_bounded(monkeypatch):
    # 12.6 x pred_probs measured (17.6 before the labels were one byte and the second
    # stage dropped its spent Hessian-sized arrays)
    monkeypatch.setattr(_blocks, "_available_cores", lambda: 1)
    X, Y, P = problem(1500, 300)
    mlq = MultilabelLabelQuality(GivenProbabilities(P), cv=2, refit=False, random_state=0)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        with pytest.warns(Warning):  # (rare classes: the model quality warning)
            mlq.fit(X, Y)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak < 15 * P.nbytes, peak / P.nbytes
