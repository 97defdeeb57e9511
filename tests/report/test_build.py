"""skmlq.report.label_issue_report: the long and wide report."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from skmlq.filter import find_multilabel_issues_per_class
from skmlq.rank import get_label_quality_scores, get_label_quality_scores_per_class
from skmlq.report import label_issue_report

from ..filter.test_filter import V2_LABELS, V2_PROBS

pd = pytest.importorskip("pandas")
NAMES = ["a", "b", "c", "d"]
LONG = ["label_quality", "flagged", "given", "to_remove", "to_add", "suggested",
        "to_remove_scores", "to_add_scores"]


def _indicator(labels, k=4):
    Y = np.zeros((len(labels), k), dtype=bool)
    for i, row in enumerate(labels):
        Y[i, row] = True
    return Y


def test_long_report_columns_lists_and_order():
    P = np.array(V2_PROBS)
    report = label_issue_report(V2_LABELS, P, class_names=NAMES)
    assert list(report.columns) == LONG
    assert report.index.name == "example"
    scores = get_label_quality_scores(V2_LABELS, P)
    np.testing.assert_array_equal(report.index, np.argsort(scores, kind="stable"))
    np.testing.assert_allclose(report["label_quality"], np.sort(scores))
    mask = find_multilabel_issues_per_class(V2_LABELS, P)
    S = get_label_quality_scores_per_class(V2_LABELS, P)
    Y = _indicator(V2_LABELS)
    report = report.sort_index()
    np.testing.assert_array_equal(report["flagged"], mask.any(axis=1))
    for i, row in report.iterrows():
        names = np.array(NAMES, dtype=object)
        assert row["given"] == names[Y[i]].tolist()
        assert row["to_remove"] == names[mask[i] & Y[i]].tolist()
        assert row["to_add"] == names[mask[i] & ~Y[i]].tolist()
        assert row["suggested"] == names[Y[i] ^ mask[i]].tolist()
        np.testing.assert_allclose(row["to_remove_scores"], S[i, mask[i] & Y[i]])
        np.testing.assert_allclose(row["to_add_scores"], S[i, mask[i] & ~Y[i]])
    assert mask.sum() > 0 and report.attrs["classes"] == NAMES


def test_options_flagged_only_worst_ids_and_indices_as_names():
    P = np.array(V2_PROBS)
    full = label_issue_report(V2_LABELS, P)
    assert full.attrs["classes"] == [0, 1, 2, 3]
    flagged = label_issue_report(V2_LABELS, P, flagged_only=True)
    assert flagged["flagged"].all() and len(flagged) == full["flagged"].sum()
    worst = label_issue_report(V2_LABELS, P, worst=3)
    assert list(worst.index) == list(full.index[:3])
    both = label_issue_report(V2_LABELS, P, flagged_only=True, worst=1)
    assert list(both.index) == list(flagged.index[:1])
    ids = [f"doc{i}" for i in range(len(P))]
    named = label_issue_report(V2_LABELS, P, ids=ids)
    assert list(named.index) == [ids[i] for i in full.index]
    for bad, match in (({"form": "tall"}, "form='tall'"), ({"worst": -1}, "worst=-1"),
                       ({"class_names": NAMES[:3]}, "class_names has 3"),
                       ({"class_names": ["a", "a", "b", "c"]}, "'a' twice"),
                       ({"ids": ids[:2]}, "ids has shape"),
                       ({"ids": ["x"] * len(P)}, "'x' twice")):
        with pytest.raises(ValueError, match=match):
            label_issue_report(V2_LABELS, P, **bad)


def test_wide_form_states():
    P = np.array(V2_PROBS)
    wide = label_issue_report(V2_LABELS, P, class_names=NAMES, form="wide").sort_index()
    assert list(wide.columns) == ["label_quality", "flagged"] + NAMES
    mask = find_multilabel_issues_per_class(V2_LABELS, P)
    Y = _indicator(V2_LABELS)
    expected = np.where(mask, np.where(Y, "remove", "add"), np.where(Y, "given", ""))
    np.testing.assert_array_equal(wide[NAMES].astype(str).to_numpy(), expected)
    with pytest.raises(ValueError, match="name of a report column"):
        label_issue_report(V2_LABELS, P, class_names=["flagged", "b", "c", "d"],
                           form="wide")


def test_error_probabilities_decide_flags_and_are_carried():
    P = np.array(V2_PROBS)
    n, k = P.shape
    per_class = np.zeros((n, k))
    per_class[2, 1] = 0.9
    per_class[5, 0] = 0.6
    proba = per_class.max(axis=1)
    report = label_issue_report(V2_LABELS, P, error_proba=proba,
                                error_proba_per_class=per_class).sort_index()
    assert list(report.columns) == LONG[:1] + ["error_proba"] + LONG[1:]
    np.testing.assert_array_equal(report["error_proba"], proba)
    assert report.index[report["flagged"]].tolist() == [2, 5]
    Y = _indicator(V2_LABELS)
    for i, c in ((2, 1), (5, 0)):
        assert report.loc[i, "to_remove" if Y[i, c] else "to_add"] == [c]
    with pytest.raises(ValueError, match="both"):
        label_issue_report(V2_LABELS, P, error_proba=proba)
    with pytest.raises(TypeError, match="filter_by is a filter option"):
        label_issue_report(V2_LABELS, P, error_proba=proba, error_proba_per_class=per_class,
                           filter_by="confident_learning")


@pytest.mark.filterwarnings("ignore::UserWarning")
@settings(max_examples=15)
@given(st.integers(0, 2**31 - 1), st.sampled_from(["lists", "dense", "sparse"]))
def test_report_is_the_same_for_every_label_form(seed, form):
    rng = np.random.default_rng(seed)
    Y = rng.random((15, 3)) < 0.4
    Y[0], Y[1] = True, False  # every class given and absent somewhere
    P = np.clip(np.where(Y, 0.7, 0.3) + rng.normal(0, 0.3, Y.shape), 0.01, 0.99)
    labels = {"lists": [np.flatnonzero(r).tolist() for r in Y], "dense": Y.astype(int),
              "sparse": sp.csc_matrix(Y)}[form]
    a = label_issue_report(labels, P)
    b = label_issue_report(Y, P)
    pd.testing.assert_frame_equal(a, b)
    for _, row in a.iterrows():
        assert set(row["suggested"]) == set(row["given"]) - set(row["to_remove"]) | set(
            row["to_add"])
        assert not set(row["to_add"]) & set(row["given"])
