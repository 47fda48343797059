"""The calculation jobs: a daily simulation of every live program as of today ("progress so
far", never paid) and the month-end calendar, both through the runs the web app queues."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from schemeops.jobs.config import JobsConfig, MonthEndJob
from schemeops.jobs.outcome import Outcome
from schemeops.service import periods, runs
from schemeops.service.context import Actor, App
from schemeops.service.errors import Conflict, Forbidden
from schemeops.service.programs import live_versions
from schemeops.store.audit import record
from schemeops.store.models import Period, Run, User


def _actor(app: App, config: JobsConfig) -> Actor:
    """The user the calculation jobs act as (`run_as` in the jobs file)."""
    if not config.run_as:
        raise Conflict("set `run_as` in the jobs file: the user calculations are started as")
    with app.sessions.begin() as s:
        user = s.scalar(select(User).where(User.username == config.run_as,
                                           User.active.is_(True)))
        if user is None:
            raise Conflict(f"run_as: no active user {config.run_as!r}")
        return Actor.of(user)


def _calculate(app: App, actor: Actor, *, kind: str, as_of: dt.date, reason: str) -> Run | None:
    """Queue and execute one run of every live version; None when nothing is live."""
    with app.sessions.begin() as s:
        ids = [v.id for v in live_versions(s)]
        if not ids:
            return None
        run_id = runs.start(s, actor, ids, kind=kind, as_of=as_of, reason=reason).id
    runs.execute(app, run_id)
    with app.sessions.begin() as s:
        return runs.get_run(s, run_id)


def _ran(out: Outcome, run: Run | None) -> None:
    if run is None:
        out.detail["runs"] = "no live program"
        return
    out.detail["runs"] = [run.id]
    out.read = run.participants or 0
    if run.status != "succeeded":
        out.errors.append(f"run {run.id} failed: {run.error}")


def progress(app: App, config: JobsConfig, *, name: str, today: dt.date) -> Outcome:
    """Simulate every live version as of `today`: each participant's progress so far."""
    out = Outcome()
    run = _calculate(app, _actor(app, config), kind="simulation", as_of=today,
                     reason=f"progress so far, as of {today} (job {name})")
    _ran(out, run)
    return out


def _last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def month_end(app: App, spec: MonthEndJob, config: JobsConfig, *, name: str,
              today: dt.date) -> Outcome:
    """Last month's close, by the day of the month: from the cut-off day, a calculation (once);
    each day its payouts await approval, a reminder (an audit entry); from the close day, close
    every open period of last month that an approved calculation pays. Each step looks at the
    store, so a day missed while the server was down is caught up on the next run."""
    out = Outcome()
    start, end = _last_month(today)
    month = f"{start:%Y-%m}"
    reason = f"month-end {month} (job {name})"
    out.detail["month"] = month
    if today.day < spec.cutoff_day:
        out.detail["step"] = f"before the cut-off day ({spec.cutoff_day})"
        return out
    actor = _actor(app, config)
    with app.sessions.begin() as s:
        calc = s.scalar(select(Run).where(Run.kind == "calculation", Run.reason == reason)
                        .order_by(Run.id.desc()).limit(1))
    if calc is None:
        calc = _calculate(app, actor, kind="calculation", as_of=end, reason=reason)
        out.detail["step"] = "calculated"
        _ran(out, calc)
    if calc is not None and calc.payout_status == "pending" and calc.status == "succeeded":
        with app.sessions.begin() as s:
            record(s, actor=actor.username, action="jobs.reminder", subject_type="run",
                   subject_id=calc.id, details={"job": name, "month": month,
                                                "awaits": "payout approval"})
        out.detail["reminder"] = f"run {calc.id} awaits payout approval"
    if today.day >= spec.close_day:
        out.detail["closed"], out.detail["not closed"] = [], []
        with app.sessions.begin() as s:
            open_ = list(s.scalars(select(Period).where(
                Period.status == "open", Period.end >= start, Period.end <= end)))
            for p in open_:
                label = f"{p.program_id} {p.start}–{p.end}"
                try:
                    with s.begin_nested():
                        periods.close(s, actor, p.id)
                    out.detail["closed"].append(label)
                except (Conflict, Forbidden) as e:
                    out.detail["not closed"].append(f"{label}: {e}")
    return out
