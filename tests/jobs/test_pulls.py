"""Pulls' edges: a folder file with a bad row loads nothing and is tried again (then loaded once
fixed); a compressed file is named, not skipped in silence; a file still being written waits; a
REST endpoint that fails leaves a failed record with the reason; an empty SQL result moves
nothing."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from schemeops.jobs import parse_jobs, run_job
from schemeops.service.context import App
from schemeops.store.db import make_engine, sessions, sqlite_url
from schemeops.store.job_models import JobRun
from schemeops.store.migrate import upgrade

HEADER = "participant_id,name,role\n"


@pytest.fixture
def app(tmp_path: Path) -> App:
    url = sqlite_url(tmp_path / "store.db")
    upgrade(url)
    return App(sessions(make_engine(url)), tmp_path / "wh.duckdb", tmp_path / "runs")


def _run(app: App, text: str, name: str, minute: int) -> JobRun:
    due = dt.datetime(2026, 10, 6, 10, minute, tzinfo=dt.UTC)
    run_id = run_job(app, parse_jobs(textwrap.dedent(text)), name, due_at=due,
                     trigger="schedule", clock=lambda: due)
    with app.sessions() as s:
        return s.scalars(select(JobRun).where(JobRun.id == run_id)).one()


def test_a_bad_file_loads_nothing_and_is_tried_again_until_fixed(app: App, tmp_path: Path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "participants.csv").write_text(HEADER + "D1,One,distributor\nD2,Two,wizard\n",
                                           encoding="utf-8")
    (drop / "sales.csv.gz").write_bytes(b"\x1f\x8b")
    jobs = f'[jobs.dms]\nkind = "folder"\nschedule = "* * * * *"\npath = "{drop}"\n' \
           'settle_seconds = 0\n'
    first = _run(app, jobs, "dms", 0)
    # 2 read, 1 rejected (role `wizard`), and the atomic load wrote nothing: 0 accepted
    assert (first.status, first.rows_read, first.rows_accepted, first.rows_rejected) == \
        ("failed", 2, 1, 1)
    assert "participants.csv: 1 problems, nothing loaded (first: row 3 not_allowed" in \
        first.error
    assert "sales.csv.gz: a compressed file (.gz) cannot be read" in first.error
    (drop / "sales.csv.gz").unlink()
    (drop / "participants.csv").write_text(HEADER + "D1,One,distributor\nD2,Two,dealer\n",
                                           encoding="utf-8")
    second = _run(app, jobs, "dms", 1)
    assert (second.status, second.rows_read, second.rows_accepted) == ("succeeded", 2, 2)
    third = _run(app, jobs, "dms", 2)
    assert (third.rows_read, third.detail) == (0, {"files": {
        "already loaded": ["participants.csv"]}})


def test_a_file_still_being_written_waits(app: App, tmp_path: Path):
    drop = tmp_path / "drop"
    drop.mkdir()
    path = drop / "participants.csv"
    path.write_text(HEADER + "D1,One,distributor\n", encoding="utf-8")
    jobs = f'[jobs.dms]\nkind = "folder"\nschedule = "* * * * *"\npath = "{drop}"\n' \
           'settle_seconds = 3600\n'
    assert _run(app, jobs, "dms", 0).detail == {"files": {"waiting": ["participants.csv"]}}
    old = time.time() - 7200
    os.utime(path, (old, old))
    assert _run(app, jobs, "dms", 1).rows_accepted == 1


def test_a_failing_endpoint_is_a_failed_record_with_the_reason(app: App):
    # nothing listens on port 9 (discard) of 127.0.0.1 here
    jobs = '[jobs.crm]\nkind = "rest"\nschedule = "* * * * *"\n' \
           'url = "http://127.0.0.1:9/outlets"\ntable = "outlets"\ntimeout_seconds = 2\n'
    record = _run(app, jobs, "crm", 0)
    assert record.status == "failed"
    assert record.error.startswith("reading http://127.0.0.1:9/outlets: ")
    assert record.rows_read == 0


def test_an_empty_sql_result_keeps_the_cursor(app: App, tmp_path: Path):
    import sqlite3

    src = tmp_path / "erp.db"
    with sqlite3.connect(src) as con:
        con.execute("CREATE TABLE t (invoice_id text, invoice_date text)")
    con.close()
    jobs = f'''
        [jobs.erp]
        kind = "sql"
        schedule = "* * * * *"
        url = "sqlite:///{src}"
        table = "primary_sales"
        query = "SELECT * FROM t"
        cursor = "invoice_date"
        '''
    record = _run(app, jobs, "erp", 0)
    assert (record.status, record.rows_read, record.cursor) == ("succeeded", 0, None)
    assert record.detail == {"since": None, "rows": 0}


def test_a_live_long_job_keeps_its_claim(app: App, tmp_path: Path):
    """A lease of 0.6 s and a source that takes 1.5 s to answer: the job renews its claim
    while it works, so another scheduler cannot take it over; it ends as attempt 1."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from schemeops.jobs.claims import claim
    from schemeops.store.types import utcnow

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(1.5)
            body = b'{"items": []}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = parse_jobs(f'[jobs.crm]\nkind = "rest"\nschedule = "* * * * *"\n'
                        f'url = "http://127.0.0.1:{server.server_address[1]}/"\n'
                        'table = "outlets"\n')
    due = dt.datetime(2026, 10, 6, 10, 0, tzinfo=dt.UTC)
    lease = dt.timedelta(seconds=0.6)
    result: list[int | None] = []
    job = threading.Thread(target=lambda: result.append(run_job(
        app, config, "crm", due_at=due, trigger="schedule", lease=lease)))
    job.start()
    time.sleep(1.0)  # past the first lease: only renewals keep the claim
    taken = claim(app.sessions, name="crm", kind="rest", due_at=due, trigger="schedule",
                  now=utcnow(), lease=lease)
    job.join()
    server.shutdown()
    server.server_close()
    assert taken is None
    with app.sessions() as s:
        record = s.get(JobRun, result[0])
        assert (record.status, record.attempts) == ("succeeded", 1)


def test_a_cursor_of_the_source_only_reads_late_updates_again(app: App, tmp_path: Path):
    """participants by `updated_at` (not a contract column: read, compared, not loaded), lag 1
    day: the first pull loads D1 and D2 (cursor 2026-10-05 12:00:00); D3 updated at 10-05
    08:00 arrives late: the next pull reads from 10-04 12:00: D2 (present) and D3 (new)."""
    import sqlite3

    src = tmp_path / "crm.db"
    with sqlite3.connect(src) as con:
        con.execute("CREATE TABLE p (id text, nm text, rl text, updated_at text)")
        con.executemany("INSERT INTO p VALUES (?, ?, ?, ?)", [
            ("D1", "One", "distributor", "2026-10-01 09:00:00"),
            ("D2", "Two", "distributor", "2026-10-05 12:00:00")])
    con.close()
    jobs = f'''
        [jobs.crm]
        kind = "sql"
        schedule = "* * * * *"
        url = "sqlite:///{src}"
        table = "participants"
        query = "SELECT id AS participant_id, nm AS name, rl AS role, updated_at FROM p"
        cursor = "updated_at"
        lag_days = 1
        '''
    first = _run(app, jobs, "crm", 0)
    assert (first.status, first.rows_read, first.rows_accepted, first.cursor) == \
        ("succeeded", 2, 2, "2026-10-05 12:00:00")
    with sqlite3.connect(src) as con:
        con.execute("INSERT INTO p VALUES ('D3', 'Three', 'dealer', '2026-10-05 08:00:00')")
    con.close()
    second = _run(app, jobs, "crm", 1)
    assert (second.status, second.rows_read, second.rows_accepted, second.rows_present) == \
        ("succeeded", 2, 1, 1)
    assert second.detail["since"] == "2026-10-04T12:00:00"
