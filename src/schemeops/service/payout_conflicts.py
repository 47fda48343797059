"""Why a run's payouts cannot be approved as they stand: every period paid over its budget and
every period another approved run already pays, as typed data the refusal and the page share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from schemeops.service.errors import Conflict
from schemeops.store.models import Payout, Run


@dataclass(frozen=True)
class OverBudget:
    """A program's period whose payout in the run is over the program's budget."""

    program_id: str
    period_start: dt.date
    period_end: dt.date
    payout: Decimal
    budget: Decimal

    def __str__(self) -> str:
        return (f"{self.program_id} pays {self.payout:.2f} from {self.period_start} to "
                f"{self.period_end}, over its budget of {self.budget:.2f}")


@dataclass(frozen=True)
class PaidElsewhere:
    """A program's period that another approved run already pays."""

    program_id: str
    period_start: dt.date
    period_end: dt.date
    run_id: int

    def __str__(self) -> str:
        return (f"{self.program_id} from {self.period_start} to {self.period_end} is already "
                f"paid by approved run {self.run_id}")


PayoutConflictItem = OverBudget | PaidElsewhere


class PayoutConflict(Conflict):
    """Raised when a run's payouts are approved while periods of it conflict; carries them all."""

    def __init__(self, conflicts: list[PayoutConflictItem]) -> None:
        super().__init__(describe(conflicts))
        self.conflicts = conflicts


def describe(conflicts: list[PayoutConflictItem]) -> str:
    """One sentence naming every conflicting program and period, and what to do."""
    text = "; ".join(str(c) for c in conflicts)
    if any(isinstance(c, PaidElsewhere) for c in conflicts):
        text += "; close the periods already paid, then a new run pays only the difference"
    return text


def over_budget(budget_rows: list[dict]) -> list[OverBudget]:
    """The rows of `runs.budget_use` over their budget."""
    return [OverBudget(b["program_id"], b["period_start"], b["period_end"], b["payout"],
                       b["budget"]) for b in budget_rows if not b["within"]]


def paid_elsewhere(s: Session, run: Run) -> list[PaidElsewhere]:
    """Every (program, period) of the run that another approved run already pays, by program,
    period and run."""
    mine = select(Payout.program_id, Payout.period_start).where(
        Payout.run_id == run.id, Payout.corrects_id.is_(None)).distinct().subquery()
    other = aliased(Payout)
    rows = s.execute(
        select(other.program_id, other.period_start, other.period_end, other.run_id)
        .join(mine, (mine.c.program_id == other.program_id)
              & (mine.c.period_start == other.period_start))
        .join(Run, Run.id == other.run_id)
        .where(Run.payout_status == "approved", Run.id != run.id,
               other.corrects_id.is_(None))
        .distinct().order_by(other.program_id, other.period_start, other.run_id))
    return [PaidElsewhere(*row) for row in rows]
