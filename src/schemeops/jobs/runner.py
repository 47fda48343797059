"""Running one occurrence of a job: claim it in the store, do it, record its outcome."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

from sqlalchemy import select

from schemeops.jobs.calendar import month_end, progress
from schemeops.jobs.claims import LEASE, claim, renew
from schemeops.jobs.config import FolderJob, JobsConfig, MonthEndJob, RestJob, SqlJob
from schemeops.jobs.folder import pull_folder
from schemeops.jobs.outcome import Outcome
from schemeops.jobs.rest import pull_rest
from schemeops.jobs.sql import pull_sql
from schemeops.service.context import App
from schemeops.store.job_models import JobRun
from schemeops.store.types import utcnow

Clock = Callable[[], dt.datetime]


def last_cursor(app: App, name: str) -> str | None:
    """The newest cursor a pull of `name` recorded (None before the first)."""
    with app.sessions.begin() as s:
        return s.scalar(select(JobRun.cursor).where(JobRun.job_name == name,
                                                    JobRun.cursor.is_not(None))
                        .order_by(JobRun.finished_at.desc()).limit(1))


def _do(app: App, config: JobsConfig, name: str, run_id: int, today: dt.date) -> Outcome:
    spec = config.jobs[name]
    if isinstance(spec, FolderJob):
        return pull_folder(app.sessions, spec, name=name, run_id=run_id,
                           warehouse=app.warehouse)
    if isinstance(spec, SqlJob):
        return pull_sql(spec, cursor=last_cursor(app, name), warehouse=app.warehouse)
    if isinstance(spec, RestJob):
        return pull_rest(spec, warehouse=app.warehouse)
    if isinstance(spec, MonthEndJob):
        return month_end(app, spec, config, name=name, today=today)
    return progress(app, config, name=name, today=today)


def _keep_claim(app: App, run_id: int, done: threading.Event, clock: Clock,
                lease: dt.timedelta) -> None:
    """Renew the claim every third of the lease until the job is done, so a long job is not
    taken over while its process lives."""
    while not done.wait(lease.total_seconds() / 3):
        with app.sessions.begin() as s:
            renew(s, run_id, clock(), lease)


def run_job(app: App, config: JobsConfig, name: str, *, due_at: dt.datetime, trigger: str,
            clock: Clock = utcnow, lease: dt.timedelta = LEASE) -> int | None:
    """Claim the occurrence (`name`, `due_at`) and run it; the id of its record, or None
    when another scheduler holds it or it already ran. A failure is recorded, not raised."""
    spec = config.jobs[name]
    run_id = claim(app.sessions, name=name, kind=spec.kind, due_at=due_at, trigger=trigger,
                   now=clock(), lease=lease)
    if run_id is None:
        return None
    began = time.monotonic()
    today = due_at.astimezone(config.zone).date()
    done = threading.Event()
    keeper = threading.Thread(target=_keep_claim, args=(app, run_id, done, clock, lease),
                              name=f"schemeops-claim-{run_id}", daemon=True)
    keeper.start()
    try:
        out = _do(app, config, name, run_id, today)
    except Exception as e:  # any failure of a job is shown on its record, not raised
        out = Outcome(errors=[f"{type(e).__name__}: {e}"])
    finally:
        done.set()
        keeper.join()
    with app.sessions.begin() as s:
        run = s.get(JobRun, run_id)
        assert run is not None
        run.status = "failed" if out.errors else "succeeded"
        run.error = "\n".join(out.errors)[:4000] or None
        run.rows_read, run.rows_accepted, run.rows_rejected = out.read, out.accepted, out.rejected
        run.rows_present, run.rows_conflicts = out.present, out.conflicts
        run.cursor = out.cursor
        run.detail = {**out.detail, **({"quarantine": out.quarantined} if out.quarantined
                                       else {})}
        run.finished_at = clock()
        run.duration_ms = int((time.monotonic() - began) * 1000)
    return run_id
