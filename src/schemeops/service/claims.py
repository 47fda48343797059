"""Claims: a participant (or an admin for one) submits lines against a program; each line is
validated against the warehouse's invoices, net of their returns, and the live version's
periods; an approver other than the submitter approves them fully or partly, or rejects the
claim. Every submission and decision goes into the audit chain."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import ibis
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from schemeops.engine.periods import program_windows
from schemeops.service.claim_rules import (
    Invoice,
    LineInput,
    Verdict,
    approvable,
    plain,
    validate,
)
from schemeops.service.context import Actor
from schemeops.service.errors import Conflict, Forbidden, NotFound
from schemeops.service.policy import allowed, require, require_participant
from schemeops.service.programs import check
from schemeops.store.audit import record
from schemeops.store.models import Claim, ClaimLine, ProgramVersion
from schemeops.store.types import utcnow

MAX_LINES = 500
MAX_COMMENT = 2000
_ZERO = Decimal("0.00")


def invoices_of(warehouse: Path, invoice_ids: Sequence[str]) -> dict[str, Invoice]:
    """The named invoices with, per sku, their quantity and amount net of the returns that
    reference them (two grouped Ibis queries on the read-only warehouse)."""
    ids = sorted({i for i in invoice_ids if i and plain(i) and len(i) <= 80})
    if not ids:
        return {}
    con = ibis.duckdb.connect(str(warehouse), read_only=True)
    try:
        sales = con.table("sales")
        sold = (sales.filter(sales.doc_type == "invoice", sales.invoice_id.isin(ids))
                .group_by("invoice_id", "sku")
                .agg(distributor_id=sales.distributor_id.min(),
                     invoice_date=sales.invoice_date.min(),
                     quantity=sales.quantity.sum(), amount=sales.net_amount.sum()))
        back = (sales.filter(sales.doc_type == "return", sales.ref_invoice_id.isin(ids))
                .group_by(invoice_id=sales.ref_invoice_id, sku=sales.sku)
                .agg(quantity=sales.quantity.sum(), amount=sales.net_amount.sum()))
        sold_rows = sold.to_pyarrow().to_pylist()
        back_rows = {(r["invoice_id"], r["sku"]): r for r in back.to_pyarrow().to_pylist()}
    finally:
        con.disconnect()
    out: dict[str, Invoice] = {}
    for r in sold_rows:  # one row per (invoice, sku) named in the claim, not per sales line
        inv = out.setdefault(r["invoice_id"], Invoice(r["invoice_id"], r["distributor_id"],
                                                       r["invoice_date"], {}))
        ret = back_rows.get((r["invoice_id"], r["sku"]), {"quantity": 0, "amount": 0})
        inv.lines[r["sku"]] = (Decimal(r["quantity"]) + Decimal(ret["quantity"]),
                               (Decimal(r["amount"]) + Decimal(ret["amount"])).quantize(_ZERO))
    return out


def _in_force(s: Session, program_id: str) -> ProgramVersion | None:
    return s.scalar(select(ProgramVersion).where(ProgramVersion.program_id == program_id,
                                                 ProgramVersion.status == "live"))


def _windows(version: ProgramVersion | None) -> list[tuple[dt.date, dt.date]] | None:
    if version is None:
        return None
    spec, _ = check(version.yaml)
    return [(w.start, w.end) for w in program_windows(spec.period)] if spec else None


def _held(s: Session, program_id: str, invoice_ids: Sequence[str]) -> set[tuple[str, str]]:
    rows = s.execute(select(ClaimLine.invoice_id, ClaimLine.sku).where(
        ClaimLine.program_id == program_id, ClaimLine.holds,
        ClaimLine.invoice_id.in_(sorted({i for i in invoice_ids if i and plain(i)}))))
    return {(r.invoice_id, r.sku) for r in rows}


def submit(s: Session, warehouse: Path, actor: Actor, *, participant_id: str,
           program_id: str, lines: Sequence[LineInput], reference: str | None = None,
           submitted_on: dt.date | None = None) -> Claim:
    """Validate and store a claim: every line accepted or refused with its class and reason.
    A claim none of whose lines stands is stored as refused, so its sender sees why."""
    require(actor, "claims.submit")
    require_participant(actor, participant_id)
    if not lines or len(lines) > MAX_LINES:
        raise Conflict(f"a claim has 1 to {MAX_LINES} lines; this one has {len(lines)}")
    if len({ln.line_no for ln in lines}) != len(lines):
        raise Conflict("each line number may appear once in a claim")
    reference = (reference or f"C-{secrets.token_hex(4).upper()}").strip()
    if not all(0 < len(x) <= 80 and plain(x) for x in (reference, program_id, participant_id)):
        raise Conflict("the claim id, the program id and the participant must be 1 to 80 "
                       "printable characters")
    if s.scalar(select(Claim.id).where(Claim.participant_id == participant_id,
                                       Claim.reference == reference)):
        raise Conflict(f"claim {reference!r} was already submitted for {participant_id}; "
                       "give a new claim id")
    version = _in_force(s, program_id)
    ids = [ln.invoice_id for ln in lines if ln.invoice_id]
    verdicts = validate(lines, participant_id=participant_id, windows=_windows(version),
                        invoices=invoices_of(warehouse, ids), claimed=_held(s, program_id, ids))
    claim = Claim(reference=reference, participant_id=participant_id, program_id=program_id,
                  version_id=version.id if version else None, submitted_by=actor.user_id,
                  submitted_on=submitted_on or utcnow().date(), comment="",
                  status="submitted" if any(v.error is None for v in verdicts) else "refused",
                  claimed=sum((ln.amount for ln in lines if _money(ln.amount)), _ZERO))
    s.add(claim)
    s.flush()
    s.add_all(_line(claim, program_id, ln, v) for ln, v in zip(lines, verdicts, strict=True))
    try:
        s.flush()
    except IntegrityError as e:  # a concurrent claim took the same invoice line first
        raise Conflict("another claim claimed one of these invoice lines just now; "
                       "submit again to see which") from e
    refused = [v for v in verdicts if v.error]
    record(s, actor=actor.username, action="claim.submitted", subject_type="claim",
           subject_id=claim.id, details={
               "reference": reference, "participant": participant_id, "program": program_id,
               "version": claim.version_id, "lines": len(verdicts), "claimed": claim.claimed,
               "refused": {v.line_no: v.error for v in refused}})
    return claim


def _money(value: Decimal | None) -> bool:
    return value is not None and value == value.quantize(_ZERO)


def _kept(text: str | None) -> str | None:
    """An id as the store may keep it (a refused line's garbage is in its reason only)."""
    return text if text and plain(text) and len(text) <= 80 else None


def _line(claim: Claim, program_id: str, ln: LineInput, v: Verdict) -> ClaimLine:
    ok = v.error is None
    return ClaimLine(
        claim_id=claim.id, line_no=ln.line_no, program_id=program_id,
        invoice_id=_kept(ln.invoice_id) if not ln.problems else None,
        sku=_kept(ln.sku) if not ln.problems else None,
        quantity=ln.quantity, amount=ln.amount if _money(ln.amount) else None,
        status="accepted" if ok else "refused", error=v.error, reason=v.reason,
        supported_quantity=v.supported_quantity, supported_amount=v.supported_amount,
        holds=ok)


def list_claims(s: Session, actor: Actor, *, status: str | None = None,
                limit: int = 200) -> list[Claim]:
    """Claims, newest first: every claim for reviewers, a participant's own for them."""
    q = select(Claim).order_by(Claim.id.desc()).limit(limit)
    if not allowed(actor, "claims.read"):
        require(actor, "claims.submit")
        if actor.participant_id is None:
            raise Forbidden("your user is not linked to a participant")
        q = q.where(Claim.participant_id == actor.participant_id)
    if status:
        q = q.where(Claim.status == status)
    return list(s.scalars(q))


def get_claim(s: Session, actor: Actor, claim_id: int) -> Claim:
    """One claim with its lines; a participant asking for another's claim learns nothing."""
    if not allowed(actor, "claims.read"):
        require(actor, "claims.submit")
    claim = s.get(Claim, claim_id)
    if claim is None or (not allowed(actor, "claims.read")
                         and claim.participant_id != actor.participant_id):
        raise NotFound(f"no claim {claim_id}")
    return claim


def decide(s: Session, warehouse: Path, actor: Actor, claim_id: int, *, approve: bool,
           amounts: dict[int, Decimal] | None = None, comment: str = "") -> Claim:
    """Approve a submitted claim (each accepted line at `amounts[line_no]`, by default at
    its claim; never above what its invoice supports now, returns since included) or reject
    it with a comment; never one's own claim."""
    require(actor, "claims.decide")
    claim = get_claim(s, actor, claim_id)
    if claim.submitted_by == actor.user_id:
        raise Conflict("you submitted this claim; another approver must decide it")
    if claim.status != "submitted":
        raise Conflict(f"this claim is {claim.status}; only a submitted claim is decided")
    comment = comment.strip()[:MAX_COMMENT]
    if not approve and not comment:
        raise Conflict("a rejection needs a comment saying why")
    accepted = [ln for ln in claim.lines if ln.status == "accepted"]
    amounts = dict(amounts or {})
    if stray := sorted(set(amounts) - {ln.line_no for ln in accepted}):
        raise Conflict(f"line {stray[0]} was refused at submission (or does not exist); "
                       "only accepted lines are approved")
    if approve:
        now = invoices_of(warehouse, [ln.invoice_id for ln in accepted])
        for ln in accepted:
            inv = now.get(ln.invoice_id)
            supported = inv.lines.get(ln.sku, (0, _ZERO))[1] if inv else _ZERO
            cap = approvable(ln.amount, supported)
            want = amounts.get(ln.line_no, cap)
            if want < 0 or want > cap or not _money(want):
                raise Conflict(f"line {ln.line_no}: approve between 0.00 and {cap:.2f} (its "
                               f"claim, and what the invoice supports now: {supported:.2f})")
            ln.approved, ln.supported_amount = want, supported
        total = sum((ln.approved for ln in accepted), _ZERO)
        full = len(accepted) == len(claim.lines) and all(
            ln.approved == ln.amount for ln in accepted)
        claim.status, claim.approved = ("approved" if full else "partly_approved"), total
    else:
        for ln in accepted:
            ln.approved, ln.holds = _ZERO, False  # a rejected claim frees its invoice lines
        claim.status, claim.approved = "rejected", _ZERO
    claim.decided_by, claim.decided_at, claim.comment = actor.user_id, utcnow(), comment
    record(s, actor=actor.username, action=f"claim.{claim.status}", subject_type="claim",
           subject_id=claim.id, details={
               "reference": claim.reference, "participant": claim.participant_id,
               "approved": claim.approved, "comment": comment,
               "lines": {ln.line_no: ln.approved for ln in accepted}})
    return claim
