"""The distributor's (or rep's) own view: live programs they take part in, each KPI against its
target in its own name and unit, what the next slab takes and pays, and their money split
into approved (and of it paid), pending approval and projected — never mixed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from schemeops.engine.periods import program_windows
from schemeops.engine.story import LIMITS, Row
from schemeops.engine.wording import say_gap
from schemeops.program.display import Display, humanise
from schemeops.service.context import Actor
from schemeops.service.displays import Displays, Shown
from schemeops.service.errors import Forbidden
from schemeops.service.next_slab import next_slab_gain
from schemeops.service.policy import require, require_participant
from schemeops.store.models import (
    CreditNote,
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

ZERO = Decimal("0.00")
#: The explanation row's fields: the store hands them typed, so the portal builds rows
#: without `Row.of`'s conversions (most of the page's time when it used them).
_ROW_FIELDS = tuple(f.name for f in fields(Row))


class Standing(StrEnum):
    """Where a period's money stands."""

    APPROVED = "approved"
    PENDING = "pending approval"
    PROJECTED = "projected"


@dataclass(frozen=True)
class KpiProgress:
    """One KPI in its display name and unit: actual, target, the share of the target reached
    (None without a target, or when lower is better: a share of a ceiling is no progress)."""

    kpi: str
    label: str
    unit: str
    actual: Decimal | None
    target: Decimal | None
    share: Decimal | None
    lower_is_better: bool


@dataclass(frozen=True)
class ComponentProgress:
    """One payout line: its amount, and for a slab component what the next slab takes (in
    the KPI's unit) and pays more (None where one figure cannot say it)."""

    component: str
    label: str
    amount: Decimal
    next_gap: str | None = None
    next_gain: Decimal | None = None
    top_reached: bool = False


@dataclass(frozen=True)
class ProgramProgress:
    """One live program as the participant sees it, for its latest calculated period."""

    program_id: str
    label: str
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date | None
    standing: Standing
    run_id: int
    payout_id: int | None
    kpis: list[KpiProgress]
    components: list[ComponentProgress]
    payout: Decimal


@dataclass(frozen=True)
class Amounts:
    """The participant's money: approved (of which paid: a credit note exported), pending
    approval, and projected from the latest as-of calculations; each period counted once."""

    approved: Decimal
    paid: Decimal
    pending: Decimal
    projected: Decimal


@dataclass(frozen=True)
class Portal:
    """Everything the portal page shows."""

    participant_id: str
    name: str
    programs: list[ProgramProgress]
    amounts: Amounts
    paid_runs: int


def participant_of(actor: Actor, participant_id: str | None) -> str:
    """The participant the actor may see (its own); Forbidden for anyone else's."""
    require(actor, "portal.read")
    pid = participant_id or actor.participant_id
    if pid is None:
        raise Forbidden("your user is not linked to a participant")
    require_participant(actor, pid)
    return pid


# Built once: the portal is the busiest page, and building statements costs more than
# running them.
#: Finished, not rejected calculations of live versions: the runs whose periods can still be
#: (or are) approved.
_CANDIDATE_RUNS = (
    select(ProgramVersion.id.label("version_id"), ProgramVersion.program_id,
           ProgramModel.name, Run.id.label("run_id"), Run.as_of, Run.payout_status)
    .join(ProgramModel, ProgramModel.id == ProgramVersion.program_id)
    .join(RunVersion, RunVersion.version_id == ProgramVersion.id)
    .join(Run, Run.id == RunVersion.run_id)
    .where(ProgramVersion.status == "live", Run.kind == "calculation",
           Run.status == "succeeded", Run.payout_status != "rejected"))
#: The periods of each candidate run with lines for the participant (its KPI rows).
_PERIODS = (
    select(ExplanationLine.run_id, ExplanationLine.program_id, ExplanationLine.period_start,
           ExplanationLine.period_end)
    .where(ExplanationLine.participant_id == bindparam("pid"), ExplanationLine.row == "kpi",
           ExplanationLine.run_id.in_(bindparam("runs", expanding=True)))
    .distinct())
#: The participant's payout per run, program and period of the candidate runs.
_PAYOUTS = (
    select(Payout.run_id, Payout.program_id, Payout.period_start,
           func.sum(Payout.amount).label("amount"), func.min(Payout.id).label("payout_id"))
    .where(Payout.participant_id == bindparam("pid"),
           Payout.run_id.in_(bindparam("runs", expanding=True)))
    .group_by(Payout.run_id, Payout.program_id, Payout.period_start))
#: The (program, period) an approved run pays the participant: no other run's figure for
#: them can ever be approved.
_APPROVED_PERIODS = (
    select(Payout.program_id, Payout.period_start).join(Run, Run.id == Payout.run_id)
    .where(Payout.participant_id == bindparam("pid"), Run.payout_status == "approved")
    .distinct())
_LINES = (
    select(ExplanationLine.__table__)
    .where(ExplanationLine.participant_id == bindparam("pid"),
           ExplanationLine.run_id.in_(bindparam("runs", expanding=True)))
    .order_by(ExplanationLine.id))
_EARNED = (
    select(func.sum(Payout.amount),
           func.sum(case((CreditNote.reference.is_not(None), Payout.amount), else_=0)),
           func.count(func.distinct(Payout.run_id)))
    .join(Run, Run.id == Payout.run_id)
    .outerjoin(CreditNote, CreditNote.payout_id == Payout.id)
    .where(Payout.participant_id == bindparam("pid"), Run.payout_status == "approved"))
_NAME = select(Participant.name).where(Participant.participant_id == bindparam("pid"))


def standing_of(payout_status: str, as_of: dt.date | None, period_end: dt.date) -> Standing:
    """A calculation's period: approved, projected (calculated as of a day before the period
    ends) or pending approval."""
    if payout_status == "approved":
        return Standing.APPROVED
    return Standing.PROJECTED if as_of is not None and as_of < period_end else Standing.PENDING


def period_ends(shown: Shown | None) -> dict[dt.date, dt.date]:
    """Each period's end by its start, as the program sets them (none without a program)."""
    return {} if shown is None else {w.start: w.end for w in
                                      program_windows(shown.program.period)}


def true_end(shown: Shown | None, start: dt.date, stored_end: dt.date) -> dt.date:
    """The period's end as the program sets it: a run as of an earlier day stores the
    period clipped to that day."""
    return period_ends(shown).get(start, stored_end)


def _kpis(rows: list[Row], shown: Display) -> list[KpiProgress]:
    out = []
    for k in rows:
        d = shown.kpi(k.kpi or "")
        lower = bool(k.lower_is_better) or d.lower_is_better
        out.append(KpiProgress(k.kpi or "", d.label, d.unit, k.actual, k.target,
                               None if lower else k.attainment, lower))
    return out


def component_lines(rows: list[Row], shown: Shown | None) -> list[ComponentProgress]:
    """A period's payout lines from its stored rows, in display names, each slab component
    with what its next slab takes and pays more."""
    kpis = {r.kpi: r for r in rows if r.row == "kpi"}
    out = []
    specs = {c.id: c for c in shown.program.components} if shown else {}
    for r in rows:
        if r.row in ("kpi", "score_item") or (r.row in LIMITS and not r.amount):
            continue
        amount = r.amount or ZERO
        if r.row != "component":
            out.append(ComponentProgress(r.row, humanise(r.row), amount))
            continue
        label = shown.display.component(r.component).label if shown else humanise(r.component)
        k = kpis.get(r.kpi or "")
        gap = None
        if r.gap is not None and k is not None and k.gap_unit and k.gap_phrase \
                and r.measure_of != "score" and not r.capped:
            gap = say_gap(k.gap_unit, k.gap_phrase, r.gap)
        spec = specs.get(r.component or "")
        gain = next_slab_gain(spec, r, kpis) if spec is not None and gap else None
        top = r.slabs is not None and r.slab is not None and r.next_break is None and amount > 0
        out.append(ComponentProgress(r.component or "", label, amount, gap, gain, top))
    return out


def _card(run, key: tuple[str, dt.date, dt.date], standing: Standing, payout: tuple | None,
          rows: list[Row], shown: Shown | None) -> ProgramProgress:
    """One program's card from the rows its chosen run stored for the period."""
    display = shown.display if shown else Display(run.name, {}, {})
    kpi_rows = [r for r in rows if r.row == "kpi"]
    components = component_lines(rows, shown)
    amount = payout[0] if payout else sum((c.amount for c in components), ZERO)
    return ProgramProgress(
        key[0], display.label, key[1], key[2], run.as_of, standing, run.run_id,
        payout[1] if payout else None, _kpis(kpi_rows, display), components, amount)


def _choose(runs_of: dict, candidates: dict, approved: set, ends: dict, payouts: dict
            ) -> tuple[dict[tuple[str, dt.date], tuple[int, dt.date, Standing]], Decimal,
                       Decimal]:
    """For each (program, period start) with lines: the run whose figure counts, the
    period's whole end and where it stands; and the pending and projected totals."""
    chosen: dict[tuple[str, dt.date], tuple[int, dt.date, Standing]] = {}
    pending = projected = ZERO
    for key, ids in runs_of.items():
        stored_end = dict(ids)
        if key in approved:
            ok = [i for i, _ in ids if candidates[(key[0], i)].payout_status == "approved"]
            if ok:  # an approved run of a version no longer live has no card here
                run = candidates[(key[0], max(ok))]
                end = ends.get(run.version_id, {}).get(key[1], stored_end[run.run_id])
                chosen[key] = (run.run_id, end, Standing.APPROVED)
            continue
        run = candidates[(key[0], max(stored_end))]
        end = ends.get(run.version_id, {}).get(key[1], stored_end[run.run_id])
        standing = standing_of(run.payout_status, run.as_of, end)
        chosen[key] = (run.run_id, end, standing)
        amount = payouts.get((run.run_id, key[0], key[1]), (ZERO, None))[0]
        if standing is Standing.PENDING:
            pending += amount
        elif standing is Standing.PROJECTED:
            projected += amount
    return chosen, pending, projected


def portal(s: Session, actor: Actor, participant_id: str | None = None, *,
           displays: Displays | None = None) -> Portal:
    """The participant's live programs and money (only their own, ever). For each period, the
    run whose figure counts: an approved run's if one pays it, else the newest pending
    calculation's (projected when calculated as of a day before the period ends); rejected
    runs never count. Each program's card is its latest such period."""
    pid = participant_of(actor, participant_id)
    displays = displays or Displays()
    db = s.connection()  # Core statements: skip the ORM layer on the busiest page
    candidates = {(r.program_id, r.run_id): r for r in db.execute(_CANDIDATE_RUNS)}
    run_ids = sorted({r for _, r in candidates})
    approved = {(p, st) for p, st in db.execute(_APPROVED_PERIODS, {"pid": pid})}
    runs_of: dict[tuple[str, dt.date], list[tuple[int, dt.date]]] = {}
    for k in db.execute(_PERIODS, {"pid": pid, "runs": run_ids}):
        if (k.program_id, k.run_id) in candidates:
            runs_of.setdefault((k.program_id, k.period_start), []).append(
                (k.run_id, k.period_end))
    shown = displays.of(db, {candidates[(p, i)].version_id
                             for (p, _), ids in runs_of.items() for i, _ in ids})
    payouts = {(x.run_id, x.program_id, x.period_start): (x.amount, x.payout_id)
               for x in db.execute(_PAYOUTS, {"pid": pid, "runs": run_ids})}
    ends = {v: period_ends(x) for v, x in shown.items()}
    chosen, pending, projected = _choose(runs_of, candidates, approved, ends, payouts)
    latest = {}
    for key in sorted(chosen):
        latest[key[0]] = key
    wanted = {(p, chosen[key][0], key[1]) for p, key in latest.items()}
    rows: dict[tuple[str, dt.date], list[Row]] = {}
    for x in db.execute(_LINES, {"pid": pid, "runs": sorted({r for _, r, _ in wanted})}):
        if (x.program_id, x.run_id, x.period_start) in wanted:
            m = x._mapping
            rows.setdefault((x.program_id, x.period_start), []).append(
                Row(**{f: m[f] for f in _ROW_FIELDS}))
    programs = []
    for p, key in sorted(latest.items()):
        run_id, end, standing = chosen[key]
        run = candidates[(p, run_id)]
        programs.append(_card(run, (p, key[1], end), standing,
                              payouts.get((run_id, p, key[1])), rows.get(key, []),
                              shown.get(run.version_id)))
    earned, paid, paid_runs = db.execute(_EARNED, {"pid": pid}).one()
    name = db.execute(_NAME, {"pid": pid}).scalar()
    return Portal(pid, name or pid, programs,
                  Amounts(earned or ZERO, Decimal(paid or 0).quantize(ZERO), pending,
                          projected), paid_runs)
