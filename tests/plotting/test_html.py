"""The HTML report writer, without a browser: content, escaping, limits and errors."""

import base64
import csv
import hashlib
import io
import re
from html.parser import HTMLParser

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skmlq.plotting import render_html_report, write_html_report
from skmlq.plotting._html import worst_rows
from skmlq.plotting._html_assets import JS

from ._html_cases import (CLASSES, HOSTILE_CLASS, HOSTILE_TEXT, make_report, make_texts,
                          review_changes, table_data)

pd = pytest.importorskip("pandas")


def _ids(page):
    return [row[1][1] for row in table_data(page, "examples")[1]]


def test_worst_rows_and_the_stated_limit():
    report = make_report(2000, seed=1)
    page = render_html_report(report, max_rows=50)
    ids = _ids(page)
    expected = report.index[np.argsort(report["label_quality"].to_numpy(), kind="stable")[:50]]
    assert ids == expected.tolist()
    assert "The 50 worst of 2,000 examples, lowest label quality first" in page
    assert "at most 50 rows (max_rows)" in page
    # With error probabilities too, the one order of every view: label quality.
    with_proba = make_report(300, seed=2, with_proba=True)
    order = worst_rows(with_proba, 10)
    quality = with_proba["label_quality"].to_numpy()
    np.testing.assert_array_equal(order, np.argsort(quality, kind="stable")[:10])
    assert "lowest label quality first" in render_html_report(with_proba, max_rows=10)


def test_every_data_string_is_escaped():
    report = make_report(200, seed=0)
    table = pd.DataFrame({"class": CLASSES, "note": [HOSTILE_TEXT] * len(CLASSES)})
    page = render_html_report(report, summary=f"summary {HOSTILE_CLASS}", class_table=table,
                              text=make_texts(200), title=HOSTILE_CLASS)
    # One script element only: the report's own, at the end.
    assert page.count("<script") == 1 and page.index("<script>") > page.index("</main>")
    assert "<img" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "a \\\"quoted\\\" &amp; &lt;b&gt;bold&lt;/b&gt; class" in page  # JSON, escaped
    assert set(CLASSES) <= set(table_data(page, "examples")[2])
    # No address outside the page: only data: images.
    assert re.findall(r'(?:src|href)="(?!data:)', page) == []
    assert "http://" not in page and "https://example" not in page.replace(
        "https://example.invalid/x.png", "")


def test_content_security_policy_allows_only_the_own_script():
    page = render_html_report(make_report(5))
    digest = base64.b64encode(hashlib.sha256(JS.encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and f"script-src 'sha256-{digest}'" in csp
    assert f"<script>{JS}</script>" in page


def test_without_javascript_the_page_says_how_to_get_the_rows():
    # The rows are data built by the script: with it off, the page must say so.
    page = render_html_report(make_report(5))
    note = re.search(r"<noscript>(.*?)</noscript>", page, re.S).group(1)
    assert "JavaScript" in note and "--output issues.csv" in note
    assert page.index("<noscript>") < page.index("<main>")


def test_summary_figures_texts_and_class_table(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    report = make_report(100, seed=4)
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().plot([0, 1])

    class Summary:
        n_examples, n_flagged, n_to_remove, n_to_add = 100, 7, 8, 9

        def __str__(self):
            return "Seven examples look wrong."

    texts = pd.Series([f"text of {i}" for i in report.index], index=report.index)
    page = render_html_report(report, summary=Summary(), figures=[("scores", fig)],
                              text=texts, class_table=pd.DataFrame({"class": ["x"], "n": [3]}))
    assert '<p class="summary-text">Seven examples look wrong.</p>' in page
    for value, what in [(7, "examples flagged (7.0%)"), (8, "look wrong"), (9, "look missing")]:
        assert re.search(rf"<b>{value}</b><span>[^<]*{re.escape(what)}", page)
    png = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(png)[:8] == b"\x89PNG\r\n\x1a\n"
    worst = report.index[0]
    assert table_data(page, "examples")[1][0][2] == f"text of {worst}"
    assert table_data(page, "classes-table")[1] == [["x", ["3", 3]]]
    # Without a summary, the key figures are counted from the report.
    plain = render_html_report(report)
    n_flagged = int(report["flagged"].sum())
    assert f"<b>{n_flagged}</b><span>examples flagged" in plain
    assert f"<b>{int(report['to_add'].map(len).sum())}</b><span>absent labels" in plain
    # Texts as a sequence are in data order; long ones are cut.
    seq = render_html_report(report, text=[f"row {i}" + ("x" * 1000 if i == worst else "")
                                           for i in range(100)])
    second = report.index[1]
    rows = table_data(seq, "examples")[1]
    assert rows[1][2] == f"row {second}"
    cut = rows[0][2]
    assert re.fullmatch(rf"row {worst}x*\u2026", cut) and len(cut) == 500


def test_write_is_atomic_and_readable(tmp_path):
    path = tmp_path / "r.html"
    assert write_html_report(path, make_report(20)) == str(path)
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert path.stat().st_mode & 0o044  # readable by others, as any written file
    with pytest.raises(ValueError, match="max_rows"):
        write_html_report(tmp_path / "bad.html", make_report(20), max_rows=0)
    with pytest.raises(TypeError, match="figure"):
        write_html_report(tmp_path / "bad.html", make_report(20), figures={"x": object()})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"report": {"a": 1}}, TypeError, "DataFrame"),
    ({"report": pd.DataFrame({"label_quality": [0.5]})}, ValueError, r"'flagged', 'given'"),
    ({"max_rows": 2.5}, ValueError, "max_rows"),
    ({"text": ["only one"]}, ValueError, "text has 1 entries"),
    ({"figures": {"x": b"GIF89a"}}, ValueError, "PNG"),
    ({"figures": ["not a pair"]}, TypeError, "pairs"),
    ({"class_table": [1, 2]}, TypeError, "class_table"),
])
def test_bad_input(kwargs, error, match):
    kwargs = {"report": make_report(5), **kwargs}
    with pytest.raises(error, match=match):
        render_html_report(**kwargs)


def test_text_sequence_needs_row_index():
    report = make_report(5)
    report.index = [f"id{i}" for i in range(5)]
    with pytest.raises(ValueError, match="Series indexed like the report"):
        render_html_report(report, text=list("abcde"))
    page = render_html_report(report, text=pd.Series(list("abcde"), index=report.index))
    kinds, rows, _ = table_data(page, "examples")
    # The report is in the order of its label quality: the table's order.
    assert [row[1] for row in rows] == list(report.index)
    assert [row[kinds.index("long")] for row in rows] == list("abcde")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.texts = set(), set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)

    def handle_data(self, data):
        self.texts.append(data)


# Every element and attribute the writer itself emits.
_OWN_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p",
             "main", "section", "div", "b", "span", "label", "select", "option", "input",
             "table", "thead", "tbody", "tr", "th", "footer", "script", "button", "details",
             "summary", "noscript"}
_OWN_ATTRS = {"lang", "charset", "http-equiv", "content", "name", "id", "class", "value",
              "type", "placeholder", "data-name", "data-header", "open", "data-changes",
              "data-rows", "data-columns", "data-classes", "data-page", "data-for",
              "data-step", "data-role", "disabled"}


@settings(max_examples=40)
@given(name=st.text(max_size=20), text=st.text(max_size=40))
def test_any_data_string_stays_text(name, text):
    report = pd.DataFrame({"label_quality": [0.5], "flagged": [True], "given": [[name]],
                           "to_remove": [[name]], "to_add": [[]]})
    page = render_html_report(report, summary=text, text=[text], title=name,
                              class_table=pd.DataFrame({"class": [name], "note": [text]}))
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= _OWN_TAGS and parser.attrs <= _OWN_ATTRS
    assert page.count("<script") == 1
    shown = "".join(parser.texts)
    for value in (name, text):
        assert value.replace("\r", "\n").strip() in shown.replace("\r", "\n") or not value.strip()


def _review_file_of_page(page):
    """The review file the page's download gives with no decision made: its header
    and lines, decoded as the script decodes them."""
    header, changes = review_changes(page)
    lines = [change[0] for change in changes]
    return "".join(base64.b64decode(b).decode("utf-8") + "\n" for b in [header] + lines)


def test_review_section_holds_the_review_file_of_the_shown_rows(tmp_path):
    from skmlq.report import write_review

    report = make_report(300, seed=4)
    report.index = report.index.astype(np.int64)
    report.attrs["classes"] = CLASSES
    P = np.random.default_rng(0).random((300, len(CLASSES)))
    page = render_html_report(report, max_rows=60, pred_probs=P, review_name="<b>r</b>.csv")
    written = tmp_path / "review.csv"
    n_changes = write_review(report.iloc[worst_rows(report, 60)], written, pred_probs=P)
    assert n_changes > 10
    assert _review_file_of_page(page) == written.read_text(encoding="utf-8")
    # The rows are the script's, built from the list of changes: no row markup.
    changes = review_changes(page)[1]
    assert len(changes) == n_changes
    assert "<tbody></tbody></table>" in page.split('id="review-table"')[1]
    lines = list(csv.DictReader(io.StringIO(_review_file_of_page(page))))
    assert [c[1] for c in changes] == [int(line["example"]) for line in lines]
    assert [c[3] for c in changes] == [line["change"] for line in lines]
    assert f"of {n_changes:,} (accepted" in page
    # Names are escaped in the table, kept whole (base64) in the file's lines.
    section = page.split('<section id="review">', 1)[1]
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in section
    assert "<b>r</b>" not in page and 'data-name="&lt;b&gt;r&lt;/b&gt;.csv"' in page
    assert "Keys: j / k next / previous change, a accept, r reject" in page
    # Without the review section, nothing of it is in the page.
    assert 'id="review"' not in render_html_report(report, max_rows=60, review=False)


def test_a_report_that_cannot_give_a_review_file_says_why():
    report = make_report(20, seed=5)  # no attrs["classes"]: the classes are unknown
    page = render_html_report(report)
    assert "No review here: report.attrs has no &#x27;classes&#x27;" in page
    assert "<table id=\"review-table\"" not in page


@settings(max_examples=30, deadline=None)
@given(name=st.text(min_size=1, max_size=20).filter(
    lambda n: ";" not in n and "\r" not in n and "\n" not in n))
def test_any_class_name_stays_text_on_the_review_screen(name):
    from skmlq.report._review import read_review

    report = pd.DataFrame({"label_quality": [0.2, 0.4], "flagged": [True, True],
                           "given": [[name], []], "to_remove": [[name], []],
                           "to_add": [[], [name]], "to_remove_scores": [[0.1], []],
                           "to_add_scores": [[], [0.3]]})
    report.attrs["classes"] = [name]
    page = render_html_report(report)
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= _OWN_TAGS and parser.attrs <= _OWN_ATTRS
    if "No review here" in page:  # a name no review file can hold (e.g. a lone surrogate)
        return
    accepted, given = read_review(io.StringIO(_review_file_of_page(page)), [name], 2)
    assert len(accepted) == 0 and given == {0: (2, frozenset([0])), 1: (3, frozenset())}
