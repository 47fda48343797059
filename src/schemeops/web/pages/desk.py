"""Periods (the portal: `portal.py`; dashboards and the audit trail: their own modules)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from schemeops.service import actions, periods
from schemeops.web.actors import PeriodCloser, RunReader
from schemeops.web.outcomes import done
from schemeops.web.render import page
from schemeops.web.schemas import PathId
from schemeops.web.security import SessionDep

router = APIRouter()


@router.get("/periods")
def period_list(request: Request, s: SessionDep, actor: RunReader, program: str = "") -> Response:
    """Periods by program, open or closed, each with its close action if offered."""
    found = periods.list_periods(s, actor, program or None)
    return page(request, "periods.html", program=program, periods=[
        (p, actions.period_close(actor, p, periods.paying_run(s, p) if p.status == "open"
                                 else None)) for p in found])


@router.post("/periods/{period_id}/close")
def close(s: SessionDep, actor: PeriodCloser, period_id: PathId) -> Response:
    """Close a period: its approved payouts are sealed."""
    periods.close(s, actor, period_id)
    return RedirectResponse(done("/periods", "period_closed"), status_code=303)
