"""Events out (docs/webhooks.md): the webhook endpoints an admin configures, the events the
use cases emit in the transaction of their state change (an outbox), and one delivery per
event and subscribed endpoint, whose attempts and schedule are kept here so that a restart
loses nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schemeops.store.models import Base, _choice
from schemeops.store.types import UtcDateTime, utcnow

#: What the use cases emit, in the order the pages list them.
EVENT_TYPES = ("run.finished", "payouts.approved", "export.made", "period.closed")
#: pending: due at `next_attempt_at`; sending: claimed by a process until `claimed_until`;
#: delivered: the receiver answered 2xx; failed: attempts exhausted (retry now revives it).
DELIVERY_STATES = ("pending", "sending", "delivered", "failed")
URL_MAX = 500
SECRET_MAX = 200
ERROR_MAX = 300


class WebhookEndpoint(Base):
    """A receiver: its URL, the secret its requests are signed with (never shown back) and
    the event types it takes (space-separated)."""

    __tablename__ = "webhook_endpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    secret: Mapped[str] = mapped_column(String(SECRET_MAX))
    event_types: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(200), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def types(self) -> tuple[str, ...]:
        """The event types subscribed to."""
        return tuple(self.event_types.split())


class Event(Base):
    """One state change told to the outside: `key` is its stable id (the receivers'
    idempotency key), `body` the exact JSON sent on every attempt."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(_choice("event_type", EVENT_TYPES, 40))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    deliveries: Mapped[list[Delivery]] = relationship(back_populates="event",
                                                      order_by="Delivery.endpoint_id")


class Delivery(Base):
    """One event to one endpoint: its state, attempts so far, when it is due next, and the
    last answer (HTTP status) or error."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("event_id", "endpoint_id"),
                      Index(None, "status", "next_attempt_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"))
    status: Mapped[str] = mapped_column(_choice("delivery_state", DELIVERY_STATES),
                                        default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: The claim of the process sending it, and until when it holds (a crashed sender's
    #: claim lapses and another process takes the delivery over).
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX))
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    event: Mapped[Event] = relationship(back_populates="deliveries")
    endpoint: Mapped[WebhookEndpoint] = relationship()
