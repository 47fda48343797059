"""CPU time per portal request, in process (docs/benchmarks.md, "Portal under load").

    python -m benchmarks.portal_cpu --warehouse W --work DIR [--requests 2000] [--no-cache]

`--work` is a `schemeops bench portal --work` folder: its store (every example program live,
calculated and approved, a portal user per participant) is prepared from the warehouse when
missing, and otherwise not migrated, so that an older checkout's code (by PYTHONPATH) can be
measured on the same store. The app is called in this process as an ASGI server calls it (a minimal
driver: Starlette's test client spends about 1 ms of its own per request on a thread hop, six
times a cached page), one request at a time, each as the next participant (a server-side
session and signed cookie each). Every user's page is asked once to warm up; then
`--requests` portal requests and as many requests for a static file are timed with
`time.process_time` (this process's CPU, user and system). `--no-cache` builds the app with
the page cache off (`serve --no-page-cache`).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from fastapi import FastAPI

from schemeops.bench.portal import prepare_store, secretless, session_cookies
from schemeops.service.context import App
from schemeops.store.db import make_engine, sessions, sqlite_url
from schemeops.web.app import create_app
from schemeops.web.settings import WebSettings


async def _get(web: FastAPI, path: str, cookie: str) -> None:
    """One GET through the whole app (middleware included); it must answer 200."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80),
             "headers": [(b"host", b"bench"), (b"cookie", f"schemeops={cookie}".encode())]}
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await web(scope, receive, send)
    assert sent[0]["status"] == 200, (path, sent[0]["status"])


async def _per_request(web: FastAPI, path: str, cookies: list[str], n: int
                       ) -> tuple[float, float]:
    """CPU and wall milliseconds per request over `n` requests, cycling through cookies."""
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(n):
        await _get(web, path, cookies[i % len(cookies)])
    return ((time.process_time() - cpu) * 1000 / n, (time.perf_counter() - wall) * 1000 / n)


async def _measure(web: FastAPI, cookies: list[str], n: int
                   ) -> tuple[tuple[float, float], tuple[float, float]]:
    for c in cookies:  # warm: every page rendered (and kept, with the cache) once
        await _get(web, "/portal", c)
    return (await _per_request(web, "/portal", cookies, n),
            await _per_request(web, "/static/app.css", cookies, n))


def main() -> None:
    """Prepare or reuse the store, warm up, time the portal and the static file."""
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--warehouse", type=Path, required=True)
    args.add_argument("--work", type=Path, required=True)
    args.add_argument("--requests", type=int, default=2000)
    args.add_argument("--no-cache", action="store_true")
    a = args.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    url = sqlite_url(a.work / "store.db")
    if not (a.work / "store.db").exists():  # (an existing one is left as it is, so that an
        prepare_store(a.warehouse, a.work)  # older checkout can be measured on it too)
    secret = secretless()
    cookies = session_cookies(url, secret)
    app = App(sessions(make_engine(url)), a.warehouse, a.work / "runs")
    settings = WebSettings(page_cache_entries=0) if a.no_cache else WebSettings()
    web = create_app(app, secret_key=secret, secure_cookies=False, settings=settings)
    portal, static = asyncio.run(_measure(web, cookies, a.requests))
    print(f"page cache {'off' if a.no_cache else 'on'}; {len(cookies):,} portal users; "
          f"{a.requests:,} requests per path, one at a time, in process")
    print(f"{'path':18} {'CPU ms/request':>15} {'wall ms/request':>16}")
    for path, (cpu, wall) in (("/portal", portal), ("/static/app.css", static)):
        print(f"{path:18} {cpu:15.2f} {wall:16.2f}")


if __name__ == "__main__":
    main()
