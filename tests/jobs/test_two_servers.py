"""Two `schemeops serve` processes with the scheduler on, on one PostgreSQL store, and a job
due every minute (a REST source on a local server that counts requests, 3 per run): both
servers start together and race for the occurrence due at start-up, then for the next minutes.
Each occurrence has one record, run once (attempt 1), and the source saw exactly 3 requests
per record: no occurrence ran twice, in either server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from jobs.conftest import crm_pull
from schemeops.store.db import make_engine
from schemeops.store.job_models import JobRun
from schemeops.store.migrate import upgrade

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _records(store: str) -> list:
    engine = make_engine(store)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(JobRun.due_at, JobRun.status, JobRun.attempts,
                                            JobRun.claimed_by).order_by(JobRun.due_at)))
    finally:
        engine.dispose()


def test_two_servers_run_each_due_job_once(tmp_path: Path, pg_cluster, api) -> None:  # type: ignore[no-untyped-def]
    url, requests = api
    name = pg_cluster.create_database()
    store = pg_cluster.url(name)
    upgrade(store)
    warehouse, jobs = crm_pull(tmp_path, url, "* * * * *")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path),
           "SCHEMEOPS_SECRET_KEY": "test"}
    servers = [subprocess.Popen(
        [sys.executable, "-m", "schemeops", "serve", "--port", str(_port()), "--store", store,
         "--warehouse", str(warehouse), "--jobs", str(jobs), "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(2)]
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            done = [r for r in _records(store) if r.status != "running"]
            if len(done) >= 2:
                break
            time.sleep(2)
    finally:
        for p in servers:
            p.send_signal(signal.SIGTERM)
        logs = [p.communicate(timeout=120)[1] for p in servers]
    records = _records(store)
    pg_cluster.drop_database(name)
    assert len(records) >= 2, logs
    assert [(r.status, r.attempts) for r in records] == [("succeeded", 1)] * len(records)
    minutes = [r.due_at for r in records]
    assert len(set(minutes)) == len(minutes)
    assert sorted(requests) == sorted([1, 2, 3] * len(records))
