"""Two scheduler processes on one store, racing through the same due times: each occurrence
runs exactly once. The job is a REST source on a local server that counts its requests, so a
second run of an occurrence would show as requests too (3 pages per run: 2 records, 1, none).

Five times (10:00 … 10:20, schedule `*/5 * * * *`) → 5 occurrences → 5 records, 15 requests;
the outlets' 3 records are loaded once (accepted 3 by one run, present 3 in the other four)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from sqlalchemy import select

from jobs.conftest import crm_pull
from schemeops.store.db import make_engine
from schemeops.store.job_models import JobRun
from schemeops.store.migrate import upgrade

TIMES = [f"2026-10-06T10:{m:02d}:00+00:00" for m in (0, 5, 10, 15, 20)]

CHILD = """
import datetime as dt, json, sys, time
from pathlib import Path
from schemeops.jobs import Scheduler, read_jobs
from schemeops.service.context import App
from schemeops.store.db import make_engine, sessions
config, store, wh = read_jobs(Path(sys.argv[1])), sys.argv[2], Path(sys.argv[3])
start, times = float(sys.argv[4]), json.loads(sys.argv[5])
now = [None]
scheduler = Scheduler(App(sessions(make_engine(store)), wh, wh.parent / "runs"), config,
                      clock=lambda: now[0])
while time.time() < start:
    time.sleep(0.002)
mine = []
for t in times:
    now[0] = dt.datetime.fromisoformat(t)
    mine += [i for f in scheduler.tick() if (i := f.result()) is not None]
scheduler.stop()
print(json.dumps(mine))
"""


def test_two_scheduler_processes_run_each_due_job_once(tmp_path: Path, db_url: str,
                                                       api) -> None:  # type: ignore[no-untyped-def]
    url, requests = api
    upgrade(db_url)
    warehouse, jobs = crm_pull(tmp_path, url, "*/5 * * * *")

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    start = time.time() + 3  # both processes up and connected before the race begins
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(jobs), db_url,
                               str(warehouse), str(start), json.dumps(TIMES)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for _ in range(2)]
    ran = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        ran.append(json.loads(out))

    engine = make_engine(db_url)
    with engine.connect() as conn:
        records = conn.execute(select(JobRun.id, JobRun.due_at, JobRun.status,
                                      JobRun.rows_read, JobRun.rows_accepted,
                                      JobRun.rows_present, JobRun.attempts)
                               .order_by(JobRun.due_at)).all()
    engine.dispose()
    assert sorted(ran[0] + ran[1]) == sorted(r.id for r in records)  # each run by one of them
    assert [(f"{r.due_at:%H:%M}", r.status, r.rows_read, r.attempts) for r in records] == [
        (f"10:{m:02d}", "succeeded", 3, 1) for m in (0, 5, 10, 15, 20)]
    # whichever load committed first accepted the 3 outlets (the processes race, so it need
    # not be 10:00's); every other run found them already present
    assert sorted((r.rows_accepted, r.rows_present) for r in records) == \
        [(0, 3)] * 4 + [(3, 0)]
    assert sorted(requests) == [1] * 5 + [2] * 5 + [3] * 5
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM outlets").fetchone() == (3,)
    finally:
        con.close()
