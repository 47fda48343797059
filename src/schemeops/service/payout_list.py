"""A run's payouts as a list a finance user works through: filtered (program, region,
participant text, earning only, an amount range), sorted by any column, a page at a time, with
the totals of every matching row; and the same filtered rows whole, for CSV and Excel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemeops.service.context import Actor
from schemeops.service.policy import region_scope, require
from schemeops.service.runs import get_run
from schemeops.store.models import Participant, Payout

Sort = Literal["participant", "name", "region", "program", "period", "amount"]
#: The columns rows sort by, the reference always last so equal keys keep one order.
_SORT = {"participant": (Payout.participant_id,), "name": (Participant.name,),
         "region": (Participant.region, Payout.participant_id),
         "program": (Payout.program_id, Payout.participant_id),
         "period": (Payout.period_start, Payout.participant_id),
         "amount": (Payout.amount,)}


@dataclass(frozen=True)
class PayoutFilter:
    """Which payouts of a run, in which order. `earning`: only amounts above zero; the
    amount range is inclusive."""

    program: str | None = None
    region: str | None = None
    text: str | None = None
    earning: bool = False
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    sort: Sort = "program"
    descending: bool = False


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


def _where(run_id: int, f: PayoutFilter, region: str | None) -> list:
    where = [Payout.run_id == run_id]
    if f.program:
        where.append(Payout.program_id == f.program)
    if region:
        where.append(Participant.region == region)
    if f.text:
        like = f"%{f.text.lower()}%"
        where.append(func.lower(Payout.participant_id).like(like)
                     | func.lower(func.coalesce(Participant.name, "")).like(like))
    if f.earning:
        where.append(Payout.amount > 0)
    if f.min_amount is not None:
        where.append(Payout.amount >= f.min_amount)
    if f.max_amount is not None:
        where.append(Payout.amount <= f.max_amount)
    return where


def _rows(s: Session, where: list, f: PayoutFilter, offset: int, limit: int | None
          ) -> list[PayoutRow]:
    keys = [c.desc() if f.descending else c.asc() for c in _SORT[f.sort]]
    q = (select(Payout, Participant.name, Participant.region)
         .outerjoin(Participant, Participant.participant_id == Payout.participant_id)
         .where(*where).order_by(*keys, Payout.reference).offset(offset).limit(limit))
    return [PayoutRow(p.reference, p.program_id, p.participant_id, name or p.participant_id,
                      reg, p.period_start, p.period_end, p.amount, p.corrects_id, p.reason)
            for p, name, reg in s.execute(q)]


def payout_page(s: Session, actor: Actor, run_id: int, f: PayoutFilter = PayoutFilter(), *,
                page: int = 1, per_page: int = 50) -> PayoutPage:
    """A page of a run's payouts under `f`; regional heads see only their region."""
    require(actor, "runs.read")
    run = get_run(s, run_id)
    scope = region_scope(actor)
    where = _where(run.id, f, scope or f.region)
    count, total = s.execute(
        select(func.count(), func.coalesce(func.sum(Payout.amount), 0))
        .select_from(Payout).outerjoin(
            Participant, Participant.participant_id == Payout.participant_id)
        .where(*where)).one()
    pages = max(1, -(-count // per_page))
    page = min(max(1, page), pages)
    rows = _rows(s, where, f, (page - 1) * per_page, per_page)
    regions = [scope] if scope else [r for r in s.scalars(
        select(Participant.region).distinct().order_by(Participant.region)) if r]
    return PayoutPage(rows, page, pages, count, Decimal(total).quantize(Decimal("0.01")),
                      [rv.program_id for rv in run.programs], regions)


def payout_rows(s: Session, actor: Actor, run_id: int, f: PayoutFilter = PayoutFilter()
                ) -> list[PayoutRow]:
    """Every payout of a run under `f`, in its order (what the filtered page lists)."""
    require(actor, "runs.read")
    run = get_run(s, run_id)
    return _rows(s, _where(run.id, f, region_scope(actor) or f.region), f, 0, None)
