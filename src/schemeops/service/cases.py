"""Cases: the reviewers' queue (ranked by value at risk), one case with its evidence, and
the decision on its held payouts: release, adjust to the counterfactual, or reject; never
by whoever started the run that opened it. Every decision goes into the audit chain."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemeops.service.case_pay import pays
from schemeops.service.context import Actor
from schemeops.service.errors import Conflict, NotFound
from schemeops.service.policy import require
from schemeops.store.audit import record
from schemeops.store.models import Case, CaseHold, Payout, Run
from schemeops.store.types import utcnow

MAX_REASON = 2000
#: A decision's verb and the status it leaves the case in.
DECISIONS: dict[str, str] = {"release": "released", "adjust": "adjusted", "reject": "rejected"}
Decision = Literal["release", "adjust", "reject"]


def list_cases(s: Session, actor: Actor, *, status: str | None = "open",
               run_id: int | None = None, limit: int = 500) -> list[Case]:
    """Cases ranked by value at risk (then score), filtered by status and run."""
    require(actor, "cases.read")
    q = select(Case).order_by(Case.value_at_risk.desc(), Case.score.desc(), Case.id)
    if status:
        q = q.where(Case.status == status)
    if run_id is not None:
        q = q.where(Case.run_id == run_id)
    return list(s.scalars(q.limit(limit)))


def counts(s: Session, actor: Actor) -> dict[str, int]:
    """How many cases are in each status (dropped ones too: nothing is lost silently)."""
    require(actor, "cases.read")
    return dict(s.execute(select(Case.status, func.count()).group_by(Case.status)).all())


def get_case(s: Session, actor: Actor, case_id: int) -> Case:
    """One case with its evidence and holds, or NotFound."""
    require(actor, "cases.read")
    case = s.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


def held_payouts(s: Session, case: Case) -> list[Payout]:
    """The payouts the case holds, in program order."""
    return list(s.scalars(select(Payout).join(CaseHold, CaseHold.payout_id == Payout.id)
                          .where(CaseHold.case_id == case.id)
                          .order_by(Payout.program_id, Payout.id)))


def decide(s: Session, actor: Actor, case_id: int, decision: Decision, *,
           reason: str) -> Case:
    """Release, adjust or reject an open case's held payouts, with a reason."""
    require(actor, "cases.decide")
    case = get_case(s, actor, case_id)
    if decision not in DECISIONS:
        raise Conflict(f"decide with one of {', '.join(DECISIONS)}, not {decision!r}")
    if case.status != "open":
        raise Conflict(f"case {case.id} is {case.status}; only an open case is decided")
    if s.get(Run, case.run_id).started_by == actor.user_id:
        raise Conflict("you started the run that opened this case; another reviewer "
                       "must decide it")
    if actor.participant_id == case.participant_id:
        raise Conflict("a case on your own participant is decided by someone else")
    reason = reason.strip()
    if not reason:
        raise Conflict("say why: a reason is required")
    if len(reason) > MAX_REASON:
        raise Conflict(f"a reason has at most {MAX_REASON} characters; this one has "
                       f"{len(reason)}")
    status = DECISIONS[decision]
    paid = pays(status, case.value_at_risk, held_payouts(s, case))
    holds = {h.payout_id: h for h in case.holds}
    for payout, amount in paid.items():
        holds[payout.id].pays = amount
    case.status, case.reason = status, reason
    case.decided_by, case.decided_at = actor.user_id, utcnow()
    record(s, actor=actor.username, action=f"case.{status}", subject_type="case",
           subject_id=case.id, details={"reason": reason, "participant": case.participant_id,
                                        "finding": case.finding_id,
                                        "value_at_risk": case.value_at_risk,
                                        "pays": {str(p.id): a for p, a in paid.items()}})
    return case
