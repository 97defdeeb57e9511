"""Headless Chromium for the HTML report tests (Debian's chromium, driven by Playwright).

Playwright's own browser downloads are never used: the tests run the system's
``/usr/bin/chromium`` (or ``$SKMLQ_CHROMIUM``). Every request the page makes is
recorded and only the report file itself is let through, so a test can assert that
nothing leaves the page.
"""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

INSTALL_HINT = (
    "The HTML report tests need headless Chromium and Playwright's Python package. "
    "Install them with `apt-get update && apt-get install -y chromium` (Debian/Ubuntu; "
    "or set SKMLQ_CHROMIUM to a Chromium binary) and `pip install -e \".[test]\"`. "
    "Do not run `playwright install`: the system browser is used."
)


def chromium_path():
    """Path of the Chromium binary, or None."""
    candidate = os.environ.get("SKMLQ_CHROMIUM") or "/usr/bin/chromium"
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("chromium")


def missing_requirement():
    """None when the browser tests can run, else what is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed"
    if chromium_path() is None:
        return "no Chromium binary at /usr/bin/chromium (nor $SKMLQ_CHROMIUM, nor on PATH)"
    return None


@contextmanager
def chromium():
    """A launched headless Chromium (a Playwright Browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class ReportPage:
    """A report opened in a fresh page; ``requests`` lists every URL requested,
    ``blocked`` those refused (anything but the report file), ``errors`` the page's
    JavaScript errors."""

    def __init__(self, browser, html_path, viewport=(1280, 900)):
        self.url = Path(html_path).resolve().as_uri()
        self.requests, self.blocked, self.errors = [], [], []
        self.context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, java_script_enabled=True,
        )
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._route)
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-ready='1']", timeout=10_000)

    def _route(self, route):
        if route.request.url == self.url:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def screenshot(self, path, full_page=False):
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self):
        self.context.close()


def screenshot_report(html_path, png_path, *, viewport=(1280, 900), full_page=False):
    """Open ``html_path`` in headless Chromium and save a PNG screenshot."""
    with chromium() as browser:
        page = ReportPage(browser, html_path, viewport)
        try:
            if page.blocked or page.errors:
                raise RuntimeError(f"the report requested {page.blocked} / raised {page.errors}")
            return page.screenshot(png_path, full_page=full_page)
        finally:
            page.close()


def skip_or_fail(missing):
    """Skip (or, with SKMLQ_REQUIRE_BROWSER=1, fail) saying what is missing and how to
    install it."""
    import pytest

    if os.environ.get("SKMLQ_REQUIRE_BROWSER", "").strip() not in ("", "0"):
        pytest.fail(f"{missing}. {INSTALL_HINT}", pytrace=False)
    pytest.skip(f"{missing}. {INSTALL_HINT} (SKMLQ_REQUIRE_BROWSER=1 makes this a failure)")
