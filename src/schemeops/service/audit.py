"""Reading the audit trail, in words, and verifying it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.service.context import Actor
from schemeops.service.policy import require
from schemeops.store import audit as chain
from schemeops.store.models import AuditEntry, Period, ProgramVersion, User


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


@dataclass(frozen=True)
class Subject:
    """What an entry is about, in words; `href` its page, readable with `permission`."""

    text: str
    href: str | None = None
    permission: str | None = None


@dataclass(frozen=True)
class Line:
    """One audit entry told in words."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    subject: Subject
    details: tuple[tuple[str, str], ...]


#: Each action of the chain as a verb phrase; others are told from their code.
ACTIONS = {
    "version.drafted": "drafted", "version.edited": "edited", "version.submitted": "submitted",
    "version.approved": "approved", "version.rejected": "rejected",
    "version.live": "made live", "version.closed": "closed",
    "run.queued": "queued", "run.succeeded": "finished", "run.failed": "failed",
    "payouts.approved": "approved the payouts of", "payouts.rejected":
    "rejected the payouts of", "payouts.exported": "exported credit notes of",
    "period.closed": "closed", "user.created": "created", "user.signed_in": "signed in",
    "user.signed_out": "signed out", "user.sign_in_failed": "failed to sign in as",
    "user.password_changed": "changed the password of", "user.removed": "removed",
    "token.issued": "issued an API token to", "account.locked": "locked the account of",
    "account.unlocked": "unlocked the account of", "address.locked": "locked an address",
    "address.unlocked": "unlocked an address", "cases.opened": "opened cases on",
    "claim.submitted": "submitted", "dispute.opened": "opened", "dispute.assigned": "assigned",
    "dispute.message": "wrote in", "dispute.adjustment_proposed": "proposed an adjustment in",
    "dispute.resolved": "resolved", "dispute.applied": "applied",
    "effect.estimated": "estimated the effect of",
}
_PAGES = {"run": ("/runs/{}", "runs.read"), "program_version": ("/versions/{}",
                                                                "programs.read"),
          "claim": ("/claims/{}", "claims.read"), "dispute": ("/disputes/{}", "disputes.read"),
          "case": ("/cases/{}", "cases.read")}


def _words(code: str) -> str:
    return code.replace("_", " ").replace(".", " ").strip()


def _value(value: object, *, nested: bool = False) -> str:
    """A detail's value in words; ids inside it are kept as they are."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        parts = [f"{k}: {_value(v, nested=True)}" for k, v in value.items()]
        return f"({', '.join(parts)})" if nested else "; ".join(parts)
    if isinstance(value, list):
        return ", ".join(_value(v, nested=True) for v in value)
    return str(value)


def _details(text: str) -> tuple[tuple[str, str], ...]:
    try:
        raw = json.loads(text or "{}")
    except ValueError:
        return (("details", text),)
    if not isinstance(raw, dict):
        return (("details", _value(raw)),)
    return tuple((_words(str(k)), _value(v)) for k, v in raw.items())


def _subjects(s: Session, entries: list[AuditEntry]) -> dict[tuple[str, str], Subject]:
    """Each entry's subject named: users by their name, versions by program and number,
    periods by program and dates, the rest by kind and number, linked to their page."""
    ids: dict[str, set[int]] = {}
    for e in entries:
        if e.subject_id.isdigit():
            ids.setdefault(e.subject_type, set()).add(int(e.subject_id))
    users = dict(s.execute(select(User.id, User.username)
                           .where(User.id.in_(ids.get("user", set())))).all())
    versions = {v.id: v for v in s.scalars(select(ProgramVersion).where(
        ProgramVersion.id.in_(ids.get("program_version", set()))))}
    periods = {p.id: p for p in s.scalars(select(Period).where(
        Period.id.in_(ids.get("period", set()))))}
    out = {}
    for e in entries:
        kind, sid = e.subject_type, e.subject_id
        n = int(sid) if sid.isdigit() else None
        if kind == "user":
            subject = Subject(users.get(n, f"a removed user (#{sid})") if n else sid)
        elif kind == "program_version" and n in versions:
            v = versions[n]
            subject = Subject(f"version {v.number} of {v.program_id}", f"/versions/{n}",
                              "programs.read")
        elif kind == "period" and n in periods:
            p = periods[n]
            subject = Subject(f"the period {p.start} – {p.end} of {p.program_id}",
                              f"/periods?program={quote(p.program_id)}", "runs.read")
        elif kind in _PAGES and n:
            href, permission = _PAGES[kind]
            subject = Subject(f"{_words(kind)} #{sid}", href.format(n), permission)
        else:
            subject = Subject(f"{_words(kind)} {sid}".strip())
        out[(kind, sid)] = subject
    return out


def readable(s: Session, entries: list[AuditEntry]) -> list[Line]:
    """The entries in words: who, did what, to what (named and linked), with which details."""
    subjects = _subjects(s, entries)
    lines = []
    for e in entries:
        subject = subjects[(e.subject_type, e.subject_id)]
        if e.subject_type == "user" and subject.text == e.actor:
            subject = Subject("")  # "asha signed in", not "asha signed in asha"
        lines.append(Line(e.seq, e.at, e.actor, _action(e.action), subject,
                          _details(e.details)))
    return lines


def _action(code: str) -> str:
    """"case.released" → "released" when the table has no phrase for it."""
    return ACTIONS.get(code, _words(code.partition(".")[2] or code))
