"""The jobs tests' local REST source: a server on 127.0.0.1 with 3 pages of outlets (2
records, 1, none) that counts the requests it answers; and a warehouse with its one
distributor beside a jobs file pulling that source."""

from __future__ import annotations

import json
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from schemeops.ingest import load

PAGES = {1: [{"outlet_id": "O1", "name": "Shop One", "distributor_id": "D1",
              "created_on": "2026-01-01"},
             {"outlet_id": "O2", "name": "Shop Two", "distributor_id": "D1",
              "created_on": "2026-01-02"}],
         2: [{"outlet_id": "O3", "name": "Shop Three", "distributor_id": "D1",
              "created_on": "2026-01-03"}]}


class _Api(BaseHTTPRequestHandler):
    requests: list[int]
    lock: threading.Lock

    def do_GET(self) -> None:
        page = int(parse_qs(urlparse(self.path).query)["page"][0])
        with self.lock:
            self.requests.append(page)
        body = json.dumps({"items": PAGES.get(page, [])}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api() -> Iterator[tuple[str, list[int]]]:
    """The source's URL, and the page number of every request it answered."""
    handler = type("Api", (_Api,), {"requests": [], "lock": threading.Lock()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/outlets", handler.requests
    server.shutdown()
    server.server_close()


def crm_pull(folder: Path, url: str, schedule: str) -> tuple[Path, Path]:
    """A warehouse in `folder` holding distributor D1, and a jobs file with one REST pull
    of the outlets at `url` ("crm") on the cron `schedule`."""
    masters = folder / "masters"
    masters.mkdir()
    (masters / "participants.csv").write_text(
        "participant_id,name,role\nD1,First Distributor,distributor\n", encoding="utf-8")
    warehouse = folder / "warehouse.duckdb"
    assert load([masters], warehouse=warehouse).loaded
    jobs = folder / "jobs.toml"
    jobs.write_text(textwrap.dedent(f"""
        [jobs.crm]
        kind = "rest"
        schedule = "{schedule}"
        url = "{url}"
        table = "outlets"
        """), encoding="utf-8")
    return warehouse, jobs
