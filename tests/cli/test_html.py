"""``skmlq score --html`` and ``skmlq audit --html``: the HTML audit report of a run."""

import importlib.util

import numpy as np
import pytest

from skmlq import get_label_quality_scores
from skmlq.cli import main

from ..plotting._html_cases import review_changes, table_data
from ._files import NAMES, make_case, write_labels_csv, write_probs_csv
from .test_demo_audit import _news_csv

pytest.importorskip("pandas")


def _ids(page):
    return [row[1][1] for row in table_data(page, "examples")[1]]


def test_score_html(tmp_path, capsys):
    Y, P = make_case()
    write_labels_csv(tmp_path / "tags.csv", Y, NAMES)
    write_probs_csv(tmp_path / "probs.csv", P, NAMES)
    html = tmp_path / "audit.html"
    assert main(["score", "--labels", str(tmp_path / "tags.csv"), "--pred-probs",
                 str(tmp_path / "probs.csv"), "--html", str(html), "--no-progress"]) == 0
    from skmlq.plotting._audit import FIGURES_NEED_PLOT, figures_available

    figures = "figures" if figures_available() else FIGURES_NEED_PLOT
    assert f"wrote the HTML audit report (40 worst examples, summary; {figures}) to {html}" \
        in capsys.readouterr().out
    page = html.read_text(encoding="utf-8")
    # The estimator's scoring and verdict, from a second stage fitted on the files.
    from skmlq.rank import get_cooccurrence_params, get_label_error_probabilities
    from skmlq.report._build import error_flags

    params = get_cooccurrence_params(Y, P)
    scores = get_label_quality_scores(Y, P, method="noise_posterior",
                                      aggregator_kwargs={"method": "product"},
                                      cooccurrence_params=params)
    assert _ids(page) == np.argsort(scores, kind="stable").tolist()
    assert "The 40 worst of 40 examples" in page and "<title>Label audit: tags.csv</title>" in page
    proba, per_class = get_label_error_probabilities(Y, P, cooccurrence_params=params)
    n_flagged = int(error_flags(proba, per_class, 0.5, P.shape)[1].sum())
    assert f"<b>{n_flagged}</b><span>examples flagged" in page
    assert "40 examples, 4 classes" in page  # the summary's paragraph
    # Histograms of the label quality and of the error probability, issue rates.
    n_figures = 3 if importlib.util.find_spec("matplotlib") else 0
    assert page.count('src="data:image/png;base64,') == n_figures
    classes = table_data(page, "classes-table")[1]
    assert {name for name in NAMES} <= {row[0] for row in classes}
    assert "average_precision" in page.split('id="classes-table"')[1]  # model quality
    # The review screen holds the review file that --review writes for the shown
    # (here: all) examples, whose flags are the verdict's.
    import base64

    review = tmp_path / "review.csv"
    assert main(["score", "--labels", str(tmp_path / "tags.csv"), "--pred-probs",
                 str(tmp_path / "probs.csv"), "--review", str(review), "--no-progress"]) == 0
    header, changes = review_changes(page)
    lines = [base64.b64decode(b).decode() for b in [header] + [c[0] for c in changes]]
    import csv

    # The page's file also has the error probability of each example.
    shown = [{k: v for k, v in row.items() if k != "error_proba"}
             for row in csv.DictReader(lines)]
    with open(review, newline="", encoding="utf-8") as fh:
        written = list(csv.DictReader(fh))
    assert written and "pred_prob" in written[0] and "error_proba" in lines[0]
    assert all(row in shown for row in written)


def test_audit_html_shows_the_texts(tmp_path, capsys):
    _news_csv(tmp_path / "news.csv")
    html = tmp_path / "news.html"
    assert main(["audit", str(tmp_path / "news.csv"), "--labels-column", "topics",
                 "--sep", "|", "--text-column", "text", "--cv", "3", "--no-progress",
                 "-o", str(tmp_path / "ranked.csv"), "--html", str(html)]) == 0
    page = html.read_text(encoding="utf-8")
    assert "The 90 worst of 90 examples" in page
    worst = _ids(page)[0]
    text = open(tmp_path / "news.csv").read().splitlines()[worst + 1].split(",")[1]
    assert table_data(page, "examples")[1][0][1:3] == [[str(worst), worst], text]


@pytest.mark.parametrize("options, expected", [
    (["--html", "-"], "--html needs a file name"),
    (["--html", "same.csv", "-o", "same.csv"], "must name different files"),
])
def test_html_option_errors(tmp_path, capsys, monkeypatch, options, expected):
    monkeypatch.chdir(tmp_path)
    Y, P = make_case()
    np.save("Y.npy", Y)
    np.save("P.npy", P)
    assert main(["score", "--labels", "Y.npy", "--pred-probs", "P.npy", *options]) == 2
    assert expected in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["P.npy", "Y.npy"]
