"""Pre-launch forecast of a program version (computed on request, beside the live version
it would replace) and dependency trends by distributor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from schemeops.forecast.report import figure_rows
from schemeops.service import dependency_trends, forecasts, programs
from schemeops.web.actors import EffectReader, Simulator
from schemeops.web.render import page
from schemeops.web.schemas import PathId
from schemeops.web.security import AppDep, SessionDep

router = APIRouter()
#: forecast.csv's figures in words, and how each is shown (money, share or number).
LABELS = {
    "participants": ("Participant-periods", "number"), "earners": ("Earners", "number"),
    "earner_rate": ("Earner rate", "share"), "payout": ("Payout", "money"),
    "cost": ("Cost", "money"), "cost_low": ("Cost, 90% interval low", "money"),
    "cost_high": ("Cost, 90% interval high", "money"),
    "budget_per_period": ("Budget per period", "money"),
    "paying_for_baseline_share": ("Paying for baseline", "share"),
    "baseline_value": ("Baseline sales of the scheme's products", "money"),
    "margin": ("Margin", "share"), "expected_lift_pct": ("Expected lift %", "number"),
    "lift_low": ("Lift, low %", "number"), "lift_high": ("Lift, high %", "number"),
    "payout_at_lift": ("Payout at the expected lift", "money"),
    "cost_at_lift": ("Cost at the expected lift", "money"),
    "earners_at_lift": ("Earners at the expected lift", "number"),
    "expected_incremental_value": ("Expected incremental value", "money"),
    "expected_roi": ("Expected ROI", "number"), "roi_low": ("ROI at the low lift", "number"),
    "roi_high": ("ROI at the high lift", "number"),
    "similar_programs": ("Similar programs with a measured lift", "number")}


def _replay_label(figure: str) -> tuple[str, str]:
    """`cost_replay_N` in words."""
    return f"Cost on replay {figure.rsplit('_', 1)[1]}", "money"


@router.get("/versions/{version_id}/forecast")
def forecast_page(request: Request, s: SessionDep, actor: Simulator,
                  version_id: PathId) -> Response:
    """The button that forecasts the version, and what it compares it with."""
    v = programs.get_version(s, version_id)
    return page(request, "forecast.html", v=v, live=forecasts.live_version(s, v), view=None)


@router.post("/versions/{version_id}/forecast")
def forecast(request: Request, s: SessionDep, app: AppDep, actor: Simulator,
             version_id: PathId) -> Response:
    """Replay the version on the warehouse's history now and show the figures."""
    view = forecasts.forecast_version(s, app, actor, version_id)
    fc = view.forecast
    live = dict(figure_rows(fc.live)) if fc.live else {}
    rows = [(*(LABELS.get(k) or _replay_label(k)), v, live.get(k))
            for k, v in figure_rows(fc.draft)]
    return page(request, "forecast.html", v=view.version, live=view.live, view=view,
                rows=rows)


@router.get("/effect/dependency")
def dependency_page(request: Request, s: SessionDep, app: AppDep, actor: EffectReader,
                    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None
                    ) -> Response:
    """The versions to choose from, and the chosen one's sellers' dependency by window."""
    view = dependency_trends.dependency_trends(s, app, actor, version) if version else None
    return page(request, "dependency_trends.html", view=view,
                versions=dependency_trends.measured_versions(s, actor))
