"""The webhook signature: `X-Schemeops-Signature: t=<unix seconds>,v1=<hex>`, where the hex is
HMAC-SHA256 with the endpoint's secret over `<t>.` followed by the body's bytes
(docs/webhooks.md tells receivers how to check it)."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Schemeops-Signature"
#: How far a signature's time may be from the receiver's clock (seconds) before it is refused
#: as a replay.
TOLERANCE = 300


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body,
                    hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp`."""
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, now: int,
           tolerance: int = TOLERANCE) -> bool:
    """Whether `header` signs `body` with `secret` at a time within `tolerance` of `now`."""
    fields = dict(part.partition("=")[::2] for part in header.split(","))
    stamp, given = fields.get("t", ""), fields.get("v1", "")
    if not stamp.isdigit() or abs(now - int(stamp)) > tolerance:
        return False
    return hmac.compare_digest(given, _digest(secret, int(stamp), body))
