"""The distributor's (or rep's) own view: live programs they take part in, each KPI against its
target, what the next slab takes, earnings, and a statement."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from schemeops.engine.story import Explanation, Row, stories
from schemeops.service.context import Actor
from schemeops.service.errors import Forbidden
from schemeops.service.policy import require, require_participant
from schemeops.store.models import (
    ExplanationLine,
    Participant,
    Payout,
    ProgramVersion,
    Run,
    RunVersion,
)
from schemeops.store.models import (
    Program as ProgramModel,
)


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
#: The periods of each candidate run with lines for the participant (its KPI rows).
_PERIODS = (
    select(ExplanationLine.run_id, ExplanationLine.program_id, ExplanationLine.period_start)
    .where(ExplanationLine.participant_id == bindparam("pid"), ExplanationLine.row == "kpi",
           ExplanationLine.run_id.in_(bindparam("runs", expanding=True)))
    .distinct())
_LINES = (
    select(ExplanationLine.__table__)
    .where(ExplanationLine.participant_id == bindparam("pid"),
           ExplanationLine.run_id.in_(bindparam("runs", expanding=True)))
    .order_by(ExplanationLine.id))
_EARNED = (
    select(func.sum(Payout.amount), func.count(func.distinct(Payout.run_id)))
    .join(Run, Run.id == Payout.run_id)
    .where(Payout.participant_id == bindparam("pid"), Run.payout_status == "approved"))
_NAME = select(Participant.name).where(Participant.participant_id == bindparam("pid"))


def _progress(v, story: Explanation) -> ProgramProgress:
    """One program's card from the story of its latest period (the run's stored rows)."""
    return ProgramProgress(
        v.program_id, v.name, story.period_start, story.period_end, v.as_of,
        [KpiProgress(k.kpi, "" if k.actual is None else str(k.actual),
                     "" if k.target is None else str(k.target), k.attainment)
         for k in story.kpis],
        [ComponentProgress(c.component, c.amount, c.note, c.next_step)
         for c in story.components], story.payout)


def portal(s: Session, actor: Actor, participant_id: str | None = None) -> Portal:
    """The participant's live programs and earnings (only their own, ever): for each live
    program, its newest calculation with lines for the participant, and that run's latest
    period, told from the explanation rows the run stored."""
    pid = _participant_of(actor, participant_id)
    db = s.connection()  # Core statements: skip the ORM layer on the busiest page
    candidates = {(r.program_id, r.run_id): r for r in db.execute(_CANDIDATE_RUNS)}
    latest: dict[str, tuple] = {}
    for k in db.execute(_PERIODS, {"pid": pid, "runs": sorted({r for _, r in candidates})}):
        if (k.program_id, k.run_id) in candidates:
            latest[k.program_id] = max(latest.get(k.program_id, (0, k.period_start)),
                                       (k.run_id, k.period_start))
    chosen = {(p, run, start) for p, (run, start) in latest.items()}
    lines = db.execute(_LINES, {"pid": pid, "runs": sorted({r for _, r, _ in chosen})})
    told = {(e.program_id, e.period_start): e for e in stories(
        Row.of(x._mapping) for x in lines
        if (x.program_id, x.run_id, x.period_start) in chosen)}
    programs = [_progress(candidates[(p, run)], told[(p, st)]) for p, run, st in sorted(chosen)]
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
