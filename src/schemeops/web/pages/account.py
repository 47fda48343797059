"""Signing in and out, and the home page that sends each role where it works."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from schemeops.service.users import authenticate
from schemeops.web.render import page
from schemeops.web.security import ActorDep, SessionDep, sign_in, sign_out

router = APIRouter()


def _local(path: str) -> str:
    return path if path.startswith("/") and not path.startswith("//") else "/"


@router.get("/")
def home(actor: ActorDep) -> RedirectResponse:
    """Staff land on programs, distributors and reps on their portal."""
    return RedirectResponse("/programs" if actor.is_staff else "/portal", status_code=303)


@router.get("/signin")
def signin_form(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    return page(request, "signin.html", next=_local(next))


@router.post("/signin")
def signin(request: Request, s: SessionDep, username: Annotated[str, Form()],
           password: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    """Check the password (argon2) and start a session."""
    user = authenticate(s, username, password)
    if user is None:
        return page(request, "signin.html", 401, next=_local(next), username=username,
                    error="Wrong user name or password.")
    sign_in(request, user)
    return RedirectResponse(_local(next), status_code=303)


@router.post("/signout")
def signout(request: Request) -> RedirectResponse:
    """End the session."""
    sign_out(request)
    return RedirectResponse("/signin", status_code=303)
