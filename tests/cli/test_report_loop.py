"""The report on the command line: one output shape, --write-labels, --review, apply."""

import csv
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from skmlq.cli import main

from ._files import NAMES, make_case, read_output, write_labels_csv, write_probs_csv
from .test_demo_audit import _news_csv

COLUMNS = ["row", "label_quality", "rank", "given", "to_remove", "to_add"]


def _decide(path, accept):
    """Fill the decision column of a review file: accept the rows ``accept(row)`` likes."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0]) if rows else []
    for row in rows:
        row["decision"] = "accept" if accept(row) else "reject"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _labels_of(path, column="labels", sep=";"):
    header, rows = read_output(path)
    j = header.index(column)
    return [set(filter(None, r[j].split(sep))) for r in rows]


def test_score_and_audit_write_the_same_columns(tmp_path, capsys):
    Y, P = make_case()
    write_labels_csv(tmp_path / "tags.csv", Y, NAMES)
    write_probs_csv(tmp_path / "probs.csv", P, NAMES)
    assert main(["score", "--labels", str(tmp_path / "tags.csv"), "--pred-probs",
                 str(tmp_path / "probs.csv"), "-o", str(tmp_path / "s.csv")]) == 0
    header, rows = read_output(tmp_path / "s.csv")
    assert header == COLUMNS
    given = {int(r[0]): set(filter(None, r[3].split(";"))) for r in rows}
    assert given[0] == {NAMES[j] for j in np.flatnonzero(Y[0])}
    assert all(len(r[1]) <= 12 for r in rows)  # short floats by default
    assert any(r[4] or r[5] for r in rows)
    assert main(["score", "--labels", str(tmp_path / "tags.csv"), "--pred-probs",
                 str(tmp_path / "probs.csv"), "--float-format", "exact", "-o",
                 str(tmp_path / "e.csv")]) == 0
    from skmlq import get_label_quality_scores
    from skmlq.rank import get_cooccurrence_params
    exact = {int(r[0]): float(r[1]) for r in read_output(tmp_path / "e.csv")[1]}
    expected = get_label_quality_scores(  # the estimator's default scoring
        Y, P, method="noise_posterior", aggregator_kwargs={"method": "product"},
        cooccurrence_params=get_cooccurrence_params(Y, P))
    assert all(exact[i] == expected[i] for i in range(len(expected)))
    _news_csv(tmp_path / "news.csv")
    assert main(["audit", str(tmp_path / "news.csv"), "--labels-column", "topics",
                 "--label-sep", "|", "--text-column", "text", "--cv", "3", "--no-progress",
                 "-o", str(tmp_path / "a.csv")]) == 0
    assert read_output(tmp_path / "a.csv")[0] == COLUMNS
    out = capsys.readouterr().out
    assert "look mislabelled" in " ".join(out.split())


def test_audit_review_apply_loop_in_process(tmp_path, capsys):
    wrong = _news_csv(tmp_path / "news.csv")
    news = str(tmp_path / "news.csv")
    review, cleaned = tmp_path / "review.csv", tmp_path / "cleaned.csv"
    assert main(["audit", news, "--labels-column", "topics", "--label-sep", "|",
                 "--text-column", "text", "--cv", "3", "--no-progress", "--review",
                 str(review), "--write-labels", str(cleaned)]) == 0
    # --write-labels: the data file with every suggestion applied, other columns kept
    header, rows = read_output(cleaned)
    assert header == ["id", "text", "topics", "length"] and len(rows) == 90
    before = _labels_of(news, "topics", "|")
    after = _labels_of(cleaned, "topics", "|")
    assert sum(a != b for a, b in zip(after, before)) > 0
    # review: accept the suggestions on the rows known to be wrong, reject the others
    decided = _decide(review, lambda row: int(row["example"]) in wrong)
    accepted = [r for r in decided if int(r["example"]) in wrong]
    assert len({int(r["example"]) for r in accepted}) >= len(wrong) - 2
    fixed = tmp_path / "fixed.csv"
    assert main(["apply", "--labels", news, "--labels-column", "topics", "--label-sep", "|",
                 "--review", str(review), "-o", str(fixed)]) == 0
    expected = [set(s) for s in before]
    for r in accepted:
        i = int(r["example"])
        (expected[i].discard if r["change"] == "remove" else expected[i].add)(r["class"])
    assert _labels_of(fixed, "topics", "|") == expected
    assert read_output(fixed)[1][5][1] == read_output(news)[1][5][1]  # text kept
    # applying again to the fixed file changes nothing
    again = tmp_path / "again.csv"
    assert main(["apply", "--labels", str(fixed), "--labels-column", "topics", "--label-sep",
                 "|", "--review", str(review), "-o", str(again)]) == 0
    assert again.read_bytes() == fixed.read_bytes()


def test_apply_refuses_bad_review_and_never_half_writes(tmp_path, capsys):
    Y, P = make_case()
    write_labels_csv(tmp_path / "tags.csv", Y, NAMES)
    write_probs_csv(tmp_path / "probs.csv", P, NAMES)
    review = tmp_path / "review.csv"
    assert main(["score", "--labels", str(tmp_path / "tags.csv"), "--pred-probs",
                 str(tmp_path / "probs.csv"), "--review", str(review)]) == 0
    capsys.readouterr()
    text = review.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("example,class,change,given,annotation_score,pred_prob")
    bad = lines[0] + "\n" + lines[1].replace(lines[1].split(",")[1], "unicorn", 1) + "\n"
    review.write_text(bad, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["apply", "--labels", str(tmp_path / "tags.csv"), "--review", str(review),
                 "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "line 2, column 'class': unknown class 'unicorn'" in err
    assert len(err.strip().splitlines()) == 1
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".part")]
    assert not out.exists()


@pytest.mark.parametrize("form", ["jsonl", "npy"])
def test_write_labels_keeps_the_format(tmp_path, form):
    Y, P = make_case()
    np.save(tmp_path / "P.npy", P)
    if form == "jsonl":
        with open(tmp_path / "labels.jsonl", "w") as fh:
            for row in Y:
                fh.write(json.dumps(np.flatnonzero(row).tolist()) + "\n")
    else:
        np.save(tmp_path / "labels.npy", Y.astype(np.int8))
    src, dst = tmp_path / f"labels.{form}", tmp_path / f"clean.{form}"
    assert main(["score", "--labels", str(src), "--pred-probs", str(tmp_path / "P.npy"),
                 "--write-labels", str(dst)]) == 0
    if form == "npy":
        clean = np.load(dst)
        assert clean.dtype == np.int8 and clean.shape == Y.shape
        changed = (clean != Y).sum()
    else:
        clean = [json.loads(line) for line in dst.read_text().splitlines()]
        assert all(isinstance(v, int) for row in clean for v in row)
        changed = sum(set(c) != set(np.flatnonzero(y)) for c, y in zip(clean, Y))
    assert changed > 0


def test_loop_through_the_console_in_a_subprocess(tmp_path):
    Y, P = make_case()
    write_labels_csv(tmp_path / "tags.csv", Y, NAMES)
    write_probs_csv(tmp_path / "probs.csv", P, NAMES)

    def run(*args):
        proc = subprocess.run([sys.executable, "-m", "skmlq", *args], capture_output=True,
                              text=True, cwd=tmp_path, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc

    run("score", "--labels", "tags.csv", "--pred-probs", "probs.csv", "--review",
        "review.csv", "-o", "ranked.csv")
    decided = _decide(tmp_path / "review.csv", lambda row: row["change"] == "remove")
    assert decided
    run("apply", "--labels", "tags.csv", "--review", "review.csv", "-o", "fixed.csv")
    expected = [{NAMES[j] for j in np.flatnonzero(row)} for row in Y]
    for r in decided:
        if r["change"] == "remove":
            expected[int(r["example"])].discard(r["class"])
    assert _labels_of(tmp_path / "fixed.csv") == expected


@pytest.mark.parametrize("options, message", [
    (["--review", "-"], "--review needs a file name"),
    (["-o", "same.csv", "--review", "same.csv"], "must name different files"),
    (["--float-format", "%q"], "--float-format '%q' is not short, exact or a %-format"),
    (["--write-labels", "clean.npy"], "write the labels as .csv"),
])
def test_output_option_errors(tmp_path, capsys, monkeypatch, options, message):
    Y, P = make_case()
    write_labels_csv(tmp_path / "tags.csv", Y, NAMES)
    write_probs_csv(tmp_path / "probs.csv", P, NAMES)
    monkeypatch.chdir(tmp_path)
    assert main(["score", "--labels", "tags.csv", "--pred-probs", "probs.csv", *options]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert sorted(os.listdir(tmp_path)) == ["probs.csv", "tags.csv"]
