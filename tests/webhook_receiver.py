"""A real webhook receiver for the tests: an HTTP server on 127.0.0.1 in a thread that checks
each request's signature with the endpoint's secret and counts the event ids it took (2xx)
and refused. `down(n)` makes it answer 503 to the next n requests; `stop()` closes its port
(connections refused) and `start()` opens the same port again."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from schemeops.service.webhook_signature import HEADER, verify


@dataclass
class Received:
    """What the receiver saw: every request, and the ids it answered 2xx to."""

    requests: list[dict] = field(default_factory=list)
    taken: Counter = field(default_factory=Counter)
    bad_signatures: int = 0

    @property
    def duplicates(self) -> int:
        """Ids answered 2xx more than once, counted beyond the first."""
        return sum(n - 1 for n in self.taken.values())


class Receiver:
    """The server; `url` is where to send, `secret` what it checks signatures with."""

    def __init__(self, secret: str) -> None:
        self.secret, self.port = secret, 0
        self.got = Received()
        self._lock = threading.Lock()
        self._fail_next = 0
        self._server: ThreadingHTTPServer | None = None
        self.start()

    @property
    def url(self) -> str:
        """The address webhooks go to."""
        return f"http://127.0.0.1:{self.port}/hooks"

    def down(self, requests: int) -> None:
        """Answer 503 to the next `requests` requests."""
        with self._lock:
            self._fail_next = requests

    def _answer(self, headers: Message, body: bytes) -> int:
        ok = verify(self.secret, headers.get(HEADER, ""), body, now=int(time.time()))
        with self._lock:
            event = json.loads(body) if ok else {}
            self.got.requests.append({"headers": dict(headers), "body": body, "signed": ok})
            if not ok:
                self.got.bad_signatures += 1
                return 400
            if self._fail_next > 0:
                self._fail_next -= 1
                return 503
            assert headers["Idempotency-Key"] == headers["X-Schemeops-Event-Id"] == event["id"]
            self.got.taken[event["id"]] += 1
            return 204

    def start(self) -> None:
        """Listen (on the same port as before, after a stop)."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(receiver._answer(self.headers, body))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Close the port: connections are refused until `start()`."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
