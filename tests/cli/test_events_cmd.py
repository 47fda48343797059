"""`schemeops events deliver`: one pass from the command line, each due webhook sent once."""

from __future__ import annotations

import subprocess
import sys

from schemeops.service.users import create_user
from schemeops.store.db import make_engine, sessions, sqlite_url
from schemeops.store.event_models import WebhookEndpoint
from schemeops.store.migrate import upgrade
from schemeops.store.outbox import emit
from webhook_receiver import Receiver

SECRET = "whsec_cli_test_0123456789"


def test_events_deliver_sends_each_due_webhook_once(tmp_path):
    url = sqlite_url(tmp_path / "schemeops.db")
    upgrade(url)
    receiver = Receiver(SECRET)
    engine = make_engine(url)
    try:
        with sessions(engine).begin() as s:
            admin = create_user(s, username="admin", password="admin-pw-long", role="admin")
            s.add(WebhookEndpoint(url=receiver.url, secret=SECRET, event_types="period.closed",
                                  created_by=admin.id))
            s.flush()
            keys = [emit(s, "period.closed", subject_type="period", subject_id=i,
                         data={"period": i}).key for i in (1, 2)]
            emit(s, "run.finished", subject_type="run", subject_id=1, data={})  # not subscribed

        def deliver() -> str:
            done = subprocess.run([sys.executable, "-m", "schemeops", "events", "deliver",
                                   "--store", url, "--warehouse", str(tmp_path / "wh.duckdb")],
                                  capture_output=True, text=True, check=False)
            assert done.returncode == 0, done.stderr
            return done.stdout.strip()

        assert deliver() == "delivered 2, to retry 0, given up 0"
        assert deliver() == "delivered 0, to retry 0, given up 0"
        assert sorted(receiver.got.taken) == sorted(keys) and receiver.got.duplicates == 0
        assert receiver.got.bad_signatures == 0
    finally:
        receiver.stop()
        engine.dispose()
