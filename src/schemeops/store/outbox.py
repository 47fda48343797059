"""Emitting an event (docs/webhooks.md): the event and one delivery per enabled endpoint
that takes its type are inserted in the caller's transaction, the one that makes the state
change, so an event exists exactly when its change was committed (an outbox)."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from schemeops.store.event_models import EVENT_TYPES, Delivery, Event, WebhookEndpoint
from schemeops.store.types import utcnow


def emit(session: Session, event_type: str, *, subject_type: str, subject_id: object,
         data: dict) -> Event:
    """Record an event of `event_type` about the subject, with `data` as its payload, and
    queue it for every enabled endpoint subscribed to that type."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    key, at = f"evt_{uuid.uuid4().hex}", utcnow()
    # the body is fixed here, so every attempt sends (and signs) the same bytes
    body = json.dumps({"id": key, "type": event_type, "created_at": at.isoformat(),
                       "data": data}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=str)
    event = Event(key=key, type=event_type, subject_type=subject_type,
                  subject_id=str(subject_id), body=body, created_at=at)
    session.add(event)
    session.flush()
    endpoints = session.execute(select(WebhookEndpoint.id, WebhookEndpoint.event_types)
                                .where(WebhookEndpoint.enabled.is_(True))).all()
    subscribed = [{"event_id": event.id, "endpoint_id": endpoint_id, "status": "pending",
                   "attempts": 0, "next_attempt_at": at}
                  for endpoint_id, types in endpoints if event_type in types.split()]
    if subscribed:
        session.execute(insert(Delivery), subscribed)
    return event
