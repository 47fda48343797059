"""Per-invoice (per-bill) slabs: a component's slabs applied to each bill's value, then summed.

A bill is an invoice document (`invoice_id`) with at least one line that passes the KPI's
filters, dated in the period. Its value is Σ of the KPI's measure over those lines, net of the
return lines dated in the same period that reference it (`ref_invoice_id`). Returns of bills
of earlier periods and returns without a reference belong to no bill of the period, so they
change no bill's slab (they still net off the KPI's own actual). Each bill's amount is rounded
half-up to 2 places and a bill whose value is ≤ 0 pays 0; `with_invoice_pay` adds the sums
to the wide table for `ComponentCompiler`, which applies multipliers, gate and cap to them.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from schemeops.engine.caps import KEYS
from schemeops.engine.data import Data
from schemeops.engine.exact import as_dec, dec, either, round_half_up
from schemeops.engine.kpis import bill_lines, kpi_scale
from schemeops.engine.kpis._common import attribute_rows, dated_in
from schemeops.engine.payouts import (
    BILLS_AMOUNT,
    BILLS_BASE,
    BILLS_COUNT,
    BILLS_PAID,
    ZERO,
    ComponentCompiler,
)
from schemeops.engine.periods import Window
from schemeops.program.model import Component, Kpi, Program

#: How many paying bills `explain` lists before counting the rest.
TOP_BILLS = 10


def bill_values(kpi: Kpi, data: Data, windows: tuple[Window, ...]) -> ir.Table:
    """participant_id, period_no, distributor_id, invoice_id, invoice_date, value: each bill
    dated in a period, net of that period's returns referencing it; reps and managers get the
    bills of who they manage."""
    lines, source = bill_lines(kpi, data)
    if source == "secondary":
        is_return = lines.doc_type == "return"
        lines = lines.mutate(_bill=ibis.ifelse(is_return, lines.ref_invoice_id, lines.invoice_id),
                             _own=~is_return)
    else:  # primary sales have no returns: every line is its invoice's own
        lines = lines.mutate(_bill=lines.invoice_id, _own=ibis.literal(True))
    t = dated_in(lines, "invoice_date", windows)
    g = t.group_by(distributor_id=t.distributor_id, period_no=t.period_no,
                   invoice_id=t._bill).agg(invoice_date=t.invoice_date.min(where=t._own),
                                           value=t._v.sum())
    bills = g.filter(g.invoice_date.notnull())  # only a return of it here: no bill of this period
    bills = bills.mutate(value=as_dec(bills.value, kpi_scale(kpi)))
    return attribute_rows(bills, data, kpi.rollup)


def bill_pay(program: Program, comp: Component, data: Data, windows: tuple[Window, ...],
             prices: dict[str, ir.DecimalValue]) -> ir.Table:
    """Each bill with its slab (`slab`, `rate`) and `amount`, half-up to 2 places; 0 when its
    value is ≤ 0."""
    kpi = program.kpi(comp.kpi)
    bills = bill_values(kpi, data, windows)
    rows = bills.mutate(**{f"a__{kpi.id}": bills.value})
    cc = ComponentCompiler(program, comp, rows, prices)  # the bill's value is its actual
    if comp.mode == "marginal":
        raw, _den, rate, slab = cc._marginal()  # on actual: no denominator
    else:
        raw, rate, slab = cc._step(rows.value)
    positive = rows.value > 0
    return rows.select(*KEYS, "invoice_id", "invoice_date", "value",
                       slab=ibis.ifelse(positive, slab, ibis.literal("value ≤ 0: pays 0")),
                       rate=rate, amount=as_dec(either(positive, round_half_up(raw, 2), ZERO), 2))


def with_invoice_pay(program: Program, comp: Component, w: ir.Table, data: Data,
                     windows: tuple[Window, ...], prices: dict[str, ir.DecimalValue]
                     ) -> ir.Table:
    """`w` (over the periods `windows`) with the component's per-bill totals: Σ amount,
    Σ positive values, bills paid and bills, per participant and period (0 without bills)."""
    pay = bill_pay(program, comp, data, windows, prices)
    scale = kpi_scale(program.kpi(comp.kpi))
    zero = dec(0, scale)
    g = pay.group_by(KEYS).agg(
        _amount=pay.amount.sum(),
        _base=either(pay.value > 0, pay.value, zero).sum(),
        _paid=(pay.amount > 0).sum(),  # counts the true ones (PostgreSQL casts no bool to bigint)
        _count=pay.count())
    j = w.left_join(g, KEYS)
    return j.select(w, **{
        BILLS_AMOUNT: as_dec(g._amount.fill_null(ZERO), 2),
        BILLS_BASE: as_dec(g._base.fill_null(zero), scale),
        BILLS_PAID: g._paid.fill_null(0),
        BILLS_COUNT: g._count.fill_null(0)})


def paid_bills(program: Program, comp: Component, data: Data, windows: tuple[Window, ...],
               participant_id: str) -> ir.Table:
    """The participant's bills that paid, largest amount first (then date, invoice id)."""
    prices = {}
    if comp.free is not None:
        p = data.products
        prices[comp.free.sku] = p.filter(p.sku == comp.free.sku).unit_price.max().as_scalar()
    pay = bill_pay(program, comp, data, windows, prices)
    pay = pay.filter((pay.participant_id == participant_id) & (pay.amount > 0))
    return pay.order_by([pay.period_no, pay.amount.desc(), pay.invoice_date, pay.invoice_id])


def bill_story(rows: list[dict], top: int = TOP_BILLS) -> tuple[str, ...]:
    """One line per paying bill (the first `top`), then how many more paid and their sum."""
    out = [f"bill {r['invoice_id']} of {r['invoice_date']}: value {r['value']:,} → "
           f"{r['slab']}: {r['amount']:,.2f}" for r in rows[:top]]
    rest = rows[top:]
    if rest:
        total = sum(r["amount"] for r in rest)
        out.append(f"and {len(rest)} more bill{'s' if len(rest) > 1 else ''} paying "
                   f"{total:,.2f}")
    return tuple(out)
