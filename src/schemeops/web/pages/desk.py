"""Periods, the participant's portal, dashboards and the audit trail."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from schemeops.service import actions, audit, dashboards, periods, portal
from schemeops.web import charts
from schemeops.web.actors import Auditor, DashboardReader, PeriodCloser, PortalUser, RunReader
from schemeops.web.outcomes import done
from schemeops.web.render import page
from schemeops.web.schemas import PathId, QueryId
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


@router.get("/dashboards")
def dashboard(request: Request, s: SessionDep, actor: DashboardReader, run: QueryId = None
              ) -> Response:
    """Target against actual, budget, cost against sales, best and worst performers."""
    d = dashboards.dashboard(s, actor, run)
    return page(request, "dashboards.html", d=d, figures=charts.dashboard(d) if d else {})


@router.get("/audit")
def trail(request: Request, s: SessionDep, actor: Auditor, action: str = "", who: str = "",
          subject: str = "") -> Response:
    """The newest audit entries, filtered."""
    entries = audit.trail(s, actor, action=action or None, who=who or None,
                          subject_type=subject or None)
    return page(request, "audit.html", entries=entries, action=action, who=who,
                subject=subject, findings=None)


@router.get("/audit/verify")
def verify(request: Request, s: SessionDep, actor: Auditor) -> Response:
    """Recompute the chain and the closed periods' seals."""
    return page(request, "audit.html", entries=[], action="", who="", subject="",
                findings=audit.verify(s))
