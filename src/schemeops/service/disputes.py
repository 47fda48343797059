"""Disputes: a distributor or rep disputes one of its approved payouts with a reason code and
a comment; reviewers (approvers, admins) are assigned to it and both sides write in its
thread. Resolving it is in dispute_resolution.py; paying an adjustment in
dispute_adjustments.py. Every state change goes into the audit chain."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from schemeops.service import dispute_rules as rules
from schemeops.service.context import Actor
from schemeops.service.errors import Conflict, Forbidden, NotFound
from schemeops.service.policy import PERMISSIONS, allowed, require
from schemeops.store.audit import record
from schemeops.store.models import Dispute, DisputeMessage, Payout, Run, User
from schemeops.store.types import utcnow


def _own(actor: Actor) -> str:
    """The participant a distributor or rep acts for."""
    require(actor, "disputes.open")
    if actor.participant_id is None:
        raise Forbidden("your user is not linked to a participant")
    return actor.participant_id


def disputable_payouts(s: Session, actor: Actor, *, limit: int = 200) -> list[Payout]:
    """The participant's payouts of approved calculations, newest first: what it may dispute."""
    pid = _own(actor)
    return list(s.scalars(
        select(Payout).join(Run, Run.id == Payout.run_id)
        .where(Payout.participant_id == pid, Run.kind == "calculation",
               Run.payout_status == "approved")
        .order_by(Payout.period_start.desc(), Payout.id.desc()).limit(limit)))


def own_payout(s: Session, actor: Actor, payout_id: int) -> Payout:
    """One of the participant's approved payouts; another's, or an unapproved one, is not
    found (the participant learns nothing about it)."""
    pid = _own(actor)
    p = s.get(Payout, payout_id)
    run = s.get(Run, p.run_id) if p is not None else None
    if (p is None or p.participant_id != pid or run.kind != "calculation"
            or run.payout_status != "approved"):
        raise NotFound(f"no payout {payout_id} of yours")
    return p


def open_dispute(s: Session, actor: Actor, payout_id: int, *, reason_code: str,
                 comment: str, today: dt.date | None = None) -> Dispute:
    """Dispute one of one's own approved payouts; due SLA_WORKING_DAYS working days after
    `today`. A payout has at most one unresolved dispute at a time."""
    payout = own_payout(s, actor, payout_id)
    code, text = rules.reason_code(reason_code), rules.comment(comment)
    if s.scalar(select(Dispute.id).where(Dispute.payout_id == payout.id,
                                         Dispute.status != "resolved")):
        raise Conflict(f"payout {payout.reference} already has an unresolved dispute; "
                       "write in its thread")
    opened = today or utcnow().date()
    d = Dispute(payout_id=payout.id, participant_id=payout.participant_id,
                program_id=payout.program_id, reason_code=code, status="open",
                opened_by=actor.user_id, due_on=rules.due_on(opened), resolution="")
    s.add(d)
    s.flush()
    s.add(DisputeMessage(dispute_id=d.id, author_id=actor.user_id, side="participant",
                         body=text))
    record(s, actor=actor.username, action="dispute.opened", subject_type="dispute",
           subject_id=d.id, details={"payout": payout.reference, "amount": payout.amount,
                                     "reason": code, "due_on": d.due_on, "comment": text})
    s.flush()
    return d


def list_disputes(s: Session, actor: Actor, *, status: str | None = None,
                  limit: int = 200) -> list[Dispute]:
    """Reviewers: every dispute, unresolved first, by due date. A participant: its own."""
    q = select(Dispute).order_by(case((Dispute.status == "resolved", 1), else_=0),
                                 Dispute.due_on, Dispute.id).limit(limit)
    if not allowed(actor, "disputes.read"):
        q = q.where(Dispute.participant_id == _own(actor))
    if status:
        q = q.where(Dispute.status == status)
    return list(s.scalars(q))


def get_dispute(s: Session, actor: Actor, dispute_id: int) -> Dispute:
    """One dispute with its thread; a participant asking for another's learns nothing."""
    mine = None if allowed(actor, "disputes.read") else _own(actor)
    d = s.get(Dispute, dispute_id)
    if d is None or (mine is not None and d.participant_id != mine):
        raise NotFound(f"no dispute {dispute_id}")
    return d


def reviewers(s: Session) -> list[User]:
    """Active users who may resolve disputes: whom a dispute can be assigned to."""
    return list(s.scalars(select(User).where(
        User.role.in_(sorted(PERMISSIONS["disputes.resolve"])), User.active)
        .order_by(User.username)))


def assign(s: Session, actor: Actor, dispute_id: int, assignee_id: int | None = None
           ) -> Dispute:
    """Assign an unresolved dispute to a reviewer (oneself by default)."""
    require(actor, "disputes.answer")
    d = get_dispute(s, actor, dispute_id)
    if d.status == "resolved":
        raise Conflict("this dispute is resolved")
    who = s.get(User, assignee_id or actor.user_id)
    if who is None or not who.active or who.role not in PERMISSIONS["disputes.resolve"]:
        raise Conflict("assign a dispute to an active approver or admin")
    d.assignee_id = who.id
    record(s, actor=actor.username, action="dispute.assigned", subject_type="dispute",
           subject_id=d.id, details={"assignee": who.username})
    s.flush()
    return d


def post_message(s: Session, actor: Actor, dispute_id: int, body: str) -> DisputeMessage:
    """Add a message to an unresolved dispute's thread: the participant on its own, a
    reviewer on any (the first reviewer to answer an unassigned dispute takes it)."""
    reviewer = allowed(actor, "disputes.answer")
    d = get_dispute(s, actor, dispute_id)
    if d.status == "resolved":
        raise Conflict("this dispute is resolved; open a new one on the payout if need be")
    m = DisputeMessage(dispute_id=d.id, author_id=actor.user_id, body=rules.comment(
        body, what="message"), side="reviewer" if reviewer else "participant")
    s.add(m)
    if reviewer and d.assignee_id is None:
        d.assignee_id = actor.user_id
    s.flush()
    record(s, actor=actor.username, action="dispute.message", subject_type="dispute",
           subject_id=d.id, details={"message": m.id, "side": m.side, "body": m.body})
    return m
