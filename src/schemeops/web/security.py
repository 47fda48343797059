"""Who is asking: sign-in on a signed session cookie (pages, with a CSRF token per session) or
a bearer token (the API); the request's transaction; permission dependencies."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from schemeops.service.context import Actor, App
from schemeops.service.errors import Forbidden
from schemeops.service.policy import require
from schemeops.service.users import user_for_token
from schemeops.store.models import User

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


def sign_in(request: Request, user: User) -> None:
    """Start a fresh session for the user (a new CSRF token too)."""
    request.session.clear()
    request.session["user_id"] = user.id
    csrf_token(request)


def sign_out(request: Request) -> None:
    """Forget the session."""
    request.session.clear()


def _user(request: Request, s: Session) -> User | None:
    if request.url.path.startswith("/api/"):
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return user_for_token(s, token.strip()) if scheme.lower() == "bearer" else None
    user_id = request.session.get("user_id")
    user = s.get(User, user_id) if isinstance(user_id, int) else None
    return user if user is not None and user.active else None


def current_actor(request: Request, s: SessionDep) -> Actor:
    """The signed-in actor: a bearer token under /api, the session cookie elsewhere."""
    user = _user(request, s)
    if user is None:
        raise SignInRequired
    actor = request.state.actor = Actor.of(user)
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]


def permission(name: str) -> object:
    """A dependency giving the actor, refusing (403) a role without the permission."""
    def _check(actor: ActorDep) -> Actor:
        require(actor, name)
        return actor

    return Depends(_check)
