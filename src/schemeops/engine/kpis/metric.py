"""The generic metric: an aggregate of a safe expression over one table, per period."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.engine.exact import div_half_up
from schemeops.engine.kpis._common import (
    KpiError,
    attribute_rows,
    filtered_lines,
    finish,
    in_windows,
    refuse_filters,
    window_table,
)
from schemeops.engine.kpis.kind import KpiKind, Wording, lit
from schemeops.program.model import Metric
from schemeops.schema import table as contract_table

#: Places of an average (exactly rounded half-up).
AVG_PLACES = 4
_DATE_COLUMN = {"sales": "invoice_date", "primary_sales": "invoice_date", "payments": "paid_on"}


def _value(text: str, t: ir.Table) -> ir.Value:
    from schemeops.program.expr import compile_expr, parse_expr  # lazily, like filters

    return compile_expr(parse_expr(text), t.__getitem__)


def _exact_type_scale(kpi: Metric, t: ir.Table) -> int:
    """The scale of the aggregated expression; KpiError unless it is an exact number."""
    ty = _value(kpi.expr, t).type()
    if ty.is_integer():
        return 0
    if ty.is_decimal():
        return ty.scale or 0
    raise KpiError(f"KPI `{kpi.id}`: `{kpi.expr}` is {ty}; {kpi.agg} needs an exact number "
                   "(an integer or decimal expression, no division)")


def metric_scale(kpi: Metric) -> int:
    """Scale of a metric's actual: 0 for counts, 4 for averages, else the expression's;
    KpiError when sum, min, max or avg is of an inexact expression."""
    if kpi.agg in ("count", "count_distinct"):
        return 0
    c = contract_table(kpi.table)
    unbound = ibis.table({col.name: col.dtype.ibis for col in c.columns}, name=kpi.table)
    scale = _exact_type_scale(kpi, unbound)  # an avg of a double would be cut, not rounded
    return AVG_PLACES if kpi.agg == "avg" else scale


def _source(kpi: Metric) -> str:
    return "secondary" if kpi.table == "sales" else "primary"


def _rows(kpi: Metric, data: Data) -> ir.Table:
    """`table`'s rows that pass the filters and `where`, with `_v`: the value of `expr`."""
    if kpi.table == "payments":
        refuse_filters(kpi, "payments")
        t = data.payments
    else:
        t = filtered_lines(data, kpi, source=_source(kpi))
    if kpi.where:
        from schemeops.program.expr import compile_filter  # lazily

        t = t.filter(compile_filter(kpi.where, t))
    return t.mutate(_v=_value(kpi.expr, t))


def metric(kpi: Metric, data: Data, periods: ir.Table) -> ir.Table:
    """`agg` of `expr` over `table`'s rows that pass `where` and the filters, per period;
    reps and managers aggregate the rows of who they manage (not their members' results)."""
    rows = _rows(kpi, data)
    scale = metric_scale(kpi)
    rows = in_windows(rows, _DATE_COLUMN[kpi.table], window_table(periods))
    rows = rows.select("distributor_id", "period_no", "_v")
    rows = attribute_rows(rows, data, kpi.rollup)
    g = rows.group_by(["participant_id", "period_no"])
    v = rows._v
    if kpi.agg == "count":
        out = g.agg(actual=v.count())
    elif kpi.agg == "count_distinct":
        out = g.agg(actual=v.nunique())
    elif kpi.agg == "avg":
        out = g.agg(s=v.sum(), n=v.count())
        out = out.filter(out.n > 0)
        out = out.mutate(actual=div_half_up(out.s, out.n, AVG_PLACES))
    else:
        out = g.agg(actual=getattr(v, kpi.agg)())
        out = out.filter(out.actual.notnull())
    return finish(out, scale)


def _bill_lines(kpi: Metric, data: Data) -> tuple[ir.Table, str]:
    """A sum over sales or primary lines (check refuses per-bill slabs on the others)."""
    if kpi.table == "payments":
        raise KpiError(f"KPI `{kpi.id}`: payments have no bills")
    return _rows(kpi, data), _source(kpi)


def _wording(kpi: Metric) -> Wording:
    if kpi.agg in ("count", "count_distinct"):
        return "whole", f"{{n}} more {lit(kpi.id)}"
    return "money", f"{{n}} more in {lit(kpi.id)}"


METRIC = KpiKind(Metric, compute=metric, scale=metric_scale, wording=_wording,
                  bill_lines=_bill_lines)
