"""Who may do what: one table of permissions by role, and the scope rules for regions and
participants. The web app's dependencies and the use cases both ask here."""

from __future__ import annotations

from schemeops.service.context import Actor
from schemeops.service.errors import Forbidden

PERMISSIONS: dict[str, frozenset[str]] = {
    "programs.read": frozenset({"admin", "designer", "approver", "regional_head"}),
    "programs.write": frozenset({"admin", "designer"}),
    "programs.decide": frozenset({"admin", "approver"}),
    "programs.publish": frozenset({"admin", "designer", "approver"}),
    "runs.read": frozenset({"admin", "designer", "approver", "regional_head"}),
    "runs.simulate": frozenset({"admin", "designer"}),
    "runs.start": frozenset({"admin", "designer", "approver"}),
    "runs.approve": frozenset({"admin", "approver"}),
    "periods.close": frozenset({"admin", "approver"}),
    "exports.create": frozenset({"admin", "approver"}),
    "dashboards.read": frozenset({"admin", "designer", "approver", "regional_head"}),
    "effects.read": frozenset({"admin", "designer", "approver"}),
    "audit.read": frozenset({"admin", "approver"}),
    "users.manage": frozenset({"admin"}),
    "events.read": frozenset({"admin", "approver"}),
    "events.retry": frozenset({"admin", "approver"}),
    "webhooks.manage": frozenset({"admin"}),
    "portal.read": frozenset({"distributor", "rep"}),
    "claims.submit": frozenset({"admin", "distributor"}),
    "claims.read": frozenset({"admin", "approver"}),
    "claims.decide": frozenset({"admin", "approver"}),
    "cases.read": frozenset({"admin", "approver"}),
    "cases.decide": frozenset({"admin", "approver"}),
    "disputes.open": frozenset({"distributor", "rep"}),
    "disputes.read": frozenset({"admin", "approver"}),
    "disputes.answer": frozenset({"admin", "approver"}),
    "disputes.resolve": frozenset({"admin", "approver"}),
    "jobs.read": frozenset({"admin", "designer", "approver"}),
    "jobs.run": frozenset({"admin"}),
}


def allowed(actor: Actor, permission: str) -> bool:
    """Whether the actor's role carries the permission."""
    return actor.role in PERMISSIONS[permission]


def require(actor: Actor, permission: str) -> None:
    """Raise Forbidden unless the actor's role carries the permission."""
    if not allowed(actor, permission):
        raise Forbidden(f"a {actor.role} may not do {permission}")


def region_scope(actor: Actor) -> str | None:
    """The one region a regional head sees; None means every region."""
    return actor.region if actor.role == "regional_head" else None


def require_participant(actor: Actor, participant_id: str) -> None:
    """Distributors and reps see only their own participant's data."""
    if actor.role in ("distributor", "rep") and actor.participant_id != participant_id:
        raise Forbidden("you may see only your own data")
