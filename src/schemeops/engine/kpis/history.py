"""History that returns cannot fake: the days an outlet counts as billed before a period.

In history (reactivation's quiet days and last bill, lost outlets' lookback, the first-ever
bill) an outlet is billed on the date of an invoice whose value, net of the returns that name
it (`ref_invoice_id`) dated before the cut-off (the period's start), is above 0. A return
counts against its invoice's outlet and date; one that names no invoice changes nothing here.
The period's own billing still nets returns on their own date (`_common.billed_in`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from schemeops.engine.exact import as_dec, dec

#: The columns that place a sales invoice (its outlet and date come from its own lines).
INVOICE = ["invoice_id", "distributor_id", "outlet_id", "invoice_date"]


def _returns(lines: ir.Table) -> ir.Table:
    """ref, returned_on, returned: Σ net_amount (negative) of the return lines of `lines`
    that name an invoice, per invoice named and day."""
    ref = lines.ref_invoice_id
    r = lines.filter((lines.doc_type == "return") & ref.notnull() & (ref != ""))
    return r.group_by(ref=r.ref_invoice_id, returned_on=r.invoice_date).agg(
        returned=r.net_amount.sum())


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
    rets = _returns(lines)
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
    return _invoices(sales, _returns(sales))


def corrections(sales: ir.Table, cutoffs: Sequence[dt.date],
                named: ir.Table | None = None) -> ir.Table:
    """distributor_id, outlet_id, invoice_date, c_k: what to add to the day total of `sales`
    for history to read it with the k-th of `cutoffs` as cut-off; rows only for the days of
    returns and of the invoices returns name (few against the day totals).

    c = the day's returns put back + Σ over its invoices named by returns before the cut-off
    of max(those returns, −the invoice): invoice lines are never negative (the loader refuses
    them), so the day's invoices that no return names count in full, and only the few named
    ones are read one by one: from `named` (`named_invoices` of `sales`) when given, else
    from the lines.
    """
    r = sales.filter(sales.doc_type == "return")
    own = r.group_by(["distributor_id", "outlet_id", "invoice_date"]).agg(
        back=-r.net_amount.sum())  # the returns netted on their own day, put back
    rets = _returns(sales)
    per = rets.group_by("ref").agg(**{
        f"r_{k}": rets.returned.sum(where=rets.returned_on < c) for k, c in enumerate(cutoffs)})
    inv = named_invoices(sales) if named is None else named
    j = inv.join(per, inv.invoice_id == per.ref)
    keys = ["distributor_id", "outlet_id", "invoice_date"]
    terms = j.select(*keys, **{
        f"a_{k}": as_dec(ibis.greatest(j[f"r_{k}"].fill_null(dec(0)), -j.value), 2)
        for k in range(len(cutoffs))})
    backs = own.select(*keys, **{f"a_{k}": as_dec(own.back, 2) for k in range(len(cutoffs))})
    both = ibis.union(terms, backs, distinct=False)
    return both.group_by(keys).agg(**{
        f"c_{k}": both[f"a_{k}"].sum() for k in range(len(cutoffs))})


def history_days(daily: ir.Table, corr: ir.Table) -> ir.Table:
    """`daily` (day totals) + hist_k: the day's value as history reads it with the k-th
    cut-off of `corr` (`corrections`), above 0 exactly when an invoice of that day is a bill.
    The day totals are corrected, not recomputed from the lines."""
    n = sum(1 for c in corr.columns if c.startswith("c_"))
    d = daily.left_join(corr, ["distributor_id", "outlet_id", "invoice_date"])
    return d.select(*daily.columns, **{
        f"hist_{k}": as_dec(d.net_amount + d[f"c_{k}"].fill_null(dec(0)), 2)
        for k in range(n)})
