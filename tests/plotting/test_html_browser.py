"""The HTML audit report in a real browser: headless Chromium driven by Playwright.

Without the browser the tests skip and say how to install it; with
``SKMLQ_REQUIRE_BROWSER=1`` (CI, which installs it) they fail instead, so that a
missing browser can never hide there.
"""


import numpy as np
import pytest

from skmlq.plotting import write_html_report
from skmlq.plotting._html import PAGE_ROWS

from ._browser import INSTALL_HINT, ReportPage, skip_or_fail
from ._html_cases import CLASSES, HOSTILE_CLASS, HOSTILE_TEXT, make_report, make_texts

pd = pytest.importorskip("pandas")

N_SAMPLES = 400
MAX_ROWS = 150


@pytest.fixture(scope="module")
def report():
    return make_report(N_SAMPLES, seed=3)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory, report):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    fig.add_subplot().plot([0, 1], [1, 0])
    class_table = pd.DataFrame({"class": CLASSES, "given": np.arange(len(CLASSES)) * 10})
    path = tmp_path_factory.mktemp("report") / "audit.html"
    write_html_report(path, report, summary=f"Audit of {N_SAMPLES} examples. {HOSTILE_CLASS}",
                      class_table=class_table, figures={"a figure": fig},
                      text=make_texts(N_SAMPLES), max_rows=MAX_ROWS)
    return path


@pytest.fixture
def page(browser, report_file):
    opened = ReportPage(browser, report_file)
    yield opened
    opened.close()


def _column(page, header):
    """The column's cells of the rows shown, every page of them (the table is left at
    its first page)."""
    p = page.page
    heads = p.locator("#examples thead th").all_inner_texts()
    col = heads.index(header) + 1
    cells = []
    while True:
        cells += p.locator(
            f"#examples tbody tr td:nth-child({col})").all_inner_texts()
        step = p.locator(".pager[data-for=examples] button[data-step='1']")
        if step.is_disabled():
            break
        step.click()
    while not p.locator(".pager[data-for=examples] button[data-step='-1']").is_disabled():
        p.click(".pager[data-for=examples] button[data-step='-1']")
    return cells


def test_renders_offline_and_inert(page, tmp_path):
    p = page.page
    # Nothing but the file itself was requested: no font, image, script or beacon.
    assert page.requests == [page.url]
    assert page.blocked == [] and page.errors == []
    assert p.evaluate("typeof window.__pwned") == "undefined"
    summary = p.inner_text("#summary")
    assert f"Audit of {N_SAMPLES} examples." in summary
    assert HOSTILE_CLASS in summary  # shown as text
    # A page of the rows is shown; the others are a page away.
    assert p.locator("#examples tbody tr").count() == PAGE_ROWS
    assert len(_column(page, "id")) == MAX_ROWS
    assert p.inner_text(".pager[data-for=examples] [data-role=where]") == (
        f"rows 1\u2013{PAGE_ROWS} of {MAX_ROWS}")
    assert f"The {MAX_ROWS} worst of {N_SAMPLES} examples" in p.inner_text("#worst")
    # The hostile strings are shown literally, never turned into elements.
    texts = _column(page, "text")
    assert HOSTILE_TEXT in texts
    assert p.locator("#examples img").count() == 0
    assert p.locator("main script").count() == 0
    assert HOSTILE_CLASS in p.inner_text("#classes-table")
    assert p.locator("#figures img").evaluate("img => img.naturalWidth") > 0
    shot = page.screenshot(tmp_path / "report.png", full_page=True)
    assert shot.stat().st_size > 20_000


def test_sort_by_column(page, report):
    p = page.page
    shown = [float(v) for v in _column(page, "label quality")]
    assert shown == sorted(shown)  # worst (lowest) first as written
    p.click("#examples thead th:has-text('label quality')")  # ascending
    p.click("#examples thead th:has-text('label quality')")  # descending
    values = [float(v) for v in _column(page, "label quality")]
    assert values == sorted(values, reverse=True)
    assert p.get_attribute("#examples thead th:has-text('label quality')",
                           "aria-sort") == "descending"
    p.click("#examples thead th:has-text('id')")
    ids = [int(v) for v in _column(page, "id")]
    expected = np.sort(report.index.to_numpy()[:MAX_ROWS])
    assert ids == expected.tolist()


def test_filter_by_class(page, report):
    p = page.page
    worst = report.iloc[:MAX_ROWS]
    for name, scope, columns in [
        (HOSTILE_CLASS, "any column", ("given", "to_remove", "to_add")),
        ("beta", "to remove", ("to_remove",)),
        ("alpha", "to add", ("to_add",)),
    ]:
        p.focus("#filter-class")  # the list of classes is filled when first used
        p.select_option("#filter-class", label=name)
        p.select_option("#filter-where", label=scope)
        hit = np.zeros(len(worst), dtype=bool)
        for column in columns:
            hit |= worst[column].map(lambda labels: name in labels).to_numpy()
        assert 0 < hit.sum() < MAX_ROWS
        ids = [int(v) for v in _column(page, "id")]
        assert ids == worst.index[hit].tolist()
        assert p.inner_text("#shown-count") == str(int(hit.sum()))
    p.select_option("#filter-class", value="")
    p.check("#filter-flagged")
    assert len(_column(page, "id")) == int(worst["flagged"].sum())
    p.uncheck("#filter-flagged")
    p.fill("#filter-text", "example text number 1")
    assert all("example text number 1" in t for t in _column(page, "text"))


def test_a_missing_browser_is_named_with_the_fix(monkeypatch):
    pytest.importorskip("playwright", reason="the browser check looks for Playwright first")
    from . import _browser

    monkeypatch.setattr(_browser, "chromium_path", lambda: None)
    assert "no Chromium binary at /usr/bin/chromium" in _browser.missing_requirement()
    assert "apt-get install -y chromium" in INSTALL_HINT
    assert "pip install -e \".[test]\"" in INSTALL_HINT


def test_a_missing_browser_skips_unless_required(monkeypatch):
    monkeypatch.delenv("SKMLQ_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        skip_or_fail("no Chromium binary")
    monkeypatch.setenv("SKMLQ_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="no Chromium binary"):
        skip_or_fail("no Chromium binary")
