"""Approving a version under its guards: a blocking verdict holds the first approval, and
only a second approver's override, with a comment, approves it (docs/guards.md)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.service import programs
from schemeops.service.actions import held_refusal, own_version
from schemeops.service.context import Actor, App
from schemeops.service.errors import Conflict
from schemeops.service.guards import GuardReport, judge
from schemeops.service.policy import require
from schemeops.store.audit import record
from schemeops.store.models import Decision, ProgramVersion


def held_approval(s: Session, v: ProgramVersion) -> Decision | None:
    """The first approval of a version that its guards hold (an approval recorded while it
    is still submitted), or None."""
    if v.status != "submitted":
        return None
    return s.scalars(select(Decision).where(
        Decision.subject_type == "program_version", Decision.subject_id == v.id,
        Decision.decision == "approved").order_by(Decision.id)).first()


def _names(report: GuardReport) -> str:
    return ", ".join(f"{g.guard} ({g.summary})" for g in report.blocked)


def decide_guarded(s: Session, app: App, actor: Actor, version_id: int, *, approve: bool,
                   comment: str = "") -> ProgramVersion:
    """Reject, or approve unless a guard blocks: then the approval is recorded and held,
    and the version stays submitted until another approver overrides."""
    require(actor, "programs.decide")
    v = programs.get_version(s, version_id)
    if not approve or v.status != "submitted" or own_version(actor, v):
        return programs.decide(s, actor, version_id, approve=approve, comment=comment)
    if first := held_approval(s, v):
        raise Conflict(f"{first.user.username} approved it and its guards hold it: "
                       + ("another approver must override" if first.user_id == actor.user_id
                          else "override it with a comment to approve it"))
    report = judge(s, app, v)
    if not report.blocked:
        return programs.decide(s, actor, version_id, approve=True, comment=comment,
                               details=report.audit())
    s.add(Decision(subject_type="program_version", subject_id=v.id, decision="approved",
                   user_id=actor.user_id,
                   comment=(comment + " — " if comment else "") + "held by its guards: "
                   + ", ".join(g.guard for g in report.blocked)))
    record(s, actor=actor.username, action="version.held", subject_type="program_version",
           subject_id=v.id, details={"program": v.program_id, "number": v.number,
                                     "comment": comment, **report.audit()})
    return v


def override(s: Session, app: App, actor: Actor, version_id: int, *,
             comment: str) -> ProgramVersion:
    """Approve a version its guards hold: by an approver who neither wrote it nor gave the
    held approval, with a comment saying why."""
    require(actor, "programs.decide")
    v = programs.get_version(s, version_id)
    if refusal := own_version(actor, v):
        raise Conflict(refusal)
    first = held_approval(s, v)
    if first is None:
        raise Conflict(f"version {v.number} of {v.program_id} is not held by its guards: "
                       "approve it instead")
    if refusal := held_refusal(actor, v, first.user_id):
        raise Conflict(refusal)
    if not comment.strip():
        raise Conflict("say why you override its guards: a comment is required")
    report = judge(s, app, v)
    record(s, actor=actor.username, action="version.overridden",
           subject_type="program_version", subject_id=v.id,
           details={"program": v.program_id, "number": v.number, "comment": comment,
                    "first_approver": first.user.username, "blocked": _names(report),
                    **report.audit()})
    return programs.decide(s, actor, version_id, approve=True, comment=comment,
                           details={"override": True, **report.audit()})
