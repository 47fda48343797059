"""Who a program holds out as its control group: a pure, deterministic hash of the seed and
the participant id, the same on every backend.

A participant is held out when the md5 of "seed:participant_id", its first 8 hex digits read
as a whole number h (0 ≤ h < 16⁸), has h < ⌊share × 16⁸⌋. Only integers are compared, so
DuckDB, Spark and Python (`is_held_out`, for one id) agree exactly.
"""

from __future__ import annotations

import hashlib
from decimal import ROUND_FLOOR

import ibis
import ibis.expr.types as ir

from schemeops.program.model import Holdout

DIGITS = 8
_HEX = "0123456789abcdef"


def threshold(holdout: Holdout) -> int:
    """⌊share × 16⁸⌋: hashes below it are held out."""
    return int((holdout.share * 16 ** DIGITS).to_integral_value(ROUND_FLOOR))


def hash_number(text: ir.StringValue) -> ir.IntegerValue:
    """The first 8 hex digits of the md5 of `text` as a whole number, 0 ≤ h < 16⁸ (the same
    on every backend)."""
    digest = text.hexdigest("md5").lower()
    value: ir.IntegerValue = ibis.literal(0, "int64")
    for i in range(DIGITS):  # one term per hex digit, not per row
        # cast the digit itself: literals stay 32-bit in SQL, and 16⁸ would overflow them
        digit = digest.substr(i, 1).cases(*((c, n) for n, c in enumerate(_HEX)))
        value = value + digit.cast("int64") * 16 ** (DIGITS - 1 - i)
    return value


def held_out(participant_id: ir.StringValue, holdout: Holdout) -> ir.BooleanValue:
    """Whether each participant id is held out (never null for a non-null id)."""
    return hash_number(ibis.literal(f"{holdout.seed}:") + participant_id) < threshold(holdout)


def is_held_out(participant_id: str, holdout: Holdout) -> bool:
    """`held_out` for one id, in Python (for messages and the generator's checks)."""
    digest = hashlib.md5(f"{holdout.seed}:{participant_id}".encode()).hexdigest()
    return int(digest[:DIGITS], 16) < threshold(holdout)
