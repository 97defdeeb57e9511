"""Check that built documentation pages show every table whole at 1,280 px.

Opens each page in headless Chromium (the browser the report tests use) with a
1,280 x 900 window and fails when the page scrolls sideways or a table is wider
than the box it sits in (its last columns would be cut off or hidden behind a
scroll bar). ``.ci/run`` runs it on the Benchmarks and API pages after the docs build::

    python docs/check_page_width.py docs/_build/html/benchmarks.html [...]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDTH = 1280

MEASURE = """() => {
  const wide = [];
  for (const table of document.querySelectorAll("main table, article table, main pre")) {
    const box = table.parentElement;
    if (table.scrollWidth > box.clientWidth + 1) {
      wide.push(`${table.scrollWidth} px table in a ${box.clientWidth} px box, starting `
                + JSON.stringify(table.textContent.slice(0, 40)));
    }
  }
  return {page: document.documentElement.scrollWidth, wide: wide};
}"""


def check(paths):
    sys.path.insert(0, str(ROOT))
    from tests.plotting._browser import CHROMIUM_ARGS, chromium_path

    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            for path in paths:
                page.goto(Path(path).resolve().as_uri())
                seen = page.evaluate(MEASURE)
                if seen["page"] > WIDTH:
                    problems.append(f"{path}: the page is {seen['page']} px wide")
                problems += [f"{path}: {w}" for w in seen["wide"]]
        finally:
            browser.close()
    return problems


if __name__ == "__main__":
    found = check(sys.argv[1:])
    for line in found:
        print(line, file=sys.stderr)
    print(f"{len(sys.argv) - 1} page(s) checked at {WIDTH} px: "
          + ("tables cut off" if found else "every table whole"))
    sys.exit(1 if found else 0)
