"""The JSON API: the same use cases as the pages, signed in with a bearer token."""

from __future__ import annotations

from fastapi import APIRouter

from schemeops.web.api import cases, claims, desk, disputes, programs, runs
from schemeops.web.schemas import ErrorRead

_ERRORS = {code: {"model": ErrorRead} for code in (401, 403, 404, 409)}
router = APIRouter(responses=_ERRORS)
for _module in (desk, programs, runs, claims, cases, disputes):
    router.include_router(_module.router)
