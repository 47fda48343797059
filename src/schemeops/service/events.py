"""The events page's use cases: recent events with each endpoint's delivery, and "retry
now" on one delivery (docs/webhooks.md)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from schemeops.service.context import Actor
from schemeops.service.errors import Conflict, NotFound
from schemeops.service.policy import require
from schemeops.store.audit import record
from schemeops.store.event_models import DELIVERY_STATES, Delivery, Event
from schemeops.store.types import utcnow

#: The most events the page lists.
PAGE_EVENTS = 200


def recent(s: Session, actor: Actor, *, status: str | None = None,
           limit: int = PAGE_EVENTS) -> list[Event]:
    """The newest events, with their deliveries and endpoints; with `status`, only events
    with a delivery in that state."""
    require(actor, "events.read")
    q = (select(Event).options(selectinload(Event.deliveries).selectinload(Delivery.endpoint))
         .order_by(Event.id.desc()).limit(min(limit, PAGE_EVENTS)))
    if status is not None:
        if status not in DELIVERY_STATES:
            raise NotFound(f"no delivery state {status[:20]!r}")
        q = q.where(Event.id.in_(select(Delivery.event_id).where(Delivery.status == status)))
    return list(s.scalars(q))


def status_counts(s: Session, actor: Actor) -> dict[str, int]:
    """How many deliveries are in each state."""
    require(actor, "events.read")
    got = dict(s.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())
    return {state: got.get(state, 0) for state in DELIVERY_STATES}


def retry(s: Session, actor: Actor, delivery_id: int) -> Delivery:
    """Make a pending or failed delivery due now: the next pass sends it (a failed one gets
    one more attempt). A delivered one is never sent again, one being sent is left alone."""
    require(actor, "events.retry")
    d = s.get(Delivery, delivery_id)
    if d is None:
        raise NotFound(f"no delivery {delivery_id}")
    if d.status == "delivered":
        raise Conflict("this delivery was received already; it is not sent again")
    if d.status == "sending":
        raise Conflict("this delivery is being sent now")
    d.status, d.next_attempt_at = "pending", utcnow()
    record(s, actor=actor.username, action="webhook.retried", subject_type="delivery",
           subject_id=d.id, details={"event": d.event.key, "endpoint": d.endpoint_id,
                                     "attempts": d.attempts})
    return d
