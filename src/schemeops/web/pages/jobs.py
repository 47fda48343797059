"""The jobs page: every scheduled job with its next due time and last outcome, the history of
records, and "run now"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from schemeops.jobs import Scheduler
from schemeops.jobs.config import NAME, JobsConfig
from schemeops.service import jobs
from schemeops.service.errors import NotFound
from schemeops.store.audit import record
from schemeops.store.types import utcnow
from schemeops.web.actors import JobReader, JobRunner
from schemeops.web.outcomes import done
from schemeops.web.render import page
from schemeops.web.security import SessionDep

router = APIRouter()
JobName = Annotated[str, Path(pattern=NAME)]


def _scheduler(request: Request) -> Scheduler | None:
    return request.app.state.scheduler


@router.get("/jobs")
def job_list(request: Request, s: SessionDep, actor: JobReader,
             job: Annotated[str, Query(max_length=80)] = "") -> Response:
    """The jobs, their next due time and last outcome, and the newest records."""
    scheduler = _scheduler(request)
    config = scheduler.config if scheduler is not None else JobsConfig()
    return page(request, "jobs.html", configured=scheduler is not None,
                running=scheduler is not None and scheduler.running,
                zone=config.timezone, lines=jobs.job_lines(s, actor, config, utcnow()),
                history=jobs.history(s, actor, name=job or None), job=job)


@router.post("/jobs/{name}/run")
def run_now(request: Request, s: SessionDep, actor: JobRunner, name: JobName) -> Response:
    """Run a job now, on the scheduler's thread; the page tells that it started."""
    scheduler = _scheduler(request)
    if scheduler is None:
        raise NotFound("no jobs file: start the server with --jobs FILE")
    scheduler.run_now(name)
    record(s, actor=actor.username, action="job.run_now", subject_type="job", subject_id=name)
    return RedirectResponse(done("/jobs", "job_started"), status_code=303)
