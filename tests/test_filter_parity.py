"""Parity of skmlq.filter and skmlq.dataset with cleanlab 2.9.0 (a black-box oracle).

Seeded random cases (N 20..500, K 2..20, continuous probabilities without ties), every
labels form skmlq accepts, >= 200 cases per ``filter_by``. Masks and ranked index
arrays must be identical; tables equal within 1e-9. Where skmlq deliberately differs
(README, "Differences from cleanlab") the test checks the documented relation instead.

The reference is slow (one Python pass per class, a process pool per dataset call), so
the default run checks a seeded subset that fits the suite's time budget; the full
evidence run is ``SKMLQ_PARITY_CASES=200 python -m pytest tests/test_filter_parity.py``
(200 cases per filter_by, all passing; about 10 minutes).
"""

import os
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq.dataset import (
    common_multilabel_issues,
    multilabel_health_summary,
    overall_multilabel_health_score,
    rank_classes_by_multilabel_quality,
)
from skmlq.filter import find_label_issues, find_multilabel_issues_per_class

cl_filter = pytest.importorskip("cleanlab.multilabel_classification.filter")
cl_dataset = pytest.importorskip("cleanlab.multilabel_classification.dataset")
pd = pytest.importorskip("pandas")

N_CASES = int(os.environ.get("SKMLQ_PARITY_CASES", "10"))
METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
PRUNE = ("prune_by_class", "prune_by_noise_rate", "both")
FILTERS = PRUNE + ("confident_learning", "predicted_neq_given", "low_self_confidence",
                   "low_normalized_margin")


def make_case(seed):
    """A random case; sizes log-uniform so that most cases are small and cheap."""
    rng = np.random.default_rng(seed)
    n = int(np.exp(rng.uniform(np.log(20), np.log(500))))
    k = int(np.exp(rng.uniform(np.log(2), np.log(20))))
    P = rng.uniform(0.0, 1.0, size=(n, k))
    Y = rng.random((n, k)) < rng.uniform(0.1, 0.5)
    Y[0] = False  # no class annotated on every example (the reference raises there)
    labels = [np.flatnonzero(row).tolist() for row in Y]
    forms = (labels, Y.astype(np.int64), sp.csr_matrix(Y), Y)
    return rng, labels, forms[seed % len(forms)], P


def prune_options(rng, k):
    choice = rng.integers(0, 6)
    if choice == 1:
        return {"frac_noise": float(rng.uniform(0.1, 1.0))}
    if choice == 2:
        return {"num_to_remove_per_class": rng.integers(0, 6, size=k).tolist()}
    if choice == 3:
        return {"min_examples_per_class": int(rng.integers(0, 8))}
    if choice == 4:
        return {"confident_joint": rng.integers(0, 30, size=(k, 2, 2))}
    return {}


def call(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return func(*args, **kwargs)
        except ValueError as exc:
            return ValueError, exc


def assert_same_error_or_value(ref, got):
    if isinstance(ref, tuple) and ref[0] is ValueError:
        assert isinstance(got, tuple) and got[0] is ValueError, (ref, got)
        return False
    assert not (isinstance(got, tuple) and got[0] is ValueError), got
    return True


@pytest.mark.parametrize("filter_by", FILTERS)
def test_parity_per_filter(filter_by):
    compared = 0
    for seed in range(N_CASES):
        rng, labels, form, P = make_case(1000 * FILTERS.index(filter_by) + seed)
        kwargs = prune_options(rng, P.shape[1]) if filter_by in PRUNE else {}
        method = METHODS[seed % 3]
        rank_kw = {"adjust_pred_probs": True} if seed % 6 == 0 else {}
        kw = dict(filter_by=filter_by, return_indices_ranked_by=method,
                  rank_by_kwargs=rank_kw, **kwargs)
        # Per-class ranked lists carry both the mask (as sets) and the per-class order.
        ref = call(cl_filter.find_multilabel_issues_per_class, labels, P, n_jobs=1, **kw)
        got = call(find_multilabel_issues_per_class, form, P, **kw)
        if assert_same_error_or_value(ref, got):
            for c in range(P.shape[1]):
                np.testing.assert_array_equal(got[0][c], ref[0][c])
                np.testing.assert_array_equal(got[1][c], ref[1][c])
                np.testing.assert_array_equal(got[2][c], ref[2][c])
            mask = call(find_multilabel_issues_per_class, form, P, filter_by=filter_by,
                        **kwargs)
            expected = np.zeros(P.shape, dtype=bool)
            for c, idx in enumerate(ref[0]):
                expected[idx, c] = True
            np.testing.assert_array_equal(mask, expected)
        ref = call(cl_filter.find_label_issues, labels, P, n_jobs=1, **kw)
        got = call(find_label_issues, form, P, **kw)
        if assert_same_error_or_value(ref, got):
            assert got.dtype == np.int64
            if filter_by.startswith("low_"):
                # The reference scrambles this order (documented); same set.
                np.testing.assert_array_equal(np.sort(got), np.sort(ref))
            else:
                np.testing.assert_array_equal(got, ref)
            mask = call(find_label_issues, form, P, filter_by=filter_by, **kwargs)
            np.testing.assert_array_equal(np.flatnonzero(mask), np.sort(ref))
            compared += 1
    assert compared >= N_CASES * 0.75


def test_parity_low_memory():
    for seed in range(max(N_CASES, 10)):
        _, labels, form, P = make_case(50_000 + seed)
        method = (None,) + METHODS
        kw = {"return_indices_ranked_by": method[seed % 4], "low_memory": True}
        ref = call(cl_filter.find_label_issues, labels, P, **kw)
        got = call(find_label_issues, form, P, **kw)
        np.testing.assert_array_equal(got, ref)
        ref = call(cl_filter.find_multilabel_issues_per_class, labels, P, **kw)
        got = call(find_multilabel_issues_per_class, form, P, **kw)
        if kw["return_indices_ranked_by"] is None:
            np.testing.assert_array_equal(got, ref)
        else:  # skmlq ranks these lists; the reference leaves them in index order
            for a, b in zip(got[0], ref[0]):
                np.testing.assert_array_equal(np.sort(a), b)


def sort_common(table):
    return table.sort_values(["Class Index", "In Given Label"]).reset_index(drop=True)


def test_parity_dataset_tables():
    for seed in range(max(N_CASES // 4, 3)):
        rng, labels, form, P = make_case(90_000 + seed)
        k = P.shape[1]
        names = [f"class {c}" for c in range(k)] if seed % 2 else None
        ref = cl_dataset.common_multilabel_issues(labels, P, class_names=names)
        got = common_multilabel_issues(form, P, class_names=names)
        assert list(got.columns) == list(ref.columns)
        pd.testing.assert_frame_equal(sort_common(got), sort_common(ref), check_exact=False,
                                      rtol=0, atol=1e-9)
        # Same descending order; skmlq breaks ties by (class, given row first).
        np.testing.assert_array_equal(got["Issue Probability"], ref["Issue Probability"])
        probs = got["Issue Probability"].to_numpy()
        keys = got["Class Index"].to_numpy() * 2 + (~got["In Given Label"]).to_numpy()
        ties = probs[1:] == probs[:-1]
        assert np.all(keys[1:][ties] > keys[:-1][ties])

        ref = cl_dataset.rank_classes_by_multilabel_quality(labels, P, class_names=names)
        got = rank_classes_by_multilabel_quality(form, P, class_names=names)
        assert list(got.columns) == list(ref.columns)
        np.testing.assert_array_equal(got["Label Quality Score"], ref["Label Quality Score"])
        ref_sorted = ref.sort_values("Class Index").reset_index(drop=True)
        got_sorted = got.sort_values("Class Index").reset_index(drop=True)
        # skmlq counts issues exactly; the reference truncates int(noise * N).
        n = P.shape[0]
        for col, noise in (("Label Issues", "Label Noise"),
                           ("Inverse Label Issues", "Inverse Label Noise")):
            np.testing.assert_array_equal(got_sorted[col], np.rint(got_sorted[noise] * n))
            np.testing.assert_array_equal(
                ref_sorted[col], (got_sorted[noise] * n).astype(np.int64))
        cols = [c for c in ref.columns if "Issues" not in c]
        pd.testing.assert_frame_equal(got_sorted[cols], ref_sorted[cols], check_exact=False,
                                      rtol=0, atol=1e-9)
        scores = got["Label Quality Score"].to_numpy()
        ties = scores[1:] == scores[:-1]
        assert np.all(np.diff(got["Class Index"].to_numpy())[ties] > 0)

        ref = cl_dataset.overall_multilabel_health_score(labels, P)
        got = overall_multilabel_health_score(form, P)
        assert isinstance(got, np.float64) and got == ref
        if seed < 1:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ref = cl_dataset.multilabel_health_summary(labels, P, verbose=False)
            got = multilabel_health_summary(form, P, verbose=False)
            assert list(got) == list(ref)
            assert got["overall_multilabel_health_score"] == ref["overall_multilabel_health_score"]


def test_parity_dataset_with_joint():
    _, labels, form, P = make_case(123)
    k = P.shape[1]
    joint = np.random.default_rng(1).integers(0, 20, size=(k, 2, 2))
    ref = cl_dataset.common_multilabel_issues(labels, P, confident_joint=joint)
    got = common_multilabel_issues(form, P, confident_joint=joint)
    pd.testing.assert_frame_equal(sort_common(got), sort_common(ref))
    ref = cl_dataset.rank_classes_by_multilabel_quality(labels, P, joint=joint)
    for got in (rank_classes_by_multilabel_quality(form, P, joint=joint),
                rank_classes_by_multilabel_quality(form, P, confident_joint=joint)):
        np.testing.assert_array_equal(got["Label Noise"], ref["Label Noise"])
    assert overall_multilabel_health_score(form, P, confident_joint=joint) == (
        cl_dataset.overall_multilabel_health_score(labels, P, confident_joint=joint))
