"""apply_suggestions, write_review and apply_review: the fix loop and bad review files."""

import codecs
import csv
import io

import numpy as np
import pytest
import scipy.sparse as sp

from skmlq.report import apply_review, apply_suggestions, label_issue_report, write_review

pd = pytest.importorskip("pandas")

NAMES = ["cat", "dog", "bird"]
# Rows 0-3 carry one obvious error each; the rest agree with the model.
Y = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0],
              [1, 0, 0], [0, 1, 0], [1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 0],
              [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1]], dtype=bool)
P = np.where(Y, 0.85, 0.1)
P[0] = [0.05, 0.95, 0.1]  # cat given but looks wrong, dog missing
P[1, 2] = 0.97            # bird missing
P[2, 0] = 0.03            # cat given but looks wrong
P[3, 1] = 0.9             # dog missing
EXPECTED = {0: {1}, 1: {1, 2}, 2: {1}, 3: {1}}


@pytest.fixture(scope="module")
def report():
    return label_issue_report(Y, P, class_names=NAMES)


def _sets(labels):
    return [set(row) for row in labels]


def test_suggestions_on_the_fixture(report):
    cleaned = apply_suggestions(Y, report)
    changed = {i: set(np.flatnonzero(cleaned[i])) for i in range(len(Y))
               if (cleaned[i] != Y[i]).any()}
    assert changed == EXPECTED


@pytest.mark.parametrize("form", ["index lists", "name lists", "int dense", "bool dense",
                                  "csc int", "csr bool", "frame"])
def test_apply_returns_the_input_form_and_is_idempotent(report, form):
    lists = [np.flatnonzero(r).tolist() for r in Y]
    labels = {
        "index lists": lists,
        "name lists": [[NAMES[j] for j in r] for r in lists],
        "int dense": Y.astype(np.int32),
        "bool dense": Y.copy(),
        "csc int": sp.csc_matrix(Y.astype(np.int64)),
        "csr bool": sp.csr_matrix(Y),
        "frame": pd.DataFrame(Y.astype(int), columns=NAMES, index=[f"r{i}" for i in range(14)]),
    }[form]
    before = labels.copy() if hasattr(labels, "copy") else [list(r) for r in labels]
    cleaned = apply_suggestions(labels, report)
    assert type(cleaned) is type(labels)
    if form.endswith("lists"):
        want = [sorted(np.flatnonzero(r).tolist()) for r in Y]
        for i, cols in EXPECTED.items():
            want[i] = sorted(cols)
        if form == "name lists":
            want = [[NAMES[j] for j in r] for r in want]
        assert cleaned == want
        assert labels == before
    else:
        dense = cleaned.toarray() if sp.issparse(cleaned) else np.asarray(cleaned)
        assert dense.dtype == (labels.dtype if not hasattr(labels, "iloc") else np.int64)
        for i, cols in EXPECTED.items():
            assert set(np.flatnonzero(dense[i])) == cols
        if sp.issparse(labels):
            assert cleaned.format == labels.format
            assert (labels != before).nnz == 0
        elif hasattr(labels, "iloc"):
            assert list(cleaned.index) == list(labels.index)
            pd.testing.assert_frame_equal(labels, before)
        else:
            np.testing.assert_array_equal(labels, before)
    again = apply_suggestions(cleaned, report)
    if sp.issparse(again):
        assert (again != cleaned).nnz == 0
    elif hasattr(again, "iloc"):
        pd.testing.assert_frame_equal(again, cleaned)
    else:
        assert np.array_equal(np.asarray(again, dtype=object), np.asarray(cleaned, dtype=object))


def test_apply_choices(report):
    lists = [np.flatnonzero(r).tolist() for r in Y]
    only_removals = _sets(apply_suggestions(lists, report, add=False))
    assert only_removals[0] == set() and only_removals[2] == {1} and only_removals[3] == set()
    only_additions = _sets(apply_suggestions(lists, report, remove=False))
    assert only_additions[0] == {0, 1} and only_additions[3] == {1}
    sure = _sets(apply_suggestions(lists, report, min_confidence=0.93))
    assert sure[0] == {1} and sure[2] == {1} and sure[1] == {1, 2}
    assert sure[3] == set()  # dog at 0.9: confidence 0.9 < 0.93
    worst_two = _sets(apply_suggestions(lists, report.head(2)))
    assert sum(a != set(b) for a, b in zip(worst_two, lists)) == 2
    with pytest.raises(ValueError, match="min_confidence=2"):
        apply_suggestions(lists, report, min_confidence=2)
    with pytest.raises(TypeError, match="add='no'"):
        apply_suggestions(lists, report, add="no")


def test_apply_refuses_other_labels(report):
    with pytest.raises(ValueError, match="one column per class"):
        apply_suggestions(np.zeros((14, 4), dtype=bool), report)
    with pytest.raises(ValueError, match="labels has 2 examples"):
        apply_suggestions(np.zeros((14, 3), dtype=bool)[:2], report)
    with pytest.raises(ValueError, match="'fish'"):
        apply_suggestions([["fish"]] * 14, report)
    with pytest.raises(ValueError, match="form='long'"):
        apply_suggestions(Y, label_issue_report(Y, P, form="wide"))
    with pytest.raises(ValueError, match="0-based row numbers"):
        apply_suggestions(Y, label_issue_report(Y, P, ids=[f"x{i}" for i in range(14)]))


def _review_text(report, **kwargs):
    buffer = io.StringIO()
    write_review(report, buffer, **kwargs)
    return buffer.getvalue()


def _decide(text, decisions):
    """Fill the decision column: ``decisions`` maps (example, class) to a word."""
    lines = text.splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        out.append(line + decisions.get((int(cells[0]), cells[1]), ""))
    return "\n".join(out) + "\n"


def test_review_file_round_trip(report, tmp_path):
    path = tmp_path / "review.csv"
    n = write_review(report, path, pred_probs=P)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == ("example,class,change,given,annotation_score,pred_prob,"
                        "label_quality,decision")
    assert n == len(lines) - 1 == 5
    assert lines[1].split(",")[:4] == [str(report.index[0])] + lines[1].split(",")[1:4]
    assert all(line.endswith(",") for line in lines[1:])  # empty decisions
    rows = {(int(c[0]), c[1]): c for c in (line.split(",") for line in lines[1:])}
    assert rows[(0, "cat")][2:5] == ["remove", "cat", "0.05"]
    assert rows[(0, "dog")][5] == "0.95"
    # nothing decided: nothing applied
    lists = [np.flatnonzero(r).tolist() for r in Y]
    assert apply_review(lists, path, classes=NAMES) == lists
    decided = _decide(text, {(0, "cat"): "accept", (0, "dog"): "Yes", (1, "bird"): "reject",
                             (3, "dog"): "x"})
    path.write_text(decided, encoding="utf-8")
    cleaned = apply_review(lists, path, classes=NAMES)
    assert _sets(cleaned)[:4] == [{1}, {1}, {0, 1}, {1}]
    assert apply_review(cleaned, path, classes=NAMES) == cleaned  # idempotent
    names = [[NAMES[j] for j in r] for r in lists]
    by_name = apply_review(names, io.StringIO(_decide(
        _review_text(label_issue_report(Y, P, class_names=NAMES)), {(2, "cat"): "y"})),
        classes=NAMES)
    assert by_name[2] == ["dog"] and by_name[0] == ["cat"]
    # a spreadsheet's BOM and ';' delimiter are fine
    semicolons = io.StringIO()
    csv.writer(semicolons, delimiter=";").writerows(csv.reader(io.StringIO(decided)))
    bom = codecs.BOM_UTF8 + semicolons.getvalue().encode("utf-8")
    assert apply_review(lists, io.BytesIO(bom), classes=NAMES) == cleaned


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("\n0,", "\n99,", 1), "line 2, column 'example': '99' is not a row"),
    (lambda t: t.replace(",dog,", ",fish,", 1), "column 'class': unknown class 'fish'"),
    (lambda t: t.replace("annotation_score", "score", 1), "line 1, column 5 is 'score'"),
    (lambda t: t.replace(",decision", ",decision,note", 1), "unexpected column 'note'"),
    (lambda t: t.replace(",remove,", ",add,", 1), "column 'change': add"),
    (lambda t: t + t.splitlines()[1] + "\n", "already on line 2"),
    (lambda t: t.replace(",\n", ",maybe\n"),
     "column 'decision': 'maybe' is not a decision"),
    (lambda t: t.replace(",0.05,", ",high,", 1), "'high' is not a number"),
])
def test_edited_review_files_are_refused(report, edit, message):
    text = _review_text(report, pred_probs=P)
    assert text.split("\n")[1].startswith("0,cat,remove")
    lists = [np.flatnonzero(r).tolist() for r in Y]
    with pytest.raises(ValueError, match=message) as info:
        apply_review(lists, io.StringIO(edit(text)), classes=NAMES)
    assert "\n" not in str(info.value)


def test_review_encoding_and_label_mismatch(report):
    text = _review_text(report)
    lists = [np.flatnonzero(r).tolist() for r in Y]
    latin = text.replace(",cat,", ",caté,", 1).encode("cp1252")
    with pytest.raises(ValueError, match=r"line 2, character \d+: byte 0xe9 is not UTF-8"):
        apply_review(lists, io.BytesIO(latin), classes=NAMES)
    with pytest.raises(ValueError, match="UTF-16"):
        apply_review(lists, io.BytesIO(text.encode("utf-16")), classes=NAMES)
    other = [list(r) for r in lists]
    other[0] = [2]
    with pytest.raises(ValueError, match="example 0 has labels 'bird' in the labels"):
        apply_review(other, io.StringIO(text), classes=NAMES)


def test_lists_keep_their_order_and_unchanged_rows(report):
    names = [[NAMES[j] for j in np.flatnonzero(r)][::-1] for r in Y]  # reverse class order
    cleaned = apply_suggestions(names, report)
    assert cleaned[4:] == names[4:] and cleaned[4] is not names[4]  # copies, same order
    assert cleaned[1] == ["dog", "bird"]  # kept first, in the caller's order, then added
    empty = io.StringIO("example,class,change,given,annotation_score,label_quality,decision\n")
    assert apply_review(names, empty, classes=NAMES) == names
    one = [[2], [1], [0], [0, 2]] * 3 + [[1], [2]]
    single = np.array(["bird", "dog", "cat", "cat"] * 3 + ["dog", "bird"], dtype=object)
    assert apply_suggestions(single, label_issue_report(
        [[k] for k in [2, 1, 0, 0] * 3 + [1, 2]], np.eye(3)[[r[0] for r in one]] * 0.8 + 0.1,
        class_names=NAMES))[0] == ["bird"]
