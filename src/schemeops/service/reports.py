"""Reading a run's results: its report (totals, budget, decisions, payout distribution), a
filtered page of its payouts with totals, and one participant's explanation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemeops.engine.backends import connect_warehouse
from schemeops.engine.data import Data
from schemeops.engine.explain import Explanation, explain
from schemeops.engine.fingerprint import warehouse_fingerprint
from schemeops.service.context import Actor, App
from schemeops.service.errors import Forbidden, NotFound
from schemeops.service.policy import region_scope, require, require_participant
from schemeops.service.programs import check, get_version
from schemeops.service.runs import budget_use, get_run
from schemeops.store.models import Decision, Export, Participant, Payout, Run, RunVersion


@dataclass(frozen=True)
class RunReport:
    """A run as its page shows it; budget and exports are hidden from regional heads."""

    run: Run
    programs: list[RunVersion]
    region: str | None
    budget: list[dict]
    decisions: list[Decision]
    exports: list[Export]
    amounts: dict[str, list[Decimal]]


def _scoped(q, region: str | None):  # type: ignore[no-untyped-def]
    if region is None:
        return q
    return q.join(Participant, Participant.participant_id == Payout.participant_id).where(
        Participant.region == region)


def run_report(s: Session, actor: Actor, run_id: int) -> RunReport:
    """A run with its programs' numbers, budget use, decisions and payout distribution."""
    require(actor, "runs.read")
    run = get_run(s, run_id)
    region = region_scope(actor)
    amounts: dict[str, list[Decimal]] = {}
    q = _scoped(select(Payout.program_id, Payout.amount).where(Payout.run_id == run.id), region)
    for program_id, amount in s.execute(q.order_by(Payout.program_id, Payout.amount)):
        amounts.setdefault(program_id, []).append(amount)
    decisions = list(s.scalars(select(Decision).where(
        Decision.subject_type == "run", Decision.subject_id == run.id).order_by(Decision.id)))
    exports = list(s.scalars(select(Export).where(Export.run_id == run.id)
                             .order_by(Export.id))) if region is None else []
    budget = budget_use(s, run) if region is None and run.status == "succeeded" else []
    return RunReport(run, list(run.programs), region, budget, decisions, exports, amounts)


@dataclass(frozen=True)
class PayoutRow:
    """One payout line with its participant's name and region."""

    reference: str
    program_id: str
    participant_id: str
    name: str
    region: str | None
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    corrects_id: int | None
    reason: str


@dataclass(frozen=True)
class PayoutPage:
    """One page of a run's payouts under filters, with the totals of every matching row."""

    rows: list[PayoutRow]
    page: int
    pages: int
    count: int
    total: Decimal
    programs: list[str]
    regions: list[str]


def payout_page(s: Session, actor: Actor, run_id: int, *, program: str | None = None,
                region: str | None = None, text: str | None = None, page: int = 1,
                per_page: int = 50) -> PayoutPage:
    """A run's payouts filtered by program, region and participant text; regional heads see
    only their region."""
    require(actor, "runs.read")
    run = get_run(s, run_id)
    region = region_scope(actor) or region
    where = [Payout.run_id == run.id]
    if program:
        where.append(Payout.program_id == program)
    if region:
        where.append(Participant.region == region)
    if text:
        like = f"%{text.lower()}%"
        where.append(func.lower(Payout.participant_id).like(like)
                     | func.lower(func.coalesce(Participant.name, "")).like(like))
    joined = select(Payout, Participant.name, Participant.region).outerjoin(
        Participant, Participant.participant_id == Payout.participant_id).where(*where)
    count, total = s.execute(
        select(func.count(), func.coalesce(func.sum(Payout.amount), 0))
        .select_from(Payout).outerjoin(
            Participant, Participant.participant_id == Payout.participant_id)
        .where(*where)).one()
    pages = max(1, -(-count // per_page))
    page = min(max(1, page), pages)
    rows = s.execute(joined.order_by(Payout.program_id, Payout.participant_id,
                                     Payout.period_start)
                     .offset((page - 1) * per_page).limit(per_page)).all()
    out = [PayoutRow(p.reference, p.program_id, p.participant_id, name or p.participant_id,
                     reg, p.period_start, p.period_end, p.amount, p.corrects_id, p.reason)
           for p, name, reg in rows]
    regions = [r for r in s.scalars(select(Participant.region).distinct()
                                    .order_by(Participant.region)) if r]
    return PayoutPage(out, page, pages, count, Decimal(total).quantize(Decimal("0.01")),
                      [rv.program_id for rv in run.programs],
                      [region] if region_scope(actor) else regions)


@dataclass(frozen=True)
class DrillDown:
    """One participant's explanations in a run; `data_changed` when the fingerprint a
    calculation would record now differs from the run's (the explanations then read other
    data). Like calc's, it reads the digests `load` recorded: an edit outside `load` that
    keeps every table's row count is not seen until `schemeops fingerprint --record`."""

    stories: list[Explanation]
    data_changed: bool


def explain_participant(s: Session, app: App, actor: Actor, run_id: int,
                        participant_id: str) -> DrillDown:
    """The engine's explanation of one participant in each program of a run, as of the run's
    date, on the warehouse as it is now, and whether that is still the run's data."""
    require(actor, "runs.read")
    require_participant(actor, participant_id)
    run = get_run(s, run_id)
    p = s.get(Participant, participant_id)
    if p is None:
        raise NotFound(f"no participant {participant_id!r} in this store")
    if (region := region_scope(actor)) and p.region != region:
        raise Forbidden(f"{participant_id} is not in your region")
    con = connect_warehouse(app.warehouse, app.backend)
    data = Data.from_backend(con)
    out = []
    for rv in run.programs:
        spec, _ = check(get_version(s, rv.version_id).yaml)
        if spec is not None:
            out.extend(explain(spec, data, con, participant_id, as_of=run.as_of))
    changed = run.data_fingerprint is not None and \
        run.data_fingerprint != warehouse_fingerprint(con)
    return DrillDown(out, changed)
