"""Running one occurrence of a job: claim it in the store, do it, record its outcome."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from sqlalchemy import select

from schemeops.jobs.calendar import month_end, progress
from schemeops.jobs.claims import claim
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


def run_job(app: App, config: JobsConfig, name: str, *, due_at: dt.datetime, trigger: str,
            clock: Clock = utcnow) -> int | None:
    """Claim the occurrence (`name`, `due_at`) and run it; the id of its record, or None
    when another scheduler holds it or it already ran. A failure is recorded, not raised."""
    spec = config.jobs[name]
    run_id = claim(app.sessions, name=name, kind=spec.kind, due_at=due_at, trigger=trigger,
                   now=clock())
    if run_id is None:
        return None
    began = time.monotonic()
    today = due_at.astimezone(config.zone).date()
    try:
        out = _do(app, config, name, run_id, today)
    except Exception as e:  # any failure of a job is shown on its record, not raised
        out = Outcome(errors=[f"{type(e).__name__}: {e}"])
    with app.sessions.begin() as s:
        run = s.get(JobRun, run_id)
        assert run is not None
        run.status = "failed" if out.errors else "succeeded"
        run.error = "\n".join(out.errors)[:4000] or None
        run.rows_read, run.rows_accepted, run.rows_rejected = out.read, out.accepted, out.rejected
        run.rows_present, run.rows_conflicts = out.present, out.conflicts
        run.cursor, run.detail = out.cursor, out.detail
        run.finished_at = clock()
        run.duration_ms = int((time.monotonic() - began) * 1000)
    return run_id
