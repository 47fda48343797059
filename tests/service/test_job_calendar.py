"""The calculation jobs: the daily progress simulation (never paid) and the month-end
calendar by the day of the month, worked on the October 2026 program `volume_growth`:

- progress on 15 October: one simulation as of 2026-10-15, references SIM-…;
- month-end (cut-off day 3, close day 10): 2 November nothing; 3 November a calculation as
  of 2026-10-31 and a reminder; 4 November no second calculation, a second reminder;
  approved by another approver; 10 November the October period is closed on that run.
"""

from __future__ import annotations

import datetime as dt

from service_support import example, live_version
from sqlalchemy import func, select

from schemeops.jobs import parse_jobs, run_job
from schemeops.service import runs
from schemeops.store.job_models import JobRun
from schemeops.store.models import AuditEntry, Payout, Period, Run

CONFIG = parse_jobs("""
run_as = "admin"
timezone = "Asia/Kolkata"

[jobs.progress]
kind = "progress"
schedule = "0 6 * * *"

[jobs.close]
kind = "month_end"
schedule = "0 7 * * *"
cutoff_day = 3
close_day = 10
""")


def _on(app, name: str, day: dt.date) -> JobRun:  # type: ignore[no-untyped-def]
    # 07:00 in Kolkata is 01:30 UTC the same day
    due = dt.datetime.combine(day, dt.time(1, 30), dt.UTC)
    run_id = run_job(app, CONFIG, name, due_at=due, trigger="schedule",
                     clock=lambda: due)
    assert run_id is not None
    with app.sessions.begin() as s:
        record = s.get(JobRun, run_id)
        s.expunge(record)
        return record


def test_progress_simulates_every_live_program_as_of_today(app, team):  # type: ignore[no-untyped-def]
    live_version(app, team, example("volume_growth"))
    record = _on(app, "progress", dt.date(2026, 10, 15))
    assert record.status == "succeeded", record.error
    [run_id] = record.detail["runs"]
    with app.sessions.begin() as s:
        run = s.get(Run, run_id)
        assert (run.kind, run.as_of, run.status) == ("simulation", dt.date(2026, 10, 15),
                                                     "succeeded")
        refs = set(s.scalars(select(Payout.reference).where(Payout.run_id == run_id)))
    assert refs and all(r.startswith("SIM-") for r in refs)
    assert record.rows_read == run.participants


def test_month_end_calculates_reminds_then_closes(app, team):  # type: ignore[no-untyped-def]
    live_version(app, team, example("volume_growth"))

    early = _on(app, "close", dt.date(2026, 11, 2))
    assert early.detail == {"month": "2026-10", "step": "before the cut-off day (3)"}

    cut = _on(app, "close", dt.date(2026, 11, 3))
    assert cut.status == "succeeded", cut.error
    [calc_id] = cut.detail["runs"]
    assert cut.detail["reminder"] == f"run {calc_id} awaits payout approval"
    again = _on(app, "close", dt.date(2026, 11, 4))
    assert "runs" not in again.detail  # calculated once
    with app.sessions.begin() as s:
        calc = s.get(Run, calc_id)
        assert (calc.kind, calc.as_of, calc.reason) == (
            "calculation", dt.date(2026, 10, 31), "month-end 2026-10 (job close)")
        assert s.scalar(select(func.count()).select_from(Run)) == 1
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "jobs.reminder")) == 2
        runs.decide_payouts(s, team.approver2, calc_id, approve=True)

    closing = _on(app, "close", dt.date(2026, 11, 10))
    assert closing.status == "succeeded", closing.error
    assert closing.detail["closed"] == ["volume_growth_oct 2026-10-01–2026-10-31"]
    assert closing.detail["not closed"] == []
    with app.sessions.begin() as s:
        period = s.scalar(select(Period).where(Period.program_id == "volume_growth_oct"))
        assert (period.status, period.run_id) == ("closed", calc_id)


def test_without_run_as_the_job_fails_with_the_reason(app, team):  # type: ignore[no-untyped-def]
    config = CONFIG.model_copy(update={"run_as": None})
    due = dt.datetime(2026, 10, 15, 0, 30, tzinfo=dt.UTC)
    run_id = run_job(app, config, "progress", due_at=due, trigger="manual",
                     clock=lambda: due)
    with app.sessions.begin() as s:
        record = s.get(JobRun, run_id)
        assert record.status == "failed"
        assert "set `run_as` in the jobs file" in record.error
