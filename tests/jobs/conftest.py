"""The jobs tests' local REST source: a server on 127.0.0.1 with 3 pages of outlets (2
records, 1, none) that counts the requests it answers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

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
