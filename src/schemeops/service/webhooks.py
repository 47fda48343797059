"""Webhook endpoints: an admin adds one (URL, secret, event types) or disables it; the
secret is kept to sign with and never shown back (docs/webhooks.md)."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.service.context import Actor
from schemeops.service.errors import Conflict, NotFound
from schemeops.service.policy import require
from schemeops.store.audit import record
from schemeops.store.event_models import EVENT_TYPES, SECRET_MAX, URL_MAX, WebhookEndpoint

SECRET_MIN = 16
DESCRIPTION_MAX = 200


class BadEndpoint(Conflict):
    """Raised when an endpoint's URL, secret, event types or description is refused; the
    message names the field and the fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def check_url(url: str) -> str:
    """The URL if it is an absolute http(s) address of at most URL_MAX characters, without
    credentials, spaces or control characters; else BadEndpoint."""
    if not url:
        raise BadEndpoint("url", "give the receiver's address, e.g. https://erp.example/hooks")
    if len(url) > URL_MAX:
        raise BadEndpoint("url", f"at most {URL_MAX} characters, got {len(url)}")
    if any(c.isspace() or not c.isprintable() for c in url):
        raise BadEndpoint("url", "spaces and control characters are not allowed; "
                                 "percent-encode them")
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number raises here
    except ValueError as e:
        raise BadEndpoint("url", f"not a URL ({e})") from None
    if parts.scheme not in ("http", "https"):
        raise BadEndpoint("url", "only http:// and https:// addresses are accepted")
    if not parts.hostname:
        raise BadEndpoint("url", "the address names no host")
    if parts.username is not None or parts.password is not None:
        raise BadEndpoint("url", "no user name or password in the address; the secret "
                                 "signs each request instead")
    if parts.fragment:
        raise BadEndpoint("url", "remove the #fragment: it is never sent")
    return url


def check_secret(secret: str) -> str:
    """The secret if it has SECRET_MIN to SECRET_MAX printable characters; else BadEndpoint."""
    if not SECRET_MIN <= len(secret) <= SECRET_MAX:
        raise BadEndpoint("secret", f"between {SECRET_MIN} and {SECRET_MAX} characters, "
                                    f"got {len(secret)}")
    if any(c.isspace() or not c.isprintable() for c in secret):
        raise BadEndpoint("secret", "printable characters only, no spaces")
    return secret


def check_types(types: list[str]) -> tuple[str, ...]:
    """The event types in EVENT_TYPES' order, at least one, each known; else BadEndpoint."""
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise BadEndpoint("event_types", f"unknown type {unknown[0][:40]!r}; choose from "
                                         f"{', '.join(EVENT_TYPES)}")
    if not types:
        raise BadEndpoint("event_types", "choose at least one event type")
    return tuple(t for t in EVENT_TYPES if t in types)


def add_endpoint(s: Session, actor: Actor, *, url: str, secret: str, event_types: list[str],
                 description: str = "") -> WebhookEndpoint:
    """Add an enabled endpoint; every event of its types emitted from now on is sent to it."""
    require(actor, "webhooks.manage")
    url, description = url.strip(), description.strip()
    if len(description) > DESCRIPTION_MAX or not description.isprintable():
        raise BadEndpoint("description", f"at most {DESCRIPTION_MAX} printable characters")
    endpoint = WebhookEndpoint(url=check_url(url), secret=check_secret(secret),
                               event_types=" ".join(check_types(event_types)),
                               description=description, enabled=True,
                               created_by=actor.user_id)
    s.add(endpoint)
    s.flush()
    record(s, actor=actor.username, action="webhook.added", subject_type="webhook",
           subject_id=endpoint.id, details={"url": endpoint.url,
                                            "event_types": endpoint.event_types})
    return endpoint


def disable_endpoint(s: Session, actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    """Disable an endpoint: nothing more is sent to it, and new events skip it."""
    require(actor, "webhooks.manage")
    endpoint = s.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound(f"no webhook endpoint {endpoint_id}")
    if not endpoint.enabled:
        raise Conflict("this endpoint is already disabled")
    endpoint.enabled = False
    record(s, actor=actor.username, action="webhook.disabled", subject_type="webhook",
           subject_id=endpoint.id, details={"url": endpoint.url})
    return endpoint


def list_endpoints(s: Session, actor: Actor) -> list[WebhookEndpoint]:
    """Every endpoint, enabled ones first, newest first."""
    require(actor, "webhooks.manage")
    return list(s.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.enabled.desc(),
                                                           WebhookEndpoint.id.desc())))
