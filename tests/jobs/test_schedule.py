"""A real PostgreSQL source and a watched folder on a schedule, with a late row and duplicates,
across a server restart and a scheduler killed while holding a claim: the warehouse reconciles
with the sources and every job's record is right.

The timeline (UTC, schedules `*/15 * * * *` for the folder and `0 * * * *` for the SQL
source, lag 3 days), worked out by hand:

10:00  dms: participants 2 + outlets 2 + products 2 + sales 3 = 9 read, 9 accepted.
       erp: no cursor yet, all 4 rows (P1/1, P1/2 on 10-01, P2/1 10-03, P3/1 10-05) read and
       accepted; cursor 2026-10-05.
       Then the sources change: a late row P4/1 dated 10-04 (before the cursor) and a new one
       P5/1 dated 10-06 in PostgreSQL; in the folder a copy of the first sales file under
       another name, and a new file of 2 lines, one of them a line already loaded.
--     the server restarts: a new app on the same store.
10:00  again: nothing is due (already run).
10:15  dms: the copy is a duplicate (not loaded); the new file: 2 read, 1 accepted, 1 present.
11:00  dms: nothing new, 0 read. erp: from 10-05 − 3 days = 10-02: P2/1, P3/1, P4/1, P5/1
       read (4), P4/1 and P5/1 accepted (2), 2 present; cursor 2026-10-06.
12:00  a scheduler process claims erp@12:00 and is killed (kill -9) before it reads;
       then P6/1 dated 10-06 arrives.
12:10  dms@12:00 runs (0 read); erp@12:00 is held by the dead claim (lease to 12:30): skipped.
12:31  dms@12:30 runs (0 read); erp@12:00 is taken over (attempt 2): from 10-03: P2/1, P3/1,
       P4/1, P5/1, P6/1 read (5), P6/1 accepted (1), 4 present.
End: the warehouse holds the 7 rows of erp_primary and the 4 distinct sales lines of the
folder, each once.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import create_engine, select, text

from schemeops.jobs import Scheduler, parse_jobs
from schemeops.service.context import App
from schemeops.store.db import make_engine, sessions, sqlite_url
from schemeops.store.job_models import JobFile, JobRun
from schemeops.store.migrate import upgrade

pytestmark = pytest.mark.postgres
UTC = dt.UTC
PRIMARY_COLUMNS = ("invoice_id", "line_no", "invoice_date", "due_date", "distributor_id",
                   "sku", "quantity", "net_amount")


def _write(folder: Path, name: str, text_: str) -> None:
    (folder / name).write_text(textwrap.dedent(text_).lstrip(), encoding="utf-8")


def _masters(folder: Path) -> None:
    _write(folder, "participants.csv", """
        participant_id,name,role,parent_id,region
        D1,First Distributor,distributor,,North
        D2,Second Distributor,distributor,,South
        """)
    _write(folder, "outlets.csv", """
        outlet_id,name,distributor_id,created_on
        O1,Shop One,D1,2026-01-01
        O2,Shop Two,D2,2026-01-01
        """)
    _write(folder, "products.csv", """
        sku,name,category,unit_price
        S1,Soap,home,10.00
        S2,Salt,food,20.00
        """)
    _write(folder, "sales.2026-10-01.csv", """
        invoice_id,line_no,invoice_date,distributor_id,outlet_id,sku,quantity,net_amount,doc_type
        INV1,1,2026-10-01,D1,O1,S1,2,20.00,invoice
        INV1,2,2026-10-01,D1,O1,S2,1,20.00,invoice
        INV2,1,2026-10-02,D2,O2,S1,5,50.00,invoice
        """)


def _primary(pg, rows: list[tuple]) -> None:
    with pg.begin() as conn:
        conn.execute(text(
            "INSERT INTO erp_primary VALUES (:i, :l, :d, :due, :dist, :sku, :q, :amt)"),
            [dict(zip(("i", "l", "d", "due", "dist", "sku", "q", "amt"), r, strict=True))
             for r in rows])


def _row(i: str, day: int, dist: str = "D1", amount: str = "100.00") -> tuple:
    return (i, 1, dt.date(2026, 10, day), dt.date(2026, 11, day), dist, "S1", 10, amount)


@pytest.fixture
def source(pg_cluster):  # type: ignore[no-untyped-def]
    """The ERP: a PostgreSQL database with a billing table under its own column names."""
    name = pg_cluster.create_database()
    url = pg_cluster.url(name)
    pg = create_engine(url)
    with pg.begin() as conn:
        conn.execute(text(
            "CREATE TABLE erp_primary (doc text, line int, doc_date date, due date, "
            "customer text, material text, qty numeric(12,3), amount numeric(14,2))"))
    _primary(pg, [("P1", 1, dt.date(2026, 10, 1), dt.date(2026, 10, 31), "D1", "S1", 4,
                   "40.00"),
                  ("P1", 2, dt.date(2026, 10, 1), dt.date(2026, 10, 31), "D1", "S2", 1,
                   "20.00"),
                  _row("P2", 3, "D2"), _row("P3", 5)])
    yield pg, url
    pg.dispose()
    pg_cluster.drop_database(name)


def _config(folder: Path, url: str):  # type: ignore[no-untyped-def]
    return parse_jobs(textwrap.dedent(f"""
        [jobs.dms]
        kind = "folder"
        schedule = "*/15 * * * *"
        path = "{folder}"
        settle_seconds = 0

        [jobs.erp]
        kind = "sql"
        schedule = "0 * * * *"
        url = "{url}"
        table = "primary_sales"
        cursor = "invoice_date"
        lag_days = 3
        query = '''
          SELECT doc AS invoice_id, line AS line_no, doc_date AS invoice_date,
                 due AS due_date, customer AS distributor_id, material AS sku,
                 qty AS quantity, amount AS net_amount
          FROM erp_primary'''
        """))


class _Server:
    """One server's scheduler: its own engine on the store, a clock the test moves."""

    def __init__(self, store: str, warehouse: Path, config) -> None:  # type: ignore[no-untyped-def]
        self.engine = make_engine(store)
        self.app = App(sessions(self.engine), warehouse, warehouse.parent / "runs")
        self.now = dt.datetime(2026, 10, 6, 10, 0, tzinfo=UTC)
        self.scheduler = Scheduler(self.app, config, clock=lambda: self.now)

    def at(self, hour: int, minute: int, second: int = 0) -> list[int]:
        """Tick at that time of 6 October; the ids of the job runs it ran."""
        self.now = dt.datetime(2026, 10, 6, hour, minute, second, tzinfo=UTC)
        return [i for f in self.scheduler.tick() if (i := f.result()) is not None]

    def stop(self) -> None:
        self.scheduler.stop()
        self.engine.dispose()


def _records(store: str) -> list[tuple]:
    engine = make_engine(store)
    with engine.connect() as conn:
        rows = conn.execute(select(
            JobRun.job_name, JobRun.due_at, JobRun.status, JobRun.attempts, JobRun.rows_read,
            JobRun.rows_accepted, JobRun.rows_rejected, JobRun.rows_present, JobRun.cursor)
            .order_by(JobRun.due_at, JobRun.job_name)).all()
    engine.dispose()
    return [(r[0], f"{r[1]:%H:%M}", *r[2:]) for r in rows]


def _claim_and_die(store: str, due: dt.datetime) -> None:
    """A scheduler process that claims erp@`due` and is killed with SIGKILL."""
    script = textwrap.dedent(f"""
        import datetime as dt, sys, time
        from schemeops.jobs.claims import claim
        from schemeops.store.db import make_engine, sessions
        due = dt.datetime.fromisoformat({due.isoformat()!r})
        got = claim(sessions(make_engine({store!r})), name="erp", kind="sql", due_at=due,
                    trigger="schedule", now=due)
        print(got, flush=True)
        time.sleep(600)
        """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            env=env)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip().isdigit()  # it holds the claim
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


def test_sources_on_a_schedule_reconcile_across_a_restart_and_a_killed_scheduler(
        tmp_path, source):  # type: ignore[no-untyped-def]
    pg, url = source
    folder = tmp_path / "drop"
    folder.mkdir()
    _masters(folder)
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    store = sqlite_url(tmp_path / "store.db")
    upgrade(store)
    config = _config(folder, url)

    first = _Server(store, warehouse, config)
    assert len(first.at(10, 0)) == 2
    # the sources change while the server restarts
    _primary(pg, [_row("P4", 4), _row("P5", 6, "D2")])
    shutil.copy(folder / "sales.2026-10-01.csv", folder / "sales.2026-10-01 copy.csv")
    _write(folder, "sales.2026-10-02.csv", """
        invoice_id,line_no,invoice_date,distributor_id,outlet_id,sku,quantity,net_amount,doc_type
        INV2,1,2026-10-02,D2,O2,S1,5,50.00,invoice
        INV3,1,2026-10-02,D2,O2,S2,3,60.00,invoice
        """)
    first.stop()

    second = _Server(store, warehouse, config)
    assert second.at(10, 0, 30) == []  # already run before the restart
    assert len(second.at(10, 15)) == 1
    assert len(second.at(11, 0)) == 2
    second.stop()

    _claim_and_die(store, dt.datetime(2026, 10, 6, 12, 0, tzinfo=UTC))
    _primary(pg, [_row("P6", 6)])
    third = _Server(store, warehouse, config)
    assert len(third.at(12, 10)) == 1  # dms only: erp@12:00 is still leased to the dead one
    assert len(third.at(12, 31)) == 2  # dms@12:30, and erp@12:00 taken over
    third.stop()

    # (job, due, status, attempts, read, accepted, rejected, present, cursor)
    assert _records(store) == [
        ("dms", "10:00", "succeeded", 1, 9, 9, 0, 0, None),
        ("erp", "10:00", "succeeded", 1, 4, 4, 0, 0, "2026-10-05"),
        ("dms", "10:15", "succeeded", 1, 2, 1, 0, 1, None),
        ("dms", "11:00", "succeeded", 1, 0, 0, 0, 0, None),
        ("erp", "11:00", "succeeded", 1, 4, 2, 0, 2, "2026-10-06"),
        ("dms", "12:00", "succeeded", 1, 0, 0, 0, 0, None),
        ("erp", "12:00", "succeeded", 2, 5, 1, 0, 4, "2026-10-06"),
        ("dms", "12:30", "succeeded", 1, 0, 0, 0, 0, None),
    ]
    engine = make_engine(store)
    with engine.connect() as conn:
        files = conn.execute(select(JobFile.name, JobFile.outcome).order_by(JobFile.id)).all()
    engine.dispose()
    assert [tuple(f) for f in files] == [
        ("participants.csv", "loaded"), ("outlets.csv", "loaded"), ("products.csv", "loaded"),
        ("sales.2026-10-01.csv", "loaded"), ("sales.2026-10-01 copy.csv", "duplicate"),
        ("sales.2026-10-02.csv", "loaded")]

    # the warehouse reconciles with the sources: every source row once, with its values
    with pg.connect() as conn:
        erp = sorted(tuple(str(v) for v in r) for r in conn.execute(text(
            "SELECT doc, line, doc_date, due, customer, material, qty::numeric(12,3), "
            "amount FROM erp_primary")))
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        wh = sorted(tuple(str(v) for v in r) for r in con.execute(
            f"SELECT {', '.join(PRIMARY_COLUMNS)} FROM primary_sales").fetchall())
        sales = con.execute("SELECT invoice_id, line_no, net_amount FROM sales "
                            "ORDER BY invoice_id, line_no").fetchall()
    finally:
        con.close()
    assert len(erp) == 7  # 4 at first, the late P4/1 and P5/1, then P6/1
    assert wh == erp
    assert [(i, n, str(a)) for i, n, a in sales] == [
        ("INV1", 1, "20.00"), ("INV1", 2, "20.00"), ("INV2", 1, "50.00"), ("INV3", 1, "60.00")]
