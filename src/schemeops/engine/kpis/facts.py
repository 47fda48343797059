"""Per-outlet billing facts of a run, in one pass over the day totals: net value per window,
and the history facts (`kpis.history`): first bill, last bill before a window, billed in a
window before a period. Which windows and facts a KPI reads is its kind's (`KpiKind.facts`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import ibis
import ibis.expr.types as ir

from schemeops.engine.kpis.history import history_days
from schemeops.engine.kpis.kind import Facts
from schemeops.engine.periods import Window
from schemeops.program.model import KpiBase

Span = tuple[dt.date, dt.date]
#: Windows (first, last day) → the facts read over each: NET, and the history facts FIRST,
#: LAST (cut-off: the window's start) and BILLED (cut-off: the day after it).
Spans = dict[Span, frozenset[str]]
#: The net value in the window (a KPI's own windows; a lookback reads only BILLED).
NET = "net"
#: The first bill ever, as history counts bills.
FIRST = "first"
#: The last bill before the window.
LAST = "last"
#: Whether there is a bill in the window (a window just before a period: lookback, quiet days).
BILLED = "billed"


def covers(kpi: KpiBase) -> bool:
    """Whether the facts can stand for `kpi`'s lines: they sum every product, so not under
    a product filter."""
    return not kpi.products


def merge_spans(*many: Spans) -> Spans:
    """Every span of `many`, reading every fact that any of them reads over it."""
    out: Spans = {}
    for spans in many:
        for span, reads in spans.items():
            out[span] = out.get(span, frozenset()) | reads
    return out


def need_spans(need: Facts, windows: Iterable[Window]) -> Spans:
    """The windows (first, last day) whose facts a KPI that reads `need` reads over
    `windows`: each window with NET and `need.reads`, and the `need.before` days before it
    with BILLED."""
    spans: Spans = {}
    for w in windows:
        spans = merge_spans(spans, {(w.start, w.end): need.reads | {NET}})
        if need.before:
            span = (w.start - dt.timedelta(days=need.before), w.start - dt.timedelta(days=1))
            spans = merge_spans(spans, {span: frozenset({BILLED})})
    return spans


def history_cutoffs(spans: Spans) -> list[dt.date]:
    """The history cut-offs `spans` read: a window's start for FIRST and LAST, the day after
    it for BILLED (the start of the period it comes just before)."""
    cuts = set()
    for (start, end), reads in spans.items():
        if reads & {FIRST, LAST}:
            cuts.add(start)
        if BILLED in reads:
            cuts.add(end + dt.timedelta(days=1))
    return sorted(cuts)


def facts_days(daily: ir.Table, spans: Spans, *, sales: ir.Table | None = None,
               named: ir.Table | None = None, days: ir.Table | None = None,
               returns: ir.Table | None = None,
               keep: Callable[[ir.Table], ir.Table] = lambda t: t) -> ir.Table:
    """The day totals `outlet_facts` reads for `spans`: `daily`, or when they read history
    facts, the day totals of `sales` (the lines of `daily`) with history's bills for each
    cut-off (`history.history_days`, with `named`, the invoices returns name, `returns`,
    their returns per day, and `days`, the day totals with their returns, when recorded;
    `keep` computes their corrections first): one pass over the lines, or none with them
    all, gives both."""
    cuts = history_cutoffs(spans)
    if not cuts:
        return daily
    if sales is None:
        raise ValueError("history facts need the sales lines")
    return history_days(sales, cuts, named, keep, days, returns)


def outlet_facts(days: ir.Table, spans: Spans) -> ir.Table:
    """distributor_id, outlet_id, and for the i-th of `spans` (sorted) the facts it reads,
    from `days` (`facts_days`): net_i: Σ net_amount in it; first_i, last_i: the first bill,
    the last before it; billed_i: the last bill in it. (A sum costs DuckDB more than the
    other facts: at 10M lines the outlet-heavy programs' nine lookbacks' sums were a third of
    the statement.)"""
    cuts = history_cutoffs(spans)
    d = days
    day = d.invoice_date
    aggs = {}
    for i, ((start, end), reads) in enumerate(sorted(spans.items())):
        if NET in reads:
            aggs[f"net_{i}"] = d.net_amount.sum(where=day.between(start, end))
        if reads & {FIRST, LAST}:
            bill = d[f"bill_{cuts.index(start)}"]
            if FIRST in reads:
                aggs[f"first_{i}"] = day.min(where=bill)
            if LAST in reads:
                aggs[f"last_{i}"] = day.max(where=bill & (day < start))
        if BILLED in reads:
            bill = d[f"bill_{cuts.index(end + dt.timedelta(days=1))}"]
            aggs[f"billed_{i}"] = day.max(where=bill & day.between(start, end))
    return d.group_by(["distributor_id", "outlet_id"]).agg(**aggs)


def facts_rows(wide: ir.Table, spans: Spans) -> ir.Table:
    """`outlet_facts` one row per outlet and span: distributor_id, outlet_id, w_start, w_end,
    net, first, last (null where not read), billed (false where not read)."""
    # every span a KPI reads as its own window has a net value (`need_spans`)
    net_type = next((wide[c].type() for c in wide.columns if c.startswith(f"{NET}_")),
                    "decimal(38,2)")

    def read(i: int, name: str, reads: frozenset[str]) -> ir.Value:
        if name in reads:
            return wide[f"{name}_{i}"]
        return ibis.null(net_type if name == NET else "date")

    parts = [wide.select("distributor_id", "outlet_id", w_start=ibis.literal(start, "date"),
                         w_end=ibis.literal(end, "date"), net=read(i, NET, reads),
                         first=read(i, FIRST, reads), last=read(i, LAST, reads),
                         billed=read(i, BILLED, reads).notnull())
             for i, ((start, end), reads) in enumerate(sorted(spans.items()))]
    return ibis.union(*parts, distinct=False)
