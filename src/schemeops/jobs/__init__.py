"""Scheduled jobs: sources that pull themselves into the warehouse, the daily progress
simulation and the month-end calendar, claimed in the store so each runs once (docs/jobs.md)."""

from schemeops.jobs.config import JobsConfig, parse_jobs, read_jobs
from schemeops.jobs.runner import run_job
from schemeops.jobs.scheduler import Scheduler, last_due, next_due

__all__ = ["JobsConfig", "Scheduler", "last_due", "next_due", "parse_jobs", "read_jobs",
           "run_job"]
