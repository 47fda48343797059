"""Returns that cannot be stuffed: late returns count against their invoice's period.

With `returns: {until_days: N}`, a return line of `sales` that names (`ref_invoice_id`) an
invoice dated in a period of the program, and is itself dated after that period's end but at
most N days after it, is read as if booked on its invoice's date, by its invoice's seller and
outlet. So it reduces the period it undoes and, moved out of the day it is dated in, is not
counted again there: each return reduces exactly one period. Returns dated after `as_of`
(when given) are not seen; returns after the window count on their own date, as before.
The move is one join of the return lines with the invoices they name, never a row loop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

import ibis
import ibis.expr.types as ir

from schemeops.engine.data import DAY, Data
from schemeops.engine.kpis.facts import NET, Span, Spans
from schemeops.engine.kpis.history import named_invoices
from schemeops.engine.periods import Window, windows_table


def _named_return(sales: ir.Table) -> ir.BooleanValue:
    ref = sales.ref_invoice_id
    return (sales.doc_type == "return") & ref.notnull() & (ref != "")


def late_moves(sales: ir.Table, windows: tuple[Window, ...], until_days: int,
               named: ir.Table | None = None) -> ir.Table:
    """ref, m_distributor, m_outlet, m_date, m_end: for each invoice named by a return, its
    seller, outlet and date, and the last day (its period's end + `until_days`) up to which
    a return of it dated after the period's end is moved to it."""
    inv = named_invoices(sales) if named is None else named
    p = windows_table(windows)
    j = inv.join(p, [inv.invoice_date >= p.start, inv.invoice_date <= p["end"]])
    # overlapping periods (every_days shorter than the period): the first one holds it
    g = j.group_by(["invoice_id", "distributor_id", "outlet_id", "invoice_date"]).agg(
        p_end=j["end"].min())
    return g.select(ref=g.invoice_id, m_distributor=g.distributor_id, m_outlet=g.outlet_id,
                    m_date=g.invoice_date, p_end=g.p_end,
                    m_end=g.p_end + ibis.interval(days=until_days))


def _is_late(j: ir.Table, as_of: dt.date | None) -> ir.BooleanValue:
    """Whether a return line joined with `late_moves` is late (and seen at `as_of`)."""
    late = j.ref.notnull() & (j.invoice_date > j.p_end) & (j.invoice_date <= j.m_end)
    if as_of is not None:
        late &= j.invoice_date <= ibis.literal(as_of)
    return late


def moved_sales(sales: ir.Table, windows: tuple[Window, ...], until_days: int, *,
                as_of: dt.date | None = None, named: ir.Table | None = None) -> ir.Table:
    """`sales` with its late returns (within `until_days` of their invoice's period's end,
    and not after `as_of`) moved to their invoice's date, seller and outlet."""
    is_ret = _named_return(sales)
    rest, rets = sales.filter(~is_ret), sales.filter(is_ret)
    m = late_moves(sales, windows, until_days, named)
    j = rets.left_join(m, rets.ref_invoice_id == m.ref)
    late = _is_late(j, as_of)
    swap = {"invoice_date": j.m_date, "distributor_id": j.m_distributor,
            "outlet_id": j.m_outlet}
    cols = [ibis.ifelse(late, swap[c], j[c]).name(c) if c in swap else j[c]
            for c in sales.columns]
    return ibis.union(rest, j.select(*cols), distinct=False)


def late_amounts(sales: ir.Table, windows: tuple[Window, ...], until_days: int, *,
                 as_of: dt.date | None = None, named: ir.Table | None = None) -> ir.Table:
    """`DAY`, net_amount: each late return's value taken off the day it is dated in (a
    negative amount) and added to its invoice's day. Only the return lines that name an
    invoice are read (a few per thousand lines). Both days already hold a line of the same
    seller and outlet: the return itself, and the invoice."""
    # a return is late within its invoice's period's end + until_days: the dates' range
    # first, a plain filter that skips the row groups of other months
    last = max(w.end for w in windows) + dt.timedelta(days=until_days)
    dated = sales.invoice_date.between(min(w.start for w in windows), last)
    rets = sales.filter(dated & _named_return(sales))
    m = late_moves(sales, windows, until_days, named)
    j = rets.join(m, rets.ref_invoice_id == m.ref)
    j = j.filter(_is_late(j, as_of))
    off = j.select(*DAY, net_amount=-j.net_amount)
    on = j.select(distributor_id=j.m_distributor, outlet_id=j.m_outlet, invoice_date=j.m_date,
                  net_amount=j.net_amount)
    return ibis.union(off, on, distinct=False)


def moved_daily(daily: ir.Table, moves: ir.Table) -> ir.Table:
    """The day totals `daily` as `moved_sales` would sum them: with the `late_amounts` as
    more rows of their days, not joined to every day total. A day may then hold several
    rows, which every KPI reading them sums (volume, outlets billed, lost and reactivated
    outlets sum per window)."""
    money = daily.net_amount.type()
    return ibis.union(daily.select(*DAY, "net_amount"),
                      moves.mutate(net_amount=moves.net_amount.cast(money)), distinct=False)


def moved_facts(facts: ir.Table, moves: ir.Table, spans: Iterable[Span]) -> ir.Table:
    """The run's per-outlet facts (`kpis.facts.facts_rows`) with the `late_amounts` added to
    the net value of every span in `spans` that holds their day. A move lands on a day the
    outlet already has a line, so on a fact whose net value is there."""
    spans = sorted(spans)
    w = windows_table([Window(i, a, b) for i, (a, b) in enumerate(spans)])
    w = w.select(w_start=w.start, w_end=w["end"])
    j = moves.join(w, [moves.invoice_date >= w.w_start, moves.invoice_date <= w.w_end])
    keys = ["distributor_id", "outlet_id", "w_start", "w_end"]
    delta = j.group_by(keys).agg(delta=j.net_amount.sum())
    f = facts.left_join(delta, keys)
    net = (f.net + f.delta.fill_null(0)).cast(facts.net.type())
    return f.select(*(net.name(c) if c == "net" else facts[c] for c in facts.columns))


def with_late_returns(data: Data, windows: tuple[Window, ...], until_days: int, *,
                      as_of: dt.date | None = None, spans: Spans | None = None) -> Data:
    """`data` whose sales count late returns against their invoice's period, and whose day
    totals move the same returns. The run's outlet facts are kept, with the moves added,
    when the program reads only net values from them (`spans`: the windows whose facts it
    reads); history facts (first and last bills, lookbacks) are left out, so KPIs that read
    them read the moved lines."""
    moves = late_amounts(data.sales, windows, until_days, as_of=as_of, named=data.named)
    sales = moved_sales(data.sales, windows, until_days, as_of=as_of, named=data.named)
    facts = None
    if data.facts is not None and spans and all(r == {NET} for r in spans.values()):
        facts = moved_facts(data.facts, moves, spans)
    return replace(data, sales=sales, daily=moved_daily(data.daily, moves), days=None,
                   facts=facts)
