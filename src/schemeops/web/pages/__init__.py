"""The server-rendered pages; every form POST among them is checked for its CSRF token."""

from __future__ import annotations

from fastapi import Depends

from schemeops.web.pages import (
    account,
    audit,
    cases,
    claims,
    dashboards,
    desk,
    disputes,
    effects,
    events,
    forecasts,
    jobs,
    portal,
    programs,
    runs,
)
from schemeops.web.security import check_csrf

#: Each page module's router, the portal first (the busiest page is matched soonest). The app
#: includes them one by one: FastAPI matches included routers lazily, walking each nesting
#: level on every request.
ROUTERS = tuple(m.router for m in (portal, account, programs, runs, desk, dashboards, effects,
                                   forecasts, audit, claims, disputes, cases, events, jobs))
#: What every page route depends on.
DEPENDENCIES = [Depends(check_csrf)]
