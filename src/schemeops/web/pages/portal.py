"""The participant's portal: its programs and money, its statement (CSV, Excel, PDF) and
the explanation of each of its own payouts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from schemeops.service import portal, portal_explain, statement
from schemeops.web.actors import PortalUser
from schemeops.web.page_cache import PageCache, PageKey, page_response
from schemeops.web.render import page
from schemeops.web.schemas import PathId
from schemeops.web.security import SessionDep, csrf_token, current_actor, get_app

router = APIRouter()

_TYPES = {"csv": "text/csv; charset=utf-8",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "pdf": "application/pdf"}


def _locale(request: Request) -> str:
    return request.app.state.web_settings.locale


async def my_portal(request: Request) -> Response:
    """GET /portal: the signed-in participant's programs, progress and money, rendered once
    per data version (`web/page_cache.py`). The busiest page: mounted by `create_app` as a
    plain route matched first (no dependencies to solve: it takes none, and a GET needs no
    CSRF check), and run on the event loop (its few indexed queries cost less than the hops
    to a worker thread that sync dependencies take; docs/benchmarks.md, "Portal")."""
    app = get_app(request)
    cache: PageCache = request.app.state.page_cache
    with app.sessions.begin() as s:
        actor = current_actor(request, s)
        if not cache.enabled:
            p = portal.portal(s, actor, displays=app.displays)
            return page(request, "portal.html", p=p, loc=_locale(request))
        portal.participant_of(actor, None)  # refused before any page is looked up
        query = request.scope["query_string"].decode("latin-1")
        key = PageKey(request.state.data_seq, actor.user_id, csrf_token(request),
                      request.scope["path"] + ("?" + query if query else ""),
                      _locale(request))
        kept = cache.get(key)
        if kept is None:
            p = portal.portal(s, actor, displays=app.displays)
            kept = cache.put(key, bytes(page(request, "portal.html", p=p,
                                             loc=_locale(request)).body))
    return page_response(request, kept)


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
