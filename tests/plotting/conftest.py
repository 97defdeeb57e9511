"""The headless browser shared by the HTML report's browser tests."""

import pytest

from ._browser import chromium, missing_requirement, skip_or_fail


@pytest.fixture(scope="module")
def browser():
    missing = missing_requirement()
    if missing:
        skip_or_fail(missing)
    with chromium() as launched:
        yield launched
