"""Claims over the API: submit as JSON or as claims.csv, list, read, decide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from schemeops.service import claims
from schemeops.service.claims_csv import read_claims, typed_line
from schemeops.service.errors import Forbidden
from schemeops.web.actors import ClaimDecider, ClaimReader, ClaimSubmitter
from schemeops.web.schemas import PathId
from schemeops.web.security import AppDep, SessionDep

router = APIRouter(tags=["claims"])
Text80 = Annotated[str, Field(max_length=80)]
Number = Annotated[str, Field(max_length=40)]


class ClaimLineCreate(BaseModel):
    """One line as sent: numbers as text, so a bad one refuses its line, not the claim."""

    invoice_id: Text80 = ""
    sku: Text80 = ""
    quantity: Number = ""
    amount: Number = ""


class ClaimCreate(BaseModel):
    """A claim: for whom (a distributor's own by default), on which program, its lines."""

    participant_id: Text80 | None = None
    program_id: Text80
    claim_id: Text80 | None = None
    lines: Annotated[list[ClaimLineCreate], Field(min_length=1, max_length=claims.MAX_LINES)]


class ClaimDecision(BaseModel):
    """Approve (per line amounts, default as claimed) or reject with a comment."""

    approve: bool
    amounts: dict[int, Decimal] = {}
    comment: Annotated[str, Field(max_length=claims.MAX_COMMENT)] = ""


class ClaimLineRead(BaseModel):
    """A line and its verdict."""

    model_config = ConfigDict(from_attributes=True)
    line_no: int
    invoice_id: str | None
    sku: str | None
    quantity: Decimal | None
    amount: Decimal | None
    status: str
    error: str | None
    reason: str
    supported_amount: Decimal | None
    approved: Decimal | None


class ClaimRead(BaseModel):
    """A claim with its lines."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    reference: str
    participant_id: str
    program_id: str
    status: str
    submitted_on: dt.date
    claimed: Decimal
    approved: Decimal | None
    comment: str
    lines: list[ClaimLineRead]


def _participant(actor, wanted: str | None) -> str:  # type: ignore[no-untyped-def]
    pid = wanted or actor.participant_id
    if not pid:
        raise Forbidden("say which participant the claim is for")
    return pid


@router.post("/claims", status_code=201)
def submit(s: SessionDep, app: AppDep, actor: ClaimSubmitter, body: ClaimCreate) -> ClaimRead:
    """Submit a claim; each line comes back accepted or refused with its class and reason."""
    lines = [typed_line(n, ln.invoice_id, ln.sku, ln.quantity, ln.amount, where=f"line {n}")
             for n, ln in enumerate(body.lines, start=1)]
    c = claims.submit(s, app.warehouse, actor, participant_id=_participant(
        actor, body.participant_id), program_id=body.program_id, lines=lines,
        reference=body.claim_id)
    return ClaimRead.model_validate(c)


@router.post("/claims/upload", status_code=201,
             openapi_extra={"requestBody": {"content": {"text/csv": {}}}})
async def upload(request: Request, app: AppDep, actor: ClaimSubmitter) -> list[ClaimRead]:
    """Submit every claim of a claims.csv (the request body); whole-file problems come back
    as located diagnostics (422), bad values as refused lines naming row and column."""
    data = await request.body()
    ups = read_claims(data[: 2_000_001])
    with app.sessions.begin() as s:
        return [ClaimRead.model_validate(claims.submit(
            s, app.warehouse, actor, participant_id=u.participant_id, program_id=u.program_id,
            lines=u.lines, reference=u.reference, submitted_on=u.submitted_on)) for u in ups]


@router.get("/claims")
def list_claims(s: SessionDep, actor: ClaimReader, status: Text80 | None = None
                ) -> list[ClaimRead]:
    """Every claim, newest first (reviewers)."""
    return [ClaimRead.model_validate(c) for c in claims.list_claims(s, actor, status=status)]


@router.get("/portal/claims")
def my_claims(s: SessionDep, actor: ClaimSubmitter) -> list[ClaimRead]:
    """The token's participant's own claims, newest first."""
    return [ClaimRead.model_validate(c) for c in claims.list_claims(s, actor)]


@router.get("/claims/{claim_id}")
def get_claim(s: SessionDep, actor: ClaimReader, claim_id: PathId) -> ClaimRead:
    """One claim with its lines."""
    return ClaimRead.model_validate(claims.get_claim(s, actor, claim_id))


@router.post("/claims/{claim_id}/decision")
def decide(s: SessionDep, app: AppDep, actor: ClaimDecider, claim_id: PathId,
           body: ClaimDecision) -> ClaimRead:
    """Approve fully or partly, or reject with a comment; never one's own claim."""
    return ClaimRead.model_validate(claims.decide(
        s, app.warehouse, actor, claim_id, approve=body.approve, amounts=body.amounts,
        comment=body.comment))
