"""skmlq.dataset: tables of the reference vectors (cleanlab 2.9.0 outputs), options, errors."""

import sys

import numpy as np
import pytest

from skmlq.dataset import (
    common_multilabel_issues,
    multilabel_health_summary,
    overall_multilabel_health_score,
    rank_classes_by_multilabel_quality,
)

from ..filter.test_filter import VECTORS

pd = pytest.importorskip("pandas")


def _round(row):
    return tuple(round(v, 12) if isinstance(v, float) else v for v in row)


def rows(table, columns):
    return [_round(r) for r in table[columns].itertuples(index=False)]


COMMON = ["Class Index", "In Given Label", "In Suggested Label", "Num Examples",
          "Issue Probability"]
CLASSES = ["Class Index", "Label Issues", "Inverse Label Issues", "Label Noise",
           "Inverse Label Noise", "Label Quality Score"]


@pytest.mark.parametrize(
    "name, common, classes, health",
    [
        ("V1",
         [(2, True, False, 3, 0.3), (0, False, True, 2, 0.2), (0, True, False, 1, 0.1),
          (1, True, False, 0, 0.0), (1, False, True, 0, 0.0), (2, False, True, 0, 0.0)],
         [(2, 3, 0, 0.3, 0.0, 0.7), (0, 1, 2, 0.1, 0.2, 0.9), (1, 0, 0, 0.0, 0.0, 1.0)],
         0.5),
        ("V2",
         [(0, False, True, 2, 1 / 6), (3, True, False, 2, 1 / 6), (1, True, False, 1, 1 / 12),
          (2, False, True, 1, 1 / 12), (3, False, True, 1, 1 / 12), (0, True, False, 0, 0.0),
          (1, False, True, 0, 0.0), (2, True, False, 0, 0.0)],
         [(3, 2, 1, 1 / 6, 1 / 12, 0.8333333333333334),
          (1, 1, 0, 1 / 12, 0.0, 0.9166666666666666),
          (0, 0, 2, 0.0, 1 / 6, 1.0), (2, 0, 1, 0.0, 1 / 12, 1.0)],
         0.6666666666666667),
        ("V3",
         [(c, g, not g, 0, 0.0) for c in range(3) for g in (True, False)],
         [(c, 0, 0, 0.0, 0.0, 1.0) for c in range(3)],
         1.0),
        ("V4",
         [(0, True, False, 1, 1 / 14), (0, False, True, 1, 1 / 14)],
         [(0, 1, 1, 1 / 14, 1 / 14, 0.9285714285714286)],
         0.8571428571428572),
    ],
)
def test_spec_tables(name, common, classes, health):
    labels, probs = VECTORS[name]
    P = np.array(probs)
    with pytest.warns(UserWarning) if name == "V3" else _nothing():
        table = common_multilabel_issues(labels, P)
    assert rows(table, COMMON) == [_round(r) for r in common]
    assert table.index.tolist() == list(range(len(common)))
    assert [str(t) for t in table.dtypes] == ["int64", "bool", "bool", "int64", "float64"]
    with pytest.warns(UserWarning) if name == "V3" else _nothing():
        ranked = rank_classes_by_multilabel_quality(labels, P)
    assert rows(ranked, CLASSES) == [_round(r) for r in classes]
    assert [str(t) for t in ranked.dtypes] == ["int64"] * 3 + ["float64"] * 3
    with pytest.warns(UserWarning) if name == "V3" else _nothing():
        score = overall_multilabel_health_score(labels, P)
    assert isinstance(score, np.float64) and score == health


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_label_issues_are_exact_counts_not_truncated():
    # One flagged annotated example among N = 49: 1/49*49 = 0.999..., which the
    # reference's int() truncates to 0. skmlq reports the count, 1.
    rng = np.random.default_rng(0)
    P = rng.uniform(0.05, 0.45, size=(49, 2))
    labels = [[0] if i < 10 else [1] if i < 20 else [] for i in range(49)]
    P[:10, 0] = rng.uniform(0.6, 0.95, size=10)
    P[10:20, 1] = rng.uniform(0.6, 0.95, size=10)
    P[3, 0] = 0.02  # a clearly wrong annotation of class 0
    table = rank_classes_by_multilabel_quality(labels, P)
    row = table[table["Class Index"] == 0].iloc[0]
    assert row["Label Issues"] == 1 and row["Label Noise"] == pytest.approx(1 / 49)


def test_class_names_and_summary(capsys):
    labels, probs = VECTORS["V1"]
    P = np.array(probs)
    names = ["cat", "dog", "bird"]
    common = common_multilabel_issues(labels, P, class_names=names)
    assert list(common.columns)[:2] == ["Class Name", "Class Index"]
    assert common["Class Name"].tolist() == [names[c] for c in common["Class Index"]]
    ranked = rank_classes_by_multilabel_quality(labels, P, class_names=names)
    assert ranked["Class Name"].tolist() == ["bird", "cat", "dog"]
    summary = multilabel_health_summary(labels, P, class_names=names, num_examples=123)
    out = capsys.readouterr().out
    assert "123 examples" in out and "bird" in out and "0.5000" in out
    assert list(summary) == ["overall_multilabel_health_score",
                             "classes_by_multilabel_quality", "common_multilabel_issues"]
    assert summary["overall_multilabel_health_score"] == 0.5
    pd.testing.assert_frame_equal(summary["classes_by_multilabel_quality"], ranked)
    pd.testing.assert_frame_equal(summary["common_multilabel_issues"], common)
    multilabel_health_summary(labels, P, verbose=False)
    assert capsys.readouterr().out == ""


def test_joint_is_used_by_every_table():
    labels, probs = VECTORS["V1"]
    P = np.array(probs)
    joint = [[[4, 2], [1, 3]]] * 3  # V1 with this joint flags class 1 too
    a = rank_classes_by_multilabel_quality(labels, P, joint=joint)
    b = rank_classes_by_multilabel_quality(labels, P, confident_joint=joint)
    pd.testing.assert_frame_equal(a, b)
    assert a.set_index("Class Index").loc[1, "Label Issues"] == 1
    summary = multilabel_health_summary(labels, P, confident_joint=joint, verbose=False)
    pd.testing.assert_frame_equal(summary["classes_by_multilabel_quality"], a)
    with pytest.raises(ValueError, match="either joint or confident_joint"):
        rank_classes_by_multilabel_quality(labels, P, joint=joint, confident_joint=joint)


def test_errors():
    labels, probs = VECTORS["V1"]
    with pytest.raises(ValueError, match="labels is required"):
        overall_multilabel_health_score(None, np.array(probs))
    with pytest.raises(ValueError, match="pred_probs is required"):
        rank_classes_by_multilabel_quality(labels)
    with pytest.raises(ValueError, match="class_names has 2 entries"):
        common_multilabel_issues(labels, np.array(probs), class_names=["a", "b"])


def test_missing_pandas_message(monkeypatch):
    labels, probs = VECTORS["V1"]
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r'a dependency of skmlq.*pip install "pandas>=2.2"'):
        common_multilabel_issues(labels, np.array(probs))
    # The numpy score needs no pandas.
    assert overall_multilabel_health_score(labels, np.array(probs)) == 0.5
