"""Warm server-side time of the reading pages on a demo store (docs/benchmarks.md, "Reading").

    python -m benchmarks.reading --dir demo --user admin --password PW [--repeat 20]
        [--chromium /usr/bin/chromium]

`--dir` is a `schemeops demo --dir` folder (its schemeops.db and schemeops.duckdb); the user is
one the demo printed. The app runs in this process (no network), one request at a time: each
page is asked once to warm up, then `--repeat` times; the median and the slowest are printed.
With `--chromium`, the dashboard views are also timed in that headless browser against the app
served by uvicorn on a loopback port: from navigation until every chart is drawn, warm (the
chart library cached from the first visit).
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import threading
import time
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from schemeops.service.context import App
from schemeops.store.db import make_engine, sessions, sqlite_url
from schemeops.web.app import create_app

PAGES = ("/dashboards", "/dashboards?by=tier",
         "/dashboards?program=premium_upsell_oct&period=2026-10-01&region=East&tier=gold",
         "/dashboards?view=budget", "/dashboards?view=performers&region=East",
         "/runs/{run}/payouts?sort=amount&order=desc&earning=true",
         "/runs/{run}/payouts.xlsx?region=East", "/audit")


def main() -> None:
    """Sign in, then time each page."""
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--dir", type=Path, required=True)
    args.add_argument("--user", required=True)
    args.add_argument("--password", required=True)
    args.add_argument("--repeat", type=int, default=20)
    args.add_argument("--chromium", type=Path)
    a = args.parse_args()
    app = App(sessions(make_engine(sqlite_url(a.dir / "schemeops.db"))),
              a.dir / "schemeops.duckdb", a.dir / "runs")
    web = create_app(app, secret_key="bench", secure_cookies=False)
    c = TestClient(web, follow_redirects=False)
    token = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/signin").text).group(1)
    assert c.post("/signin", data={"username": a.user, "password": a.password,
                                   "csrf_token": token}).status_code == 303
    run = re.search(r'href="/runs/(\d+)"', c.get("/dashboards").text).group(1)
    print(f"{'page':78} {'median s':>9} {'max s':>7} {'bytes':>9}")
    for path in PAGES:
        url = path.format(run=run)
        first = c.get(url)
        assert first.status_code == 200, (url, first.status_code)
        times = []
        for _ in range(a.repeat):
            start = time.perf_counter()
            c.get(url)
            times.append(time.perf_counter() - start)
        print(f"{url:78} {statistics.median(times):9.3f} {max(times):7.3f} "
              f"{len(first.content):9,}")
    if a.chromium:
        _in_browser(web, a)


def _in_browser(web: FastAPI, a: argparse.Namespace) -> None:
    """Each dashboard view in Chromium, from navigation until its charts are drawn."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(web, host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    print(f"\n{'in Chromium, until drawn':78} {'median s':>9} {'max s':>7} {'charts':>9}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(a.chromium))
        page = browser.new_page()
        page.goto(base + "/signin")
        page.fill("input[name=username]", a.user)
        page.fill("input[name=password]", a.password)
        page.click("button[type=submit]")
        for path in [p for p in PAGES if p.startswith("/dashboards")]:
            times, charts = [], 0
            for i in range(a.repeat + 1):
                start = time.perf_counter()
                page.goto(base + path)
                charts = page.locator(".chart").count()
                page.wait_for_function(
                    "n => document.querySelectorAll('.chart .main-svg').length >= n", arg=charts)
                if i:  # the first visit warms the cache
                    times.append(time.perf_counter() - start)
            print(f"{path:78} {statistics.median(times):9.3f} {max(times):7.3f} {charts:9}")
        browser.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
