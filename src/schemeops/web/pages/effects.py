"""Effectiveness pages: a program version's measured effect (estimate it, then baseline
against actual, incremental against subsidised, ROI with its interval and verdict,
dependency by distributor), and the ranking of programs by ROI with its CSV."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from schemeops.service import effects, programs
from schemeops.service.policy import allowed
from schemeops.web import charts
from schemeops.web.actors import EffectReader, RunStarter
from schemeops.web.outcomes import done
from schemeops.web.render import page
from schemeops.web.schemas import PathId
from schemeops.web.security import AppDep, SessionDep

router = APIRouter()
#: Dependency rows shown on the page (the most dependent first).
DEPENDENCY_ROWS = 100


@router.get("/versions/{version_id}/effect")
def effect_page(request: Request, s: SessionDep, actor: EffectReader,
                version_id: PathId) -> Response:
    """The version's newest estimate, and the button that makes a new one."""
    view = effects.version_effect(s, actor, version_id)
    version = programs.get_version(s, version_id)
    measurable = version.status in effects.MEASURED_STATES
    figures = charts.effect(view.program_rows) if view else []
    return page(request, "effect.html", v=version, view=view, figures=figures,
                can_estimate=allowed(actor, "runs.start"), measurable=measurable,
                shown=DEPENDENCY_ROWS)


@router.post("/versions/{version_id}/effect")
def estimate(s: SessionDep, app: AppDep, actor: RunStarter, version_id: PathId) -> Response:
    """Run the estimator on the warehouse now and store its result."""
    effects.estimate(s, app, actor, version_id)
    return RedirectResponse(done(f"/versions/{version_id}/effect", "effect_estimated"),
                            status_code=303)


@router.get("/effect")
def ranking(request: Request, s: SessionDep, actor: EffectReader) -> Response:
    """Programs by ROI, then cost per incremental unit, from their latest estimates."""
    return page(request, "effect_ranking.html", ranked=effects.ranking(s, actor))


@router.get("/effect.csv")
def ranking_csv(s: SessionDep, actor: EffectReader) -> Response:
    """The ranking as CSV."""
    return Response(effects.ranking_csv(effects.ranking(s, actor)),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="effect-ranking.csv"'})
