"""Web bench: a small generated warehouse (shared), a fresh migrated store per test, one user
per role, and a test client that signs in like a browser (cookie + CSRF) or with a token."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from webkit import USERS, Browser, World

from schemeops.generate import generate
from schemeops.ingest import load
from schemeops.service.context import App
from schemeops.service.users import create_user, issue_token
from schemeops.store.db import make_engine, sessions, sqlite_url
from schemeops.store.migrate import upgrade
from schemeops.web.app import create_app
from schemeops.web.worker import Worker


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 30k-line network, loaded."""
    root = tmp_path_factory.mktemp("web-wh")
    generate(root / "data", lines=30_000, seed=5)
    wh = root / "wh.duckdb"
    load([root / "data"], warehouse=wh)
    return wh


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """A fresh SQLite store, migrated."""
    url = sqlite_url(tmp_path / "store.db")
    upgrade(url)
    return url


@pytest.fixture
def app(store_url: str, tmp_path: Path, warehouse: Path) -> App:
    """The use cases' settings on the fresh store and the shared warehouse."""
    return App(sessions(make_engine(store_url)), warehouse, tmp_path / "runs")


@pytest.fixture
def tokens(app: App) -> dict[str, str]:
    """Every user of USERS created (password `<name>-pw`), with an API token each."""
    out = {}
    with app.sessions.begin() as s:
        for name, spec in USERS.items():
            out[name] = issue_token(s, create_user(s, username=name, password=f"{name}-pw",
                                                   **spec), "tests")
    return out


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


@pytest.fixture
def world(app: App, tokens: dict[str, str]) -> World:
    """The store filled with one of everything."""
    return World(app)
