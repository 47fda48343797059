"""Periods, dashboards and the audit trail (the portal: `portal.py`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from schemeops.service import audit, dashboards, periods
from schemeops.web import charts
from schemeops.web.actors import Auditor, DashboardReader, PeriodCloser, RunReader
from schemeops.web.render import page
from schemeops.web.schemas import PathId, QueryId
from schemeops.web.security import SessionDep

router = APIRouter()


@router.get("/periods")
def period_list(request: Request, s: SessionDep, actor: RunReader, program: str = "") -> Response:
    """Periods by program, open or closed."""
    return page(request, "periods.html", periods=periods.list_periods(s, actor, program or None),
                program=program)


@router.post("/periods/{period_id}/close")
def close(s: SessionDep, actor: PeriodCloser, period_id: PathId) -> Response:
    """Close a period: its approved payouts are sealed."""
    periods.close(s, actor, period_id)
    return RedirectResponse("/periods", status_code=303)


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
