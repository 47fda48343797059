"""Dashboards over a run, narrowed by program, period, region and tier: target against actual
by region or tier, payouts against budget, cost as a share of sales, best and worst
performers. A regional head sees only their region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Numeric, cast, func, select
from sqlalchemy.orm import Session

from schemeops.service.context import Actor
from schemeops.service.policy import region_scope, require
from schemeops.service.runs import budget_use, get_run
from schemeops.store.models import KpiResult, Participant, Payout, Program, Run, RunVersion


@dataclass(frozen=True)
class Filters:
    """What a dashboard is narrowed to; None is everything."""

    program: str | None = None
    period: dt.date | None = None
    region: str | None = None
    tier: str | None = None


@dataclass(frozen=True)
class Dashboard:
    """The numbers behind the dashboard page of one run, under its filters."""

    run: Run
    region: str | None
    attainment: list[dict]
    budget: list[dict]
    cost: list[RunVersion]
    best: list[dict]
    worst: list[dict]
    filters: Filters = Filters()
    #: program id → its name, and the choices each filter offers
    names: dict[str, str] = field(default_factory=dict)
    periods: list[dt.date] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)


def latest_run(s: Session) -> Run | None:
    """The newest succeeded calculation."""
    return s.scalars(select(Run).where(Run.kind == "calculation", Run.status == "succeeded")
                     .order_by(Run.id.desc()).limit(1)).first()


def _narrow(q, f: Filters, line: type):  # type: ignore[no-untyped-def]
    """`q` (joined to Participant) limited to the filters, on the result line class `line`."""
    if f.program:
        q = q.where(line.program_id == f.program)
    if f.period:
        q = q.where(line.period_start == f.period)
    if f.region:
        q = q.where(Participant.region == f.region)
    if f.tier:
        q = q.where(Participant.tier == f.tier)
    return q


def _attainment(s: Session, run_id: int, f: Filters, by: str) -> list[dict]:
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
    out = []
    for r in s.execute(_narrow(q, f, KpiResult)):
        actual, target = Decimal(r.actual or 0), Decimal(r.target) if r.target else None
        share = (actual / target).quantize(Decimal("0.0001")) if target else None
        out.append({"program_id": r.program_id, "kpi": r.kpi, "by": by,
                    "group": r.group or "(none)", "actual": actual.quantize(Decimal("0.01")),
                    "target": target.quantize(Decimal("0.01")) if target else None,
                    "attainment": share, "participants": r.participants})
    return out


def _performers(s: Session, run_id: int, f: Filters, *, best: bool) -> list[dict]:
    total = func.sum(Payout.amount).label("payout")
    q = (select(Payout.participant_id, Participant.name, Participant.region, total)
         .join(Participant, Participant.participant_id == Payout.participant_id)
         .where(Payout.run_id == run_id)
         .group_by(Payout.participant_id, Participant.name, Participant.region)
         .order_by(total.desc() if best else total.asc(), Payout.participant_id).limit(10))
    return [dict(r._mapping) for r in s.execute(_narrow(q, f, Payout))]


def _choices(s: Session, run: Run, region: str | None) -> tuple[dict[str, str], list, list,
                                                                  list]:
    ids = [rv.program_id for rv in run.programs]
    names = dict(s.execute(select(Program.id, Program.name).where(Program.id.in_(ids))).all())
    periods = list(s.scalars(select(Payout.period_start).where(Payout.run_id == run.id)
                             .distinct().order_by(Payout.period_start)))
    regions = [region] if region else [r for r in s.scalars(
        select(Participant.region).distinct().order_by(Participant.region)) if r]
    tiers = [t for t in s.scalars(select(Participant.tier).distinct()
                                  .order_by(Participant.tier)) if t]
    return {i: names.get(i, i) for i in ids}, periods, regions, tiers


def dashboard(s: Session, actor: Actor, run_id: int | None = None,
              filters: Filters = Filters(), *, one_program: bool = False,
              with_budget: bool = True) -> Dashboard | None:
    """The dashboard of a run (the newest calculation by default) under `filters`; None when
    there is none. A regional head's region replaces any region asked for; `one_program`
    narrows to the run's first program when `filters` names none; without `with_budget` the
    budget is left empty (it reads every program's text: most of the time of a dashboard)."""
    require(actor, "dashboards.read")
    run = get_run(s, run_id) if run_id else latest_run(s)
    if run is None:
        return None
    scope = region_scope(actor)
    names, periods, regions, tiers = _choices(s, run, scope)
    program = filters.program or (next(iter(names), None) if one_program else None)
    f = Filters(program, filters.period, scope or filters.region, filters.tier)
    budget = [b for b in budget_use(s, run) if (not f.program or b["program_id"] == f.program)
              and (not f.period or b["period_start"] == f.period)
              ] if scope is None and with_budget else []
    cost = [rv for rv in run.programs
            if not f.program or rv.program_id == f.program] if scope is None else []
    return Dashboard(
        run, f.region,
        _attainment(s, run.id, f, "region") + _attainment(s, run.id, f, "tier"),
        budget, cost,
        _performers(s, run.id, f, best=True), _performers(s, run.id, f, best=False),
        f, names, periods, regions, tiers)
