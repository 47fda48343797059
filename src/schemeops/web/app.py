"""The web application: routers mounted in one place, domain errors mapped to HTTP in one
handler (a page for the browser, JSON for the API), and the guards every request passes: a
body size limit (checked on Content-Length before reading, and while reading), security
headers, and a signed session cookie naming a server-side session."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from schemeops.errors import SchemeopsError
from schemeops.jobs import Scheduler
from schemeops.service.context import App
from schemeops.service.errors import Conflict, Forbidden, Invalid, NotFound
from schemeops.web import api, pages
from schemeops.web.assets import CHART_URL, Assets, load_assets
from schemeops.web.charts import inline_style_ids
from schemeops.web.deliverer import Deliverer
from schemeops.web.headers import SecurityHeaders, SessionCookie
from schemeops.web.page_cache import PageCache
from schemeops.web.render import page
from schemeops.web.schemas import DiagnosticRead, ErrorRead
from schemeops.web.security import SignInRequired
from schemeops.web.settings import WebSettings
from schemeops.web.worker import Worker

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _wants_html(request: Request) -> bool:
    """A browser asking for a page (not the API, not a client that takes only JSON)."""
    return not _is_api(request) and "text/html" in request.headers.get("accept", "")


async def _http_error(request: Request, exc: Exception) -> Response:
    """Any HTTP error (404, 405, 413, a CSRF 403, …): a page in words for the browser, never
    echoing what was sent; FastAPI's JSON otherwise."""
    assert isinstance(exc, HTTPException)
    if not _wants_html(request):
        return await http_exception_handler(request, exc)
    return page(request, "error.html", exc.status_code, headers=exc.headers,
                status=exc.status_code, message=None)


class _TooLargePage:
    """A browser's body announced (Content-Length) over the limit gets the 413 page; inside,
    Starlette's body limit answers the others, and bodies that grow past it while read."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_body and _wants_html(request):
                await page(request, "error.html", 413, status=413, message=None)(
                    scope, receive, send)
                return
        await self.app(scope, receive, send)


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


def _invalid_request(request: Request, exc: Exception) -> Response:
    """A request that does not fit its route's parameters: where and what, never the value
    sent (FastAPI's default handler echoes the input, a whole body included)."""
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": [str(part) for part in e.get("loc", ())], "msg": e.get("msg", ""),
               "type": e.get("type", "")} for e in exc.errors()[:20]]
    if _is_api(request):
        return JSONResponse({"detail": errors}, status_code=422)
    message = "; ".join(f"{' '.join(e['loc'][1:]) or e['loc'][0]}: {e['msg']}"
                        for e in errors if e["loc"])
    return page(request, "error.html", 422, status=422, message=message)


def _docs_page(openapi_url: str, title: str) -> HTMLResponse:
    """Swagger UI, with a policy of its own: its files from the CDN it names and its one
    inline script by hash (still no 'unsafe-inline')."""
    html = get_swagger_ui_html(openapi_url=openapi_url, title=f"{title} - Swagger UI")
    body = html.body.decode() if isinstance(html.body, bytes) else str(html.body)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in re.findall(r"<script>(.*?)</script>", body, flags=re.S))
    cdn = "https://cdn.jsdelivr.net"
    csp = (f"default-src 'self'; script-src 'self' {cdn} {hashes}; style-src 'self' {cdn}; "
           "img-src 'self' data: https://fastapi.tiangolo.com; object-src 'none'; "
           "base-uri 'none'; frame-ancestors 'none'")
    return HTMLResponse(body, headers={"Content-Security-Policy": csp})


def create_app(app: App, *, secret_key: str, secure_cookies: bool | None = None,
               worker: Worker | None = None, settings: WebSettings | None = None,
               assets: Assets | None = None, deliverer: Deliverer | None = None,
               scheduler: Scheduler | None = None) -> FastAPI:
    """The FastAPI application over a store and warehouse. `secure_cookies`, when given,
    overrides `settings.secure_cookies` (None: Secure on HTTPS requests); `assets` default to
    `static/` and the chart library `make install` put in node_modules/ (AssetMissing
    without it); the webhook `deliverer` runs while the app does (by default one when
    `settings.deliver_webhooks`); `scheduler` runs the jobs file's jobs (its thread on while
    the app runs, unless `settings.scheduler` is off)."""
    assets = assets or load_assets()
    worker = worker or Worker(app)
    settings = settings or WebSettings()
    if secure_cookies is not None:
        settings = dataclasses.replace(settings, secure_cookies=secure_cookies)
    if deliverer is None and settings.deliver_webhooks:
        deliverer = Deliverer(app)

    @asynccontextmanager
    async def lifespan(_web: FastAPI):  # type: ignore[no-untyped-def]
        worker.resume()
        if deliverer is not None:
            deliverer.start()
        if scheduler is not None and settings.scheduler:
            scheduler.start()
        yield
        if scheduler is not None:
            scheduler.stop()
        if deliverer is not None:
            deliverer.shutdown()
        worker.shutdown()

    web = FastAPI(title="schemeops", version="1", lifespan=lifespan, docs_url=None,
                  redoc_url=None, swagger_ui_oauth2_redirect_url=None, openapi_url="/openapi.json",
                  description="Incentive programs for a distribution network: programs, "
                              "runs, payouts, periods, portal, dashboards, audit.")
    web.state.schemeops = app
    web.state.worker = worker
    web.state.scheduler = scheduler
    web.state.web_settings = settings
    web.state.assets = assets
    web.state.page_cache = PageCache(settings.page_cache_entries, settings.page_cache_bytes)
    web.state.plotly_style_ids = inline_style_ids(assets.files[CHART_URL].body)
    # Starlette's body limit, inside the headers middleware so that a 413 carries them too.
    web.add_middleware(RequestBodyLimitMiddleware, max_body_size=settings.max_body)
    web.add_middleware(_TooLargePage, max_body=settings.max_body)
    web.add_middleware(SessionCookie, secret_key=secret_key, secure=settings.secure_cookies,
                       max_age=int(settings.sessions.absolute.total_seconds()))
    web.add_middleware(SecurityHeaders)
    web.add_exception_handler(SchemeopsError, _domain_error)
    web.add_exception_handler(SignInRequired, _sign_in_required)
    web.add_exception_handler(RequestValidationError, _invalid_request)
    web.add_exception_handler(HTTPException, _http_error)
    # Routes are tried in order: the portal, static files and pages before the API's hundred
    # routes, so the busiest requests match soonest.
    web.add_route("/portal", pages.portal.my_portal, methods=["GET"], include_in_schema=False)

    @web.get("/static/{name}", include_in_schema=False)
    async def static(request: Request, name: str) -> Response:
        """The app's stylesheets and scripts, compressed, cached by content hash (from
        memory: on the event loop, no hop to a worker thread)."""
        return assets.response(request, f"/static/{name}")

    @web.get(CHART_URL, include_in_schema=False)
    async def chart_library(request: Request) -> Response:
        """Plotly's JavaScript from node_modules/ (npm ci; no CDN), compressed."""
        return assets.response(request, CHART_URL)

    for router in pages.ROUTERS:
        web.include_router(router, include_in_schema=False, dependencies=pages.DEPENDENCIES)
    web.include_router(api.router, prefix="/api")

    @web.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """The API's interactive documentation."""
        return _docs_page("/openapi.json", web.title)

    return web
