"""`schemeops jobs …`: the jobs file's jobs, run one now, and their records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from schemeops.cli.store_opts import DEFAULT, StoreOpt, WarehouseOpt, open_app
from schemeops.jobs import read_jobs, run_job
from schemeops.service.jobs import history, job_lines
from schemeops.store.job_models import JobRun
from schemeops.store.types import utcnow

jobs_app = typer.Typer(help="Scheduled jobs: pulls, progress, month-end (docs/jobs.md).",
                       no_args_is_help=True)
JobsOpt = Annotated[Path, typer.Option("--jobs", "-j", help="The jobs file (TOML).")]
DEFAULT_JOBS = Path("jobs.toml")


def _line(r: JobRun) -> str:
    took = f"{r.duration_ms / 1000:.1f} s" if r.duration_ms is not None else "-"
    head = (f"#{r.id} {r.job_name} due {r.due_at:%Y-%m-%d %H:%M} UTC ({r.trigger}"
            f"{f', attempt {r.attempts}' if r.attempts > 1 else ''}): {r.status}, {took}; "
            f"read {r.rows_read:,}, accepted {r.rows_accepted:,}, rejected "
            f"{r.rows_rejected:,}, already present {r.rows_present:,}, conflicts "
            f"{r.rows_conflicts:,}")
    if r.cursor:
        head += f"; cursor {r.cursor}"
    return head + (f"\n    {r.error}" if r.error else "")


@jobs_app.command("list")
def list_command(jobs: JobsOpt = DEFAULT_JOBS, store: StoreOpt = None,
                 warehouse: WarehouseOpt = DEFAULT) -> None:
    """Each job: kind, schedule, next due time, last outcome."""
    config = read_jobs(jobs)
    app = open_app(store, warehouse)
    with app.sessions() as s:
        lines = job_lines(s, None, config, utcnow())
    for j in lines:
        last = f"last: {j.last.status} (due {j.last.due_at:%Y-%m-%d %H:%M})" if j.last \
            else "never run"
        typer.echo(f"{j.name}  {j.kind}  `{j.schedule}` ({config.timezone})  next "
                   f"{j.next_due:%Y-%m-%d %H:%M} UTC  {last}")


@jobs_app.command("run")
def run_command(name: str, jobs: JobsOpt = DEFAULT_JOBS, store: StoreOpt = None,
                warehouse: WarehouseOpt = DEFAULT) -> None:
    """Run one job now (outside its schedule) and print its record; exit 1 if it failed."""
    config = read_jobs(jobs)
    if name not in config.jobs:
        raise typer.BadParameter(f"no job {name!r} in {jobs}: {', '.join(config.jobs)}",
                                 param_hint="NAME")
    app = open_app(store, warehouse)
    run_id = run_job(app, config, name, due_at=utcnow().replace(microsecond=0),
                     trigger="manual")
    if run_id is None:
        typer.echo(f"{name} was started this second by another process", err=True)
        raise typer.Exit(1)
    with app.sessions() as s:
        record = s.get(JobRun, run_id)
        assert record is not None
        typer.echo(_line(record))
    if record.status != "succeeded":
        raise typer.Exit(1)


@jobs_app.command("history")
def history_command(name: Annotated[str | None, typer.Argument(
                        help="One job's records only.")] = None,
                    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
                    store: StoreOpt = None, warehouse: WarehouseOpt = DEFAULT) -> None:
    """The newest job records first."""
    app = open_app(store, warehouse)
    with app.sessions() as s:
        for r in history(s, None, name=name, limit=limit):
            typer.echo(_line(r))
