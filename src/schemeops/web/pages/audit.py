"""The audit trail in words, filtered, and its verification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from schemeops.service import audit
from schemeops.web.actors import Auditor
from schemeops.web.render import page
from schemeops.web.security import SessionDep

router = APIRouter()
#: The subject kinds the filter offers, with their names.
SUBJECTS = {"program_version": "program versions", "run": "runs", "period": "periods",
            "user": "users", "claim": "claims", "dispute": "disputes", "case": "cases"}
Text = Annotated[str, Query(max_length=80)]


@router.get("/audit")
def trail(request: Request, s: SessionDep, actor: Auditor, action: Text = "", who: Text = "",
          subject: Text = "") -> Response:
    """The newest audit entries in words, filtered."""
    entries = audit.trail(s, actor, action=action or None, who=who or None,
                          subject_type=subject or None)
    return page(request, "audit.html", lines=audit.readable(s, entries), action=action,
                who=who, subject=subject, subjects=SUBJECTS, findings=None)


@router.get("/audit/verify")
def verify(request: Request, s: SessionDep, actor: Auditor) -> Response:
    """Recompute the chain and the closed periods' seals."""
    return page(request, "audit.html", lines=[], action="", who="", subject="",
                subjects=SUBJECTS, findings=audit.verify(s))
