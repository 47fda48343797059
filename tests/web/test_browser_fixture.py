"""Smoke test of the browser fixtures (tests/web/conftest.py)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

HTML = "<!doctype html><title>smoke</title><h1 id='h'>schemeops</h1>"


@pytest.mark.browser
def test_browser_opens_a_page_and_screenshots_it(chromium, page, screenshot) -> None:
    assert chromium.is_connected()
    page.goto("data:text/html," + quote(HTML))
    assert page.title() == "smoke"
    assert page.inner_text("#h") == "schemeops"
    path = screenshot(page)
    assert path.is_file()
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.parent.parts[-2:] == ("test-artifacts", "screenshots")
