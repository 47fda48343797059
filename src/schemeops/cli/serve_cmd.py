"""`schemeops serve`: the web app and API on the store and warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from schemeops.cli.store_opts import DEFAULT, StoreOpt, WarehouseOpt, open_app, secret_key

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
) -> None:
    """Migrate the store, then serve the web app (pages, /api, /api/docs)."""
    import uvicorn

    from schemeops.web.app import create_app

    app = open_app(store, warehouse, runs)
    secure = host not in _LOOPBACK if secure_cookies is None else secure_cookies
    web = create_app(app, secret_key=secret_key(store, warehouse), secure_cookies=secure)
    typer.echo(f"schemeops on http://{host}:{port}/ (API docs at /api/docs)")
    uvicorn.run(web, host=host, port=port, log_level="info")
