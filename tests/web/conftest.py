"""Browser fixtures: Playwright driving Debian's Chromium (/usr/bin/chromium).

Playwright cannot download its own browsers here, so it launches the system one through
`executable_path`. `browser` is one headless Chromium per session (per xdist worker);
`page` is a fresh context and page per test; `screenshot(page, name)` saves a PNG under
test-artifacts/screenshots/ (CI keeps that directory as an artifact), and a failing test that
used `page` gets one automatically. Without Chromium or Playwright, these tests are skipped
with the reason, except under CI=true where they fail.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from unavailable import unavailable

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = Path(os.environ.get("SCHEMEOPS_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path("test-artifacts") / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if {"browser", "page"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium (playwright.sync_api.Browser) for the session."""
    if not CHROMIUM.is_file():
        unavailable(f"no Chromium at {CHROMIUM} (Debian package chromium: `make system-deps`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[dev]'; `make test` does)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """`screenshot(page, name="")` → path of a full-page PNG named after the test."""
    root = request.config.rootpath / SCREENSHOTS
    test = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid).strip("_")

    def save(page, name: str = "") -> Path:
        root.mkdir(parents=True, exist_ok=True)
        path = root / (f"{test}-{name}.png" if name else f"{test}.png")
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def page(browser, request: pytest.FixtureRequest, screenshot) -> Iterator[object]:
    """A fresh browser context and page for one test; screenshotted if the test fails."""
    context = browser.new_context()
    p = context.new_page()
    try:
        yield p
    finally:
        if request.node.stash.get(_CALL_FAILED, False):
            # The page may be gone; the failure itself is what matters.
            with contextlib.suppress(Exception):
                screenshot(p, "failed")
        context.close()
