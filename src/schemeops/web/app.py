"""The web application: routers mounted in one place, and domain errors mapped to HTTP in one
handler (a page for the browser, JSON for the API)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

import plotly
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from schemeops.errors import SchemeopsError
from schemeops.service.context import App
from schemeops.service.errors import Conflict, Forbidden, Invalid, NotFound
from schemeops.web import api, pages
from schemeops.web.render import page
from schemeops.web.schemas import DiagnosticRead, ErrorRead
from schemeops.web.security import SignInRequired
from schemeops.web.worker import Worker

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422}
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_STATIC = Path(__file__).parent / "static"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _domain_error(request: Request, exc: Exception) -> Response:
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    diagnostics = getattr(exc, "diagnostics", [])
    if _is_api(request):
        body = ErrorRead(detail=str(exc), diagnostics=[DiagnosticRead.of(d) for d in diagnostics])
        return JSONResponse(body.model_dump(), status_code=status)
    form = getattr(request.state, "program_form", None)
    if isinstance(exc, Invalid) and form is not None:
        bad = {d.span.line for d in diagnostics}
        return page(request, "program_form.html", status, diagnostics=diagnostics, bad=bad,
                    **form)
    return page(request, "error.html", status, status=status, message=str(exc))


def _sign_in_required(request: Request, _exc: Exception) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": "sign in: send Authorization: Bearer <token>",
                             "diagnostics": []}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})
    return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)


def create_app(app: App, *, secret_key: str, secure_cookies: bool = True,
               worker: Worker | None = None) -> FastAPI:
    """The FastAPI application over a store and warehouse."""
    worker = worker or Worker(app)

    @asynccontextmanager
    async def lifespan(_web: FastAPI):  # type: ignore[no-untyped-def]
        worker.resume()
        yield
        worker.shutdown()

    web = FastAPI(title="schemeops", version="1", lifespan=lifespan, docs_url="/api/docs",
                  redoc_url=None, swagger_ui_oauth2_redirect_url=None, openapi_url="/openapi.json",
                  description="Incentive programs for a distribution network: programs, "
                              "runs, payouts, periods, portal, dashboards, audit.")
    web.state.schemeops = app
    web.state.worker = worker
    web.add_middleware(SessionMiddleware, secret_key=secret_key, session_cookie="schemeops",
                       max_age=12 * 3600, same_site="lax", https_only=secure_cookies)
    web.add_exception_handler(SchemeopsError, _domain_error)
    web.add_exception_handler(SignInRequired, _sign_in_required)
    web.include_router(api.router, prefix="/api")
    web.include_router(pages.router, include_in_schema=False)
    web.mount("/static", StaticFiles(directory=_STATIC), name="static")

    @web.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        """Plotly's JavaScript, served from the installed Python package (no CDN)."""
        return FileResponse(PLOTLY_JS, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    return web
