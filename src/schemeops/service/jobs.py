"""Scheduled jobs as the pages and the CLI show them: each job with its next due time and
last outcome, and the history of records (docs/jobs.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemeops.jobs.config import JobsConfig
from schemeops.jobs.scheduler import next_due
from schemeops.service.context import Actor
from schemeops.service.policy import require
from schemeops.store.job_models import JobRun

#: Records the history shows at most.
HISTORY = 200


@dataclass(frozen=True)
class JobLine:
    """One job of the jobs file: what it is, when it next runs, how it last went."""

    name: str
    kind: str
    schedule: str
    next_due: dt.datetime
    last: JobRun | None


def _newest(s: Session, names: list[str]) -> dict[str, JobRun]:
    newest = (select(JobRun.job_name, func.max(JobRun.id).label("id"))
              .where(JobRun.job_name.in_(names)).group_by(JobRun.job_name).subquery())
    rows = s.scalars(select(JobRun).join(newest, JobRun.id == newest.c.id))
    return {r.job_name: r for r in rows}


def job_lines(s: Session, actor: Actor | None, config: JobsConfig,
              now: dt.datetime) -> list[JobLine]:
    """Every job by name; `actor` None is the operator at the command line."""
    if actor is not None:
        require(actor, "jobs.read")
    last = _newest(s, list(config.jobs))
    return [JobLine(name, spec.kind, spec.schedule, next_due(spec.schedule, now, config.zone),
                    last.get(name)) for name, spec in sorted(config.jobs.items())]


def history(s: Session, actor: Actor | None, *, name: str | None = None,
            limit: int = HISTORY) -> list[JobRun]:
    """The newest job records first, of one job or all."""
    if actor is not None:
        require(actor, "jobs.read")
    q = select(JobRun).order_by(JobRun.id.desc()).limit(limit)
    if name:
        q = q.where(JobRun.job_name == name)
    return list(s.scalars(q))
