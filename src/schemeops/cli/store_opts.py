"""Where the control plane lives: the store (by default the SQLite file `schemeops.db` beside
the warehouse), the runs folder (`runs/` beside the warehouse) and the web app's secret key
(env SCHEMEOPS_SECRET_KEY, else the file `schemeops.secret` made once beside the store)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from schemeops.cli import DEFAULT_WAREHOUSE
from schemeops.service.context import App
from schemeops.store.db import make_engine, sessions, sqlite_url
from schemeops.store.migrate import upgrade

StoreOpt = Annotated[str | None, typer.Option(
    "--store", help="SQLAlchemy URL of the store (default: sqlite file schemeops.db beside "
                    "the warehouse).")]
WarehouseOpt = Annotated[Path, typer.Option("--warehouse", "-w", help="DuckDB warehouse file.")]
DEFAULT = DEFAULT_WAREHOUSE


def store_url(store: str | None, warehouse: Path) -> str:
    """The store's URL: as given, or the SQLite file beside the warehouse."""
    return store or sqlite_url(warehouse.resolve().parent / "schemeops.db")


def open_app(store: str | None, warehouse: Path, runs: Path | None = None, *,
             migrate: bool = True) -> App:
    """The use cases' settings on the store (migrated to the newest schema unless told)."""
    url = store_url(store, warehouse)
    if migrate:
        upgrade(url)
    return App(sessions(make_engine(url)), warehouse,
               runs or warehouse.resolve().parent / "runs")


def secret_key(store: str | None, warehouse: Path) -> str:
    """SCHEMEOPS_SECRET_KEY, else the key kept in `schemeops.secret` beside the store (made
    on first use, readable by its owner only)."""
    if key := os.environ.get("SCHEMEOPS_SECRET_KEY"):
        return key
    url = make_url(store_url(store, warehouse))
    beside = Path(url.database).resolve().parent if url.get_backend_name() == "sqlite" and \
        url.database else warehouse.resolve().parent
    path = beside / "schemeops.secret"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()
