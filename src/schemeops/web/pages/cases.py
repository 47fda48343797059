"""Case pages: the review queue ranked by value at risk, and one case with its evidence
(lines, a map of the outlets, the month's sales per day), its held payouts and the
decision form."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRouter

from schemeops.service import cases
from schemeops.service.case_pay import pays
from schemeops.service.case_view import DAYS_H, DAYS_W, MAP_H, MAP_W, case_view
from schemeops.store.models import CASE_STATES
from schemeops.web.actors import CaseDecider, CaseReader
from schemeops.web.outcomes import done
from schemeops.web.render import page
from schemeops.web.schemas import PathId
from schemeops.web.security import AppDep, SessionDep

router = APIRouter()

#: What each kind of finding means, in a reviewer's words.
KIND_NAMES = {
    "dummy_outlets": "Dummy outlets (shared phone, tax id or location)",
    "month_end_stuffing": "Month-end stuffing",
    "sales_jump": "Implausible sales jump",
    "slab_bunching": "Just above a slab, period after period",
    "token_invoices": "Token invoices (many tiny same-day bills)",
    "circular_flows": "Circular flows between distributors",
    "backdated_entries": "Backdated entries",
    "territory_violations": "Outlets billed outside the territory",
    "duplicate_claims": "Duplicate claims",
}


@router.get("/cases")
def queue(request: Request, s: SessionDep, actor: CaseReader, status: str = "open"
          ) -> Response:
    """Cases in a status (open by default), highest value at risk first."""
    status = status[:20] if status[:20] in CASE_STATES else ""
    return page(request, "cases.html", cases=cases.list_cases(s, actor, status=status or None),
                counts=cases.counts(s, actor), status=status, states=CASE_STATES,
                kinds=KIND_NAMES)


@router.get("/cases/{case_id}")
def view(request: Request, s: SessionDep, app: AppDep, actor: CaseReader,
         case_id: PathId) -> Response:
    """One case: why it was opened, its evidence, what it holds and the decision form."""
    case = cases.get_case(s, actor, case_id)
    held = cases.held_payouts(s, case)
    paid = {h.payout_id: h.pays for h in case.holds}
    adjusted = pays("adjusted", case.value_at_risk, held)
    return page(request, "case.html", c=case, kinds=KIND_NAMES, view=case_view(app.warehouse, case),
                held=[(p, paid.get(p.id), adjusted[p]) for p in held],
                map_w=MAP_W, map_h=MAP_H, days_w=DAYS_W, days_h=DAYS_H)


@router.post("/cases/{case_id}/decide")
async def decide(request: Request, s: SessionDep, actor: CaseDecider,
                 case_id: PathId) -> Response:
    """Release, adjust or reject the case's held payouts, with the reason given."""
    form = await request.form()
    cases.decide(s, actor, case_id, str(form.get("decision", ""))[:20],  # type: ignore[arg-type]
                 reason=str(form.get("reason", ""))[: cases.MAX_REASON + 1])
    return RedirectResponse(done(f"/cases/{case_id}", "case_decided"), status_code=303)
