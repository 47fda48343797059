"""The dashboards: a few views of one run (attainment, budget and cost, performers), each
narrowed by program, period, region and tier."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator

from schemeops.service import dashboards
from schemeops.web import charts
from schemeops.web.actors import DashboardReader
from schemeops.web.render import page
from schemeops.web.schemas import QueryId
from schemeops.web.security import SessionDep

router = APIRouter()

#: The views, in the order of their tabs, with their titles.
VIEWS = {"attainment": "Target and actual", "budget": "Budget and cost",
         "performers": "Best and worst performers"}
Choice = Annotated[str, Query(max_length=80)]
#: A period's first day; the form's "all periods" sends it empty.
PeriodStart = Annotated[dt.date | None, BeforeValidator(lambda v: v or None), Query()]


@router.get("/dashboards")
def dashboard(request: Request, s: SessionDep, actor: DashboardReader, run: QueryId = None,
              view: Literal["attainment", "budget", "performers"] = "attainment",
              by: Literal["region", "tier"] = "region", program: Choice = "",
              period: PeriodStart = None, region: Choice = "", tier: Choice = ""
              ) -> Response:
    """One view of a run's dashboard under the filters; the attainment view shows one
    program at a time (the run's first when none is chosen)."""
    filters = dashboards.Filters(program or None, period, region or None, tier or None)
    d = dashboards.dashboard(s, actor, run, filters, one_program=view == "attainment",
                             with_budget=view == "budget")
    figures = []
    if d is not None:
        figures = charts.attainment(d, by) if view == "attainment" else (
            charts.budget(d) if view == "budget" else [])
    return page(request, "dashboards.html", d=d, figures=figures, view=view, views=VIEWS,
                by=by)
