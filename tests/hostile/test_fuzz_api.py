"""Fuzzing the public functions with hostile ``labels`` and ``pred_probs``.

For every entry point that takes ``(labels, pred_probs)``: a hostile but valid
form gives exactly the result of the cleaned input; a malformed one raises
ValueError or TypeError naming the argument; no input is modified.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given

from skmlq.benchmarking import (
    missing_tags_noise,
    random_toggle_noise,
    realistic_noise,
    single_error_noise,
)
from skmlq.dataset import (
    common_multilabel_issues,
    overall_multilabel_health_score,
    rank_classes_by_multilabel_quality,
)
from skmlq.filter import find_label_issues, find_multilabel_issues_per_class
from skmlq.model_selection import MultilabelStratifiedKFold
from skmlq.rank import (
    LabelQualityScorer,
    get_confident_thresholds,
    get_label_quality_scores,
    get_label_quality_scores_per_class,
    iter_label_quality_scores,
)
from skmlq.report import label_issue_report, model_quality
from skmlq.utils import FilledSparseMatrix, labels_to_indicator
from skmlq.utils._sparse import is_sparse_probabilities

from . import strategies as hs
from ._contract import count_input, fuzz_settings, snapshot, unchanged

pytest.importorskip("pandas")


def _scorer(labels, pred_probs):
    scorer = LabelQualityScorer(adjust_pred_probs=True)
    scorer.fit_thresholds([(labels, pred_probs)])
    return scorer.get_label_quality_scores(labels, pred_probs)


ENTRY_POINTS = {
    "get_label_quality_scores": get_label_quality_scores,
    "get_label_quality_scores(adjusted)": lambda y, p: get_label_quality_scores(
        y, p, adjust_pred_probs=True, method="normalized_margin"),
    "get_label_quality_scores(softmin)": lambda y, p: get_label_quality_scores(
        y, p, aggregator_kwargs={"method": "softmin"}),
    "get_label_quality_scores_per_class": lambda y, p: get_label_quality_scores_per_class(
        y, p, method="confidence_weighted_entropy"),
    "get_confident_thresholds": get_confident_thresholds,
    "find_label_issues": find_label_issues,
    "find_label_issues(low_memory)": lambda y, p: find_label_issues(y, p, low_memory=True),
    "find_label_issues(ranked)": lambda y, p: find_label_issues(
        y, p, filter_by="both", return_indices_ranked_by="self_confidence"),
    "find_multilabel_issues_per_class": find_multilabel_issues_per_class,
    "common_multilabel_issues": common_multilabel_issues,
    "rank_classes_by_multilabel_quality": rank_classes_by_multilabel_quality,
    "overall_multilabel_health_score": overall_multilabel_health_score,
    "LabelQualityScorer": _scorer,
    "iter_label_quality_scores": lambda y, p: list(iter_label_quality_scores([(y, p)])),
    "label_issue_report": label_issue_report,
    "label_issue_report(wide)": lambda y, p: label_issue_report(y, p, form="wide"),
    "model_quality": model_quality,
}


def _call(func, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args)


def _assert_frames_close(got, expected, tol):
    """Two reports equal but for float rounding (``tol``): the scores of float32
    sparse predictions differ from the dense ones in their last bits."""
    assert list(got.columns) == list(expected.columns)
    assert got.index.equals(expected.index), (got.index, expected.index)
    for column in expected.columns:
        a, b = got[column], expected[column]
        if b.dtype.kind == "f":
            np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=tol, atol=tol)
            continue
        rows_a, rows_b = a.tolist(), b.tolist()
        if rows_b and all(isinstance(r, list) for r in rows_b):
            assert [len(r) for r in rows_a] == [len(r) for r in rows_b], column
            flat_a = [v for r in rows_a for v in r]
            flat_b = [v for r in rows_b for v in r]
            if flat_b and all(isinstance(v, float) for v in flat_b):
                np.testing.assert_allclose(flat_a, flat_b, rtol=tol, atol=tol)
                continue
            assert flat_a == flat_b, column
        else:
            assert a.equals(b), column


def assert_same(got, expected, tol=None):
    """Equal results: arrays (dtype and values), DataFrames, scalars, nested lists.

    ``tol`` (sparse predictions against their densified form) lets a DataFrame's
    floats differ by that much; arrays are compared to 1e-6 (float32) or 1e-12.
    """
    if hasattr(expected, "equals"):
        if tol is not None and not expected.equals(got):
            _assert_frames_close(got, expected, tol)
        else:
            assert expected.equals(got), (got, expected)
    elif isinstance(expected, (list, tuple)):
        assert type(got) is type(expected) and len(got) == len(expected)
        for a, b in zip(got, expected):
            assert_same(a, b)
    else:
        expected = np.asarray(expected)
        got_array = np.asarray(got)
        assert type(got) is type(np.asarray(expected)) or np.isscalar(got), type(got)
        assert got_array.dtype == expected.dtype, (got_array.dtype, expected.dtype)
        assert got_array.shape == expected.shape
        tol = 1e-6 if expected.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(got_array, expected, rtol=tol, atol=tol)


def _densified(result):
    """A sparse result (per-class scores or flags of sparse predictions) as dense."""
    if isinstance(result, FilledSparseMatrix) or sp.issparse(result):
        return result.toarray()
    return result


def check_contract(func, labels, clean_labels, pred_probs, clean_pred_probs, base,
                   names=("labels", "pred_probs"), cache=None):
    """The bad-input contract for one call of ``func(labels, pred_probs)``.

    ``clean_*`` is the cleaned input (None: the input is malformed); ``base`` the
    ``(Y, P)`` the variants were made from. ``cache`` (a dict) keeps the results
    of the cleaned inputs, which many variants share.
    """
    before = (snapshot(labels), snapshot(pred_probs))
    bad = [name for name, clean in zip(names, (clean_labels, clean_pred_probs)) if clean is None]
    clean = (base[0] if clean_labels is None else clean_labels,
             base[1] if clean_pred_probs is None else clean_pred_probs)
    key = (func, id(clean[0]), id(clean[1]))
    if cache is None or key not in cache:
        try:
            outcome = (_call(func, *clean), None)
        except ValueError as exc:  # invalid for another reason, e.g. a class never given
            outcome = (None, exc)
        if cache is not None:
            cache[key] = outcome
    expected, error = outcome if cache is None else cache[key]
    if error is not None:  # any error will do, but it must be ValueError or TypeError
        try:
            _call(func, labels, pred_probs)
        except (ValueError, TypeError):
            pass
        else:
            raise AssertionError(f"no error, but the cleaned input gives: {error}")
    elif bad:
        try:
            result = _call(func, labels, pred_probs)
        except (ValueError, TypeError) as exc:
            message = str(exc)
        else:
            raise AssertionError(f"no error for bad {bad}; returned {result!r:.200}")
        # Sparse predictions at an entry point that needs dense ones are bad too.
        sparse_named = (is_sparse_probabilities(pred_probs) and "pred_probs" in message
                        and "sparse" in message)
        assert sparse_named or any(name in message for name in bad), (
            f"does not name {bad}: {message}")
    elif is_sparse_probabilities(pred_probs):
        # Sparse predictions: the result of the densified input, or (entry points that
        # need dense predictions) an error that says so.
        try:
            result = _call(func, labels, pred_probs)
        except (ValueError, TypeError) as exc:
            assert "pred_probs" in str(exc) and "sparse" in str(exc), str(exc)
        else:
            tol = 1e-6 if np.dtype(pred_probs.dtype) == np.float32 else 1e-12
            assert_same(_densified(result), expected, tol=tol)
    else:
        assert_same(_call(func, labels, pred_probs), expected)
    assert unchanged(before[0], labels), "labels was modified"
    assert unchanged(before[1], pred_probs), "pred_probs was modified"


ENTRY_NAMES = sorted(ENTRY_POINTS)
# Variants of labels as class indices (valid for any number of columns above them).
LIST_FORMS = ("list", "tuple", "object-array", "row-")
# Pairs of variants that are malformed alone but consistent together.
CONSISTENT = {("dense-extra-column", "extra-column"), ("sparse-extra-column", "extra-column"),
              ("dense-extra-row", "extra-row")}


def _failure(where, exc):
    return f"{where}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"


def run_all(calls):
    """Run ``(where, thunk)`` pairs; fail once, listing every contract violation."""
    failures = []
    for where, thunk in calls:
        try:
            thunk()
        except AssertionError as exc:
            failures.append(_failure(where, exc))
        except Exception as exc:  # anything else escaping is a contract violation too
            failures.append(_failure(where, exc))
    assert not failures, f"{len(failures)} contract violations:\n" + "\n".join(failures)


# Each generated case is tried with every variant (so that no form is left out by
# chance), each variant with an entry point chosen by the case's seed. A third of the
# profile's examples: an example makes one call per variant (79 of labels, 46 of
# pred_probs), so the ci profile's 20 examples still try every variant on 20 cases and
# pair it with each of the 17 entry points about once on average (the fuzz profile,
# 666 random examples, with each about 40 times).
@fuzz_settings(fraction=1 / 3)
@given(case=hs.cases())
def test_hostile_labels(case):
    Y, P, seed = case
    rng = np.random.default_rng(seed)
    calls, cache = [], {}
    for variant in hs.LABELS_VALID + hs.LABELS_INVALID:
        entry = ENTRY_NAMES[rng.integers(len(ENTRY_NAMES))]
        labels, clean = variant(Y, rng)
        count_input("labels")
        calls.append((f"labels={variant!r} {entry}",
                      lambda f=ENTRY_POINTS[entry], y=labels, c=clean:
                      check_contract(f, y, c, P, P, (Y, P), cache=cache)))
    run_all(calls)


@fuzz_settings(fraction=1 / 3)  # every variant per example, as above
@given(case=hs.cases())
def test_hostile_pred_probs(case):
    Y, P, seed = case
    rng = np.random.default_rng(seed)
    calls, cache = [], {}
    for variant in hs.PRED_PROBS_VALID + hs.PRED_PROBS_INVALID:
        entry = ENTRY_NAMES[rng.integers(len(ENTRY_NAMES))]
        pred_probs, clean = variant(P, rng)
        count_input("pred_probs")
        calls.append((f"pred_probs={variant!r} {entry}",
                      lambda f=ENTRY_POINTS[entry], p=pred_probs, c=clean:
                      check_contract(f, Y, Y, p, c, (Y, P), cache=cache)))
    run_all(calls)


@fuzz_settings()
@given(case=hs.cases())
def test_hostile_labels_and_pred_probs(case):
    Y, P, seed = case
    rng = np.random.default_rng(seed)
    labels_variants = hs.LABELS_VALID + hs.LABELS_INVALID
    pred_probs_variants = hs.PRED_PROBS_VALID + hs.PRED_PROBS_INVALID
    calls = []
    for _ in range(20):
        lv = labels_variants[rng.integers(len(labels_variants))]
        pv = pred_probs_variants[rng.integers(len(pred_probs_variants))]
        if pv.name == "extra-column" and lv.name.startswith(LIST_FORMS) or (
                (lv.name, pv.name) in CONSISTENT):
            continue  # valid together (e.g. both with K + 1 columns): nothing to compare
        entry = ENTRY_NAMES[rng.integers(len(ENTRY_NAMES))]
        labels, clean_labels = lv(Y, rng)
        pred_probs, clean_pred_probs = pv(P, rng)
        count_input("labels+pred_probs")
        calls.append((f"labels={lv!r} pred_probs={pv!r} {entry}",
                      lambda f=ENTRY_POINTS[entry], y=labels, cy=clean_labels, p=pred_probs,
                      cp=clean_pred_probs: check_contract(f, y, cy, p, cp, (Y, P))))
    run_all(calls)


def _split(labels, _):
    return [test.tolist() for _, test in MultilabelStratifiedKFold(
        n_splits=2, shuffle=True, random_state=0).split(np.zeros((len(_), 1)), labels)]


# Malformed only relative to pred_probs (the number of rows or classes).
RELATIVE = {"list-too-few-rows", "dense-extra-row", "dense-extra-column", "sparse-extra-column",
            "list-too-large"}


@fuzz_settings(fraction=1 / 3)  # every variant per example, as above
@given(case=hs.cases())
def test_hostile_labels_without_pred_probs(case):
    """labels_to_indicator and the splitter take labels alone."""
    Y, P, seed = case
    rng = np.random.default_rng(seed)
    calls, cache = [], {}
    split = _split  # one function object per test, so that the cache can key on it
    to_indicator = lambda y, p: labels_to_indicator(y, n_classes=p.shape[1])  # noqa: E731
    for variant in hs.LABELS_VALID + hs.LABELS_INVALID:
        labels, clean = variant(Y, rng)
        count_input("labels-only")
        if variant.name not in ("list-too-few-rows", "dense-extra-row"):
            # n_classes is given: a wrong number of classes is malformed.
            calls.append((f"labels={variant!r} labels_to_indicator", lambda y=labels, c=clean:
                          check_contract(to_indicator, y, c, P, P, (Y, P), cache=cache)))
        if variant.name not in RELATIVE and rng.random() < 0.25:  # the splitter is slower
            calls.append((f"labels={variant!r} MultilabelStratifiedKFold",
                          lambda y=labels, c=clean:
                          check_contract(split, y, c, P, P, (Y, P), names=("y", "X"),
                                         cache=cache)))
        if variant.name not in RELATIVE:
            name = NOISE_NAMES[rng.integers(len(NOISE_NAMES))]
            calls.append((f"labels={variant!r} {name}", lambda y=labels, c=clean, f=NOISE[name]:
                          check_contract(f, y, c, P, P, (Y, P), cache=cache)))
    run_all(calls)


# The noise generators of skmlq.benchmarking take labels alone (seeded, so that the
# cleaned and the hostile input give the same draw).
NOISE = {
    "random_toggle_noise": lambda y, _: random_toggle_noise(y, rate=0.2, random_state=0),
    "missing_tags_noise": lambda y, _: missing_tags_noise(y, rate=0.2, random_state=0),
    "realistic_noise": lambda y, _: realistic_noise(y, rate=0.2, random_state=0),
    "single_error_noise": lambda y, _: single_error_noise(
        y, missing_rate=0.2, extra_rate=0.1, random_state=0),
}
NOISE_NAMES = sorted(NOISE)
