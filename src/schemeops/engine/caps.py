"""Program-level limits on the per-participant totals: the program gate, the participant cap,
the share-of-sales cap (margin guard) and the budget, each an adjustment row that says why."""

from __future__ import annotations

from decimal import Decimal

import ibis
import ibis.expr.types as ir

from schemeops.engine.conditions import ExactConditions
from schemeops.engine.exact import (
    as_dec,
    dec,
    div_floor,
    either,
    largest,
    mul,
    round_half_up,
    smallest,
)
from schemeops.engine.payouts import plain
from schemeops.program.model import Program

KEYS = ["participant_id", "period_no"]


def _adjustment(t: ir.Table, name: str, amount: ir.DecimalValue, note: ir.StringValue,
                order: int) -> ir.Table:
    return t.select(*KEYS, component=ibis.literal(name), base=ibis.null("string"),
                    rate=ibis.null("string"), amount=as_dec(amount, 2), note=note,
                    _order=ibis.literal(order))


def limit_totals(program: Program, w: ir.Table, totals: ir.Table,
                 first_order: int) -> list[ir.Table]:
    """Adjustment rows (amount ≤ 0) for the gate, the caps and the budget, where they bite.

    `totals` has participant_id, period_no, total. The budget is per period: when the
    period's total exceeds it, every payout is scaled by budget/total, rounded down to the
    paisa, and the paise left over go one each to the largest remainders (ties by
    participant_id), so the period pays exactly the budget.
    """
    t = totals.join(w, KEYS)
    running = t.total
    rows = []
    order = first_order
    if program.gate:
        ok = ExactConditions(program, w).compile(program.gate).fill_null(False)
        # Limits only cut what is paid: a debit (a clawed-back true-up) passes them all.
        paid = largest(running, dec("0.00"))
        rows.append(_adjustment(t, "program_gate", either(ok, dec("0.00"), -paid),
                                ibis.literal(f"program gate failed: {program.gate}"), order))
        running = either(ok, running, running - paid)
        order += 1
    caps = program.caps
    if caps.participant is not None:
        cap = as_dec(dec(caps.participant), 2)
        rows.append(_adjustment(t, "participant_cap", smallest(cap - running, dec("0.00")),
                                ibis.literal(f"participant cap {plain(caps.participant)}"), order))
        running = smallest(running, cap)
        order += 1
    if caps.sales_rate is not None:
        limit = round_half_up(mul(t[f"a__{caps.sales_kpi}"], dec(caps.sales_rate)), 2)
        limit = largest(limit, dec("0.00"))
        rows.append(_adjustment(
            t, "sales_cap", smallest(limit - running, dec("0.00")),
            ibis.literal(f"at most {plain(caps.sales_rate)} of {caps.sales_kpi}: ")
            + as_dec(limit, 2).cast("string"), order))
        running = smallest(running, limit)
        order += 1
    rows = [r.filter(r.amount != 0) for r in rows]
    if caps.budget is not None:
        rows.append(_budget(t.mutate(_running=as_dec(largest(running, dec("0.00")), 2)),
                            caps.budget, order))
    return rows


def _budget(t: ir.Table, budget: Decimal, order: int) -> ir.Table:
    b = dec(budget)
    per = ibis.window(group_by="period_no")
    total = t._running.sum().over(per)
    over = total > b
    scaled = div_floor(mul(t._running, b), total, 2)
    remainder = mul(t._running, b) - mul(scaled, total)
    s = t.mutate(_total=total, _over=over, _scaled=scaled, _rem=remainder)
    left = ((b - s._scaled.sum().over(per)) * 100).cast("int64")
    rank = ibis.row_number().over(group_by="period_no", order_by=[ibis.desc(s._rem),
                                                                  s.participant_id])
    s = s.mutate(_left=left, _rank=rank)
    final = s._scaled + either(s._rank < s._left, dec("0.01"), dec("0.00"))
    adj = either(s._over, final - s._running, dec("0.00"))
    note = (ibis.literal(f"budget {plain(budget)}: period total ")
            + as_dec(s._total, 2).cast("string") + ibis.literal(" scaled pro-rata"))
    out = _adjustment(s, "budget", adj, note, order)
    return out.filter(out.amount != 0)
