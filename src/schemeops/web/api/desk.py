"""Tokens, periods, the participant's portal, dashboards and the audit trail over the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from schemeops.service import audit, dashboards, periods, portal, signin, statement, users
from schemeops.store.types import utcnow
from schemeops.web.actors import (
    Auditor,
    DashboardReader,
    PeriodCloser,
    PortalUser,
    RunReader,
    UserManager,
)
from schemeops.web.schemas import (
    AuditEntryRead,
    DashboardRead,
    ErrorRead,
    FindingRead,
    PathId,
    PeriodRead,
    PortalRead,
    QueryId,
    RunProgramRead,
    TokenCreate,
    TokenRead,
    UnlockRead,
)
from schemeops.web.security import AppDep, SessionDep, client_address, get_settings

router = APIRouter()


@router.post("/tokens", status_code=201, tags=["auth"], response_model=TokenRead,
             responses={429: {"model": ErrorRead, "description": "locked out for a while"}})
def token(request: Request, app: AppDep, body: TokenCreate) -> Response:
    """Exchange a user name and password for an API token (shown once). Failed attempts
    count towards the same lockouts as the sign-in form (429 with Retry-After)."""
    with app.sessions.begin() as s:
        got = signin.attempt(s, get_settings(request).signin, body.username, body.password,
                             client_address(request), "api")
        if got.user is not None:
            made = TokenRead(token=users.issue_token(s, got.user, body.name))
            return JSONResponse(made.model_dump(), status_code=201)
    if got.locked_until is not None:
        wait = int((got.locked_until - utcnow()).total_seconds()) + 1
        return JSONResponse(ErrorRead(detail=f"too many failed sign-ins; try again in {wait} s "
                                      "or ask an administrator to unlock").model_dump(),
                            status_code=429, headers={"Retry-After": str(wait)})
    return JSONResponse(ErrorRead(detail="wrong user name or password").model_dump(),
                        status_code=403)


@router.post("/users/{user_id}/unlock", tags=["auth"])
def unlock(s: SessionDep, actor: UserManager, user_id: PathId) -> UnlockRead:
    """Lift the sign-in lockout of a user's account (admins)."""
    user = signin.unlock_user(s, actor, user_id)
    return UnlockRead(user_id=user.id, username=user.username)


@router.get("/periods", tags=["periods"])
def list_periods(s: SessionDep, actor: RunReader, program: str | None = None
                 ) -> list[PeriodRead]:
    """Periods by program, open or closed."""
    return [PeriodRead.model_validate(p) for p in periods.list_periods(s, actor, program)]


@router.post("/periods/{period_id}/close", tags=["periods"])
def close(s: SessionDep, actor: PeriodCloser, period_id: PathId) -> PeriodRead:
    """Close a period on its approved payouts, sealing them."""
    return PeriodRead.model_validate(periods.close(s, actor, period_id))


@router.get("/portal", tags=["portal"])
def my_portal(s: SessionDep, app: AppDep, actor: PortalUser) -> PortalRead:
    """The token's participant: live programs, progress, money (approved, pending,
    projected)."""
    return PortalRead.model_validate(portal.portal(s, actor, displays=app.displays))


@router.get("/portal/statement", tags=["portal"], response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def my_statement(s: SessionDep, actor: PortalUser) -> Response:
    """The token's participant's approved payouts as CSV."""
    return Response(statement.statement(s, actor).csv(), media_type="text/csv; charset=utf-8")


@router.get("/dashboards", tags=["dashboards"])
def dashboard(s: SessionDep, actor: DashboardReader, run_id: QueryId = None) -> DashboardRead:
    """The dashboard numbers of a run (the newest calculation by default)."""
    d = dashboards.dashboard(s, actor, run_id)
    if d is None:
        return DashboardRead(run_id=None, region=None, attainment=[], budget=[], cost=[],
                             best=[], worst=[])
    return DashboardRead(run_id=d.run.id, region=d.region, attainment=d.attainment,
                         budget=d.budget, best=d.best, worst=d.worst,
                         cost=[RunProgramRead.model_validate(rv) for rv in d.cost])


@router.get("/audit", tags=["audit"])
def trail(s: SessionDep, actor: Auditor, action: str | None = None, who: str | None = None,
          subject_type: str | None = None,
          limit: Annotated[int, Query(ge=1, le=5000)] = 200) -> list[AuditEntryRead]:
    """The newest audit entries, filtered by action prefix, actor or subject type."""
    return [AuditEntryRead.model_validate(e) for e in audit.trail(
        s, actor, action=action, who=who, subject_type=subject_type, limit=limit)]


@router.get("/audit/verify", tags=["audit"])
def verify(s: SessionDep, actor: Auditor) -> list[FindingRead]:
    """Every tampering found in the chain and the sealed periods (empty when intact)."""
    return [FindingRead.model_validate(f) for f in audit.verify(s)]
