"""``skmlq demo`` (reduced size) and ``skmlq audit`` (text and numeric columns)."""

import csv
import re

import numpy as np
import pytest

from skmlq.cli import main
from skmlq.cli._demo import top_k_hits
from skmlq.cli._demo_data import TAGS, make_digit_tags

from ._files import read_output


def test_digit_tags_are_exact_and_errors_known():
    data = make_digit_tags(n_samples=300, noise_rate=0.2, random_state=3)
    assert data.X.shape == (300, 64) and data.Y_given.shape == (300, len(TAGS))
    for k, (_, digits) in enumerate(TAGS.values()):
        np.testing.assert_array_equal(data.Y_true[:, k], np.isin(data.digits, digits))
    flips = (data.Y_given != data.Y_true).sum(axis=1)
    np.testing.assert_array_equal(flips, data.corrupted.astype(int))  # one tag per image
    assert data.corrupted.sum() == 60
    again = make_digit_tags(n_samples=300, noise_rate=0.2, random_state=3)
    np.testing.assert_array_equal(again.Y_given, data.Y_given)


def test_top_k_hits_counts_lowest_scores():
    assert top_k_hits(np.array([0.5, 0.1, 0.2, 0.9]), np.array([0, 1, 0, 1], bool), 2) == 1


def test_demo_reduced(capsys):
    assert main(["demo", "--n-samples", "150", "--cv", "3", "--no-progress"]) == 0
    out = capsys.readouterr().out
    ap = float(re.search(r"average precision: ([0-9.]+)", out).group(1))
    hits, k = map(int, re.search(r"most suspicious: (\d+) of (\d+)", out).groups())
    assert ap > 0.3 and k == 20 and hits >= 5  # random ranking gets 0.1 and ~2
    table = out.split("injected error\n")[1].splitlines()[:10]
    assert [line.split()[0] for line in table] == [str(r) for r in range(1, 11)]
    assert "Injected 15 annotation errors" in out


def test_demo_html_writes_the_report_of_the_demo(tmp_path, capsys):
    html = tmp_path / "report.html"
    args = ["demo", "--n-samples", "120", "--cv", "3", "--no-progress", "--html", str(html)]
    assert main(args) == 0
    page = html.read_text(encoding="utf-8")
    assert "Label audit: digit tags (skmlq demo data)" in page
    assert "a handwritten" in page and "mult3" in page  # texts and tag names, not indices
    assert f"Wrote the HTML audit report to {html}" in capsys.readouterr().out
    # an existing report is kept unless --force, and the refusal comes before the fit
    html.write_text("mine")
    assert main(args) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert html.read_text() == "mine"
    assert main(args + ["--force"]) == 0 and "Label audit" in html.read_text()


def test_demo_progress_goes_to_stderr(capsys):
    assert main(["demo", "--n-samples", "60", "--cv", "2", "--progress"]) == 0
    captured = capsys.readouterr()
    assert "Fitting 2 folds x 5 classes on 60 x 64 dense" in captured.err
    assert "cross-fitting" in captured.err and "cross-fitting" not in captured.out


def _news_csv(path, n=90, seed=0):
    """Texts whose words reveal their topics; every 9th row gets a wrong topic."""
    rng = np.random.default_rng(seed)
    words = {"sports": ["goal", "match", "team"], "politics": ["vote", "party", "law"],
             "tech": ["phone", "chip", "data"]}
    wrong = []
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "topics", "length"])
        for i in range(n):
            topics = [t for t in words if rng.random() < 0.4] or ["tech"]
            text = " ".join(rng.choice(words[t]) for t in topics for _ in range(4))
            given = topics
            if i % 9 == 0:
                given = [t for t in words if t not in topics][:1]
                wrong.append(i)
            writer.writerow([i, text, "|".join(given), len(text) + rng.random()])
    return wrong


def test_audit_text_column_finds_wrong_topics(tmp_path, capsys):
    wrong = _news_csv(tmp_path / "news.csv")
    out = tmp_path / "ranked.csv"
    assert main(["audit", str(tmp_path / "news.csv"), "--labels-column", "topics",
                 "--sep", "|", "--text-column", "text", "--cv", "3", "--no-progress",
                 "-o", str(out)]) == 0
    header, rows = read_output(out)
    assert header == ["row", "label_quality", "rank", "given", "to_remove", "to_add"]
    assert len(rows) == 90
    scores = [float(r[1]) for r in rows]
    assert scores == sorted(scores)
    top = {int(r[0]) for r in rows[: len(wrong)]}
    assert len(top & set(wrong)) >= len(wrong) - 3
    fixes = {int(r[0]): (r[4], r[5]) for r in rows if r[4] or r[5]}
    assert len(set(fixes) & set(wrong)) >= len(wrong) - 3  # the wrong rows get fixes
    assert all(set(r[4].split("|")) <= set(r[3].split("|")) for r in rows if r[4])
    assert "wrote 90 rows" in capsys.readouterr().out


def test_audit_numeric_columns(tmp_path, capsys):
    _news_csv(tmp_path / "news.csv")
    assert main(["audit", str(tmp_path / "news.csv"), "--labels-column", "topics",
                 "--sep", "|", "--cv", "2", "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "not used as features (not numeric): text" in captured.err
    assert "2 numeric columns (id, length), standardised" in captured.out
    words = " ".join(captured.out.split())
    # A weak model may flag nothing: the summary says which.
    assert ("look mislabelled" in words or "crossed the flag threshold" in words)
    assert "too weak" in words


@pytest.mark.parametrize("options, expected", [
    (["--labels-column", "nope"], "has no column 'nope'"),
    (["--labels-column", "topics", "--text-column", "body"], "has no column 'body'"),
    (["--labels-column", "text"], "no numeric feature column"),
    (["--labels-column", "topics", "--cv", "1"], "--cv: 1 is invalid"),
])
def test_audit_errors(tmp_path, capsys, options, expected):
    (tmp_path / "d.csv").write_text("text,topics\nhello,a\nworld,b\n")
    assert main(["audit", str(tmp_path / "d.csv"), *options]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and expected in err
