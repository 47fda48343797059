"""The append-only audit log: each entry's hash covers its fields and the previous hash, and
each closed period's payouts are sealed by a digest that `verify` recomputes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from schemeops.store.case_seal import case_findings
from schemeops.store.models import AuditEntry, AuditHead, Payout, Period
from schemeops.store.types import utcnow

GENESIS = "0" * 64


def _canonical(obj: object) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def entry_hash(e: AuditEntry) -> str:
    """The sha256 of the entry's fields, its details and the previous entry's hash."""
    body = _canonical([e.seq, e.at.isoformat(), e.actor, e.action, e.subject_type,
                       e.subject_id, e.details, e.prev_hash])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record(session: Session, *, actor: str, action: str, subject_type: str,
           subject_id: object, details: dict | None = None) -> AuditEntry:
    """Append one entry to the chain inside the caller's transaction. The head row is
    updated first, so a concurrent append waits for this transaction instead of reusing its
    sequence number."""
    seq, prev = session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)).one()
    e = AuditEntry(seq=seq, at=utcnow(), actor=actor, action=action,
                   subject_type=subject_type, subject_id=str(subject_id),
                   details=_canonical(details or {}), prev_hash=prev)
    e.hash = entry_hash(e)
    session.add(e)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=e.hash))
    session.flush()
    return e


def period_seal(session: Session, period: Period) -> str:
    """The digest of the payouts a closed period froze (its run's rows for that period)."""
    rows = session.execute(
        select(Payout.id, Payout.participant_id, Payout.amount, Payout.reference,
               Payout.withholds_id, Payout.withheld)
        .where(Payout.run_id == period.run_id, Payout.program_id == period.program_id,
               Payout.period_start == period.start, Payout.period_end == period.end,
               Payout.corrects_id.is_(None))
        .order_by(Payout.id)).all()
    # what a payout withheld for an earlier period is sealed too (only where there is some,
    # so the seals of periods closed before withholding existed read as they did)
    body = "\n".join(_canonical([r.id, r.participant_id, str(r.amount), r.reference]
                                 + ([r.withholds_id, str(r.withheld)] if r.withholds_id
                                    else []))
                     for r in rows)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Finding:
    """One thing `verify` found wrong, naming the entry or period."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


def _chain_findings(entries: Iterable[AuditEntry], head: AuditHead) -> list[Finding]:
    prev, expected_seq = GENESIS, 1
    for e in entries:
        where = f"audit entry {e.seq} ({e.action} {e.subject_type} {e.subject_id})"
        if e.seq != expected_seq:
            return [Finding(where, f"entry {expected_seq} is missing")]
        if e.prev_hash != prev:
            return [Finding(where, "does not link to the entry before it")]
        if entry_hash(e) != e.hash:
            return [Finding(where, "its content no longer matches its hash")]
        prev, expected_seq = e.hash, e.seq + 1
    if (head.seq, head.hash) != (expected_seq - 1, prev):
        return [Finding("the chain's head", f"says entry {head.seq} is the newest, but the "
                        f"chain ends at entry {expected_seq - 1}: entries were removed or added")]
    return []


def _seal_findings(session: Session) -> list[Finding]:
    sealed = {}
    for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "period.closed")):
        sealed[int(e.subject_id)] = json.loads(e.details).get("seal")
    out = []
    for p in session.scalars(select(Period).where(Period.status == "closed")
                             .order_by(Period.id)):
        where = f"period {p.id} ({p.program_id} {p.start}..{p.end})"
        if sealed.get(p.id) is None:
            out.append(Finding(where, "closed without a period.closed audit entry"))
        elif period_seal(session, p) != sealed[p.id] or p.seal != sealed[p.id]:
            out.append(Finding(where, "its payouts changed after it was closed"))
    return out


def verify(session: Session) -> list[Finding]:
    """Recompute the chain (stopping at the first broken entry), compare its end with the
    head row, recompute every closed period's seal and compare every decided case with its
    entry; empty means nothing was touched."""
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
    head = session.get(AuditHead, 1)
    cases = [Finding(where, problem) for where, problem in case_findings(session)]
    return _chain_findings(entries, head) + _seal_findings(session) + cases


def count(session: Session) -> int:
    """How many entries the chain holds."""
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
