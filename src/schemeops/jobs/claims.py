"""Claiming an occurrence of a job in the store, so that of several schedulers on one store
exactly one runs it: inserting the `job_runs` row is the claim (UNIQUE job_name, due_at), and
a `running` row whose lease has run out (its holder died) may be taken over, once."""

from __future__ import annotations

import datetime as dt
import os
import socket

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from schemeops.store.job_models import JobRun

#: How long a claim holds without being renewed; a running job renews it every third of it.
LEASE = dt.timedelta(minutes=30)


def owner() -> str:
    """This process, as it signs its claims."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def claim(sessions: sessionmaker[Session], *, name: str, kind: str, due_at: dt.datetime,
          trigger: str, now: dt.datetime, lease: dt.timedelta = LEASE) -> int | None:
    """The id of the job run this process now holds for (`name`, `due_at`), or None when
    another holds it or it is finished."""
    me = owner()
    try:
        with sessions.begin() as s:
            run = JobRun(job_name=name, kind=kind, due_at=due_at, trigger=trigger,
                         claimed_by=me, lease_until=now + lease, started_at=now)
            s.add(run)
            s.flush()
            return run.id
    except IntegrityError:
        pass  # someone claimed it first: take it over only if their lease ran out
    with sessions.begin() as s:
        stale = s.scalar(select(JobRun.id).where(
            JobRun.job_name == name, JobRun.due_at == due_at, JobRun.status == "running",
            JobRun.lease_until < now))
        if stale is None:
            return None
        # the WHERE repeats the test, so of two takers only one updates the row
        taken = s.execute(update(JobRun).where(
            JobRun.id == stale, JobRun.status == "running", JobRun.lease_until < now)
            .values(claimed_by=me, lease_until=now + lease, attempts=JobRun.attempts + 1,
                    started_at=now, error=None))
        return stale if taken.rowcount == 1 else None


def renew(s: Session, run_id: int, now: dt.datetime, lease: dt.timedelta = LEASE) -> None:
    """Extend this process's claim on a run it is working on."""
    s.execute(update(JobRun).where(JobRun.id == run_id).values(lease_until=now + lease))


def claimable(s: Session, name: str, due_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether an occurrence is worth trying to claim: it has no record yet, or its holder's
    lease ran out before it finished."""
    row = s.execute(select(JobRun.status, JobRun.lease_until).where(
        JobRun.job_name == name, JobRun.due_at == due_at)).first()
    return row is None or (row.status == "running" and row.lease_until < now)
