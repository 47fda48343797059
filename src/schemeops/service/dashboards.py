"""Dashboards over a run: target against actual by region and tier, payouts against budget,
cost as a share of sales, best and worst performers. A regional head sees only their region."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Numeric, cast, func, select
from sqlalchemy.orm import Session

from schemeops.service.context import Actor
from schemeops.service.policy import region_scope, require
from schemeops.service.runs import budget_use, get_run
from schemeops.store.models import KpiResult, Participant, Payout, Run, RunVersion


@dataclass(frozen=True)
class Dashboard:
    """The numbers behind the dashboard page of one run."""

    run: Run
    region: str | None
    attainment: list[dict]
    budget: list[dict]
    cost: list[RunVersion]
    best: list[dict]
    worst: list[dict]


def latest_run(s: Session) -> Run | None:
    """The newest succeeded calculation."""
    return s.scalars(select(Run).where(Run.kind == "calculation", Run.status == "succeeded")
                     .order_by(Run.id.desc()).limit(1)).first()


def _attainment(s: Session, run_id: int, region: str | None, by: str) -> list[dict]:
    col = getattr(Participant, by)
    dec = Numeric(28, 6)
    q = (select(KpiResult.program_id, KpiResult.kpi, col.label("group"),
                func.sum(cast(KpiResult.actual, dec)).label("actual"),
                func.sum(cast(func.nullif(KpiResult.target, ""), dec)).label("target"),
                func.count().label("participants"))
         .join(Participant, Participant.participant_id == KpiResult.participant_id)
         .where(KpiResult.run_id == run_id)
         .group_by(KpiResult.program_id, KpiResult.kpi, col)
         .order_by(KpiResult.program_id, KpiResult.kpi, col))
    if region:
        q = q.where(Participant.region == region)
    out = []
    for r in s.execute(q):
        actual, target = Decimal(r.actual or 0), Decimal(r.target) if r.target else None
        share = (actual / target).quantize(Decimal("0.0001")) if target else None
        out.append({"program_id": r.program_id, "kpi": r.kpi, "by": by,
                    "group": r.group or "(none)", "actual": actual.quantize(Decimal("0.01")),
                    "target": target.quantize(Decimal("0.01")) if target else None,
                    "attainment": share, "participants": r.participants})
    return out


def _performers(s: Session, run_id: int, region: str | None, *, best: bool) -> list[dict]:
    total = func.sum(Payout.amount).label("payout")
    q = (select(Payout.participant_id, Participant.name, Participant.region, total)
         .join(Participant, Participant.participant_id == Payout.participant_id)
         .where(Payout.run_id == run_id)
         .group_by(Payout.participant_id, Participant.name, Participant.region)
         .order_by(total.desc() if best else total.asc(), Payout.participant_id).limit(10))
    if region:
        q = q.where(Participant.region == region)
    return [dict(r._mapping) for r in s.execute(q)]


def dashboard(s: Session, actor: Actor, run_id: int | None = None) -> Dashboard | None:
    """The dashboard of a run (the newest calculation by default); None when there is none."""
    require(actor, "dashboards.read")
    run = get_run(s, run_id) if run_id else latest_run(s)
    if run is None:
        return None
    region = region_scope(actor)
    return Dashboard(
        run, region,
        _attainment(s, run.id, region, "region") + _attainment(s, run.id, region, "tier"),
        budget_use(s, run) if region is None else [],
        list(run.programs) if region is None else [],
        _performers(s, run.id, region, best=True), _performers(s, run.id, region, best=False))
