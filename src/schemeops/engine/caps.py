"""Program-level limits on the per-participant totals: the program gate, the participant cap,
the share-of-sales cap (margin guard) and the budget, each an adjustment row that says why."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import ibis
import ibis.expr.types as ir

from schemeops.engine.conditions import ExactConditions
from schemeops.engine.exact import (
    as_dec,
    dec,
    div_floor,
    either,
    int64,
    largest,
    mul,
    round_half_up,
    smallest,
)
from schemeops.engine.payouts import plain
from schemeops.program.model import Program

KEYS = ["participant_id", "period_no"]


@dataclass(frozen=True)
class Limit:
    """One program limit per row of `t`: its adjustment (≤ 0, 0 where it does not bite), its
    note, and its typed fields for explanations.csv (gate and gate_held, or capped and
    cap_limit)."""

    name: str
    order: int
    t: ir.Table
    amount: ir.DecimalValue
    note: ir.StringValue
    fields: dict[str, ir.Value] = field(default_factory=dict)


def _adjustment(x: Limit) -> ir.Table:
    out = x.t.select(*KEYS, component=ibis.literal(x.name), base=ibis.null("string"),
                     rate=ibis.null("string"), amount=as_dec(x.amount, 2), note=x.note,
                     _order=int64(x.order))
    return out.filter(out.amount != 0)


def limit_totals(limits: list[Limit]) -> list[ir.Table]:
    """Adjustment rows (amount < 0) for the gate, the caps and the budget, where they bite."""
    return [_adjustment(x) for x in limits]


def program_limits(program: Program, w: ir.Table, totals: ir.Table,
                   first_order: int) -> list[Limit]:
    """The program gate, the caps and the budget on the per-participant totals.

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
        rows.append(Limit("program_gate", order, t, either(ok, dec("0.00"), -paid),
                          ibis.literal(f"program gate failed: {program.gate}"),
                          {"gate": ibis.literal(program.gate), "gate_held": ok}))
        running = either(ok, running, running - paid)
        order += 1
    caps = program.caps
    if caps.participant is not None:
        cap = as_dec(dec(caps.participant), 2)
        rows.append(Limit("participant_cap", order, t, smallest(cap - running, dec("0.00")),
                          ibis.literal(f"participant cap {plain(caps.participant)}"),
                          {"capped": running > cap, "cap_limit": cap}))
        running = smallest(running, cap)
        order += 1
    if caps.sales_rate is not None:
        limit = round_half_up(mul(t[f"a__{caps.sales_kpi}"], dec(caps.sales_rate)), 2)
        limit = largest(limit, dec("0.00"))
        rows.append(Limit(
            "sales_cap", order, t, smallest(limit - running, dec("0.00")),
            ibis.literal(f"at most {plain(caps.sales_rate)} of {caps.sales_kpi}: ")
            + as_dec(limit, 2).cast("string"),
            {"capped": running > limit, "cap_limit": limit}))
        running = smallest(running, limit)
        order += 1
    if caps.budget is not None:
        rows.append(_budget(t.mutate(_running=as_dec(largest(running, dec("0.00")), 2)),
                            caps.budget, order))
    return rows


def _budget(t: ir.Table, budget: Decimal, order: int) -> Limit:
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
    return Limit("budget", order, s, adj, note, {
        "capped": s._over, "cap_limit": as_dec(b, 2), "measure_of": ibis.literal("period_total"),
        "measure": s._total})
