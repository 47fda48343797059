"""Dispute pages: the participant's payouts with a "dispute this payout" form and its
threads; the reviewers' queue (by due date), a thread with assign, answer and resolve."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRouter

from schemeops.service import dispute_resolution as resolution
from schemeops.service import disputes
from schemeops.service.dispute_rules import REASONS, overdue
from schemeops.service.errors import Conflict
from schemeops.store.types import utcnow
from schemeops.web.actors import DisputeAnswerer, DisputeOpener, DisputeReader, DisputeResolver
from schemeops.web.outcomes import done
from schemeops.web.render import page
from schemeops.web.schemas import PathId
from schemeops.web.security import SessionDep

router = APIRouter()
_TEXT = 4000  # what a form field may carry before the use case checks it


def _common() -> dict:
    return {"reasons": REASONS, "today": utcnow().date(), "overdue": overdue}


@router.get("/portal/disputes")
def my_disputes(request: Request, s: SessionDep, actor: DisputeOpener) -> Response:
    """The participant's approved payouts (each can be disputed) and its disputes."""
    return page(request, "disputes_portal.html", payouts=disputes.disputable_payouts(s, actor),
                disputes=disputes.list_disputes(s, actor), **_common())


@router.get("/portal/payouts/{payout_id}")
def my_payout(request: Request, s: SessionDep, actor: DisputeOpener,
              payout_id: PathId) -> Response:
    """One of the participant's payouts with the "dispute this payout" form."""
    return page(request, "payout_dispute.html", p=disputes.own_payout(s, actor, payout_id),
                **_common())


@router.post("/portal/payouts/{payout_id}/dispute")
async def open_dispute(request: Request, s: SessionDep, actor: DisputeOpener,
                       payout_id: PathId) -> Response:
    """Open a dispute on the payout; on to its thread."""
    form = await request.form()
    d = disputes.open_dispute(s, actor, payout_id,
                              reason_code=str(form.get("reason_code", ""))[:40],
                              comment=str(form.get("comment", ""))[:_TEXT])
    return RedirectResponse(f"/portal/disputes/{d.id}", status_code=303)


@router.get("/portal/disputes/{dispute_id}")
def my_thread(request: Request, s: SessionDep, actor: DisputeOpener,
              dispute_id: PathId) -> Response:
    """The participant's own dispute: its thread, due date and outcome."""
    return page(request, "dispute.html", d=disputes.get_dispute(s, actor, dispute_id),
                base="/portal/disputes", **_common())


@router.post("/portal/disputes/{dispute_id}/messages")
async def my_message(request: Request, s: SessionDep, actor: DisputeOpener,
                     dispute_id: PathId) -> Response:
    """Write in one's own dispute's thread."""
    form = await request.form()
    disputes.post_message(s, actor, dispute_id, str(form.get("body", ""))[:_TEXT])
    return RedirectResponse(f"/portal/disputes/{dispute_id}", status_code=303)


@router.get("/disputes")
def queue(request: Request, s: SessionDep, actor: DisputeReader, status: str = "") -> Response:
    """Every dispute, unresolved first, by due date."""
    return page(request, "disputes.html", disputes=disputes.list_disputes(
        s, actor, status=status[:20] or None), status=status, **_common())


@router.get("/disputes/{dispute_id}")
def thread(request: Request, s: SessionDep, actor: DisputeReader,
           dispute_id: PathId) -> Response:
    """A dispute's thread with the assign, answer and resolve forms."""
    return page(request, "dispute.html", d=disputes.get_dispute(s, actor, dispute_id),
                base="/disputes", reviewers=disputes.reviewers(s), **_common())


@router.post("/disputes/{dispute_id}/assign")
async def assign(request: Request, s: SessionDep, actor: DisputeAnswerer,
                 dispute_id: PathId) -> Response:
    """Assign the dispute to a reviewer (oneself when none is chosen)."""
    form = await request.form()
    who = str(form.get("assignee_id", ""))
    disputes.assign(s, actor, dispute_id, int(who) if who.isdigit() else None)
    return RedirectResponse(done(f"/disputes/{dispute_id}", "dispute_assigned"), status_code=303)


@router.post("/disputes/{dispute_id}/messages")
async def answer(request: Request, s: SessionDep, actor: DisputeAnswerer,
                 dispute_id: PathId) -> Response:
    """Answer in the dispute's thread."""
    form = await request.form()
    disputes.post_message(s, actor, dispute_id, str(form.get("body", ""))[:_TEXT])
    return RedirectResponse(done(f"/disputes/{dispute_id}", "dispute_answered"), status_code=303)


@router.post("/disputes/{dispute_id}/resolve")
async def resolve(request: Request, s: SessionDep, actor: DisputeResolver,
                  dispute_id: PathId) -> Response:
    """No change (with a reason), propose an adjustment, or confirm another's proposal."""
    form = await request.form()
    decision = form.get("decision")
    reason = str(form.get("reason", ""))[:_TEXT]
    if decision == "no_change":
        resolution.resolve_no_change(s, actor, dispute_id, reason=reason)
    elif decision == "adjust":
        resolution.propose_adjustment(s, actor, dispute_id,
                                      amount=str(form.get("amount", ""))[:40], reason=reason)
    elif decision == "confirm":
        resolution.confirm_adjustment(s, actor, dispute_id)
    else:
        raise Conflict("choose no change, an adjustment, or confirm the proposed one")
    return RedirectResponse(done(f"/disputes/{dispute_id}", "dispute_resolved"), status_code=303)
