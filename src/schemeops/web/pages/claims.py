"""Claim pages: a participant's form and results (mobile first), the reviewers' queue, one
claim with its lines and the decision form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRouter

from schemeops.service import claims, programs
from schemeops.service.claims_csv import typed_line
from schemeops.service.errors import Conflict, Forbidden
from schemeops.web.actors import ClaimDecider, ClaimReader, ClaimSubmitter
from schemeops.web.outcomes import done
from schemeops.web.render import page
from schemeops.web.schemas import PathId
from schemeops.web.security import AppDep, SessionDep

router = APIRouter()
_COLUMNS = ("invoice_id", "sku", "quantity", "amount")


@router.get("/portal/claims")
def my_claims(request: Request, s: SessionDep, actor: ClaimSubmitter) -> Response:
    """The claim form and the participant's claims, each line with its verdict."""
    return page(request, "claims_portal.html", claims=claims.list_claims(s, actor),
                versions=programs.live_versions(s))


@router.post("/portal/claims")
async def submit(request: Request, s: SessionDep, app: AppDep, actor: ClaimSubmitter
                 ) -> Response:
    """Submit the form's non-empty rows as one claim; back to the list with the result."""
    form = await request.form()
    cols = {c: [str(v) for v in form.getlist(c)][: claims.MAX_LINES + 1] for c in _COLUMNS}
    rows = [r for r in zip(*(cols[c] for c in _COLUMNS), strict=False)
            if any(v.strip() for v in r)]
    if not rows:
        raise Conflict("fill in at least one line: invoice, sku, quantity and amount")
    lines = [typed_line(n, *r, where=f"line {n}") for n, r in enumerate(rows, start=1)]
    pid = actor.participant_id or str(form.get("participant_id", "")).strip()[:80]
    if not pid:
        raise Forbidden("say which participant the claim is for")
    c = claims.submit(s, app.warehouse, actor, participant_id=pid,
                      program_id=str(form.get("program_id", "")).strip()[:80], lines=lines)
    return RedirectResponse(f"/portal/claims#claim-{c.id}", status_code=303)


@router.get("/claims")
def queue(request: Request, s: SessionDep, actor: ClaimReader, status: str = "") -> Response:
    """Claims, newest first, filtered by status (submitted ones wait for a decision)."""
    return page(request, "claims.html", claims=claims.list_claims(
        s, actor, status=status[:20] or None), status=status)


@router.get("/claims/{claim_id}")
def view(request: Request, s: SessionDep, actor: ClaimReader, claim_id: PathId) -> Response:
    """One claim: its lines, verdicts and the decision form."""
    return page(request, "claim.html", c=claims.get_claim(s, actor, claim_id))


@router.post("/claims/{claim_id}/decide")
async def decide(request: Request, s: SessionDep, app: AppDep, actor: ClaimDecider,
                 claim_id: PathId) -> Response:
    """Approve (amount per line, blank = as claimed) or reject with a comment."""
    form = await request.form()
    amounts = {}
    for key, value in form.items():
        if key.startswith("amount_") and key[7:].isdigit() and str(value).strip():
            try:
                amounts[int(key[7:])] = Decimal(str(value).strip()[:40])
            except InvalidOperation as e:
                raise Conflict(f"line {key[7:]}: {str(value)[:40]!r} is not an amount") from e
    claims.decide(s, app.warehouse, actor, claim_id,
                  approve=form.get("decision") == "approve", amounts=amounts,
                  comment=str(form.get("comment", ""))[: claims.MAX_COMMENT])
    return RedirectResponse(done(f"/claims/{claim_id}", "claim_decided"), status_code=303)
