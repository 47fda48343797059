"""Delivering events to webhook endpoints (docs/webhooks.md): find what is due, claim each
delivery with a conditional UPDATE (so two server processes never send the same attempt),
POST the signed body, and record the answer: delivered on 2xx, else another attempt after
an exponential backoff with jitter, until the attempts run out. Everything is kept in the
store, so a restart loses nothing."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

import httpx
from sqlalchemy import and_, or_, select, update

from schemeops.service.context import App
from schemeops.service.webhook_signature import HEADER, sign
from schemeops.store.event_models import ERROR_MAX, Delivery, Event, WebhookEndpoint
from schemeops.store.types import utcnow


@dataclass(frozen=True)
class DeliveryPolicy:
    """Timeout of one POST, the backoff (first delay doubling up to `max_delay`, each drawn
    between half and all of it), the attempts before giving up, how long a claim holds, and
    how many deliveries one pass takes at most."""

    timeout: float = 10.0
    first_delay: float = 30.0
    max_delay: float = 3600.0
    max_attempts: int = 12
    lease: float = 120.0
    batch: int = 100


@dataclass(frozen=True)
class Claimed:
    """A delivery this process holds: where to send what."""

    id: int
    claim: str
    attempts: int
    url: str
    secret: str
    key: str
    type: str
    body: str


@dataclass(frozen=True)
class Outcome:
    """One attempt's answer: the HTTP status if one came, the error otherwise."""

    status: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        """Whether the receiver took it (2xx)."""
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class PassResult:
    """What one pass did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def _due(now: dt.datetime) -> object:
    """Pending and due, or claimed by a process whose claim lapsed (it died mid-send)."""
    return or_(and_(Delivery.status == "pending", Delivery.next_attempt_at <= now),
               and_(Delivery.status == "sending", Delivery.claimed_until < now))


def due_ids(app: App, now: dt.datetime, limit: int) -> list[int]:
    """The deliveries to enabled endpoints that are due, oldest first."""
    with app.sessions.begin() as s:
        return list(s.scalars(
            select(Delivery.id).join(WebhookEndpoint, WebhookEndpoint.id == Delivery.endpoint_id)
            .where(WebhookEndpoint.enabled.is_(True), _due(now))
            .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)))


def claim(app: App, delivery_id: int, now: dt.datetime, policy: DeliveryPolicy
          ) -> Claimed | None:
    """Take the delivery for one attempt if it is still due; None if another process took it
    first (its UPDATE matched the row, ours then matches nothing)."""
    token = uuid.uuid4().hex
    with app.sessions.begin() as s:
        took = s.execute(update(Delivery).where(Delivery.id == delivery_id, _due(now))
                         .values(status="sending", claim=token, attempts=Delivery.attempts + 1,
                                 claimed_until=now + dt.timedelta(seconds=policy.lease),
                                 last_attempt_at=now))
        if took.rowcount != 1:
            return None
        row = s.execute(select(Delivery.attempts, WebhookEndpoint.url, WebhookEndpoint.secret,
                               Event.key, Event.type, Event.body)
                        .join(Event, Event.id == Delivery.event_id)
                        .join(WebhookEndpoint, WebhookEndpoint.id == Delivery.endpoint_id)
                        .where(Delivery.id == delivery_id)).one()
    return Claimed(delivery_id, token, *row)


def send(client: httpx.Client, d: Claimed) -> Outcome:
    """POST the event's body, signed at the clock's time now, with its id as the idempotency
    key; the answer's body is never read (a receiver cannot make us hold megabytes),
    redirects never followed."""
    body = d.body.encode("utf-8")
    headers = {"Content-Type": "application/json", "User-Agent": "schemeops-webhooks/1",
               "Idempotency-Key": d.key, "X-Schemeops-Event-Id": d.key,
               "X-Schemeops-Event-Type": d.type, "X-Schemeops-Attempt": str(d.attempts),
               HEADER: sign(d.secret, int(utcnow().timestamp()), body)}
    try:
        with client.stream("POST", d.url, content=body, headers=headers) as r:
            status = r.status_code
    except httpx.HTTPError as e:
        return Outcome(None, f"{type(e).__name__}: {e}"[:ERROR_MAX])
    if 200 <= status < 300:
        return Outcome(status, None)
    note = " (redirects are not followed)" if 300 <= status < 400 else ""
    return Outcome(status, f"HTTP {status}{note}")


def backoff(policy: DeliveryPolicy, attempts: int, rnd: random.Random) -> dt.timedelta:
    """The wait after the `attempts`-th failure: first_delay doubled each time up to
    max_delay, times a random factor in [0.5, 1) so that retries of many events spread."""
    delay = min(policy.max_delay, policy.first_delay * 2 ** (attempts - 1))
    return dt.timedelta(seconds=delay * (0.5 + rnd.random() / 2))


def settle(app: App, d: Claimed, outcome: Outcome, now: dt.datetime, policy: DeliveryPolicy,
           rnd: random.Random) -> str:
    """Record the attempt under our claim (a lapsed claim taken over by another process
    records nothing); the delivery's new state."""
    if outcome.ok:
        values: dict[str, object] = {"status": "delivered", "delivered_at": now}
    elif d.attempts >= policy.max_attempts:
        values = {"status": "failed"}
    else:
        values = {"status": "pending", "next_attempt_at": now + backoff(policy, d.attempts, rnd)}
    with app.sessions.begin() as s:
        s.execute(update(Delivery).where(Delivery.id == d.id, Delivery.claim == d.claim)
                  .values(claim=None, claimed_until=None, last_status=outcome.status,
                          last_error=outcome.error, **values))
    return str(values["status"])


def deliver_due(app: App, *, client: httpx.Client, policy: DeliveryPolicy = DeliveryPolicy(),
                rnd: random.Random | None = None, now: dt.datetime | None = None
                ) -> PassResult:
    """One pass: send every due delivery (up to `policy.batch`) once; what became of them."""
    rnd = rnd or random.Random()
    counts = {"delivered": 0, "pending": 0, "failed": 0}
    for delivery_id in due_ids(app, now or utcnow(), policy.batch):
        at = now or utcnow()
        d = claim(app, delivery_id, at, policy)
        if d is None:
            continue
        counts[settle(app, d, send(client, d), at, policy, rnd)] += 1
    return PassResult(counts["delivered"], counts["pending"], counts["failed"])


def http_client(policy: DeliveryPolicy) -> httpx.Client:
    """The client the deliveries go out on: the policy's timeout, no redirects."""
    return httpx.Client(timeout=policy.timeout, follow_redirects=False)
