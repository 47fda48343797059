"""Security headers on every response, and the session cookie's Secure flag by scheme.

Plain ASGI middleware (no per-request task or body buffering: the portal's latency budget).
The policy allows scripts, styles, images and connections from this origin only, no inline
script or style, no framing, no plugins; a response that sets its own
Content-Security-Policy (the Swagger UI page) keeps it. HSTS is sent only on HTTPS requests:
on plain HTTP it would be ignored, and on a loopback development server it would pin the host
to HTTPS."""

from __future__ import annotations

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000"
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class SecurityHeaders:
    """Adds the headers above to every HTTP response start."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in HEADERS if h[0] not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                if https:
                    headers.append((b"strict-transport-security", HSTS.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SessionCookie:
    """Starlette's signed session cookie, marked Secure on HTTPS requests (or always/never
    when `secure` says so)."""

    def __init__(self, app: ASGIApp, *, secret_key: str, max_age: int,
                 secure: bool | None) -> None:
        def cookie(https_only: bool) -> SessionMiddleware:
            return SessionMiddleware(app, secret_key=secret_key, session_cookie="schemeops",
                                     max_age=max_age, same_site="lax", https_only=https_only)

        self.secure, self.plain, self.forced = cookie(True), cookie(False), secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        https = scope.get("scheme") == "https" if self.forced is None else self.forced
        await (self.secure if https else self.plain)(scope, receive, send)
