"""Parity of skmlq.filter and skmlq.dataset with cleanlab 2.9.0 (a black-box oracle).

Seeded random cases (N 20..500, K 2..20, continuous probabilities without ties), every
labels form skmlq accepts: 200 cases per ``filter_by``, 200 low-memory cases and 50
dataset-table cases. Masks and ranked index arrays must be identical; tables equal
within 1e-9. Where skmlq deliberately differs (docs/user_guide/cleanlab.rst, "Every difference")
the test checks the documented relation instead.

The reference is slow (one Python pass per class, a process pool per dataset call), so
its outputs on all cases are recorded in ``tests/data/filter_parity_cleanlab-2.9.0.npz``
(written by ``tests/data/make_filter_parity_fixture.py``; the inputs are regenerated
from the seeds by ``tests/_filter_parity_cases.py``) and skmlq is checked against every
recorded case. The ``live`` tests run cleanlab itself on the first
``SKMLQ_PARITY_CASES`` cases of each kind (default 5), check that the recording still
equals cleanlab's answer, and check skmlq against the live answer;
``SKMLQ_PARITY_CASES=200 python -m pytest tests/filter/test_filter_parity.py`` reruns the
reference on every case (several minutes).
"""

import os

import numpy as np
import pytest

from skmlq.dataset import (
    common_multilabel_issues,
    multilabel_health_summary,
    overall_multilabel_health_score,
    rank_classes_by_multilabel_quality,
)
from skmlq.filter import find_label_issues, find_multilabel_issues_per_class
from .._filter_parity_cases import (
    FILTERS,
    N_CASES,
    RecordedOutputs,
    assert_records_equal,
    call,
    dataset_case,
    filter_case,
    is_error,
    low_memory_case,
    make_case,
    reference_record,
)

N_LIVE = int(os.environ.get("SKMLQ_PARITY_CASES", "5"))
N_LIVE_DATASET = max(N_LIVE // 4, 2)


@pytest.fixture(scope="module")
def recorded():
    outputs = RecordedOutputs()
    assert outputs.cleanlab_version == "2.9.0"
    assert outputs.n_cases == N_CASES
    return outputs


@pytest.fixture(scope="module")
def cleanlab():
    return pytest.importorskip("cleanlab")


def live_records(kind, n_live, recorded):
    """cleanlab's records for the first ``n_live`` cases, checked against the fixture."""
    for seed in range(n_live):
        ref = reference_record(kind, seed)
        if seed < recorded.n_cases[kind]:
            assert_records_equal(ref, recorded.record(kind, seed))
        yield seed, ref


def split(ref, prefix):
    """The per-class index lists of a record."""
    return np.split(ref[f"{prefix}_idx"], np.cumsum(ref[f"{prefix}_len"])[:-1])


def check_filter_case(filter_by, seed, ref):
    """skmlq against the reference record ``ref``; True if the reference did not raise."""
    _, form, P, kwargs, ranked = filter_case(filter_by, seed)
    n, k = P.shape
    # Per-class ranked lists carry both the mask (as sets) and the per-class order.
    got = call(find_multilabel_issues_per_class, form, P, **ranked)
    assert is_error(got) == ref["per_class_error"][0], got
    if not is_error(got):
        issues = split(ref, "per_class")
        labels = ref["per_class_labels"].reshape(k, n)
        assert ref["per_class_probs_are_input"][0]
        assert len(got[0]) == len(got[1]) == len(got[2]) == k
        for c in range(k):
            np.testing.assert_array_equal(got[0][c], issues[c])
            np.testing.assert_array_equal(got[1][c], labels[c])
            np.testing.assert_array_equal(got[2][c], np.column_stack([1 - P[:, c], P[:, c]]))
        mask = call(find_multilabel_issues_per_class, form, P, filter_by=filter_by, **kwargs)
        expected = np.zeros(P.shape, dtype=bool)
        for c, idx in enumerate(issues):
            expected[idx, c] = True
        np.testing.assert_array_equal(mask, expected)
    got = call(find_label_issues, form, P, **ranked)
    assert is_error(got) == ref["issues_error"][0], got
    if is_error(got):
        return False
    assert got.dtype == np.int64
    if filter_by.startswith("low_"):
        # The reference scrambles this order (documented); same set.
        np.testing.assert_array_equal(np.sort(got), np.sort(ref["issues"]))
    else:
        np.testing.assert_array_equal(got, ref["issues"])
    mask = call(find_label_issues, form, P, filter_by=filter_by, **kwargs)
    np.testing.assert_array_equal(np.flatnonzero(mask), np.sort(ref["issues"]))
    return True


@pytest.mark.parametrize("filter_by", FILTERS)
def test_parity_per_filter(filter_by, recorded):
    n_cases = recorded.n_cases[filter_by]
    assert n_cases >= 200
    compared = sum(check_filter_case(filter_by, seed, recorded.record(filter_by, seed))
                   for seed in range(n_cases))
    assert compared >= n_cases * 0.75


@pytest.mark.parametrize("filter_by", FILTERS)
def test_parity_per_filter_live(filter_by, recorded, cleanlab):
    compared = sum(check_filter_case(filter_by, seed, ref)
                   for seed, ref in live_records(filter_by, N_LIVE, recorded))
    assert compared >= N_LIVE * 0.6


def check_low_memory_case(seed, ref):
    _, form, P, kw = low_memory_case(seed)
    got = call(find_label_issues, form, P, **kw)
    assert is_error(got) == ref["issues_error"][0], got
    if not is_error(got):
        expected = ref["issues"] if kw["return_indices_ranked_by"] else ref["issues_mask"]
        np.testing.assert_array_equal(got, expected, strict=True)
    got = call(find_multilabel_issues_per_class, form, P, **kw)
    assert is_error(got) == ref["per_class_error"][0], got
    if is_error(got):
        return
    if kw["return_indices_ranked_by"] is None:
        np.testing.assert_array_equal(got, ref["per_class_mask"].reshape(P.shape))
    else:  # skmlq ranks these lists; the reference leaves them in index order
        issues = split(ref, "per_class")
        assert len(got[0]) == len(issues) == P.shape[1]
        for a, b in zip(got[0], issues):
            np.testing.assert_array_equal(np.sort(a), b)


def test_parity_low_memory(recorded):
    assert recorded.n_cases["low_memory"] >= 200
    for seed in range(recorded.n_cases["low_memory"]):
        check_low_memory_case(seed, recorded.record("low_memory", seed))


def test_parity_low_memory_live(recorded, cleanlab):
    for seed, ref in live_records("low_memory", N_LIVE, recorded):
        check_low_memory_case(seed, ref)


def table(pd, ref, prefix):
    """A reference table rebuilt from its record."""
    return pd.DataFrame({col: ref[f"{prefix}.{col}"] for col in ref[f"{prefix}.columns"]})


def sort_common(frame):
    return frame.sort_values(["Class Index", "In Given Label"]).reset_index(drop=True)


def check_dataset_case(seed, ref):
    pd = pytest.importorskip("pandas")
    _, form, P, names = dataset_case(seed)
    expected = table(pd, ref, "common")
    got = common_multilabel_issues(form, P, class_names=names)
    assert list(got.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(sort_common(got), sort_common(expected), check_exact=False,
                                  rtol=0, atol=1e-9)
    # Same descending order; skmlq breaks ties by (class, given row first).
    np.testing.assert_array_equal(got["Issue Probability"], expected["Issue Probability"])
    probs = got["Issue Probability"].to_numpy()
    keys = got["Class Index"].to_numpy() * 2 + (~got["In Given Label"]).to_numpy()
    ties = probs[1:] == probs[:-1]
    assert np.all(keys[1:][ties] > keys[:-1][ties])

    expected = table(pd, ref, "rank")
    got = rank_classes_by_multilabel_quality(form, P, class_names=names)
    assert list(got.columns) == list(expected.columns)
    np.testing.assert_array_equal(got["Label Quality Score"], expected["Label Quality Score"])
    ref_sorted = expected.sort_values("Class Index").reset_index(drop=True)
    got_sorted = got.sort_values("Class Index").reset_index(drop=True)
    # skmlq counts issues exactly; the reference truncates int(noise * N).
    n = P.shape[0]
    for col, noise in (("Label Issues", "Label Noise"),
                       ("Inverse Label Issues", "Inverse Label Noise")):
        np.testing.assert_array_equal(got_sorted[col], np.rint(got_sorted[noise] * n))
        np.testing.assert_array_equal(ref_sorted[col], (got_sorted[noise] * n).astype(np.int64))
    cols = [c for c in expected.columns if "Issues" not in c]
    pd.testing.assert_frame_equal(got_sorted[cols], ref_sorted[cols], check_exact=False,
                                  rtol=0, atol=1e-9)
    scores = got["Label Quality Score"].to_numpy()
    ties = scores[1:] == scores[:-1]
    assert np.all(np.diff(got["Class Index"].to_numpy())[ties] > 0)

    got = overall_multilabel_health_score(form, P)
    assert isinstance(got, np.float64) and got == ref["overall"][0]
    if "summary.keys" in ref:
        got = multilabel_health_summary(form, P, verbose=False)
        assert list(got) == ref["summary.keys"].tolist()
        assert got["overall_multilabel_health_score"] == ref["summary.overall"][0]


def test_parity_dataset_tables(recorded):
    assert recorded.n_cases["dataset"] >= 50
    for seed in range(recorded.n_cases["dataset"]):
        check_dataset_case(seed, recorded.record("dataset", seed))


def test_parity_dataset_tables_live(recorded, cleanlab):
    for seed, ref in live_records("dataset", N_LIVE_DATASET, recorded):
        check_dataset_case(seed, ref)


def test_parity_dataset_with_joint(cleanlab):
    from cleanlab.multilabel_classification import dataset as cl_dataset

    pd = pytest.importorskip("pandas")
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


def test_recorded_outputs_reject_unknown_case(recorded):
    with pytest.raises(IndexError, match="holds 200"):
        recorded.record("both", 200)
