"""Web bench: a small generated warehouse (shared), a fresh migrated store per test, one user
per role, and a test client that signs in like a browser (cookie + CSRF) or with a token."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
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


@pytest.fixture
def world(template: Template, app: App) -> World:
    """The ids of the store filled with one of everything (this test's copy)."""
    return template.world
