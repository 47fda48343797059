"""Signing in and out, changing one's password, the home page that sends each role where it
works, and the admins' users page (lift a lockout, remove a user)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from schemeops.service import signin, users
from schemeops.service.errors import Conflict, NotFound
from schemeops.store.audit import record
from schemeops.store.models import User
from schemeops.store.types import utcnow
from schemeops.web.actors import UserManager
from schemeops.web.render import page
from schemeops.web.schemas import PathId
from schemeops.web.security import (
    ActorDep,
    AppDep,
    SessionDep,
    client_address,
    get_settings,
    sign_in,
    sign_out,
)

router = APIRouter()
Secret = Annotated[str, Form(max_length=400)]


def _local(path: str) -> str:
    return path if path.startswith("/") and not path.startswith("//") else "/"


def locked_message(until: dt.datetime) -> str:
    """What a locked-out person is told (the same whether or not the name exists)."""
    minutes = max(1, round((until - utcnow()).total_seconds() / 60))
    return (f"Too many failed sign-ins. Try again in {minutes} minute"
            f"{'s' if minutes != 1 else ''}, or ask an administrator to unlock the account.")


@router.get("/")
def home(actor: ActorDep) -> RedirectResponse:
    """Staff land on programs, distributors and reps on their portal."""
    return RedirectResponse("/programs" if actor.is_staff else "/portal", status_code=303)


@router.get("/signin")
def signin_form(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    return page(request, "signin.html", next=_local(next))


@router.post("/signin")
def signin_post(request: Request, app: AppDep, username: Annotated[str, Form(max_length=200)],
                password: Secret, next: Annotated[str, Form(max_length=2000)] = "/"
                ) -> Response:
    """Check the password (argon2) unless a lockout holds, and start a session. The attempt
    is counted and audited in its own transaction, whatever the outcome."""
    settings = get_settings(request)
    with app.sessions.begin() as s:
        got = signin.attempt(s, settings.signin, username, password, client_address(request),
                             "web")
        if got.user is not None:
            sign_in(request, s, got.user)
            return RedirectResponse(_local(next), status_code=303)
    if got.locked_until is not None:
        return page(request, "signin.html", 429, next=_local(next), username=username,
                    error=locked_message(got.locked_until),
                    headers={"Retry-After": str(int((got.locked_until - utcnow())
                                                    .total_seconds()) + 1)})
    return page(request, "signin.html", 401, next=_local(next), username=username,
                error="Wrong user name or password.")


@router.post("/signout")
def signout(request: Request, s: SessionDep) -> RedirectResponse:
    """End the session, in the store too: a copy of the cookie no longer signs anyone in."""
    user = sign_out(request, s)
    if user is not None:
        record(s, actor=user.username, action="user.signed_out", subject_type="user",
               subject_id=user.id, details={"address": client_address(request)})
    return RedirectResponse("/signin", status_code=303)


@router.get("/account/password")
def password_form(request: Request, actor: ActorDep) -> Response:
    """The form to change one's own password."""
    return page(request, "password.html")


@router.post("/account/password")
def password_change(request: Request, s: SessionDep, actor: ActorDep, current: Secret,
                    new: Secret) -> Response:
    """Change one's password: every session of the user ends (other browsers too), and this
    browser gets a fresh one."""
    user = s.get(User, actor.user_id)
    assert user is not None
    try:
        users.change_password(s, user, current, new)
    except Conflict as e:
        return page(request, "password.html", 409, error=str(e))
    sign_in(request, s, user)
    return page(request, "password.html", done=True)


@router.get("/users")
def user_list(request: Request, s: SessionDep, actor: UserManager) -> Response:
    """Users, and the lockouts in force (accounts and addresses) with a button to lift each."""
    locks = signin.locks(s, actor)
    locked = {t.key: t for t in locks if t.scope == "account"}
    rows = list(s.scalars(select(User).order_by(User.username)))
    return page(request, "users.html", users=rows, locked=locked,
                addresses=[t for t in locks if t.scope == "address"],
                key=signin.account_key)


@router.post("/users/{user_id}/unlock")
def unlock_user(s: SessionDep, actor: UserManager, user_id: PathId) -> Response:
    """Lift the lockout of a user's account."""
    signin.unlock_user(s, actor, user_id)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/unlock-address")
def unlock_address(s: SessionDep, actor: UserManager,
                   address: Annotated[str, Form(max_length=200)]) -> Response:
    """Lift the lockout of a client address."""
    signin.unlock(s, actor, "address", address)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id}/remove")
def remove_user(s: SessionDep, actor: UserManager, user_id: PathId) -> Response:
    """Deactivate a user: their sessions end and their API tokens are revoked."""
    user = s.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    if user.id == actor.user_id:
        raise Conflict("you cannot remove yourself")
    users.remove_user(s, user, by=actor.username)
    return RedirectResponse("/users", status_code=303)
