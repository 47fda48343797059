"""Decided cases against the audit chain: each decision's entry names the status, the reason
and what every held payout pays; `verify` compares them with the rows in the database, so
editing a decision there (a rejection turned into a release, an adjusted amount raised) is
caught like an edited entry."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.store.models import AuditEntry, Case, CaseHold

DECIDED = ("released", "adjusted", "rejected")


@dataclass(frozen=True)
class Recorded:
    """A case's decision as the chain recorded it."""

    status: str
    reason: str
    pays: dict[str, str]


def _recorded(session: Session) -> dict[int, Recorded]:
    """Each decided case's entry, with the holds later runs carried into it."""
    out: dict[int, Recorded] = {}
    actions = [f"case.{d}" for d in DECIDED] + ["cases.opened"]
    q = select(AuditEntry).where(AuditEntry.action.in_(actions)).order_by(AuditEntry.seq)
    for e in session.scalars(q):
        d = json.loads(e.details)
        if e.action == "cases.opened":  # a later run's payouts joined decided cases
            for case_id, pays in d.get("carried", {}).items():
                if int(case_id) in out:
                    out[int(case_id)].pays.update({k: v for k, v in pays.items()
                                                   if v is not None})
        else:
            out[int(e.subject_id)] = Recorded(e.action.removeprefix("case."), d["reason"],
                                              dict(d["pays"]))
    return out


def case_findings(session: Session) -> list[tuple[str, str]]:
    """(where, problem) for every case whose decision differs from its audit entry."""
    recorded = _recorded(session)
    out = []
    q = select(Case).where(Case.status.in_(DECIDED) | Case.id.in_(list(recorded) or [0]))
    for case in session.scalars(q.order_by(Case.id)):
        where = f"case {case.id} ({case.kind} {case.participant_id} {case.period_start:%Y-%m})"
        r = recorded.get(case.id)
        if r is None:
            out.append((where, f"is {case.status} without a decision in the audit chain"))
            continue
        pays = {str(h.payout_id): str(h.pays) for h in session.scalars(
            select(CaseHold).where(CaseHold.case_id == case.id)) if h.pays is not None}
        if (case.status, case.reason, pays) != (r.status, r.reason, r.pays):
            out.append((where, "its decision changed after it was recorded"))
    return out
