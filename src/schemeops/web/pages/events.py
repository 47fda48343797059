"""The events page (what was told to the outside and whether each endpoint took it, with
"retry now") and the webhook endpoints page (add, disable); docs/webhooks.md."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from schemeops.service import events, webhooks
from schemeops.service.webhooks import BadEndpoint
from schemeops.store.event_models import DELIVERY_STATES, EVENT_TYPES, SECRET_MAX, URL_MAX
from schemeops.web.actors import EventReader, EventRetrier, WebhookManager
from schemeops.web.outcomes import done
from schemeops.web.render import page
from schemeops.web.schemas import PathId
from schemeops.web.security import SessionDep

router = APIRouter()


@router.get("/events")
def event_list(request: Request, s: SessionDep, actor: EventReader,
               status: Annotated[str, Query(max_length=20)] = "") -> Response:
    """The newest events and each endpoint's delivery of them, filtered by delivery state."""
    return page(request, "events.html", events=events.recent(s, actor, status=status or None),
                counts=events.status_counts(s, actor), states=DELIVERY_STATES, status=status,
                limit=events.PAGE_EVENTS)


@router.post("/events/deliveries/{delivery_id}/retry")
def retry(s: SessionDep, actor: EventRetrier, delivery_id: PathId) -> Response:
    """Make the delivery due now; the delivery loop sends it within seconds."""
    events.retry(s, actor, delivery_id)
    return RedirectResponse(done("/events", "retry_queued"), status_code=303)


def _webhooks_page(request: Request, s: SessionDep, actor: WebhookManager, *,
                   status_code: int = 200, error: BadEndpoint | None = None,
                   form: dict | None = None) -> Response:
    return page(request, "webhooks.html", status_code, endpoints=webhooks.list_endpoints(s, actor),
                types=EVENT_TYPES, error=error, form=form or {"types": list(EVENT_TYPES)},
                url_max=URL_MAX, secret_min=webhooks.SECRET_MIN, secret_max=SECRET_MAX)


@router.get("/webhooks")
def endpoint_list(request: Request, s: SessionDep, actor: WebhookManager) -> Response:
    """The endpoints (secrets never shown) and the form to add one."""
    return _webhooks_page(request, s, actor)


@router.post("/webhooks")
def endpoint_add(request: Request, s: SessionDep, actor: WebhookManager,
                 url: Annotated[str, Form(max_length=URL_MAX + 100)],
                 secret: Annotated[str, Form(max_length=SECRET_MAX + 100)],
                 event_types: Annotated[list[str], Form(max_length=len(EVENT_TYPES))] = [],  # noqa: B006
                 description: Annotated[str, Form(max_length=300)] = "") -> Response:
    """Add an endpoint; a refused field comes back named, the form refilled (never the
    secret)."""
    try:
        webhooks.add_endpoint(s, actor, url=url, secret=secret, event_types=event_types,
                              description=description)
    except BadEndpoint as e:
        return _webhooks_page(request, s, actor, status_code=422, error=e, form={
            "url": url, "description": description, "types": event_types})
    return RedirectResponse(done("/webhooks", "webhook_added"), status_code=303)


@router.post("/webhooks/{endpoint_id}/disable")
def endpoint_disable(s: SessionDep, actor: WebhookManager, endpoint_id: PathId) -> Response:
    """Disable an endpoint."""
    webhooks.disable_endpoint(s, actor, endpoint_id)
    return RedirectResponse(done("/webhooks", "webhook_disabled"), status_code=303)
