"""What every KPI shares: filtered lines, windows, billing, the management tree and roll-up."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import pairwise

import ibis
import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.engine.exact import as_dec, dec
from schemeops.engine.kpis.facts import covers
from schemeops.engine.periods import Window, known_windows, windows_table
from schemeops.errors import SchemeopsError
from schemeops.program.model import KpiBase

#: Roles whose KPIs are rolled up from the participants they manage.
MANAGER_ROLES = ("sales_rep", "manager")
#: The deepest management chain followed (the hierarchy is about 6 levels deep).
MAX_DEPTH = 10

ProductPredicate = Callable[[ir.Table], ir.BooleanValue]


class KpiError(SchemeopsError):
    """Raised when a KPI cannot be computed as asked (e.g. an outlet filter on primary sales)."""


def _compile_filter(text: str, table: ir.Table) -> ir.BooleanValue:
    from schemeops.program.expr import compile_filter  # lazily: the grammar is optional here

    return compile_filter(text, table)


def filtered_lines(data: Data, kpi: KpiBase, *, source: str,
                   product_pred: ProductPredicate | None = None) -> ir.Table:
    """Sales lines (`secondary`) or primary lines (`primary`) that pass the KPI's filters."""
    t = data.sales if source == "secondary" else data.primary_sales
    p = data.products
    pred = None
    if kpi.products:
        pred = _compile_filter(kpi.products, p)
    if product_pred is not None:
        extra = product_pred(p)
        pred = extra if pred is None else pred & extra
    if pred is not None:
        chosen = p.filter(pred)
        t = t.semi_join(chosen, t.sku == chosen.sku)
    return _outlet_filtered(t, data, kpi, source)


def net_lines(data: Data, kpi: KpiBase) -> ir.Table:
    """Secondary lines for sums of net value: the day totals (`Data.daily`) unless a product
    filter applies, then the filtered lines (distributor_id, outlet_id, invoice_date,
    net_amount in both)."""
    if kpi.products:
        return filtered_lines(data, kpi, source="secondary")
    return _outlet_filtered(data.daily, data, kpi, "secondary")


def _outlet_filtered(t: ir.Table, data: Data, kpi: KpiBase, source: str) -> ir.Table:
    """`t` restricted to the lines of outlets passing the KPI's outlet filter."""
    if kpi.outlets:
        if source != "secondary":
            raise KpiError(f"KPI `{kpi.id}`: an outlet filter applies to secondary sales only")
        o = data.outlets
        chosen = o.filter(_compile_filter(kpi.outlets, o))
        t = t.semi_join(chosen, t.outlet_id == chosen.outlet_id)
    return t


def refuse_filters(kpi: KpiBase, why: str) -> None:
    """Raise KpiError when the KPI carries a product or outlet filter it cannot honour."""
    if kpi.products or kpi.outlets:
        raise KpiError(f"KPI `{kpi.id}`: product and outlet filters do not apply to {why}")


def window_table(periods: ir.Table, *, before: int = 0) -> ir.Table:
    """period_no, w_start, w_end: each period, or (before=N) the N days just before it."""
    start, end = periods.start, periods["end"]
    if before:
        start, end = start - ibis.interval(days=before), start - ibis.interval(days=1)
    return periods.select(period_no=periods.period_no, w_start=start, w_end=end)


def in_windows(t: ir.Table, date_col: str, windows: ir.Table) -> ir.Table:
    """Each row of `t` once per window (period_no, w_start, w_end) whose dates contain it."""
    d = t[date_col]
    return t.join(windows, [d >= windows.w_start, d <= windows.w_end])


def _overlap(windows: Sequence[Window]) -> bool:
    ordered = sorted(windows, key=lambda w: w.start)
    return any(b.start <= a.end for a, b in pairwise(ordered))


def dated_in(t: ir.Table, date_col: str, windows: Sequence[Window]) -> ir.Table:
    """`in_windows` for windows known when compiling: each row of `t` dated in one of
    `windows`, with its period_no, w_start and w_end. Windows that do not overlap are a
    filter on literal dates and a CASE, which DuckDB pushes into the scan (skipping the
    row groups of other months) instead of a range join of every row; overlapping ones
    (a row in several) are joined as `in_windows` does. (Not for lines that several KPIs
    read within different windows: DuckDB then materialises the shared lines of every
    month once, where the joins let each KPI scan only its own month.)"""
    if _overlap(windows):
        return in_windows(t, date_col, window_table(windows_table(windows)))
    ordered = sorted(windows, key=lambda w: w.start)
    d = t[date_col]
    inside = ibis.or_(*(d.between(w.start, w.end) for w in ordered))
    t = t.filter(inside)
    d = t[date_col]

    def pick(attr: str, dtype: str) -> ir.Value:
        if len(ordered) == 1:
            return ibis.literal(getattr(ordered[0], attr), type=dtype)
        c = ibis.cases(*((d.between(w.start, w.end), ibis.literal(getattr(w, attr), type=dtype))
                         for w in ordered))
        return c.cast(dtype)

    return t.mutate(period_no=pick("no", "int64"), w_start=pick("start", "date"),
                    w_end=pick("end", "date"))


def summed_in(t: ir.Table, date_col: str, periods: ir.Table, by: str, value: str
              ) -> ir.Table:
    """`by`, period_no, actual: Σ `value` of `t`'s rows per `by` and period, where the period
    has a row of it. Known windows that overlap (to date: August's, September's and
    October's fiscal year to date all hold August) are summed in one pass, a filter per
    window, instead of repeating each row once per window that holds it (100M lines: 78M
    joined rows)."""
    known = known_windows(periods)
    if known is None or not _overlap(known):
        j = in_windows(t, date_col, window_table(periods))
        return j.group_by([by, "period_no"]).agg(actual=j[value].sum())
    d = t[date_col]
    t = t.filter(d.between(min(w.start for w in known), max(w.end for w in known)))
    d = t[date_col]
    g = t.group_by(by).agg(**{f"s{i}": t[value].sum(where=d.between(w.start, w.end))
                              for i, w in enumerate(known)})
    parts = [g.filter(g[f"s{i}"].notnull()).select(
        by, period_no=ibis.literal(w.no, type="int64"), actual=g[f"s{i}"])
        for i, w in enumerate(known)]
    return ibis.union(*parts, distinct=False)


def positive_net(t: ir.Table, keys: Sequence[str], *, at_least: Decimal | None = None
                 ) -> ir.Table:
    """`keys` whose Σ net_amount (column `net`) is > 0, and ≥ `at_least` when given."""
    g = t.group_by(list(keys)).agg(net=t.net_amount.sum())
    return g.filter(_billed(g.net, at_least))


def _billed(net: ir.NumericValue, at_least: Decimal | None) -> ir.BooleanValue:
    cond = net > 0
    if at_least is not None:
        cond &= net >= dec(at_least)
    return cond


def window_facts(data: Data, kpi: KpiBase, windows: ir.Table) -> ir.Table | None:
    """The run's per-outlet facts (`Data.facts`) in `windows`, with their period_no, for an
    outlet KPI (one whose kind reads them) when they cover it; None otherwise."""
    if data.facts is None or not covers(kpi):
        return None
    return _outlet_filtered(data.facts, data, kpi, "secondary").join(windows,
                                                                      ["w_start", "w_end"])


def billed_in(lines: ir.Table, keys: Sequence[str], windows: ir.Table,
              facts: ir.Table | None = None, *, at_least: Decimal | None = None) -> ir.Table:
    """`keys` + period_no whose Σ net_amount in a window of `windows` is > 0 (and ≥ `at_least`):
    from `facts` (`window_facts` of the same windows) when given, else summed from `lines`."""
    if facts is None:
        return positive_net(in_windows(lines, "invoice_date", windows), [*keys, "period_no"],
                            at_least=at_least)
    return facts.filter(_billed(facts.net, at_least))


def managers(participants: ir.Table) -> ir.Table:
    """mgr: the participants whose KPIs roll up (sales reps and managers)."""
    p = participants
    return p.filter(p.role.isin(MANAGER_ROLES)).select(mgr=p.participant_id)


def managed_pairs(participants: ir.Table, rollup: str) -> ir.Table:
    """anc, desc: who each participant manages.

    subtree: every descendant. direct: the direct children, looking through children who are
    themselves sales reps or managers (a manager's direct reports are reps, whose own KPI is
    their distributors'); a fixed number of self-joins (MAX_DEPTH), never a loop over rows.
    """
    p = participants
    edges = p.filter(p.parent_id.notnull() & (p.parent_id != "")).select(
        e_anc=p.parent_id, e_desc=p.participant_id, e_role=p.role)
    level = edges.select(anc=edges.e_anc, desc=edges.e_desc, role=edges.e_role)
    levels = [level]
    for _ in range(MAX_DEPTH - 1):  # one join per level of the hierarchy, not per row
        frontier = level if rollup == "subtree" else level.filter(
            level.role.isin(MANAGER_ROLES))
        e = edges.view()
        j = frontier.join(e, frontier.desc == e.e_anc)
        level = j.select(anc=j.anc, desc=j.e_desc, role=j.e_role)
        levels.append(level)
    return ibis.union(*levels, distinct=True).select("anc", "desc")


def manager_pairs(participants: ir.Table, rollup: str) -> ir.Table:
    """anc, desc: managed_pairs restricted to ancestors that are sales reps or managers."""
    pairs = managed_pairs(participants, rollup)
    m = managers(participants)
    return pairs.semi_join(m, pairs.anc == m.mgr)


def rollup_sum(own: ir.Table, data: Data, rollup: str,
               values: Sequence[str] = ("actual",)) -> ir.Table:
    """Sellers keep their own rows; reps and managers get Σ `values` over who they manage
    (`own` as it is when none of them takes part: `data.heads` false).

    `own` has participant_id, period_no and `values`; so has the result (one row per key).
    """
    cols = ["participant_id", "period_no", *values]
    if not data.heads:
        return own.select(cols)
    participants = data.participants
    m = managers(participants)
    sellers = own.anti_join(m, own.participant_id == m.mgr).select(cols)
    pairs = manager_pairs(participants, rollup)
    j = pairs.join(own, pairs.desc == own.participant_id)
    up = j.group_by(participant_id=j.anc, period_no=j.period_no).agg(
        **{v: j[v].sum().cast(own[v].type()) for v in values})
    return sellers.union(up.select(cols))


def attribute_rows(rows: ir.Table, data: Data, rollup: str) -> ir.Table:
    """Rows keyed by distributor_id, credited (column participant_id) to their seller when it
    is not a rep or manager, and once to every rep or manager who manages it (unless none of
    them takes part: `data.heads` false)."""
    if not data.heads:
        return rows.mutate(participant_id=rows.distributor_id)
    participants = data.participants
    m = managers(participants)
    own = rows.anti_join(m, rows.distributor_id == m.mgr)
    own = own.mutate(participant_id=own.distributor_id)
    pairs = manager_pairs(participants, rollup)
    j = pairs.join(rows, pairs.desc == rows.distributor_id)
    up = j.mutate(participant_id=j.anc).select(own.columns)
    return own.union(up)


def finish(t: ir.Table, scale: int) -> ir.Table:
    """The KPI result contract: participant_id (string), period_no (int64), actual
    (decimal(28, scale))."""
    return t.select(participant_id=t.participant_id.cast("string"),
                    period_no=t.period_no.cast("int64"),
                    actual=t.actual.pipe(as_dec, scale))
