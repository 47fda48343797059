"""What reaching a component's next slab pays, worked out from the program and the stored
explanation row: only for a step component whose next slab pays a fixed amount, a rate or an
amount per unit of its base; None where the program's other powers (marginal bands, curves,
scorecards, free units, per-invoice slabs) make a single figure misleading."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from schemeops.engine.story import Row
from schemeops.program.model import Component

_CENT = Decimal("0.01")


def _base_at_next(c: Component, r: Row, kpi: Row | None, base: Row | None) -> Decimal | None:
    """The base the next slab would pay on: today's, or the break itself when reaching the
    break raises the base (the slab reads the base's own KPI)."""
    if base is None or base.actual is None:
        return None
    if (c.base or c.kpi) != c.kpi or kpi is None or r.next_break is None:
        return base.actual
    if c.on == "actual":
        return max(base.actual, r.next_break)
    if kpi.target is not None:
        return max(base.actual, r.next_break * kpi.target)
    return base.actual


def next_slab_gain(c: Component, r: Row, kpis: dict[str, Row]) -> Decimal | None:
    """How much more the component pays at its next slab than now (rounded half-up to the
    paisa), or None when it cannot be told in one figure or would not be more."""
    if (c.mode != "step" or not c.slabs or c.per is not None or c.scorecard
            or r.next_break is None or r.capped or r.gate_held is False):
        return None
    nxt = c.slabs[r.slab or 0] if (r.slab or 0) < len(c.slabs) else None
    if nxt is None or nxt.free_units is not None or nxt.free is not None \
            or nxt.pct_of_incentive is not None:
        return None
    if nxt.amount is not None:
        pays = nxt.amount
    else:
        base = _base_at_next(c, r, kpis.get(c.kpi or ""), kpis.get(c.base or c.kpi or ""))
        per = nxt.rate if nxt.rate is not None else nxt.per_unit
        if base is None or per is None:
            return None
        pays = per * base
    pays *= r.multiplier if r.multiplier is not None else 1
    if r.cap_limit is not None:
        pays = min(pays, r.cap_limit)
    gain = (pays - (r.amount or Decimal(0))).quantize(_CENT, ROUND_HALF_UP)
    return gain if gain > 0 else None
