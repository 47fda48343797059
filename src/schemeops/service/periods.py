"""Periods: list them, and close one, sealing the approved payouts it froze."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemeops.service.actions import unpaid_period
from schemeops.service.context import Actor
from schemeops.service.errors import Conflict, NotFound
from schemeops.service.policy import require
from schemeops.store.audit import period_seal, record
from schemeops.store.models import Payout, Period, Run
from schemeops.store.outbox import emit
from schemeops.store.types import utcnow


def list_periods(s: Session, actor: Actor, program_id: str | None = None) -> list[Period]:
    """Periods by program and start."""
    require(actor, "runs.read")
    q = select(Period).order_by(Period.program_id, Period.start)
    if program_id:
        q = q.where(Period.program_id == program_id)
    return list(s.scalars(q))


def paying_run(s: Session, p: Period) -> int | None:
    """The newest approved calculation that pays the period: the run closing it seals."""
    return s.scalar(
        select(Payout.run_id).join(Run, Run.id == Payout.run_id)
        .where(Run.kind == "calculation", Run.payout_status == "approved",
               Payout.program_id == p.program_id, Payout.period_start == p.start,
               Payout.period_end == p.end, Payout.corrects_id.is_(None))
        .order_by(Payout.run_id.desc()).limit(1))


def sealed_load(s: Session, program_ids: list[str]) -> int | None:
    """The oldest newest-load among the runs that sealed the programs' closed periods: a
    recalculation of stale results since it covers every row that came late to them (None
    when no closed period's run recorded its load)."""
    return s.scalar(select(func.min(Run.last_load)).join(Period, Period.run_id == Run.id)
                    .where(Period.status == "closed", Period.program_id.in_(program_ids)))


def close(s: Session, actor: Actor, period_id: int) -> Period:
    """Close a period on the newest approved calculation that paid it; its payouts are sealed."""
    require(actor, "periods.close")
    p = s.get(Period, period_id)
    if p is None:
        raise NotFound(f"no period {period_id}")
    if p.status == "closed":
        raise Conflict("this period is already closed")
    run_id = paying_run(s, p)
    if refusal := unpaid_period(run_id):
        raise Conflict(refusal)
    p.status, p.closed_by, p.closed_at, p.run_id = "closed", actor.user_id, utcnow(), run_id
    p.seal = period_seal(s, p)
    record(s, actor=actor.username, action="period.closed", subject_type="period",
           subject_id=p.id, details={"program": p.program_id, "start": p.start, "end": p.end,
                                     "run": run_id, "seal": p.seal})
    emit(s, "period.closed", subject_type="period", subject_id=p.id,
         data={"period": p.id, "program": p.program_id, "start": p.start, "end": p.end,
               "run": run_id, "seal": p.seal, "closed_by": actor.username})
    return p
