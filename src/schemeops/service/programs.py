"""Program lifecycle: draft, edit, check, submit, approve or reject (never one's own), go live,
close; version history with diffs."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.errors import Diagnostic
from schemeops.program.check import check_text
from schemeops.program.model import Program as ProgramSpec
from schemeops.program.parse import program_version
from schemeops.service.actions import own_version
from schemeops.service.context import Actor
from schemeops.service.errors import Conflict, Invalid, NotFound
from schemeops.service.policy import require
from schemeops.store.audit import record
from schemeops.store.models import Decision, Program, ProgramVersion
from schemeops.store.types import utcnow


def check(text: str, file: str = "program.yaml") -> tuple[ProgramSpec | None, list[Diagnostic]]:
    """Every located problem of a program text (none when it is sound)."""
    return check_text(text, file)


def _checked(text: str) -> ProgramSpec:
    spec, diagnostics = check(text)
    if spec is None:
        raise Invalid(diagnostics)
    return spec


def get_version(s: Session, version_id: int) -> ProgramVersion:
    """A version by id, or NotFound."""
    v = s.get(ProgramVersion, version_id)
    if v is None:
        raise NotFound(f"no program version {version_id}")
    return v


def get_program(s: Session, program_id: str) -> Program:
    """A program by id, or NotFound."""
    p = s.get(Program, program_id)
    if p is None:
        raise NotFound(f"no program {program_id!r}")
    return p


def list_programs(s: Session, actor: Actor, *, status: str | None = None,
                  text: str | None = None) -> list[tuple[Program, ProgramVersion]]:
    """Programs with their newest version, filtered by that version's status or a text."""
    require(actor, "programs.read")
    out = []
    for p in s.scalars(select(Program).order_by(Program.id)):
        latest = p.versions[-1]
        if status and latest.status != status:
            continue
        if text and text.lower() not in f"{p.id} {p.name}".lower():
            continue
        out.append((p, latest))
    return out


def create_draft(s: Session, actor: Actor, text: str) -> ProgramVersion:
    """A new program (or a new draft version of an existing one) from a sound text."""
    require(actor, "programs.write")
    spec = _checked(text)
    program = s.get(Program, spec.id)
    if program is None:
        program = Program(id=spec.id, name=spec.name, created_by=actor.user_id)
        s.add(program)
        s.flush()
        number = 1
    else:
        if any(v.status == "draft" for v in program.versions):
            raise Conflict(f"program {spec.id!r} already has a draft; edit it instead")
        number = program.versions[-1].number + 1
    v = ProgramVersion(program_id=spec.id, number=number, yaml=text,
                       content_hash=program_version(spec), author_id=actor.user_id)
    s.add(v)
    s.flush()
    record(s, actor=actor.username, action="version.drafted", subject_type="program_version",
           subject_id=v.id, details={"program": spec.id, "number": number,
                                     "hash": v.content_hash})
    return v


def edit_draft(s: Session, actor: Actor, version_id: int, text: str) -> ProgramVersion:
    """Replace a draft's text; the program id may not change."""
    require(actor, "programs.write")
    v = get_version(s, version_id)
    if v.status != "draft":
        raise Conflict(f"version {v.number} of {v.program_id} is {v.status}; only drafts change")
    spec = _checked(text)
    if spec.id != v.program_id:
        raise Conflict(f"the id must stay {v.program_id!r}; to start another program, "
                       "create a new one")
    v.yaml, v.content_hash, v.updated_at = text, program_version(spec), utcnow()
    v.program.name = spec.name
    record(s, actor=actor.username, action="version.edited", subject_type="program_version",
           subject_id=v.id, details={"hash": v.content_hash})
    return v


def _move(s: Session, actor: Actor, v: ProgramVersion, frm: tuple[str, ...], to: str,
          **details: object) -> ProgramVersion:
    if v.status not in frm:
        raise Conflict(f"version {v.number} of {v.program_id} is {v.status}, "
                       f"not {' or '.join(frm)}")
    v.status = to
    record(s, actor=actor.username, action=f"version.{to}", subject_type="program_version",
           subject_id=v.id, details={"program": v.program_id, "number": v.number,
                                     "hash": v.content_hash, **details})
    return v


def submit(s: Session, actor: Actor, version_id: int) -> ProgramVersion:
    """Freeze a draft and ask for approval."""
    require(actor, "programs.write")
    v = get_version(s, version_id)
    _checked(v.yaml)
    v.submitted_at = utcnow()
    return _move(s, actor, v, ("draft",), "submitted")


def decide(s: Session, actor: Actor, version_id: int, *, approve: bool,
           comment: str = "", details: dict[str, object] | None = None) -> ProgramVersion:
    """Approve or reject a submitted version; nobody decides on their own work. `details`
    go into the audit entry (the guards' verdicts, `service/approvals.py`)."""
    require(actor, "programs.decide")
    v = get_version(s, version_id)
    if refusal := own_version(actor, v):
        raise Conflict(refusal)
    if not approve and not comment.strip():
        raise Conflict("say why you reject it: a comment is required")
    decision = "approved" if approve else "rejected"
    s.add(Decision(subject_type="program_version", subject_id=v.id, decision=decision,
                   user_id=actor.user_id, comment=comment))
    return _move(s, actor, v, ("submitted",), decision, comment=comment, **(details or {}))


def go_live(s: Session, actor: Actor, version_id: int) -> ProgramVersion:
    """Make an approved version the live one; the version it replaces is closed."""
    require(actor, "programs.publish")
    v = get_version(s, version_id)
    for other in v.program.versions:
        if other.status == "live" and other.id != v.id:
            _move(s, actor, other, ("live",), "closed", replaced_by=v.id)
    return _move(s, actor, v, ("approved",), "live")


def close(s: Session, actor: Actor, version_id: int) -> ProgramVersion:
    """End a live version: it is no longer calculated."""
    require(actor, "programs.publish")
    return _move(s, actor, get_version(s, version_id), ("live",), "closed")


@dataclass(frozen=True)
class HistoryEntry:
    """One version and how its text differs from the version before it."""

    version: ProgramVersion
    decisions: list[Decision]
    diff: str


def history(s: Session, actor: Actor, program_id: str) -> list[HistoryEntry]:
    """Every version of a program, newest first, each with its unified diff and decisions."""
    require(actor, "programs.read")
    program = get_program(s, program_id)
    out, before = [], ""
    for v in program.versions:
        diff = "".join(difflib.unified_diff(
            before.splitlines(keepends=True), v.yaml.splitlines(keepends=True),
            f"version {v.number - 1}" if before else "(none)", f"version {v.number}"))
        decisions = list(s.scalars(select(Decision).where(
            Decision.subject_type == "program_version", Decision.subject_id == v.id)
            .order_by(Decision.id)))
        out.append(HistoryEntry(v, decisions, diff))
        before = v.yaml
    return out[::-1]


@dataclass(frozen=True)
class VersionView:
    """A version with its parsed program (None if its text no longer checks) and decisions."""

    version: ProgramVersion
    spec: ProgramSpec | None
    decisions: list[Decision]


def read_version(s: Session, actor: Actor, version_id: int) -> VersionView:
    """A version as a reader sees it: text, parsed program, decisions on it."""
    require(actor, "programs.read")
    v = get_version(s, version_id)
    decisions = list(s.scalars(select(Decision).where(
        Decision.subject_type == "program_version", Decision.subject_id == v.id)
        .order_by(Decision.id)))
    return VersionView(v, check(v.yaml)[0], decisions)


def live_versions(s: Session) -> list[ProgramVersion]:
    """The live version of every program, by program id."""
    return list(s.scalars(select(ProgramVersion).where(ProgramVersion.status == "live")
                          .order_by(ProgramVersion.program_id)))
