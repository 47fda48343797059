"""Periods and the participant's portal."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from schemeops.service import actions, periods, portal
from schemeops.web.actors import PeriodCloser, PortalUser, RunReader
from schemeops.web.outcomes import done
from schemeops.web.render import page
from schemeops.web.schemas import PathId
from schemeops.web.security import SessionDep, current_actor, get_app

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


@router.get("/portal")
async def my_portal(request: Request) -> Response:
    """The signed-in participant's programs, progress and earnings. The busiest page runs on
    the event loop: its few indexed queries cost less than the hops to a worker thread that
    sync dependencies take (docs/benchmarks.md, "Portal")."""
    with get_app(request).sessions.begin() as s:
        return page(request, "portal.html", p=portal.portal(s, current_actor(request, s)))


@router.get("/portal/statement.csv")
def statement(s: SessionDep, actor: PortalUser) -> Response:
    """The signed-in participant's approved payouts as CSV."""
    return Response(portal.statement(s, actor), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="statement.csv"'})
