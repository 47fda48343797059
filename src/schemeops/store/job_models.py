"""Scheduled jobs' records (docs/jobs.md): one row per claimed occurrence of a job, and the
files a watched folder has loaded."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from schemeops.store.models import Base, _choice
from schemeops.store.types import UtcDateTime, utcnow

JOB_STATES = ("running", "succeeded", "failed")
JOB_TRIGGERS = ("schedule", "manual")


class JobRun(Base):
    """One occurrence of a job. The row is the claim: UNIQUE (job_name, due_at) lets one
    scheduler win an occurrence; a `running` row past `lease_until` may be taken over."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job_name", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    trigger: Mapped[str] = mapped_column(_choice("job_trigger", JOB_TRIGGERS))
    status: Mapped[str] = mapped_column(_choice("job_status", JOB_STATES), default="running")
    #: host:pid of the scheduler that holds the claim, and how many claims it took
    claimed_by: Mapped[str] = mapped_column(String(120))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    lease_until: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    rows_present: Mapped[int] = mapped_column(Integer, default=0)
    rows_conflicts: Mapped[int] = mapped_column(Integer, default=0)
    #: a pull's high-water mark (SQL sources), as ISO text
    cursor: Mapped[str | None] = mapped_column(String(40))
    #: what the job did, in words and numbers (files, tables, runs)
    detail: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)


class JobFile(Base):
    """A file a folder source has loaded: by name, size and content hash, once."""

    __tablename__ = "job_files"
    __table_args__ = (UniqueConstraint("job_name", "name", "size", "sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    job_run_id: Mapped[int] = mapped_column(ForeignKey("job_runs.id"))
    #: `loaded`, or `duplicate` (the same bytes as a file loaded before)
    outcome: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
