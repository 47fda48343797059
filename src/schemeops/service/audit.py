"""Reading and verifying the audit trail."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.service.context import Actor
from schemeops.service.policy import require
from schemeops.store import audit as chain
from schemeops.store.models import AuditEntry


def trail(s: Session, actor: Actor, *, action: str | None = None, who: str | None = None,
          subject_type: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """The newest entries first, filtered by action prefix, actor or subject type."""
    require(actor, "audit.read")
    q = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if action:
        q = q.where(AuditEntry.action.startswith(action))
    if who:
        q = q.where(AuditEntry.actor == who)
    if subject_type:
        q = q.where(AuditEntry.subject_type == subject_type)
    return list(s.scalars(q))


def verify(s: Session) -> list[chain.Finding]:
    """Every tampering found (empty when the chain and the sealed periods are intact)."""
    return chain.verify(s)
