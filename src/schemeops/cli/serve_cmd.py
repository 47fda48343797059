"""`schemeops serve`: the web app and API on the store and warehouse."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from schemeops.cli.store_opts import (
    DEFAULT,
    StoreOpt,
    WarehouseOpt,
    open_app,
    secret_key,
    store_url,
)

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    store: StoreOpt = None,
    warehouse: WarehouseOpt = DEFAULT,
    runs: Annotated[Path | None, typer.Option(
        help="Folder for run outputs (default: runs/ beside the warehouse).")] = None,
    secure_cookies: Annotated[bool | None, typer.Option(
        help="Send the session cookie over HTTPS only (default: yes, except on loopback).")
    ] = None,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
    workers: Annotated[int, typer.Option(
        min=1, help="Server processes (each with its own run worker; a run is claimed by "
        "one of them).")] = 1,
) -> None:
    """Migrate the store, then serve the web app (pages, /api, /api/docs)."""
    import uvicorn

    from schemeops.web.app import create_app
    from schemeops.web.main import ENV

    app = open_app(store, warehouse, runs)
    secure = host not in _LOOPBACK if secure_cookies is None else secure_cookies
    key = secret_key(store, warehouse)
    typer.echo(f"schemeops on http://{host}:{port}/ (API docs at /api/docs)")
    if workers == 1:
        web = create_app(app, secret_key=key, secure_cookies=secure)
        uvicorn.run(web, host=host, port=port, log_level="info", access_log=access_log)
        return
    os.environ.update(zip(ENV, (store_url(store, warehouse), str(app.warehouse),
                                str(app.runs_dir), key, "1" if secure else "0"), strict=True))
    uvicorn.run("schemeops.web.main:app_from_env", factory=True, workers=workers, host=host,
                port=port, log_level="info", access_log=access_log)
