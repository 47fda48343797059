"""Who is asking: a server-side session named by a signed cookie (pages, with a CSRF token per
session) or a bearer token (the API); the request's transaction; permission dependencies."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from schemeops.service.context import Actor, App
from schemeops.service.errors import Forbidden
from schemeops.service.policy import require
from schemeops.service.signin import end_session, session_user, start_session
from schemeops.service.users import user_for_token
from schemeops.store.models import User
from schemeops.web.settings import WebSettings

CSRF_FIELD = "csrf_token"


class SignInRequired(Exception):
    """Raised when a request needs a signed-in user and has none."""


def get_app(request: Request) -> App:
    """The application's settings and store."""
    return request.app.state.schemeops


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, else rolled back."""
    with get_app(request).sessions.begin() as s:
        yield s


def get_settings(request: Request) -> WebSettings:
    """The web app's limits and switches."""
    return request.app.state.web_settings


def client_address(request: Request) -> str:
    """The client's address (the proxy's X-Forwarded-For only with `serve --behind-proxy`)."""
    return request.client.host if request.client else "unknown"


AppDep = Annotated[App, Depends(get_app)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get(CSRF_FIELD)
    if token is None:
        token = request.session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


async def check_csrf(request: Request) -> None:
    """Refuse any form POST whose hidden CSRF field is missing or not the session's."""
    if request.method != "POST":
        return
    sent = (await request.form()).get(CSRF_FIELD)
    known = request.session.get(CSRF_FIELD)
    if not isinstance(sent, str) or not known or not secrets.compare_digest(sent, known):
        raise Forbidden("the form's security token is missing or stale; reload the page")


SESSION_FIELD = "sid"


def sign_in(request: Request, s: Session, user: User) -> None:
    """Start a fresh server-side session for the user (a new CSRF token too); a session this
    browser had before ends."""
    old = request.session.get(SESSION_FIELD)
    if isinstance(old, str):
        end_session(s, old)
    request.session.clear()
    request.session[SESSION_FIELD] = start_session(s, user, client_address(request),
                                                   get_settings(request).sessions)
    csrf_token(request)


def sign_out(request: Request, s: Session) -> User | None:
    """End the session in the store (so a copy of the cookie is worthless) and forget it;
    the user it belonged to, if it was live."""
    sid = request.session.get(SESSION_FIELD)
    request.session.clear()
    return end_session(s, sid) if isinstance(sid, str) else None


def _actor(request: Request, s: Session) -> Actor | None:
    if request.scope["path"].startswith("/api/"):  # (request.url parses the whole URL)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        user = user_for_token(s, token.strip()) if scheme.lower() == "bearer" else None
        return Actor.of(user) if user is not None else None
    sid = request.session.get(SESSION_FIELD)
    if not isinstance(sid, str):
        return None
    signed = session_user(s, sid, get_settings(request).sessions)
    if signed is None:
        return None
    request.state.data_seq = signed.data_seq  # what a cached page is checked against
    return signed.actor


def current_actor(request: Request, s: SessionDep) -> Actor:
    """The signed-in actor: a bearer token under /api, the session cookie elsewhere."""
    actor = _actor(request, s)
    if actor is None:
        raise SignInRequired
    request.state.actor = actor
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]


def permission(name: str) -> object:
    """A dependency giving the actor, refusing (403) a role without the permission."""
    def _check(actor: ActorDep) -> Actor:
        require(actor, name)
        return actor

    return Depends(_check)
