"""The participant's portal: its programs and money, its statement (CSV, Excel, PDF) and
the explanation of each of its own payouts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from schemeops.service import portal, portal_explain, statement
from schemeops.web.actors import PortalUser
from schemeops.web.render import page
from schemeops.web.schemas import PathId
from schemeops.web.security import SessionDep, current_actor, get_app

router = APIRouter()

_TYPES = {"csv": "text/csv; charset=utf-8",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "pdf": "application/pdf"}


def _locale(request: Request) -> str:
    return request.app.state.web_settings.locale


@router.get("/portal")
async def my_portal(request: Request) -> Response:
    """The signed-in participant's programs, progress and money. The busiest page runs on
    the event loop: its few indexed queries cost less than the hops to a worker thread that
    sync dependencies take (docs/benchmarks.md, "Portal")."""
    app = get_app(request)
    with app.sessions.begin() as s:
        p = portal.portal(s, current_actor(request, s), displays=app.displays)
        return page(request, "portal.html", p=p, loc=_locale(request))


@router.get("/portal/statement.{fmt}")
def my_statement(request: Request, s: SessionDep, actor: PortalUser,
                 fmt: Annotated[str, Path(pattern="^(csv|xlsx|pdf)$")]) -> Response:
    """The signed-in participant's approved payouts as CSV, Excel or PDF."""
    st = statement.statement(s, actor)
    body = st.pdf(_locale(request)) if fmt == "pdf" else st.xlsx() if fmt == "xlsx" \
        else st.csv()
    return Response(body, media_type=_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="statement.{fmt}"'})


@router.get("/portal/payouts/{payout_id}/explain")
def explain(request: Request, s: SessionDep, actor: PortalUser, payout_id: PathId) -> Response:
    """Why one of the participant's own payouts is what it is (another's: 403)."""
    e = portal_explain.explain_payout(s, actor, payout_id, displays=get_app(request).displays)
    return page(request, "portal_explain.html", e=e, loc=_locale(request))
