"""Fuzzing every option of the public functions and estimators with values of every type.

An option value is accepted (the result is well formed, and a numpy scalar gives
the result of the equal Python number) or refused with ValueError/TypeError
naming the option; the option value itself is never modified.
"""

import os
import warnings

import numpy as np
import pytest
from hypothesis import given
from sklearn.neighbors import KNeighborsClassifier

from skmlq import MultilabelLabelQuality
from skmlq.dataset import overall_multilabel_health_score, rank_classes_by_multilabel_quality
from skmlq.filter import find_label_issues, find_multilabel_issues_per_class
from skmlq.rank import (
    LabelQualityScorer,
    get_label_quality_scores,
    get_label_quality_scores_per_class,
    iter_label_quality_scores,
)

from . import strategies as hs
from ._contract import count_input, fuzz_settings, snapshot, unchanged
from .test_fuzz_api import assert_same, run_all

pytest.importorskip("pandas")

# Numpy scalars that must behave exactly like the Python value they equal.
EQUIVALENT = [(np.float32(0.5), 0.5), (np.float64(0.25), 0.25), (np.int8(1), 1),
              (np.True_, True)]


def _arrays(K, rng):
    """Array-valued options shaped after the case: hostile counts, joints, thresholds."""
    pick = hs.HOSTILE_VALUES
    values = [pick[i] for i in rng.integers(len(pick), size=3)]
    out = [np.full(K, v) if np.isscalar(v) else [v] * K for v in values[:1]]
    out += [
        list(range(K)), [0] * (K + 1), [2**70] * K, [-1] + [0] * (K - 1), [1.0] * K, [1.5] * K,
        np.zeros((K, 2, 2)), -np.ones((K, 2, 2)), np.full((K, 2, 2), np.nan),
        np.ones((K, 2, 2), dtype=np.int64) * 3, np.ones((K, K)), np.ones((K, 2)),
        np.full((K, 2), 0.5), np.full((K, 2), -0.5), np.full((K, 2), np.inf),
        np.ones((K, 2, 2)).astype(">f8"), np.ones((K + 1, 2, 2)),
    ]
    return out


def _scores_ok(result, n):
    result = np.asarray(result)
    assert result.shape[0] == n, result.shape
    assert result.dtype.kind in "fb" or result.dtype.kind in "iu", result.dtype
    if result.dtype.kind == "f":
        assert np.isfinite(result).all() and (result >= 0).all() and (result <= 1).all(), result


def _mask_ok(result, n):
    result = np.asarray(result)
    if result.dtype == bool:
        assert result.shape[0] == n
    else:
        assert result.dtype.kind in "iu" and result.ndim == 1
        assert np.unique(result).size == result.size and (result >= 0).all()
        assert (result < n).all()


def _health_ok(result, n):
    assert 0 <= float(result) <= 1


def _table_ok(result, n):
    assert len(result) >= 1


def _estimator_call(**params):
    params = {"random_state": 0, **params}  # seeded folds: equal values, equal results

    def fit(Y, P):
        X = np.column_stack([P, np.arange(len(P)) % 3])
        mlq = MultilabelLabelQuality(KNeighborsClassifier(n_neighbors=2), **params)
        return mlq.fit(X, Y).label_quality_scores_
    return fit


# (function, option names accepted in messages, checker). The option's value is
# passed as the keyword of the same name unless the call wraps it.
OPTIONS = {
    "method": (lambda Y, P, v: get_label_quality_scores(Y, P, method=v), ("method",),
               _scores_ok),
    "adjust_pred_probs": (lambda Y, P, v: get_label_quality_scores_per_class(
        Y, P, adjust_pred_probs=v), ("adjust_pred_probs",), _scores_ok),
    "thresholds": (lambda Y, P, v: get_label_quality_scores(
        Y, P, adjust_pred_probs=True, thresholds=v), ("thresholds",), _scores_ok),
    "aggregator_kwargs": (lambda Y, P, v: get_label_quality_scores(Y, P, aggregator_kwargs=v),
                          ("aggregator_kwargs",), _scores_ok),
    "aggregator_kwargs.method": (lambda Y, P, v: get_label_quality_scores(
        Y, P, aggregator_kwargs={"method": v}), ("aggregator_kwargs", "method", "aggregator"),
        _scores_ok),
    "aggregator_kwargs.alpha": (lambda Y, P, v: get_label_quality_scores(
        Y, P, aggregator_kwargs={"alpha": v}), ("alpha",), _scores_ok),
    "aggregator_kwargs.temperature": (lambda Y, P, v: get_label_quality_scores(
        Y, P, aggregator_kwargs={"method": "softmin", "temperature": v}), ("temperature",),
        _scores_ok),
    "filter_by": (lambda Y, P, v: find_label_issues(Y, P, filter_by=v), ("filter_by",),
                  _mask_ok),
    "frac_noise": (lambda Y, P, v: find_label_issues(Y, P, frac_noise=v), ("frac_noise",),
                   _mask_ok),
    "num_to_remove_per_class": (lambda Y, P, v: find_label_issues(
        Y, P, num_to_remove_per_class=v), ("num_to_remove_per_class",), _mask_ok),
    "min_examples_per_class": (lambda Y, P, v: find_label_issues(
        Y, P, min_examples_per_class=v), ("min_examples_per_class",), _mask_ok),
    "confident_joint": (lambda Y, P, v: find_multilabel_issues_per_class(
        Y, P, confident_joint=v), ("confident_joint",), lambda r, n: None),
    "n_jobs": (lambda Y, P, v: find_label_issues(Y, P, n_jobs=v), ("n_jobs",), _mask_ok),
    "low_memory": (lambda Y, P, v: find_label_issues(Y, P, low_memory=v), ("low_memory",),
                   _mask_ok),
    "rank_by_kwargs": (lambda Y, P, v: find_label_issues(
        Y, P, rank_by_kwargs=v, return_indices_ranked_by="self_confidence"),
        ("rank_by_kwargs", "adjust_pred_probs", "return_indices_ranked_by"), _mask_ok),
    "return_indices_ranked_by": (lambda Y, P, v: find_label_issues(
        Y, P, return_indices_ranked_by=v), ("return_indices_ranked_by",), _mask_ok),
    "health.confident_joint": (lambda Y, P, v: overall_multilabel_health_score(
        Y, P, confident_joint=v), ("confident_joint",), _health_ok),
    "joint": (lambda Y, P, v: rank_classes_by_multilabel_quality(Y, P, joint=v), ("joint",),
              _table_ok),
    "class_names": (lambda Y, P, v: rank_classes_by_multilabel_quality(Y, P, class_names=v),
                    ("class_names",), _table_ok),
    "LabelQualityScorer.aggregator_kwargs": (lambda Y, P, v: LabelQualityScorer(
        aggregator_kwargs=v).get_label_quality_scores(Y, P), ("aggregator_kwargs",),
        _scores_ok),
    "LabelQualityScorer.thresholds": (lambda Y, P, v: LabelQualityScorer(
        adjust_pred_probs=True, thresholds=v).get_label_quality_scores(Y, P),
        ("thresholds",), _scores_ok),
    "iter.per_class": (lambda Y, P, v: list(iter_label_quality_scores(
        [(Y, P)], per_class=v))[0], ("per_class",), _scores_ok),
    "iter.batches": (lambda Y, P, v: list(iter_label_quality_scores(v)),
                     ("batches",), lambda r, n: None),
}

ESTIMATOR_OPTIONS = ["cv", "method", "adjust_pred_probs", "aggregator", "alpha",
                     "temperature", "per_class", "n_jobs", "verbose", "random_state",
                     "refit", "memory"]


def _call(func, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args)


def check_option(func, names, ok, Y, P, value):
    """One option value: well-formed result or an error naming the option."""
    before = snapshot(value)
    try:
        result = _call(func, Y, P, value)
    except (ValueError, TypeError) as exc:
        message = str(exc)
        assert any(name in message for name in names), f"does not name {names}: {message}"
    else:
        ok(result, len(Y))
        for numpy_value, python_value in EQUIVALENT:
            if value is numpy_value:
                assert_same(result, _call(func, Y, P, python_value))
    assert value is before or unchanged(before, value), "the option value was modified"


@fuzz_settings()
@given(case=hs.cases(max_classes=4))
def test_hostile_option_values(case):
    Y, P, seed = case
    rng = np.random.default_rng(seed)
    calls = []
    for option, (func, names, ok) in OPTIONS.items():
        values = list(hs.HOSTILE_VALUES) + _arrays(Y.shape[1], rng)
        for i in rng.choice(len(values), size=6, replace=False):
            value = values[i]
            count_input("options")
            calls.append((f"{option}={value!r:.60}", lambda f=func, n=names, ok=ok, v=value:
                          check_option(f, n, ok, Y, P, v)))
    run_all(calls)


# Every example fits the estimator (cross fitting and the second stage) for each of
# 24 option values: the slowest test of the suite at a sixth of the profile's
# examples, so a twelfth (5 under the CI profile; the fuzz profile runs 166).
@fuzz_settings(fraction=1 / 12, minimum=5)
@given(case=hs.cases(min_samples=8, max_classes=3))
def test_hostile_estimator_parameters(case, tmp_path_factory):
    # memory="x" is a cache directory: run where it can do no harm
    cwd = tmp_path_factory.mktemp("estimator")
    Y, P, seed = case
    rng = np.random.default_rng(seed)
    calls = []
    for option in ESTIMATOR_OPTIONS:
        for i in rng.choice(len(hs.HOSTILE_VALUES), size=2, replace=False):
            value = hs.HOSTILE_VALUES[i]
            count_input("estimator")
            calls.append((f"MultilabelLabelQuality({option}={value!r:.60})",
                          lambda o=option, v=value: check_option(
                              lambda Y, P, v: _estimator_call(**{o: v})(Y, P), (o,),
                              _scores_ok, Y, P, v)))
    old = os.getcwd()
    os.chdir(cwd)
    try:
        run_all(calls)
    finally:
        os.chdir(old)
