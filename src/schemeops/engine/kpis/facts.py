"""Per-outlet billing facts of a run, in one pass over the day totals: net value per window,
first positive day, last positive day before each window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import ibis
import ibis.expr.types as ir

from schemeops.engine.periods import Window, history_windows
from schemeops.engine.windows import kpi_windows
from schemeops.program.model import (
    BilledOutlets,
    Kpi,
    NetChannelAddition,
    Program,
    ReactivatedOutlets,
)

Span = tuple[dt.date, dt.date]
#: Windows (first, last day) → whether the last positive day before the window is read.
Spans = dict[Span, bool]


def reads_facts(kpi: Kpi) -> bool:
    """Whether `kpi` reads the per-outlet facts (an outlet KPI without a product filter)."""
    return isinstance(kpi, BilledOutlets | NetChannelAddition | ReactivatedOutlets) \
        and not kpi.products


def facts_spans(program: Program, windows: tuple[Window, ...]) -> Spans:
    """The windows whose facts the outlet KPIs of `program` read (see `kpi_spans`), their
    history targets' windows included."""
    spans: Spans = {}
    for kpi in program.kpis:
        rule = program.targets.get(kpi.id)
        ws = list(kpi_windows(kpi, windows))
        if rule is not None and rule.history is not None:
            ws += [w for _no, w in history_windows(tuple(ws), rule.history)]
        spans = merge_spans(spans, kpi_spans(kpi, ws))
    return spans


def merge_spans(*many: Spans) -> Spans:
    """Every span of `many`, reading the last positive day before it if any of them does."""
    out: Spans = {}
    for spans in many:
        for span, last in spans.items():
            out[span] = out.get(span, False) or last
    return out


def kpi_spans(kpi: Kpi, windows: Iterable[Window]) -> Spans:
    """The windows (first, last day) whose facts `kpi` reads over `windows`, each with
    whether it reads the last positive day before it: none unless it `reads_facts`; net
    channel addition's lookbacks and reactivation's inactive days included."""
    if not reads_facts(kpi):
        return {}
    spans: Spans = {}
    for w in windows:
        spans[(w.start, w.end)] = isinstance(kpi, ReactivatedOutlets)
        before = None
        if isinstance(kpi, NetChannelAddition) and kpi.count in ("net", "lost"):
            before = kpi.lookback_days
        elif isinstance(kpi, ReactivatedOutlets):
            before = kpi.inactive_min_days
        if before:
            span = (w.start - dt.timedelta(days=before), w.start - dt.timedelta(days=1))
            spans.setdefault(span, False)  # a period's own span may read its last day
    return spans


def outlet_facts(daily: ir.Table, spans: Spans) -> ir.Table:
    """distributor_id, outlet_id, first, and net_i, last_i for the i-th of `spans` (sorted):
    first positive day, Σ net_amount in the span, last positive day before it (if read)."""
    d, day = daily, daily.invoice_date
    pos = d.net_amount > 0
    aggs = {"first": day.min(where=pos)}
    for i, (start, end) in enumerate(sorted(spans)):
        aggs[f"net_{i}"] = d.net_amount.sum(where=day.between(start, end))
        if spans[(start, end)]:
            aggs[f"last_{i}"] = day.max(where=pos & (day < start))
    return d.group_by(["distributor_id", "outlet_id"]).agg(**aggs)


def facts_rows(wide: ir.Table, spans: Spans) -> ir.Table:
    """`outlet_facts` one row per outlet and span: distributor_id, outlet_id, w_start, w_end,
    net, first, last (null where not read)."""
    parts = [wide.select("distributor_id", "outlet_id", w_start=ibis.literal(start, "date"),
                         w_end=ibis.literal(end, "date"), net=wide[f"net_{i}"],
                         first=wide["first"],
                         last=wide[f"last_{i}"] if spans[(start, end)] else ibis.null("date"))
             for i, (start, end) in enumerate(sorted(spans))]
    return ibis.union(*parts, distinct=False)
