"""Cases over the API: the review queue ranked by value at risk, one case with its evidence
and holds, and the decision on its held payouts (docs/cases.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from schemeops.service import cases
from schemeops.web.actors import CaseDecider, CaseReader
from schemeops.web.schemas import PathId
from schemeops.web.security import SessionDep

router = APIRouter(tags=["cases"])


class EvidenceRead(BaseModel):
    """A row behind a case: a sales line, an outlet or a claim line."""

    model_config = ConfigDict(from_attributes=True)
    table: str
    invoice_id: str | None
    line_no: int | None
    outlet_id: str | None
    claim_id: str | None


class HoldRead(BaseModel):
    """A payout the case holds; `pays` once the case is decided."""

    model_config = ConfigDict(from_attributes=True)
    payout_id: int
    pays: Decimal | None


class CaseRead(BaseModel):
    """A case as the queue lists it."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    run_id: int
    finding_id: str
    kind: str
    participant_id: str
    period_start: dt.date
    period_end: dt.date
    score: Decimal
    value_at_risk: Decimal
    status: str
    blocking: bool
    note: str
    reason: str


class CaseDetail(CaseRead):
    """A case with its evidence rows and held payouts."""

    evidence: list[EvidenceRead]
    holds: list[HoldRead]


class CaseDecision(BaseModel):
    """Release, adjust (to payout − value at risk) or reject the held payouts, saying why."""

    decision: Literal["release", "adjust", "reject"]
    reason: Annotated[str, Field(min_length=1, max_length=cases.MAX_REASON)]


@router.get("/cases")
def list_cases(s: SessionDep, actor: CaseReader,
               status: Annotated[str, Field(max_length=20)] = "open") -> list[CaseRead]:
    """Cases in a status (open by default), ranked by value at risk."""
    return [CaseRead.model_validate(c)
            for c in cases.list_cases(s, actor, status=status or None)]


@router.get("/cases/{case_id}")
def get_case(s: SessionDep, actor: CaseReader, case_id: PathId) -> CaseDetail:
    """One case with its evidence and holds."""
    return CaseDetail.model_validate(cases.get_case(s, actor, case_id))


@router.post("/cases/{case_id}/decision")
def decide(s: SessionDep, actor: CaseDecider, case_id: PathId, body: CaseDecision
           ) -> CaseDetail:
    """Decide an open case (never one opened by a run one started)."""
    return CaseDetail.model_validate(cases.decide(s, actor, case_id, body.decision,
                                                  reason=body.reason))
