"""CPU time per portal request, in process (docs/benchmarks.md, "Portal under load").

    python -m benchmarks.portal_cpu --warehouse W --work DIR [--requests 2000] [--no-cache]

`--work` is a `schemeops bench portal --work` folder (its store is prepared from the
warehouse when missing: every example program live, calculated and approved, a portal user
per participant). The app runs in this process behind Starlette's test client, one request
at a time, each as the next participant (a server-side session and signed cookie each). Every
user's page is asked once to warm up; then `--requests` portal requests and as many requests
for a static file are timed with `time.process_time` (this process's CPU, user and system,
the test client's share included: the static file's figure is that floor). `--no-cache`
builds the app with the page cache off (`serve --no-page-cache`), the figure before it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from fastapi.testclient import TestClient

from schemeops.bench.portal import prepare_store, secretless, session_cookies
from schemeops.service.context import App
from schemeops.store.db import make_engine, sessions, sqlite_url
from schemeops.store.migrate import upgrade
from schemeops.web.app import create_app
from schemeops.web.settings import WebSettings


def _per_request(client: TestClient, path: str, cookies: list[str], n: int
                 ) -> tuple[float, float]:
    """CPU and wall milliseconds per request over `n` requests, cycling through cookies."""
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(n):
        r = client.get(path, cookies={"schemeops": cookies[i % len(cookies)]})
        assert r.status_code == 200, (path, r.status_code)
    return ((time.process_time() - cpu) * 1000 / n, (time.perf_counter() - wall) * 1000 / n)


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
    if (a.work / "store.db").exists():
        upgrade(url)
    else:
        prepare_store(a.warehouse, a.work)
    secret = secretless()
    cookies = session_cookies(url, secret)
    app = App(sessions(make_engine(url)), a.warehouse, a.work / "runs")
    settings = WebSettings(page_cache_entries=0) if a.no_cache else WebSettings()
    web = create_app(app, secret_key=secret, secure_cookies=False, settings=settings)
    with TestClient(web, follow_redirects=False) as client:
        for c in cookies:  # warm: every page rendered (and kept, with the cache) once
            assert client.get("/portal", cookies={"schemeops": c}).status_code == 200
        client.cookies.clear()
        portal = _per_request(client, "/portal", cookies, a.requests)
        static = _per_request(client, "/static/app.css", cookies, a.requests)
    print(f"page cache {'off' if a.no_cache else 'on'}; {len(cookies):,} portal users; "
          f"{a.requests:,} requests per path, one at a time, in process")
    print(f"{'path':18} {'CPU ms/request':>15} {'wall ms/request':>16}")
    for path, (cpu, wall) in (("/portal", portal), ("/static/app.css", static)):
        print(f"{path:18} {cpu:15.2f} {wall:16.2f}")


if __name__ == "__main__":
    main()
