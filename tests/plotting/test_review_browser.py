"""The review screen of the HTML report in headless Chromium: decide with the mouse
and the keys, download the review file, read it back with apply_review and
add_reviewed.

Like the report's other browser tests, these skip when Chromium or Playwright is
missing, and fail instead with ``SKMLQ_REQUIRE_BROWSER=1``.
"""

import copy
import csv
import io
import json
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_multilabel_classification
from sklearn.neighbors import KNeighborsClassifier

from skmlq import MultilabelLabelQuality
from skmlq.cli import main
from skmlq.plotting import write_html_report
from skmlq.report import ModelQualityWarning, apply_review, write_review

from ._browser import ReportPage
from ._html_cases import HOSTILE_CLASS

pd = pytest.importorskip("pandas")

CLASSES = ["alpha", "=SUM(A1)", HOSTILE_CLASS, "delta"]


@pytest.fixture(scope="module")
def fitted():
    X, Y = make_multilabel_classification(n_samples=300, n_features=30, n_classes=4,
                                          random_state=1)
    rng = np.random.default_rng(1)
    noisy = Y.copy()
    flip = rng.random(Y.shape) < 0.06
    noisy[flip] = 1 - noisy[flip]
    tags = [[CLASSES[k] for k in np.flatnonzero(row)] for row in noisy]
    model = KNeighborsClassifier(n_neighbors=15)
    with warnings.catch_warnings():
        # Small data and a quick model: the screen, not the model, is under test.
        warnings.simplefilter("ignore", ModelQualityWarning)
        mlq = MultilabelLabelQuality(model, cv=3, random_state=0).fit(X, tags)
    return mlq, tags


@pytest.fixture(scope="module")
def audit_file(fitted, tmp_path_factory):
    mlq, _ = fitted
    return mlq.audit_report(tmp_path_factory.mktemp("review") / "audit.html", max_rows=40)


@pytest.fixture
def screen(browser, audit_file):
    opened = ReportPage(browser, audit_file)
    yield opened
    opened.close()


def _download(screen, tmp_path):
    with screen.page.expect_download() as info:
        screen.page.click("#review-download")
    download = info.value
    assert download.suggested_filename == "review.csv"
    target = tmp_path / "reviewed.csv"
    download.save_as(target)
    return target


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _button(n, decision):
    return f"#review-table tbody tr:nth-child({n}) button[data-set={decision}]"


def test_decisions_round_trip_through_the_downloaded_file(screen, fitted, tmp_path):
    mlq, tags = fitted
    p = screen.page
    n_changes = p.locator("#review-table tbody tr").count()
    assert n_changes >= 6
    # The mouse: accept the first change, reject the second, accept and undo the third.
    p.click(_button(1, "accept"))
    p.click(_button(2, "reject"))
    p.click(_button(3, "accept"))
    p.click(_button(3, "accept"))  # clicked again: undecided
    assert p.get_attribute(_button(1, "accept"), "aria-pressed") == "true"
    assert p.get_attribute(_button(3, "accept"), "aria-pressed") == "false"
    # The keys: the third row is current after its click; r rejects it and moves on,
    # a accepts the fourth, k goes back to it and u clears it again, j j a accepts
    # the sixth.
    for key in ["r", "a", "k", "u", "j", "j", "a"]:
        p.keyboard.press(key)
    # Typing in the search box is not a decision.
    p.fill("#filter-text", "ar")
    p.keyboard.press("a")
    expected = {1: "accept", 2: "reject", 3: "reject", 6: "accept"}
    assert p.inner_text("#review-decided") == "4"
    assert (p.inner_text("#review-accepted"), p.inner_text("#review-rejected")) == ("2", "2")
    path = _download(screen, tmp_path)
    assert p.inner_text("#review-status") == "downloaded"
    # Nothing left the page: the download is made in the page, from the page.
    assert screen.requests == [screen.url] and screen.blocked == [] and screen.errors == []

    rows = _rows(path)
    assert len(rows) == n_changes
    assert [r["decision"] for r in rows] == [expected.get(n, "") for n in
                                             range(1, n_changes + 1)]
    # Every cell but the decisions is the file write_review writes for these rows.
    written = io.StringIO()
    report = mlq.find_label_issues()
    write_review(report.iloc[:40], written, pred_probs=mlq.pred_probs_)
    original = list(csv.DictReader(io.StringIO(written.getvalue())))
    assert [{**r, "decision": ""} for r in rows] == original

    # apply_review: exactly the accepted changes.
    cleaned = apply_review(tags, path, classes=mlq.classes_)
    want = [list(t) for t in tags]
    for n, decision in expected.items():
        row = rows[n - 1]
        if decision != "accept":
            continue
        example, cls = int(row["example"]), row["class"].removeprefix("'")
        if row["change"] == "remove":
            want[example].remove(cls)
        else:
            want[example].append(cls)
    assert [sorted(t) for t in cleaned] == [sorted(t) for t in want]
    # skmlq apply: the same labels, from a labels file.
    labels_file, fixed = tmp_path / "tags.jsonl", tmp_path / "fixed.jsonl"
    labels_file.write_text("".join(json.dumps(t) + "\n" for t in tags), encoding="utf-8")
    assert main(["apply", "--labels", str(labels_file), "--review", str(path), "-o",
                 str(fixed)]) == 0
    applied = [json.loads(line) for line in fixed.read_text(encoding="utf-8").splitlines()]
    assert [sorted(t) for t in applied] == [sorted(t) for t in want]

    # add_reviewed: the examples whose every change was decided are settled, with
    # the accepted changes.
    loop = copy.deepcopy(mlq)  # the fixture's fit stays as it was
    loop.add_reviewed(review=path)
    decided = {}
    for n, row in enumerate(rows, start=1):
        decided.setdefault(int(row["example"]), []).append(row["decision"] != "")
    settled = sorted(e for e, d in decided.items() if all(d))
    assert np.flatnonzero(loop.reviewed_).tolist() == settled
    assert settled  # the first changes belong to examples with one change each
    classes = list(mlq.classes_)
    for example in settled:
        got = {classes[k] for k in np.flatnonzero(loop.reviewed_labels_[example])}
        assert got == set(want[example])


def test_keys_follow_the_rows_and_nothing_is_decided_without_them(screen, tmp_path):
    p = screen.page
    assert p.locator("#review-table tbody tr.current").count() == 1
    assert p.get_attribute("#review-table tbody tr:nth-child(1)", "class") == "current"
    p.keyboard.press("k")  # already at the first row: stays
    p.keyboard.press("j")
    assert p.get_attribute("#review-table tbody tr:nth-child(2)", "class") == "current"
    p.keyboard.press("x")  # not a key of the screen
    path = _download(screen, tmp_path)
    assert all(r["decision"] == "" for r in _rows(path))
    assert p.inner_text("#review-decided") == "0"


def test_a_report_with_ids_says_why_there_is_no_review(browser, tmp_path):
    report = pd.DataFrame({"label_quality": [0.1], "flagged": [True], "given": [["a"]],
                           "to_remove": [["a"]], "to_add": [[]], "to_remove_scores": [[0.1]],
                           "to_add_scores": [[]]}, index=pd.Index(["doc-1"], name="example"))
    report.attrs["classes"] = ["a"]
    path = write_html_report(tmp_path / "ids.html", report)
    opened = ReportPage(browser, path)
    try:
        text = opened.page.inner_text("#review")
        assert "No review here" in text and "0-based row numbers" in text
        assert opened.errors == []
    finally:
        opened.close()


def test_leaving_with_decisions_not_downloaded_asks_first(browser, audit_file, tmp_path):
    def leave(decide, download):
        opened = ReportPage(browser, audit_file)
        dialogs = []
        opened.page.on("dialog", lambda d: (dialogs.append(d.type), d.accept()))
        decide(opened.page)
        if download:
            _download(opened, tmp_path)
        # Events reach Python while another page of the context waits. The dialog,
        # if any, comes before the page closes: waiting for the close (at most 5 s)
        # sees it.
        other = opened.context.new_page()
        opened.page.close(run_before_unload=True)
        for _ in range(200):
            if opened.page.is_closed():
                break
            other.wait_for_timeout(25)
        closed = opened.page.is_closed()
        opened.context.close()
        return dialogs, closed

    assert leave(lambda p: p.keyboard.press("a"), download=True) == ([], True)
    assert leave(lambda p: None, download=False) == ([], True)
    assert leave(lambda p: p.click(_button(1, "reject")), download=False) == (
        ["beforeunload"], True)


def test_decisions_on_every_page_are_in_the_download(browser, tmp_path):
    from skmlq.plotting._html import PAGE_ROWS

    from ._html_cases import CLASSES as NAMES, make_report

    report = make_report(450, seed=6)
    report.index = report.index.astype(np.int64)
    report.attrs["classes"] = NAMES
    path = write_html_report(tmp_path / "long.html", report, max_rows=450)
    opened = ReportPage(browser, path)
    try:
        p = opened.page
        n_changes = int(p.inner_text("#review .controls").split(" of ")[1].split(" ")[0])
        assert PAGE_ROWS + 4 < n_changes <= 500  # two pages, the list not folded
        shown = "#review-table tbody tr"  # the rows of the page shown, only
        assert p.locator(shown).count() == PAGE_ROWS
        assert p.locator("#review-table button").count() == 2 * PAGE_ROWS
        # The mouse on the last row of the first page; the keys go on to the next
        # page, which is shown: r rejects its first row, a accepts the second.
        p.click(_button(PAGE_ROWS, "accept"))
        for key in ["j", "r", "a"]:
            p.keyboard.press(key)
        current = "#review-table tbody tr.current td:first-child"
        assert p.inner_text(current) == str(PAGE_ROWS + 3)
        assert p.inner_text(".pager[data-for=review-table] [data-role=where]") == (
            f"rows {PAGE_ROWS + 1}\u2013{min(n_changes, 2 * PAGE_ROWS)} of {n_changes}")
        assert p.locator(f"{shown} td:first-child").first.inner_text() == str(PAGE_ROWS + 1)
        # The mouse on the second page, then back to the first: its decisions stayed.
        p.click(_button(4, "reject"))
        p.click(".pager[data-for=review-table] button[data-step='-1']")
        assert p.get_attribute(_button(PAGE_ROWS, "accept"), "aria-pressed") == "true"
        assert p.locator(shown).count() == PAGE_ROWS
        assert p.inner_text("#review-decided") == "4"
        rows = _rows(_download(opened, tmp_path))
        expected = {PAGE_ROWS: "accept", PAGE_ROWS + 1: "reject", PAGE_ROWS + 2: "accept",
                    PAGE_ROWS + 4: "reject"}
        assert [r["decision"] for r in rows] == [expected.get(n, "") for n in
                                                 range(1, n_changes + 1)]
        assert opened.errors == [] and opened.blocked == []
    finally:
        opened.close()
