"""Web bench: a small generated warehouse (shared), a fresh migrated store per test, one user
per role, a test client that signs in like a browser (cookie + CSRF) or with a token; and a
real browser: Playwright driving Debian's Chromium (/usr/bin/chromium) through
`executable_path`, since Playwright cannot download its own here. `chromium` is one headless
Chromium per session (per xdist worker); `page` a fresh context and page per test;
`screenshot(page, name)` saves a PNG under test-artifacts/screenshots/, and a failing test that
used `page` gets one automatically. Without Chromium or Playwright the browser tests are
skipped with the reason, except under CI=true where they fail.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from webkit import USERS, Browser, World

from schemeops.service.context import App
from schemeops.service.users import create_user, issue_token
from schemeops.store.db import make_engine, sessions, sqlite_url
from schemeops.store.migrate import upgrade
from schemeops.web.app import create_app
from schemeops.web.deliverer import Deliverer
from schemeops.web.worker import Worker
from unavailable import unavailable


def _copy(src: Path, dst: Path) -> None:
    """Copy a SQLite database, including what its write-ahead log still holds."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()


@dataclass(frozen=True)
class Template:
    """Stores made once per session and copied for each test: one with the users only, one
    with the World in it too."""

    blank: Path
    filled: Path
    tokens: dict[str, str]
    world: World


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory, warehouse: Path) -> Template:
    """Every user of USERS (password `<name>-pw`, one API token each); then the World."""
    root = tmp_path_factory.mktemp("web-store")
    blank, filled = root / "blank.db", root / "filled.db"
    upgrade(sqlite_url(blank))
    engine = make_engine(sqlite_url(blank))
    with sessions(engine).begin() as s:
        tokens = {name: issue_token(s, create_user(s, username=name, password=f"{name}-pw",
                                                   **spec), "tests")
                  for name, spec in USERS.items()}
    engine.dispose()
    _copy(blank, filled)
    engine = make_engine(sqlite_url(filled))
    world = World(App(sessions(engine), warehouse, root / "runs"))
    engine.dispose()
    return Template(blank, filled, tokens, world)


@pytest.fixture
def store_url(tmp_path: Path, template: Template, request: pytest.FixtureRequest) -> str:
    """A fresh copy of the template store (the filled one when the test asks for `world`)."""
    path = tmp_path / "store.db"
    _copy(template.filled if "world" in request.fixturenames else template.blank, path)
    return sqlite_url(path)


@pytest.fixture
def app(store_url: str, tmp_path: Path, warehouse: Path) -> App:
    """The use cases' settings on the test's store and the shared warehouse."""
    return App(sessions(make_engine(store_url)), warehouse, tmp_path / "runs")


@pytest.fixture
def tokens(template: Template) -> dict[str, str]:
    """Each user's API token."""
    return template.tokens


@pytest.fixture
def web(app: App, tokens: dict[str, str]) -> FastAPI:
    """The application, its worker running runs inline."""
    return create_app(app, secret_key="test-secret", secure_cookies=False,
                      worker=Worker(app, inline=True))


@pytest.fixture
def browser(web: FastAPI) -> Browser:
    """A signed-out browser."""
    return Browser(web)


@pytest.fixture
def as_user(web: FastAPI):  # type: ignore[no-untyped-def]
    """A factory of browsers signed in as a user of USERS."""
    def make(username: str) -> Browser:
        b = Browser(web)
        assert b.sign_in(username).status_code == 303
        return b

    return make


@pytest.fixture
def api(web: FastAPI, tokens: dict[str, str]):  # type: ignore[no-untyped-def]
    """A factory of API clients carrying a user's bearer token."""
    def make(username: str) -> TestClient:
        return TestClient(web, headers={"Authorization": f"Bearer {tokens[username]}"})

    return make


@contextlib.contextmanager
def _served(web: FastAPI) -> Iterator[str]:
    """`web` served by uvicorn on a free local port, in a thread; its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(web, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def serve():  # type: ignore[no-untyped-def]
    """A way to serve an app of a test's own: `with serve(web) as url`."""
    return _served


@pytest.fixture
def server(app: App) -> Iterator[str]:
    """The app served by uvicorn on a free local port, in a thread; its base URL."""
    with _served(create_app(app, secret_key="k", secure_cookies=False)) as url:
        yield url


@pytest.fixture
def delivering_server(app: App) -> Iterator[str]:
    """`server`, with its webhook delivery loop running every 0.2 s."""
    web = create_app(app, secret_key="k", secure_cookies=False,
                     deliverer=Deliverer(app, interval=0.2))
    with _served(web) as url:
        yield url


@pytest.fixture
def world(template: Template, app: App) -> World:
    """The ids of the store filled with one of everything (this test's copy)."""
    return template.world


os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = Path(os.environ.get("SCHEMEOPS_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path("test-artifacts") / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if {"chromium", "page"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
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
def page(chromium, request: pytest.FixtureRequest, screenshot) -> Iterator[object]:
    """A fresh browser context and page for one test; screenshotted if the test fails."""
    context = chromium.new_context()
    p = context.new_page()
    try:
        yield p
    finally:
        if request.node.stash.get(_CALL_FAILED, False):
            # The page may be gone; the failure itself is what matters.
            with contextlib.suppress(Exception):
                screenshot(p, "failed")
        context.close()
