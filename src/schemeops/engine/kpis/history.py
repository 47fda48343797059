"""History that returns cannot fake: the days an outlet counts as billed before a period.

In history (reactivation's quiet days and last bill, lost outlets' lookback, the first-ever
bill) an outlet is billed on the date of an invoice whose value, net of the returns that name
it (`ref_invoice_id`) dated before the cut-off (the period's start), is above 0. A return
counts against its invoice's outlet and date; one that names no invoice changes nothing here.
The period's own billing still nets returns on their own date (`_common.billed_in`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import ibis
import ibis.expr.types as ir

from schemeops.engine.data import DAY, RECORDED_MONEY
from schemeops.engine.exact import as_dec, dec

#: The columns that place a sales invoice (its outlet and date come from its own lines).
INVOICE = ["invoice_id", "distributor_id", "outlet_id", "invoice_date"]


def returns_by_day(lines: ir.Table) -> ir.Table:
    """ref, returned_on, returned: Σ net_amount (negative) of the return lines of `lines`
    that name an invoice, per invoice named and day: what `load` records (`Data.returns`),
    so that a calculation need not scan every line to find them."""
    ref = lines.ref_invoice_id
    r = lines.filter((lines.doc_type == "return") & ref.notnull() & (ref != ""))
    return r.group_by(ref=r.ref_invoice_id, returned_on=r.invoice_date).agg(
        returned=r.net_amount.sum().cast(RECORDED_MONEY))


def _invoices(lines: ir.Table, named: ir.Table | None = None) -> ir.Table:
    """`INVOICE` + value: Σ net_amount of each invoice of `lines` (only those `named` by a
    return when given)."""
    inv = lines.filter(lines.doc_type == "invoice")
    if named is not None:
        inv = inv.semi_join(named, inv.invoice_id == named.ref)
    return inv.group_by(INVOICE).agg(value=inv.net_amount.sum())


def history_bills(lines: ir.Table, periods: ir.Table) -> ir.Table:
    """distributor_id, outlet_id, period_no, day: the days of invoices of `lines` that history
    counts as bills for each period (cut-off: its start), one row per invoice."""
    cut = periods.select(period_no=periods.period_no, cutoff=periods.start)
    rets = returns_by_day(lines)
    early = rets.join(cut, rets.returned_on < cut.cutoff)
    early = early.group_by(["ref", "period_no"]).agg(returned=early.returned.sum())
    inv = _invoices(lines).cross_join(cut)
    j = inv.left_join(early, [inv.invoice_id == early.ref, inv.period_no == early.period_no])
    kept = j.filter(as_dec(j.value + j.returned.fill_null(dec(0)), 2) > 0)
    return kept.select("distributor_id", "outlet_id", "period_no", day=kept.invoice_date)


def named_invoices(sales: ir.Table) -> ir.Table:
    """`INVOICE` + value of each invoice of `sales` that a return names: what history reads
    of the invoices, recorded by `load` (`Data.named`) so a calculation need not scan every
    invoice line to find them."""
    return _invoices(sales, returns_by_day(sales))


def day_totals(sales: ir.Table) -> ir.Table:
    """`DAY`, net_amount, returned: Σ net_amount of `sales` per day, and of its return lines
    (0 when none): what `load` records (`Data.days`), so that a calculation reads one row
    per day instead of summing the lines."""
    return sales.group_by(DAY).agg(
        net_amount=sales.net_amount.sum().cast(RECORDED_MONEY),
        returned=sales.net_amount.sum(where=sales.doc_type == "return").fill_null(dec(0))
        .cast(RECORDED_MONEY))


def corrections(sales: ir.Table, cutoffs: Sequence[dt.date],
                named: ir.Table | None = None, returns: ir.Table | None = None) -> ir.Table:
    """distributor_id, outlet_id, invoice_date, c_k: for each invoice of `sales` that a
    return names, what history adds to its day with the k-th of `cutoffs` as cut-off:
    max(Σ the returns naming it dated before the cut-off, −the invoice's value). One row per
    named invoice (few against the lines), read from `named` (`named_invoices` of `sales`)
    and `returns` (`returns_by_day` of `sales`) when given, else from the lines."""
    if returns is None:
        ref = sales.ref_invoice_id
        r = sales.filter((sales.doc_type == "return") & ref.notnull() & (ref != ""))
        # straight from the lines (one grouping, not `returns_by_day` first)
        per = r.group_by(ref=r.ref_invoice_id).agg(**{
            f"r_{k}": r.net_amount.sum(where=r.invoice_date < c)
            for k, c in enumerate(cutoffs)})
    else:
        per = returns.group_by("ref").agg(**{
            f"r_{k}": returns.returned.sum(where=returns.returned_on < c)
            for k, c in enumerate(cutoffs)})
    inv = named_invoices(sales) if named is None else named
    j = inv.join(per, inv.invoice_id == per.ref)
    return j.select(*DAY, **{
        f"c_{k}": as_dec(ibis.greatest(j[f"r_{k}"].fill_null(dec(0)), -j.value), 2)
        for k in range(len(cutoffs))})


def history_days(sales: ir.Table, cutoffs: Sequence[dt.date],
                 named: ir.Table | None = None,
                 keep: Callable[[ir.Table], ir.Table] = lambda t: t,
                 days: ir.Table | None = None, returns: ir.Table | None = None) -> ir.Table:
    """The day totals of `sales` (distributor_id, outlet_id, invoice_date, net_amount, as
    `data.daily_net`) and bill_k: whether history counts a bill on that day with the k-th of
    `cutoffs` as cut-off.

    History's value of a day = its lines but the returns (each return counts against the
    invoice it names, not on its own day) + the `corrections` of its invoices that returns
    name: invoice lines are never negative (the loader refuses them), so the day's invoices
    that no return names count in full. The corrections (one row per named invoice, from
    `returns` when recorded) are computed first (by `keep`, as a run materialises). With
    `days` (`day_totals` of `sales`, as `load` recorded them) they are computed summed per
    day and joined to them: no line is read but the returns. Without, they join the lines
    before the day's sums, so one pass over the lines gives the day totals and the bills:
    no join of the day totals (30M rows at 100M lines) afterwards; inside the day totals'
    query the corrections would cost DuckDB a third more than the day totals themselves.
    """
    corr = corrections(sales, cutoffs, named, returns)
    n = len(cutoffs)
    if days is not None:
        # summed per day as they are computed: the day totals' join reads them once
        per_day = keep(corr.group_by(DAY).agg(**{f"c_{k}": corr[f"c_{k}"].sum()
                                                 for k in range(n)}))
        day = days.left_join(per_day, DAY)
    else:
        corr = keep(corr)
        money = sales.net_amount.type()
        lines = sales.select(*DAY, "net_amount", "doc_type",
                             **{f"c_{k}": ibis.null(corr[f"c_{k}"].type()) for k in range(n)})
        # 0, not null: DuckDB then still knows the sums fit in 64 bits (a faster sum)
        extra = corr.select(*DAY, net_amount=ibis.literal(0, type=money),
                            doc_type=ibis.null(sales.doc_type.type()),
                            **{f"c_{k}": corr[f"c_{k}"] for k in range(n)})
        both = ibis.union(lines, extra, distinct=False)
        day = both.group_by(DAY).agg(
            net_amount=both.net_amount.sum(),
            returned=both.net_amount.sum(where=both.doc_type == "return"),
            **{f"c_{k}": both[f"c_{k}"].sum() for k in range(n)})
    kept = _or_zero(day.net_amount) - _or_zero(day.returned)
    return day.select(*DAY, "net_amount", **{
        f"bill_{k}": as_dec(kept + _or_zero(day[f"c_{k}"]), 2) > 0 for k in range(n)})


def _or_zero(money: ir.NumericValue) -> ir.NumericValue:
    """`money`, 0 where null, in its own type (recorded day totals are DECIMAL(18,2))."""
    return money.fill_null(ibis.literal(0, type=money.type()))
