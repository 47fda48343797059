"""`schemeops events deliver`: one pass from the command line sends each due webhook once;
two such processes started together on one store (SQLite, PostgreSQL) never send an event
twice."""

from __future__ import annotations

import subprocess
import sys

from schemeops.service.users import create_user
from schemeops.store.db import make_engine, sessions
from schemeops.store.event_models import WebhookEndpoint
from schemeops.store.migrate import upgrade
from schemeops.store.outbox import emit
from webhook_receiver import Receiver

SECRET = "whsec_cli_test_0123456789"


def _deliver(url: str, tmp_path) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    return subprocess.Popen([sys.executable, "-m", "schemeops", "events", "deliver",
                             "--store", url, "--warehouse", str(tmp_path / "wh.duckdb")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finished(p: subprocess.Popen) -> str:  # type: ignore[type-arg]
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    return out.strip()


def test_events_deliver_sends_each_due_webhook_once_even_from_two_processes(db_url, tmp_path):
    upgrade(db_url)
    receiver = Receiver(SECRET)
    engine = make_engine(db_url)
    try:
        with sessions(engine).begin() as s:
            admin = create_user(s, username="admin", password="admin-pw-long", role="admin")
            s.add(WebhookEndpoint(url=receiver.url, secret=SECRET, event_types="period.closed",
                                  created_by=admin.id))
            s.flush()
            keys = [emit(s, "period.closed", subject_type="period", subject_id=i,
                         data={"period": i}).key for i in range(1, 41)]
            emit(s, "run.finished", subject_type="run", subject_id=1, data={})  # not subscribed
        both = [_deliver(db_url, tmp_path) for _ in range(2)]
        done = [_finished(p) for p in both]
        delivered = [int(line.split(",")[0].removeprefix("delivered ")) for line in done]
        assert sum(delivered) == 40, done
        assert all(line.endswith(", to retry 0, given up 0") for line in done)
        assert _finished(_deliver(db_url, tmp_path)) == "delivered 0, to retry 0, given up 0"
        assert sorted(receiver.got.taken) == sorted(keys) and receiver.got.duplicates == 0
        assert len(receiver.got.requests) == 40 and receiver.got.bad_signatures == 0
    finally:
        receiver.stop()
        engine.dispose()
