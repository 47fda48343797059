"""Amounts carried across periods: a true-up (what the rule pays on results to date, less what
earlier periods paid) and a draw (a guaranteed minimum, recoverable from later earnings).

Each carried amount is its own components.csv row beside the component's, naming the periods
it came from: `<component>:true_up`, `<component>:draw`, `<component>:draw_recovery` (the
rows are built by engine/explain_rows.py from the `Carried` records made here). The
component's own row keeps what its rule gives this period, so the rows add up to the pay.
All of it is window functions over period_no per participant, not a loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from schemeops.engine.caps import KEYS
from schemeops.engine.exact import as_dec, dec, either, largest, smallest
from schemeops.engine.payouts import ZERO, plain
from schemeops.engine.windows import to_date_run
from schemeops.program.model import Component, Program

#: How carried rows' notes start (their figures are typed in explanations.csv too).
NOTE_TRUE_UP = "to date pays "
NOTE_DRAW = "draw "
NOTE_DRAW_RECOVERY = "recovers the draw paid above earnings in "


@dataclass(frozen=True)
class Carried:
    """One kind of carried row of a component, per row of `t` (where `amount` is not 0): its
    name, amount and note, and its typed fields for explanations.csv (earned, paid_before,
    balance_before, balance_after, carried_from, carried_to)."""

    kind: str
    name: str
    t: ir.Table
    amount: ir.DecimalValue
    note: ir.StringValue
    fields: dict[str, ir.Value] = field(default_factory=dict)


def carried(program: Program, c: Component, w: ir.Table, amount: ir.DecimalValue
            ) -> list[Carried]:
    """The carried rows of component `c`, whose rule pays `amount` per row of `w`."""
    if c.true_up:
        return [true_up(program, c, w, amount)]
    return draw(c, w, amount)


def _money(value: ir.NumericValue) -> ir.StringValue:
    return as_dec(value, 2).cast("string")


def _periods(first: ir.IntegerValue, last: ir.IntegerValue) -> ir.StringValue:
    """`period 2` or `periods 1–3`."""
    return ibis.ifelse(first == last, ibis.literal("period ") + last.cast("string"),
                       ibis.literal("periods ") + first.cast("string") + ibis.literal("–")
                       + last.cast("string"))


def true_up(program: Program, c: Component, w: ir.Table, amount: ir.DecimalValue
            ) -> Carried:
    """`<c>:true_up`: minus what earlier periods of the same to-date window paid.

    With R_k the rule's amount on results to date, paid so far is the running maximum of
    R up to k−1 (never below 0: each period pays max(0, R_k − paid)), or R_{k−1} under
    `allow_clawback` (each period pays R_k − R_{k−1}, a debit when negative). A period the
    participant did not take part in paid nothing, so it is not counted.
    """
    run = to_date_run(program.kpi(c.kpi).window, w.period_end)
    t = w.select(*KEYS, _r=as_dec(amount, 2), _run=run)
    over = dict(group_by=["participant_id", "_run"], order_by="period_no")
    t = t.mutate(_top=t._r.max().over(ibis.cumulative_window(**over)),
                 _first=t.period_no.min().over(ibis.window(group_by=["participant_id",
                                                                     "_run"])),
                 _prev_no=t.period_no.lag().over(ibis.window(**over)))
    before = t._r if program.allow_clawback else t._top
    t = t.mutate(_paid=as_dec(before.lag().over(ibis.window(**over)).fill_null(ZERO), 2))
    pay = t._r - t._paid if program.allow_clawback else largest(t._r - t._paid, ZERO)
    note = (ibis.literal(NOTE_TRUE_UP) + _money(t._r) + ibis.literal("; ")
            + _periods(t._first, t._prev_no) + ibis.literal(" paid ") + _money(t._paid))
    if program.allow_clawback:
        note = note + ibis.ifelse(t._r < t._paid, ibis.literal(
            ": the difference is a debit (allow_clawback)"), ibis.literal(""))
    else:
        note = note + ibis.ifelse(t._r < t._paid, ibis.literal(
            ": nothing is taken back (no allow_clawback)"), ibis.literal(""))
    return Carried("true_up", f"{c.id}:true_up", t, pay - t._r, note, {
        "earned": t._r, "paid_before": t._paid, "carried_from": t._first,
        "carried_to": t._prev_no})


def draw(c: Component, w: ir.Table, amount: ir.DecimalValue) -> list[Carried]:
    """`<c>:draw` (the top-up to the draw) and, when recoverable, `<c>:draw_recovery`."""
    floor = as_dec(dec(c.draw.amount), 2)
    t = w.select(*KEYS, _earned=as_dec(amount, 2))
    t = t.mutate(_top=largest(floor - t._earned, ZERO))
    if not c.draw.recoverable:
        return [Carried("draw", f"{c.id}:draw", t, t._top, _draw_head(c, t),
                        {"earned": t._earned})]
    t = _draw_balance(t, floor)
    balance = ibis.literal("; balance to recover ") + _money(t._bal)
    note = (ibis.literal(NOTE_DRAW_RECOVERY) + _periods(t._since, t._last_top)
            + ibis.literal(": earned ") + _money(t._earned) + ibis.literal(", balance ")
            + _money(t._prev) + ibis.literal(" → ") + _money(t._bal))
    recovered = t._prev + t._top - t._bal
    balances = {"earned": t._earned, "balance_before": t._prev, "balance_after": t._bal}
    return [Carried("draw", f"{c.id}:draw", t, t._top, _draw_head(c, t) + balance, balances),
            Carried("draw_recovery", f"{c.id}:draw_recovery", t,
                    either(t._prev > 0, -recovered, ZERO), note,
                    balances | {"carried_from": t._since, "carried_to": t._last_top})]


def _draw_head(c: Component, t: ir.Table) -> ir.StringValue:
    return ibis.literal(f"{NOTE_DRAW}{plain(c.draw.amount)}: earned ") + _money(t._earned)


def _draw_balance(t: ir.Table, draw: ir.DecimalValue) -> ir.Table:
    """`t` with the balance still to recover after each period (_bal) and before it (_prev),
    and the periods an open balance came from (_since … _last_top).

    B_k = max(0, B_{k−1} + draw − earned_k) is a clamped running sum: S_k − min(0, min_{j≤k}
    S_j) with S_k = Σ_{j≤k} (draw − earned_j).
    """
    cum = ibis.cumulative_window(group_by="participant_id", order_by="period_no")
    t = t.mutate(_s=(draw - t._earned).sum().over(cum))
    t = t.mutate(_bal=as_dec(t._s - smallest(t._s.min().over(cum), ZERO), 2))
    t = t.mutate(_prev=as_dec(t._bal.lag().over(
        ibis.window(group_by="participant_id", order_by="period_no")).fill_null(ZERO), 2))
    # A balance came from the draws paid since it last stood at 0, up to the last top-up.
    return t.mutate(
        _since=ibis.ifelse(t._prev == 0, t.period_no, ibis.null("int64")).max().over(cum),
        _last_top=ibis.ifelse(t._top > 0, t.period_no, ibis.null("int64")).max().over(cum))
