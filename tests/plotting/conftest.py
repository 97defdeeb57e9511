"""The headless browser shared by the HTML report's browser tests."""

import pytest

from ._browser import chromium, missing_requirement, skip_or_fail


# One launch for the session: starting Chromium costs seconds, and each test opens its
# own context (cookies, storage, downloads), so the tests cannot see each other's pages.
@pytest.fixture(scope="session")
def browser():
    missing = missing_requirement()
    if missing:
        skip_or_fail(missing)
    with chromium() as launched:
        yield launched
