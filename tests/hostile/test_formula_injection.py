"""Review and report CSV files are opened in spreadsheets: no cell of theirs may run
as a formula, and every class name reads back exactly.

Class names are drawn from the characters that start a formula (OWASP's list:
``= + - @``, a tab, a carriage return is refused elsewhere) and the quote that
escapes them; the review file (Python and command line) and the report CSV of
``skmlq score`` are checked cell by cell, and the filled-in review applies to the
labels exactly as the report's suggestions do.
"""

import csv
import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skmlq.utils._output import spreadsheet_safe, spreadsheet_text

from ._contract import count_input, fuzz_settings, run_cli

pd = pytest.importorskip("pandas")

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NAME = st.text(alphabet="=+-@'\tab1 |!()", min_size=1, max_size=6).filter(
    lambda s: s.strip() == s and not s.lstrip("+-").replace(".", "", 1).isdigit())
KNOWN = ["=cmd|' /C calc'!A0", "@x", "+1", "-1+1", "'=1", "\t=1", "plain"]


def _cells(text, columns):
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return [row[c] for row in rows for c in columns if row.get(c)]


def _safe(cell):
    return not cell.startswith(TRIGGERS)


@st.composite
def named_cases(draw):
    k = draw(st.integers(2, 4))
    names = draw(st.lists(NAME, min_size=k, max_size=k, unique=True))
    if draw(st.booleans()):
        names[0] = draw(st.sampled_from(KNOWN))
        if names[0] in names[1:]:
            names[1] = "other"
    n = draw(st.integers(8, 16))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    Y = rng.random((n, k)) < 0.5
    Y[0], Y[1] = True, False
    P = np.clip(np.where(Y, 0.7, 0.3) + rng.normal(0, 0.4, Y.shape), 0.01, 0.99)
    return names, Y, P


def test_escape_round_trips():
    for text in KNOWN + ["", "'", "''", "a", "-", "=", "'-1"]:
        cell = spreadsheet_safe(text)
        assert _safe(cell) and spreadsheet_text(cell) == text


@pytest.mark.filterwarnings("ignore:May not flag all label issues")
@fuzz_settings(0.5)
@given(named_cases())
def test_review_file_cells_never_run_and_read_back(tmp_path_factory, case):
    from skmlq.report import apply_review, apply_suggestions, label_issue_report, write_review

    count_input("formula-names")
    names, Y, P = case
    directory = tmp_path_factory.mktemp("inject")
    labels = [np.flatnonzero(row).tolist() for row in Y]
    report = label_issue_report(labels=labels, pred_probs=P, class_names=names)
    n = write_review(report, directory / "review.csv", pred_probs=P)
    text = (directory / "review.csv").read_text(encoding="utf-8")
    assert all(map(_safe, _cells(text, ["class", "given"])))
    lines = text.splitlines()
    (directory / "review.csv").write_text(
        "\n".join([lines[0]] + [line + "accept" for line in lines[1:]]) + "\n",
        encoding="utf-8")
    named = [[names[c] for c in row] for row in labels]
    assert apply_review(named, directory / "review.csv", classes=names) == \
        apply_suggestions(named, report, classes=names)
    assert n == len(lines) - 1


# --classes strips the names, so a tab-led name is not one the command line can take.
@pytest.mark.parametrize("name", [k for k in KNOWN if not k.startswith("\t")])
def test_command_line_outputs_never_run(name, tmp_path):
    names = [name, "b"]
    rng = np.random.default_rng(1)
    Y = rng.random((30, 2)) < 0.5
    Y[0], Y[1] = True, False
    P = np.clip(np.where(Y, 0.7, 0.3) + rng.normal(0, 0.4, Y.shape), 0.01, 0.99)
    with open(tmp_path / "labels.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["labels"])
        writer.writerows([["#".join(names[c] for c in np.flatnonzero(row))] for row in Y])
    np.save(tmp_path / "p.npy", P)
    code, _, err = run_cli(["score", "--labels", "labels.csv", "--pred-probs", "p.npy",
                            f"--classes={','.join(names)}", "--label-sep", "#", "-o", "out.csv",
                            "--review", "review.csv"], tmp_path)
    assert code == 0, err
    out = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert all(map(_safe, _cells(out, ["given", "to_remove", "to_add"])))
    assert any(cell.startswith("'") for cell in _cells(out, ["given"])) == (
        spreadsheet_safe(name) != name)
    review = (tmp_path / "review.csv").read_text(encoding="utf-8")
    assert all(map(_safe, _cells(review, ["class", "given"])))
