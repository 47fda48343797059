"""The server-rendered pages; every form POST among them is checked for its CSRF token."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from schemeops.web.pages import (
    account,
    audit,
    cases,
    claims,
    dashboards,
    desk,
    disputes,
    portal,
    programs,
    runs,
)
from schemeops.web.security import check_csrf

router = APIRouter(dependencies=[Depends(check_csrf)])
# the portal first: the busiest page is matched soonest
for _module in (portal, account, programs, runs, desk, dashboards, audit, claims, disputes,
                cases):
    router.include_router(_module.router)
