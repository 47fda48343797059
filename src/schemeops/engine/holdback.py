"""Holdback: a share of each period's payout is paid only after its return window.

With `holdback: {rate, release_after_days}`, each period's payout (after the program's
limits) gets a row `holdback` of −rate × the payout (half-up to 2 places; a debit is never
held) until `release_after_days` after the period's end, and, from that day on, a row
`holdback_release` paying the same amount back beside it. The run's date is its as-of date;
a run without one is taken to be after every window. A period held when it was closed is
released by a later run as a correction linked to its sealed payout (service/results.py).
Both rows name their period (carried_from, carried_to) in explanations.csv.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from schemeops.engine.caps import KEYS, Limit
from schemeops.engine.exact import dec, largest, mul, round_half_up
from schemeops.engine.payouts import plain
from schemeops.program.model import Program

NOTE_HELD = "held until "
NOTE_RELEASED = "released on "


def holdback_rows(program: Program, w: ir.Table, payouts: ir.Table, first_order: int,
                  as_of: dt.date | None) -> list[Limit]:
    """The `holdback` and `holdback_release` rows of every participant and period (0 where
    nothing is held); `payouts` has participant_id, period_no, payout."""
    h = program.holdback
    t = payouts.join(w.select(*KEYS, "period_end"), KEYS)
    held = round_half_up(mul(largest(t.payout, dec("0.00")), dec(h.rate)), 2)
    on = t.period_end + ibis.interval(days=h.release_after_days)
    released = ibis.literal(True) if as_of is None else on <= ibis.literal(as_of)
    day = on.cast("string").substr(0, 10)  # DuckDB gives a timestamp: the date part
    share = f"{plain((h.rate * 100).normalize())} % of "
    fields = {"earned": t.payout, "carried_from": t.period_no, "carried_to": t.period_no}
    return [
        Limit("holdback", first_order, t, -held,
              ibis.literal(NOTE_HELD) + day + ibis.literal(f" (the returns window): {share}")
              + t.payout.cast("string"), fields),
        Limit("holdback_release", first_order + 1, t,
              ibis.ifelse(released, held, dec("0.00")),
              ibis.literal(NOTE_RELEASED) + day + ibis.literal(": the holdback of period ")
              + t.period_no.cast("string"), fields),
    ]
