"""The distributor's (or rep's) own view: live programs they take part in, each KPI against its
target, what the next slab takes, earnings, and a statement."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import func, select
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


@lru_cache(maxsize=256)
def _spec(content_hash: str, text: str) -> ProgramSpec | None:
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


def _latest_run(s: Session, v: ProgramVersion, pid: str) -> int | None:
    """The newest calculation of the version with KPI lines for this participant in it."""
    return s.scalar(
        select(func.max(Run.id)).join(RunVersion, RunVersion.run_id == Run.id)
        .join(KpiResult, (KpiResult.run_id == Run.id) & (KpiResult.participant_id == pid)
              & (KpiResult.program_id == v.program_id))
        .where(RunVersion.version_id == v.id, Run.kind == "calculation",
               Run.status == "succeeded", Run.payout_status != "rejected"))


def _progress(s: Session, v: ProgramVersion, run_id: int, pid: str) -> ProgramProgress:
    spec = _spec(v.content_hash or "", v.yaml)
    kpis = s.scalars(select(KpiResult).where(
        KpiResult.run_id == run_id, KpiResult.participant_id == pid,
        KpiResult.program_id == v.program_id)).all()
    start = max(k.period_start for k in kpis)
    kpis = [k for k in kpis if k.period_start == start]
    comps = s.scalars(select(ComponentResult).where(
        ComponentResult.run_id == run_id, ComponentResult.participant_id == pid,
        ComponentResult.program_id == v.program_id, ComponentResult.period_start == start)
        .order_by(ComponentResult.id)).all()
    values = {k.kpi: (Decimal(k.actual), Decimal(k.target) if k.target else None) for k in kpis}
    by_id = {c.id: c for c in spec.components} if spec else {}
    out_c = []
    for c in comps:
        c_spec = by_id.get(c.component)
        step = None
        if spec is not None and c_spec is not None and c_spec.kpi in values:
            step = next_step(spec, c_spec, *values[c_spec.kpi])
        out_c.append(ComponentProgress(c.component, c.amount, c.note, step))
    run = s.get(Run, run_id)
    return ProgramProgress(
        v.program_id, v.program.name, start, kpis[0].period_end, run.as_of,
        [KpiProgress(k.kpi, k.actual, k.target,
                     Decimal(k.attainment) if k.attainment else None) for k in kpis],
        out_c, sum((c.amount for c in out_c), Decimal("0.00")))


def portal(s: Session, actor: Actor, participant_id: str | None = None) -> Portal:
    """The participant's live programs and earnings (only their own, ever)."""
    pid = _participant_of(actor, participant_id)
    programs = []
    for v in s.scalars(select(ProgramVersion).where(ProgramVersion.status == "live")
                       .order_by(ProgramVersion.program_id)):
        run_id = _latest_run(s, v, pid)
        if run_id is not None:
            programs.append(_progress(s, v, run_id, pid))
    earned = s.execute(
        select(func.sum(Payout.amount), func.count(func.distinct(Payout.run_id)))
        .join(Run, Run.id == Payout.run_id)
        .where(Payout.participant_id == pid, Run.payout_status == "approved")).one()
    name = s.scalar(select(Participant.name).where(Participant.participant_id == pid))
    return Portal(pid, name or pid, programs, earned[0] or Decimal("0.00"), earned[1])


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
