"""What a dispute accepts, purely: its reason codes, the text of comments, the amount of an
adjustment, and its due date (the SLA). No I/O here."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from schemeops.service.errors import Conflict

#: The closed list of reason codes, each with what it means to the participant.
REASONS = {
    "missing_sales": "sales of mine are missing from the calculation",
    "wrong_target": "my target is not the one agreed",
    "returns_wrongly_counted": "returns were counted against me wrongly",
    "claim_not_paid": "an approved claim was not paid",
    "other": "something else (say what in the comment)",
}
MAX_COMMENT = 2000
#: Working days (Monday to Friday) from the opening day to the day a dispute is due.
SLA_WORKING_DAYS = 5
#: The largest adjustment accepted, either way (a typo guard, far above any real payout).
MAX_AMOUNT = Decimal("10000000.00")
_CENT = Decimal("0.01")
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def reason_code(code: str) -> str:
    """The code, if it is one of REASONS."""
    if code not in REASONS:
        raise Conflict(f"reason code {code[:40]!r} is not one of: {', '.join(REASONS)}")
    return code


def comment(text: str, *, what: str = "comment") -> str:
    """A comment as stored: trimmed, 1 to MAX_COMMENT characters, no control characters
    but line breaks and tabs. It is kept as typed; the pages escape it when they show it."""
    text = text.strip()
    if not text:
        raise Conflict(f"{what}: write a few words")
    if len(text) > MAX_COMMENT:
        raise Conflict(f"{what}: {len(text)} characters, at most {MAX_COMMENT}")
    if bad := next((c for c in text if not c.isprintable() and c not in _ALLOWED_CONTROLS),
                   None):
        raise Conflict(f"{what}: the control character {bad!r} at position "
                       f"{text.index(bad) + 1} is not accepted")
    return text


def amount(value: str | Decimal) -> Decimal:
    """An adjustment: a non-zero number, rounded half-up to 2 places (negative takes money
    back), at most MAX_AMOUNT either way."""
    try:
        d = Decimal(str(value).strip()[:40])
    except InvalidOperation as e:
        raise Conflict(f"amount: {str(value)[:40]!r} is not a number") from e
    if not d.is_finite():
        raise Conflict(f"amount: {str(value)[:40]!r} is not a number")
    d = d.quantize(_CENT, rounding=ROUND_HALF_UP)
    if d == 0 or abs(d) > MAX_AMOUNT:
        raise Conflict(f"amount: give a non-zero amount of at most {MAX_AMOUNT} either way")
    return d


def due_on(opened: dt.date, days: int = SLA_WORKING_DAYS) -> dt.date:
    """The day a dispute opened on `opened` is due: `days` working days (Monday to Friday)
    later; one opened on a Saturday counts from Monday."""
    day, left = opened, days
    while left:
        day += dt.timedelta(days=1)
        left -= day.weekday() < 5
    return day


def overdue(status: str, due: dt.date, today: dt.date) -> bool:
    """Whether an unresolved dispute is past the end of its due day."""
    return status != "resolved" and today > due
