"""What a decided case lets its held payouts pay: released, the payout; rejected, nothing;
adjusted, the counterfactual (the payout less the case's value at risk)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from schemeops.store.models import Payout

_PAISA = Decimal("0.01")
_ZERO = Decimal("0.00")


def money(value: Decimal) -> Decimal:
    """A Decimal at 2 places, half up (what the store keeps)."""
    return Decimal(value).quantize(_PAISA, rounding=ROUND_HALF_UP)


def pays(status: str, value_at_risk: Decimal, payouts: Sequence[Payout]
         ) -> dict[Payout, Decimal]:
    """Each held payout's amount under a decision (`released`, `adjusted`, `rejected`; an
    `open` case pays as released once decided so). Adjusting takes the value at risk off the
    payouts in the order given (by program), none below zero: the counterfactual is what
    the programs pay without the evidence rows, and a payout never turns into a debit."""
    if status == "rejected":
        return {p: _ZERO for p in payouts}
    if status != "adjusted":
        return {p: p.amount for p in payouts}
    left, out = money(value_at_risk), {}
    for p in payouts:  # one per program paying the participant that month
        take = min(left, max(p.amount, _ZERO))
        out[p] = money(p.amount - take)
        left -= take
    return out
