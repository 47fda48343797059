"""Catch-up: a payout missed in one recurrence is released in a later one (within a stated
number of recurrences) once the cumulative target is met."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from schemeops.engine.exact import as_dec, dec, largest
from schemeops.engine.payouts import ComponentCompiler
from schemeops.program.model import Component, Program


def released(program: Program, c: Component, w: ir.Table,
             prices: dict[str, ir.DecimalValue]) -> ir.Table:
    """Releases: participant_id, period_no (where released), missed (the period it was
    missed in), owed (money).

    A period p misses when its KPI's target exists and is not met; what it missed is the
    component's amount as if the actual had equalled the target, less what it did pay. It is
    released in the first later period q ≤ p + within where the cumulative actual of p..q
    reaches the cumulative target (for a lower-is-better KPI, a level: where q's actual is
    within q's target), each missed amount at most once.
    """
    k = c.kpi
    lower = program.targets[k].lower_is_better
    scale = w[f"a__{k}"].type().scale
    real = w.mutate(_a=w[f"a__{k}"], _t=w[f"t__{k}"])
    paid = ComponentCompiler(program, c, real, prices).compile()
    real = paid.table.mutate(_paid=paid.amount)
    at_target = real.mutate(**{f"a__{k}": as_dec(real._t.fill_null(dec(0)), scale),
                               f"att__{k}": dec("1.000000")})
    full = ComponentCompiler(program, c, at_target, prices).compile()
    owed = largest(full.amount - at_target._paid, dec("0.00"))
    a, t = at_target._a, at_target._t
    met = ((a <= t) if lower else (a >= t)).fill_null(False)
    order_w = ibis.cumulative_window(group_by="participant_id", order_by="period_no")
    base = full.table.select("participant_id", "period_no", "_a", "_t", _owed=owed, _met=met,
                             _cum_a=a.sum().over(order_w),
                             _cum_t=t.fill_null(dec(0)).sum().over(order_w))
    miss = base.filter(~base._met & base._t.notnull() & (base._owed > 0))
    later = base.view()
    pairs = miss.join(later, (miss.participant_id == later.participant_id)
                      & (later.period_no > miss.period_no)
                      & (later.period_no <= miss.period_no + c.catch_up.within))
    span_a = pairs._cum_a_right - pairs._cum_a + pairs._a
    span_t = pairs._cum_t_right - pairs._cum_t + pairs._t
    ok = (pairs._a_right <= pairs._t_right) if lower else (span_a >= span_t)
    first = pairs.filter(ok.fill_null(False)).group_by(
        pairs.participant_id, pairs.period_no, pairs._owed).aggregate(
        release_in=pairs.period_no_right.min())
    return first.select("participant_id", period_no=first.release_in,
                        missed=first.period_no, owed=as_dec(first._owed, 2))
