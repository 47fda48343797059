"""The guards' limits: the documented defaults (docs/guards.md), and a program's own from
its `guards:` block."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from schemeops.program.model import Program


@dataclass(frozen=True)
class Limits:
    """Where each guard warns or blocks."""

    #: Pocket price below unit_cost × this blocks.
    margin_floor: Decimal = Decimal("1.05")
    #: Gross margin on the pocket price below this warns.
    gross_margin: Decimal = Decimal("0.15")
    #: Effective discount on a line at or above these warns, blocks.
    discount_warn: Decimal = Decimal("0.20")
    discount_block: Decimal = Decimal("0.25")
    #: Budget burn at these shares warns (each is an alert), at the last blocks.
    burn_marks: tuple[Decimal, ...] = (Decimal("0.5"), Decimal("0.8"), Decimal("1"))
    #: Burn ÷ elapsed share of the program's time above this warns.
    burn_pace: Decimal = Decimal("1.2")
    #: Why these limits differ from the defaults ('' when they do not).
    reason: str = ""


DEFAULTS = Limits()


def limits_for(program: Program) -> Limits:
    """The defaults, with the program's own limits where its `guards:` block gives them."""
    g = program.guards
    if g is None:
        return DEFAULTS
    out = replace(DEFAULTS, reason=g.reason)
    if g.margin_floor is not None:
        out = replace(out, margin_floor=g.margin_floor)
    if g.gross_margin is not None:
        out = replace(out, gross_margin=g.gross_margin)
    if g.discount_cap is not None:
        out = replace(out, discount_warn=g.discount_cap.warn, discount_block=g.discount_cap.block)
    if g.burn_pace is not None:
        out = replace(out, burn_pace=g.burn_pace)
    return out
