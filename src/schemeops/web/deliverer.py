"""The delivery loop of a server process: one thread sending the due webhooks every few
seconds (docs/webhooks.md). Several processes may each run one: a delivery is claimed by
one of them."""

from __future__ import annotations

import logging
import random
import threading

from schemeops.service.context import App
from schemeops.service.delivery import DeliveryPolicy, deliver_due, http_client

log = logging.getLogger(__name__)


class Deliverer:
    """Runs delivery passes on a background thread every `interval` seconds until shut down."""

    def __init__(self, app: App, *, interval: float = 5.0,
                 policy: DeliveryPolicy | None = None) -> None:
        self.app, self.interval, self.policy = app, interval, policy or DeliveryPolicy()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="schemeops-webhooks",
                                            daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        rnd = random.Random()
        with http_client(self.policy) as client:
            while not self._stop.is_set():
                try:
                    deliver_due(self.app, client=client, policy=self.policy, rnd=rnd)
                except Exception:  # a store hiccup must not end the loop; the next pass retries
                    log.exception("webhook delivery pass failed")
                self._stop.wait(self.interval)

    def shutdown(self) -> None:
        """Stop after the current attempt (at most the POST timeout)."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=self.policy.timeout + 5)
            self._thread = None
