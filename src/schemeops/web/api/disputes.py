"""Disputes over the API: a participant opens and reads its own and writes in their threads;
reviewers read the queue, assign, answer and resolve."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from schemeops.service import dispute_resolution as resolution
from schemeops.service import disputes
from schemeops.web.actors import DisputeAnswerer, DisputeOpener, DisputeReader, DisputeResolver
from schemeops.web.schemas import PathId
from schemeops.web.security import SessionDep

router = APIRouter(tags=["disputes"])
Text = Annotated[str, Field(max_length=4000)]


class DisputeCreate(BaseModel):
    """A dispute of one of one's own approved payouts."""

    payout_id: Annotated[int, Field(ge=1)]
    reason_code: Annotated[str, Field(max_length=40)]
    comment: Text


class MessageCreate(BaseModel):
    """A message for a dispute's thread."""

    body: Text


class Assignment(BaseModel):
    """Whom to assign (oneself when empty)."""

    assignee_id: int | None = None


class Resolution(BaseModel):
    """no_change (reason), adjust (amount, reason: a proposal), or confirm another's."""

    decision: Literal["no_change", "adjust", "confirm"]
    amount: Annotated[str, Field(max_length=40)] = ""
    reason: Text = ""


class MessageRead(BaseModel):
    """One message of the thread."""

    model_config = ConfigDict(from_attributes=True)
    side: str
    body: str
    at: dt.datetime


class DisputeRead(BaseModel):
    """A dispute with its thread."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    payout_id: int
    participant_id: str
    program_id: str
    reason_code: str
    status: str
    due_on: dt.date
    assignee_id: int | None
    outcome: str | None
    amount: Decimal | None
    resolution: str
    messages: list[MessageRead]


def _read(d) -> DisputeRead:  # type: ignore[no-untyped-def]
    return DisputeRead.model_validate(d)


@router.post("/disputes", status_code=201)
def open_dispute(s: SessionDep, actor: DisputeOpener, body: DisputeCreate) -> DisputeRead:
    """Dispute one of one's own approved payouts."""
    return _read(disputes.open_dispute(s, actor, body.payout_id, reason_code=body.reason_code,
                                       comment=body.comment))


@router.get("/portal/disputes")
def my_disputes(s: SessionDep, actor: DisputeOpener) -> list[DisputeRead]:
    """The token's participant's own disputes."""
    return [_read(d) for d in disputes.list_disputes(s, actor)]


@router.get("/portal/disputes/{dispute_id}")
def my_dispute(s: SessionDep, actor: DisputeOpener, dispute_id: PathId) -> DisputeRead:
    """One of one's own disputes with its thread."""
    return _read(disputes.get_dispute(s, actor, dispute_id))


@router.post("/portal/disputes/{dispute_id}/messages", status_code=201)
def my_message(s: SessionDep, actor: DisputeOpener, dispute_id: PathId,
               body: MessageCreate) -> DisputeRead:
    """Write in one's own dispute's thread."""
    disputes.post_message(s, actor, dispute_id, body.body)
    return _read(disputes.get_dispute(s, actor, dispute_id))


@router.get("/disputes")
def queue(s: SessionDep, actor: DisputeReader, status: str | None = None) -> list[DisputeRead]:
    """Every dispute, unresolved first, by due date."""
    return [_read(d) for d in disputes.list_disputes(s, actor, status=(status or "")[:20]
                                                     or None)]


@router.get("/disputes/{dispute_id}")
def get_dispute(s: SessionDep, actor: DisputeReader, dispute_id: PathId) -> DisputeRead:
    """One dispute with its thread."""
    return _read(disputes.get_dispute(s, actor, dispute_id))


@router.post("/disputes/{dispute_id}/assign")
def assign(s: SessionDep, actor: DisputeAnswerer, dispute_id: PathId,
           body: Assignment) -> DisputeRead:
    """Assign the dispute to a reviewer."""
    return _read(disputes.assign(s, actor, dispute_id, body.assignee_id))


@router.post("/disputes/{dispute_id}/messages", status_code=201)
def answer(s: SessionDep, actor: DisputeAnswerer, dispute_id: PathId,
           body: MessageCreate) -> DisputeRead:
    """Answer in the dispute's thread."""
    disputes.post_message(s, actor, dispute_id, body.body)
    return _read(disputes.get_dispute(s, actor, dispute_id))


@router.post("/disputes/{dispute_id}/resolution")
def resolve(s: SessionDep, actor: DisputeResolver, dispute_id: PathId,
            body: Resolution) -> DisputeRead:
    """No change, propose an adjustment, or confirm another reviewer's proposal."""
    if body.decision == "no_change":
        d = resolution.resolve_no_change(s, actor, dispute_id, reason=body.reason)
    elif body.decision == "adjust":
        d = resolution.propose_adjustment(s, actor, dispute_id, amount=body.amount,
                                          reason=body.reason)
    else:
        d = resolution.confirm_adjustment(s, actor, dispute_id)
    return _read(d)
