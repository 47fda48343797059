"""Rendering pages: one Jinja2 environment, number filters, and the context every page gets."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from schemeops.service import numbers
from schemeops.service.policy import allowed
from schemeops.web.outcomes import outcome
from schemeops.web.security import csrf_token

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _money(value: object) -> str:
    return "" if value is None else f"{Decimal(str(value)):,.2f}"


def _num(value: object) -> str:
    return "" if value in (None, "") else f"{Decimal(str(value)):,}"


def _pct(value: object, places: int = 1) -> str:
    return "" if value in (None, "") else f"{Decimal(str(value)) * 100:.{places}f}%"


def _fixed(value: object, places: int = 2) -> str:
    """A stored exact decimal half-up to `places`, with thousands separators ('—' unknown)."""
    if value in (None, ""):
        return "—"
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{q.copy_abs() if q == 0 else q:,}"


def _settings(model: BaseModel) -> str:
    fields = model.model_dump(exclude={"id", "kind"}, exclude_defaults=True, by_alias=True)
    return "; ".join(f"{key}: {value}" for key, value in fields.items())


TEMPLATES.env.filters["money"] = _money
TEMPLATES.env.filters["settings"] = _settings
TEMPLATES.env.filters["pct"] = _pct
TEMPLATES.env.filters["num"] = _num
TEMPLATES.env.filters["fixed"] = _fixed
# The portal's, in the deployment's locale (`WebSettings.locale`): ₹1,23,456.00, 12.3 L.
TEMPLATES.env.filters["inr"] = numbers.money
TEMPLATES.env.filters["quantity"] = numbers.quantity


def page(request: Request, name: str, status_code: int = 200,
         headers: dict[str, str] | None = None, **context: object) -> HTMLResponse:
    """The named template with the actor, their permissions, the CSRF token and the outcome
    of the action that led here."""
    actor = getattr(request.state, "actor", None)

    def can(permission: str) -> bool:
        return actor is not None and allowed(actor, permission)

    return TEMPLATES.TemplateResponse(
        request, name, {"actor": actor, "can": can, "csrf": csrf_token(request),
                  "outcome": outcome(request), **context},
        status_code=status_code, headers=headers)
