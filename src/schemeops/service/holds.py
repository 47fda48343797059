"""Which payouts cases hold, and what decided ones pay: asked by approval and export."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.store.models import Case, CaseHold, Payout


@dataclass(frozen=True)
class Settled:
    """What a decided case lets a held payout pay, and why (for the export's reason)."""

    amount: Decimal
    note: str


def held_participants(s: Session) -> set[str]:
    """Participants with an open blocking case: none of their payouts is exported."""
    return set(s.scalars(select(Case.participant_id).distinct()
                         .where(Case.status == "open", Case.blocking)))


def decided_pays(s: Session, run_id: int) -> dict[int, Settled]:
    """What decided cases let each held payout of the run pay (by payout id); where several
    cases held one payout, the least of their decisions (a rejection wins over a release)."""
    q = (select(CaseHold.payout_id, CaseHold.pays, Case.id, Case.status, Case.reason)
         .join(Payout, Payout.id == CaseHold.payout_id).join(Case, Case.id == CaseHold.case_id)
         .where(Payout.run_id == run_id, CaseHold.pays.is_not(None))
         .order_by(CaseHold.payout_id, CaseHold.pays.desc(), Case.id))
    out: dict[int, Settled] = {}
    for payout_id, amount, case_id, status, reason in s.execute(q):  # held payouts only
        out[payout_id] = Settled(amount, f"case {case_id} {status}: {reason}")
    return out
