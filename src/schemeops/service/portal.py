"""The distributor's (or rep's) own view: live programs they take part in, each KPI against its
target, what the next slab takes, earnings, and a statement."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from schemeops.engine.explain import next_step
from schemeops.program.model import Program as ProgramSpec
from schemeops.service.context import Actor
from schemeops.service.errors import Forbidden
from schemeops.service.policy import require, require_participant
from schemeops.service.programs import check
from schemeops.store.models import (
    ComponentResult,
    KpiResult,
    Participant,
    Payout,
    ProgramVersion,
    Run,
    RunVersion,
)
from schemeops.store.models import (
    Program as ProgramModel,
)


@lru_cache(maxsize=256)
def _spec(content_hash: str, text: str) -> ProgramSpec | None:
    """The parsed program of a version text (kept: a submitted text never changes)."""
    return check(text)[0]


@dataclass(frozen=True)
class KpiProgress:
    """One KPI: actual, target and the share of the target reached (None without target)."""

    kpi: str
    actual: str
    target: str
    share: Decimal | None


@dataclass(frozen=True)
class ComponentProgress:
    """One component: amount so far, the engine's note, what the next slab takes."""

    component: str
    amount: Decimal
    note: str
    next_step: str | None


@dataclass(frozen=True)
class ProgramProgress:
    """One live program as the participant sees it, for its latest calculated period."""

    program_id: str
    name: str
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date | None
    kpis: list[KpiProgress]
    components: list[ComponentProgress]
    payout: Decimal


@dataclass(frozen=True)
class Portal:
    """Everything the portal page shows."""

    participant_id: str
    name: str
    programs: list[ProgramProgress]
    earned: Decimal
    paid_runs: int


def _participant_of(actor: Actor, participant_id: str | None) -> str:
    require(actor, "portal.read")
    pid = participant_id or actor.participant_id
    if pid is None:
        raise Forbidden("your user is not linked to a participant")
    require_participant(actor, pid)
    return pid


# Built once: the portal is the busiest page, and building statements costs more than
# running them.
_CANDIDATE_RUNS = (
    select(ProgramVersion.id, ProgramVersion.program_id, ProgramVersion.content_hash,
           ProgramModel.name, Run.id.label("run_id"), Run.as_of)
    .join(ProgramModel, ProgramModel.id == ProgramVersion.program_id)
    .join(RunVersion, RunVersion.version_id == ProgramVersion.id)
    .join(Run, Run.id == RunVersion.run_id)
    .where(ProgramVersion.status == "live", Run.kind == "calculation",
           Run.status == "succeeded", Run.payout_status != "rejected"))
_KPIS = (
    select(KpiResult.run_id, KpiResult.program_id, KpiResult.period_start,
           KpiResult.period_end, KpiResult.kpi, KpiResult.actual, KpiResult.target,
           KpiResult.attainment)
    .where(KpiResult.participant_id == bindparam("pid"),
           KpiResult.run_id.in_(bindparam("runs", expanding=True)))
    .order_by(KpiResult.id))
_COMPONENTS = (
    select(ComponentResult.run_id, ComponentResult.program_id, ComponentResult.period_start,
           ComponentResult.component, ComponentResult.amount, ComponentResult.note)
    .where(ComponentResult.participant_id == bindparam("pid"),
           ComponentResult.run_id.in_(bindparam("runs", expanding=True)))
    .order_by(ComponentResult.id))
_EARNED = (
    select(func.sum(Payout.amount), func.count(func.distinct(Payout.run_id)))
    .join(Run, Run.id == Payout.run_id)
    .where(Payout.participant_id == bindparam("pid"), Run.payout_status == "approved"))
_NAME = select(Participant.name).where(Participant.participant_id == bindparam("pid"))
_TEXTS = select(ProgramVersion.id, ProgramVersion.yaml).where(
    ProgramVersion.id.in_(bindparam("ids", expanding=True)))


def _progress(v, text: str, kpis: list, comps: list) -> ProgramProgress:
    """One program's card from its latest period's KPI and component lines."""
    spec = _spec(v.content_hash or "", text)
    values = {k.kpi: (Decimal(k.actual), Decimal(k.target) if k.target else None) for k in kpis}
    by_id = {c.id: c for c in spec.components} if spec else {}
    out_c = []
    for c in comps:
        c_spec = by_id.get(c.component)
        step = None
        if c_spec is not None and c_spec.kpi in values:
            step = next_step(spec, c_spec, *values[c_spec.kpi])
        out_c.append(ComponentProgress(c.component, c.amount, c.note, step))
    return ProgramProgress(
        v.program_id, v.name, kpis[0].period_start, kpis[0].period_end, v.as_of,
        [KpiProgress(k.kpi, k.actual, k.target,
                     Decimal(k.attainment) if k.attainment else None) for k in kpis],
        out_c, sum((c.amount for c in out_c), Decimal("0.00")))


def portal(s: Session, actor: Actor, participant_id: str | None = None) -> Portal:
    """The participant's live programs and earnings (only their own, ever): for each live
    program, its newest calculation with lines for the participant, and that run's latest
    period."""
    pid = _participant_of(actor, participant_id)
    db = s.connection()  # Core statements: skip the ORM layer on the busiest page
    candidates = {(r.program_id, r.run_id): r for r in db.execute(_CANDIDATE_RUNS)}
    kpis = db.execute(_KPIS, {"pid": pid, "runs": sorted({r for _, r in candidates})}).all()
    latest: dict[str, tuple] = {}
    for k in kpis:
        if (k.program_id, k.run_id) in candidates:
            latest[k.program_id] = max(latest.get(k.program_id, (0, k.period_start)),
                                       (k.run_id, k.period_start))
    chosen = {(p, run, start) for p, (run, start) in latest.items()}
    comps = db.execute(_COMPONENTS, {"pid": pid, "runs": sorted({r for _, r, _ in chosen})})
    by_card: dict[tuple, list] = {}
    for c in comps:
        if (c.program_id, c.run_id, c.period_start) in chosen:
            by_card.setdefault((c.program_id, c.run_id, c.period_start), []).append(c)
    texts = dict(db.execute(_TEXTS, {"ids": sorted({candidates[(p, r)].id
                                                   for p, r, _ in chosen})}).all())
    programs = [
        _progress(candidates[(p, run)], texts[candidates[(p, run)].id],
                  [k for k in kpis if (k.program_id, k.run_id, k.period_start) == (p, run, st)],
                  by_card.get((p, run, st), []))
        for p, run, st in sorted(chosen)]
    earned, paid_runs = db.execute(_EARNED, {"pid": pid}).one()
    name = db.execute(_NAME, {"pid": pid}).scalar()
    return Portal(pid, name or pid, programs, earned or Decimal("0.00"), paid_runs)


def statement(s: Session, actor: Actor, participant_id: str | None = None) -> bytes:
    """The participant's approved payouts with their references, as CSV."""
    pid = _participant_of(actor, participant_id)
    rows = s.execute(
        select(Payout).join(Run, Run.id == Payout.run_id)
        .where(Payout.participant_id == pid, Run.payout_status == "approved")
        .order_by(Payout.period_start, Payout.program_id, Payout.id)).scalars()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["reference", "program_id", "period_start", "period_end", "amount", "reason"])
    for p in rows:
        w.writerow([p.reference, p.program_id, p.period_start, p.period_end,
                    f"{p.amount:.2f}", p.reason])
    return buf.getvalue().encode("utf-8")
