"""Resolving a dispute: `no_change` with a reason, or an adjustment under maker-checker:
one reviewer proposes the amount, another confirms it (the proposer never confirms their
own). A confirmed adjustment waits for the program's next calculation
(dispute_adjustments.py)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from schemeops.service import dispute_rules as rules
from schemeops.service.context import Actor
from schemeops.service.disputes import get_dispute
from schemeops.service.errors import Conflict
from schemeops.service.policy import require
from schemeops.store.audit import record
from schemeops.store.models import Dispute
from schemeops.store.types import utcnow


def _unresolved(s: Session, actor: Actor, dispute_id: int) -> Dispute:
    require(actor, "disputes.resolve")
    d = get_dispute(s, actor, dispute_id)
    if d.status == "resolved":
        raise Conflict(f"this dispute is already resolved ({d.outcome})")
    return d


def _resolve(s: Session, actor: Actor, d: Dispute, outcome: str) -> Dispute:
    d.status, d.outcome, d.resolved_by, d.resolved_at = "resolved", outcome, actor.user_id, \
        utcnow()
    record(s, actor=actor.username, action="dispute.resolved", subject_type="dispute",
           subject_id=d.id, details={"outcome": outcome, "amount": d.amount,
                                     "reason": d.resolution, "proposed_by": d.proposed_by})
    s.flush()
    return d


def resolve_no_change(s: Session, actor: Actor, dispute_id: int, *, reason: str) -> Dispute:
    """Close a dispute without changing money, saying why (also turns down a proposal)."""
    d = _unresolved(s, actor, dispute_id)
    d.resolution, d.amount = rules.comment(reason, what="reason"), None
    return _resolve(s, actor, d, "no_change")


def propose_adjustment(s: Session, actor: Actor, dispute_id: int, *,
                       amount: str | Decimal, reason: str) -> Dispute:
    """Propose paying `amount` (2 places, half-up; negative takes money back) with a reason;
    another reviewer confirms it. Proposing again replaces an unconfirmed proposal."""
    d = _unresolved(s, actor, dispute_id)
    d.amount, d.resolution = rules.amount(amount), rules.comment(reason, what="reason")
    d.status, d.proposed_by = "proposed", actor.user_id
    record(s, actor=actor.username, action="dispute.adjustment_proposed",
           subject_type="dispute", subject_id=d.id,
           details={"amount": d.amount, "reason": d.resolution})
    s.flush()
    return d


def confirm_adjustment(s: Session, actor: Actor, dispute_id: int) -> Dispute:
    """Confirm another reviewer's proposed adjustment: the dispute is resolved and the
    program's next calculation pays it."""
    d = _unresolved(s, actor, dispute_id)
    if d.status != "proposed":
        raise Conflict("no adjustment is proposed on this dispute yet")
    if d.proposed_by == actor.user_id:
        raise Conflict("you proposed this adjustment; another approver must confirm it")
    return _resolve(s, actor, d, "adjust")
