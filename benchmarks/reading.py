"""Warm server-side time of the reading pages on a demo store (docs/benchmarks.md, "Reading").

    python -m benchmarks.reading --dir demo --user admin --password PW [--repeat 20]

`--dir` is a `schemeops demo --dir` folder (its schemeops.db and schemeops.duckdb); the user is
one the demo printed. The app runs in this process (no network), one request at a time: each
page is asked once to warm up, then `--repeat` times; the median and the slowest are printed.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

from fastapi.testclient import TestClient

from schemeops.service.context import App
from schemeops.store.db import make_engine, sessions, sqlite_url
from schemeops.web.app import create_app

PAGES = ("/dashboards", "/dashboards?by=tier", "/dashboards?region=East&tier=gold",
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
    a = args.parse_args()
    app = App(sessions(make_engine(sqlite_url(a.dir / "schemeops.db"))),
              a.dir / "schemeops.duckdb", a.dir / "runs")
    c = TestClient(create_app(app, secret_key="bench", secure_cookies=False),
                   follow_redirects=False)
    token = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/signin").text).group(1)
    assert c.post("/signin", data={"username": a.user, "password": a.password,
                                   "csrf_token": token}).status_code == 303
    run = re.search(r'href="/runs/(\d+)"', c.get("/dashboards").text).group(1)
    print(f"{'page':62} {'median s':>9} {'max s':>7} {'bytes':>9}")
    for path in PAGES:
        url = path.format(run=run)
        first = c.get(url)
        assert first.status_code == 200, (url, first.status_code)
        times = []
        for _ in range(a.repeat):
            start = time.perf_counter()
            c.get(url)
            times.append(time.perf_counter() - start)
        print(f"{url:62} {statistics.median(times):9.3f} {max(times):7.3f} "
              f"{len(first.content):9,}")


if __name__ == "__main__":
    main()
