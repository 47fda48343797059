"""`schemeops serve`: the web app and API on the store and warehouse."""

from __future__ import annotations

import datetime as dt
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


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    store: StoreOpt = None,
    warehouse: WarehouseOpt = DEFAULT,
    runs: Annotated[Path | None, typer.Option(
        help="Folder for run outputs (default: runs/ beside the warehouse).")] = None,
    secure_cookies: Annotated[bool | None, typer.Option(
        help="Mark the session cookie Secure (default: on requests that came over HTTPS).")
    ] = None,
    behind_proxy: Annotated[bool, typer.Option(
        help="Trust X-Forwarded-For/-Proto from --proxy-ips (a TLS-terminating proxy); "
        "without it those headers are ignored.")] = False,
    proxy_ips: Annotated[str, typer.Option(
        help="With --behind-proxy: the proxy's addresses, comma-separated.")] = "127.0.0.1",
    lockout_minutes: Annotated[float, typer.Option(
        min=0, help="How long failed sign-ins lock an account or address out.")] = 15,
    idle_minutes: Annotated[float, typer.Option(
        min=1, help="A web session ends after this long without a request.")] = 30,
    session_hours: Annotated[float, typer.Option(
        min=0.1, help="A web session ends this long after sign-in, whatever.")] = 12,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
    workers: Annotated[int, typer.Option(
        min=1, help="Server processes (each with its own run worker; a run is claimed by "
        "one of them).")] = 1,
    locale: Annotated[str, typer.Option(
        help="How the portal writes numbers: en-IN (1,23,456.00; lakh, crore) or en "
        "(123,456.00).")] = "en-IN",
    page_cache: Annotated[bool, typer.Option(
        help="Keep rendered portal pages per user until the next write to the store "
        "(off: render every request, as a benchmark's baseline).")] = True,
    webhooks: Annotated[bool, typer.Option(
        help="Send due webhooks from each server process every 5 s (off: run "
        "`schemeops events deliver` yourself).")] = True,
    jobs: Annotated[Path | None, typer.Option(
        help="The jobs file (TOML, docs/jobs.md): sources to pull, progress and month-end "
        "jobs, shown on /jobs.")] = None,
    scheduler: Annotated[bool, typer.Option(
        help="Run the jobs file's jobs on schedule in this server (off: only \"run now\" "
        "and `schemeops jobs run`). Several servers on one store run each due job once.")
    ] = True,
) -> None:
    """Migrate the store, then serve the web app (pages, /api, /api/docs)."""
    import uvicorn

    from schemeops.jobs import Scheduler, read_jobs
    from schemeops.service.numbers import LOCALES
    from schemeops.service.signin import SessionLimits, SignInLimits
    from schemeops.web.app import create_app
    from schemeops.web.assets import load_assets
    from schemeops.web.main import ENV, JOBS_ENV, SETTINGS_ENV
    from schemeops.web.settings import PAGE_CACHE_ENTRIES, WebSettings

    if locale not in LOCALES:
        raise typer.BadParameter(f"choose one of {', '.join(LOCALES)}", param_hint="--locale")
    config = read_jobs(jobs) if jobs is not None else None  # a bad file: refused now
    app = open_app(store, warehouse, runs)
    settings = WebSettings(
        scheduler=scheduler,
        locale=locale,
        page_cache_entries=PAGE_CACHE_ENTRIES if page_cache else 0,
        deliver_webhooks=webhooks,
        secure_cookies=secure_cookies,
        signin=SignInLimits(lockout=dt.timedelta(minutes=lockout_minutes)),
        sessions=SessionLimits(idle=dt.timedelta(minutes=idle_minutes),
                               absolute=dt.timedelta(hours=session_hours)))
    key = secret_key(store, warehouse)
    # uvicorn trusts X-Forwarded-* from 127.0.0.1 by default; here only when told.
    proxy = {"proxy_headers": behind_proxy,
             **({"forwarded_allow_ips": proxy_ips} if behind_proxy else {})}
    assets = load_assets()  # without the chart library: one clear error now, not one per worker
    typer.echo(f"schemeops on http://{host}:{port}/ (API docs at /api/docs)")
    if workers == 1:
        web = create_app(app, secret_key=key, settings=settings, assets=assets,
                         scheduler=Scheduler(app, config) if config is not None else None)
        uvicorn.run(web, host=host, port=port, log_level="info", access_log=access_log,
                    **proxy)
        return
    os.environ.update(zip(ENV, (store_url(store, warehouse), str(app.warehouse),
                                str(app.runs_dir), key), strict=True))
    os.environ[SETTINGS_ENV] = settings.to_json()
    if jobs is not None:
        os.environ[JOBS_ENV] = str(jobs.resolve())
    uvicorn.run("schemeops.web.main:app_from_env", factory=True, workers=workers, host=host,
                port=port, log_level="info", access_log=access_log, **proxy)
