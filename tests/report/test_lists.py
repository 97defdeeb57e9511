"""The report's flat list columns behave like columns of Python lists."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")

from skmlq.report import apply_suggestions, label_issue_report  # noqa: E402
from skmlq.report._build import class_lists, suggestions_from_report  # noqa: E402
from skmlq.report._lists import ListArray, list_lengths, list_parts  # noqa: E402

NAMES = np.array(["cat", "dog", "emu", "fox"], dtype=object)


def naive_lists(Y, mask, names, order):
    """The long report's class lists, one row at a time."""
    out = {c: [] for c in ("given", "to_remove", "to_add", "suggested")}
    for i in order:
        given = [names[k] for k in range(Y.shape[1]) if Y[i, k]]
        remove = [names[k] for k in range(Y.shape[1]) if Y[i, k] and mask[i, k]]
        add = [names[k] for k in range(Y.shape[1]) if not Y[i, k] and mask[i, k]]
        out["given"].append(given)
        out["to_remove"].append(remove)
        out["to_add"].append(add)
        out["suggested"].append([names[k] for k in range(Y.shape[1])
                                 if Y[i, k] != mask[i, k]])
    return out


@st.composite
def problems(draw):
    n = draw(st.integers(0, 12))
    k = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    Y = rng.random((n, k)) < draw(st.sampled_from([0.0, 0.3, 0.7, 1.0]))
    mask = rng.random((n, k)) < draw(st.sampled_from([0.0, 0.2, 1.0]))
    order = rng.permutation(n)[:draw(st.integers(0, n))] if n else np.zeros(0, np.int64)
    return Y, mask, order


@settings(max_examples=60, deadline=None)
@given(problems(), st.booleans())
def test_class_lists_are_the_row_by_row_lists(problem, sparse):
    Y, mask, order = problem
    names = NAMES[:Y.shape[1]]
    labels = sp.csr_matrix(Y) if sparse else Y
    scores = np.linspace(0, 1, Y.size).reshape(Y.shape)
    flat = class_lists(labels, mask, names, order, scores)
    plain = class_lists(labels, mask, names, order, scores, plain=True)
    expected = naive_lists(Y, mask, names, order)
    for column, rows in expected.items():
        assert isinstance(flat[column], ListArray)
        assert flat[column].tolist() == rows
        assert plain[column] == rows
        assert [flat[column][i] for i in range(len(order))] == rows
    remove_scores = [[scores[i, k] for k in range(Y.shape[1]) if Y[i, k] and mask[i, k]]
                     for i in order]
    assert flat["to_remove_scores"].tolist() == remove_scores


@pytest.fixture
def report():
    labels = [[0, 1], [1], [0], [1], [], [0, 1], [1], [0]]
    pred_probs = [[0.9, 0.8], [0.1, 0.7], [0.8, 0.2], [0.2, 0.9], [0.3, 0.2],
                  [0.7, 0.6], [0.9, 0.3], [0.6, 0.1]]
    return label_issue_report(labels, pred_probs, class_names=["cat", "dog"])


def as_objects(report):
    list_columns = [c for c in report.columns if str(report[c].dtype) == "skmlq.list"]
    return report.astype({c: object for c in list_columns})


def test_report_columns_read_as_python_lists(report):
    assert str(report["given"].dtype) == "skmlq.list"
    row = report.loc[6]
    assert row["given"] == ["dog"] and row["to_add"] == ["cat"]
    assert row["suggested"] == ["cat", "dog"]
    assert type(report.loc[6, "to_add"]) is list
    # Every read is a new list: editing it never changes the report.
    report.loc[6, "to_add"].append("emu")
    assert report.loc[6, "to_add"] == ["cat"]
    assert report["given"].tolist() == as_objects(report)["given"].tolist()


def test_printed_like_object_lists(report):
    names = ["label_quality", "flagged", "given", "to_remove", "to_add", "suggested"]
    assert report[names].to_string() == as_objects(report)[names].to_string()
    assert repr(report.iloc[0][names]) == repr(as_objects(report).iloc[0][names])
    # Scores print with pandas' display precision (as pandas 3 prints object lists).
    assert report["to_add_scores"].head(2).tolist() == [[0.09999999999999998], []]
    assert "[0.1]" in report.to_string()


def test_reordering_selecting_and_concatenating(report):
    objects = as_objects(report)
    for op in (lambda r: r.sort_index(), lambda r: r.iloc[::-2], lambda r: r[r["flagged"]],
               lambda r: r.iloc[[3, 3, 0]], lambda r: pd.concat([r, r.iloc[:3]]),
               lambda r: r.sample(frac=1.0, random_state=0)):
        got, want = op(report), op(objects)
        assert got.index.tolist() == want.index.tolist()
        for column in ("given", "to_remove", "to_add", "suggested", "to_add_scores"):
            assert got[column].tolist() == want[column].tolist()


def test_missing_rows_from_reindexing(report):
    out = report.reindex([6, 99])
    assert out["to_add"].tolist()[0] == ["cat"]
    assert out["to_add"].isna().tolist() == [False, True]
    assert report["given"].shift(1).isna().tolist()[:2] == [True, False]
    with pytest.raises(IndexError):
        report["given"].array.take([8])
    with pytest.raises(ValueError):
        report["given"].array.take([-2], allow_fill=True)


def test_explode_matches_object_columns(report):
    got = report["suggested"].explode()
    want = as_objects(report)["suggested"].explode()
    assert got.index.tolist() == want.index.tolist()
    assert [None if v != v else v for v in got.tolist()] == \
        [None if v != v else v for v in want.tolist()]


def test_cells_can_be_edited_and_copies_are_independent(report):
    edited = report.copy()
    edited.at[6, "to_add"] = []
    edited.at[6, "to_add_scores"] = []
    assert edited.loc[6, "to_add"] == [] and report.loc[6, "to_add"] == ["cat"]
    # The edited report applies without the vetoed change.
    labels = [[0, 1], [1], [0], [1], [], [0, 1], [1], [0]]
    assert apply_suggestions(labels, edited) == labels
    assert apply_suggestions(labels, report)[6] == [1, 0]


def test_pickle_equality_and_memory(report):
    back = pickle.loads(pickle.dumps(report))
    pd.testing.assert_frame_equal(back, report)
    assert report.equals(back)
    assert (report["given"].array == report["suggested"].array).tolist() == \
        [g == s for g, s in zip(report["given"], report["suggested"])]
    assert report["given"].array.nbytes > 0


def test_readers_accept_plain_object_columns_too(report):
    objects = as_objects(report)
    for column in ("given", "to_remove", "to_add_scores"):
        assert list_lengths(report[column]).tolist() == list_lengths(objects[column]).tolist()
        lengths, flat, _, _ = list_parts(report[column])
        lengths2, flat2, _, _ = list_parts(objects[column])
        assert lengths.tolist() == lengths2.tolist() and flat.tolist() == flat2.tolist()
    a, b = suggestions_from_report(report), suggestions_from_report(objects)
    for name in ("rows", "cols", "remove", "scores"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist()


def test_unknown_class_and_misaligned_scores_name_the_row(report):
    edited = report.copy()
    edited.at[6, "to_add"] = ["unicorn"]
    with pytest.raises(ValueError, match=r"report row 6, column 'to_add': unknown class "
                                         r"'unicorn'"):
        suggestions_from_report(edited)
    edited = report.copy()
    edited.at[6, "to_add_scores"] = []
    with pytest.raises(ValueError, match=r"report row 6: columns 'to_add' and "
                                         r"'to_add_scores' are not aligned"):
        suggestions_from_report(edited)


def test_to_parquet_through_arrow(report, tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "report.parquet"
    report.to_parquet(path)
    back = pd.read_parquet(path)
    assert [list(v) for v in back["suggested"]] == report["suggested"].tolist()


def test_editing_with_a_non_list_names_what_a_cell_holds(report):
    edited = report.copy()
    with pytest.raises(TypeError, match=r"holds a list of values \(for example \['cat'\]\), "
                                        r"not 'cat'"):
        edited.at[6, "to_add"] = "cat"
    assert edited.loc[6, "to_add"] == ["cat"]  # unchanged
    edited.at[6, "to_add"] = []
    assert edited.loc[6, "to_add"] == []
    edited["given"].array[[0, 1]] = [["dog"], ["cat", "dog"]]  # one list per cell
    assert edited["given"].tolist()[:2] == [["dog"], ["cat", "dog"]]
    edited["given"].array[[0, 1]] = ["emu"]  # one list for them all
    assert edited["given"].tolist()[:2] == [["emu"], ["emu"]]


operations = st.lists(st.one_of(
    st.tuples(st.just("take"), st.lists(st.integers(-1, 7), max_size=10)),
    st.tuples(st.just("slice"), st.integers(-9, 9), st.integers(-9, 9),
              st.sampled_from([1, 2, -1])),
    st.tuples(st.just("concat")),
), max_size=4)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.sampled_from(list(NAMES)), max_size=3), min_size=1,
                max_size=8), operations)
def test_any_sequence_of_row_operations_matches_an_object_array(rows, ops):
    codes = {n: k for k, n in enumerate(NAMES)}
    offsets = np.cumsum([0] + [len(r) for r in rows])
    flat = np.array([codes[v] for r in rows for v in r], dtype=np.int64)
    array = ListArray.from_offsets(offsets, flat, NAMES)
    objects = np.empty(len(rows), dtype=object)
    objects[:] = [list(r) for r in rows]
    for op in ops:
        if op[0] == "take":
            at = [i for i in op[1] if -1 <= i < len(objects)]
            array = array.take(at, allow_fill=True)
            taken = np.empty(len(at), dtype=object)
            taken[:] = [np.nan if i == -1 else objects[i] for i in at]
            objects = taken
        elif op[0] == "slice":
            array, objects = array[op[1]:op[2]:op[3]], objects[op[1]:op[2]:op[3]]
        else:
            array = ListArray._concat_same_type([array, array])
            objects = np.concatenate([objects, objects])
        got = array.tolist()
        assert len(got) == len(objects)
        for g, o in zip(got, objects.tolist()):
            assert (g != g and o != o) if not isinstance(o, list) else g == o
        assert array.isna().tolist() == [not isinstance(o, list) for o in objects.tolist()]
