"""Expression checks: each filter, gate and metric expression parses, reads only columns of
its table (or only KPI functions, in gates), and compiles to a condition of the right type."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import ibis

from schemeops.errors import Diagnostic, did_you_mean
from schemeops.program.expr import (
    Binary,
    Expr,
    ExprError,
    Literal,
    column_refs,
    compile_expr,
    functions_of,
    parse_expr,
    walk,
)
from schemeops.program.model import Metric, Program
from schemeops.program.source import Path, Spans
from schemeops.schema import table as contract_table


@dataclass(frozen=True)
class Site:
    """One expression in a program: where it is, its text, and what it may read."""

    path: Path
    text: str
    table: str | None  # the contract table whose columns it reads; None for a gate
    condition: bool  # must be true/false (a filter or gate), not a value
    exact: bool = False  # a value that must be an exact number (sum, min, max, avg)


def expression_sites(program: Program) -> Iterator[Site]:
    """Every expression of the program, with the table its columns come from."""
    if program.participants.where is not None:
        yield Site(("participants", "where"), program.participants.where, "participants", True)
    for i, kpi in enumerate(program.kpis):
        if kpi.products is not None:
            yield Site(("kpis", i, "products"), kpi.products, "products", True)
        if kpi.outlets is not None:
            yield Site(("kpis", i, "outlets"), kpi.outlets, "outlets", True)
        if isinstance(kpi, Metric):
            yield Site(("kpis", i, "expr"), kpi.expr, kpi.table, False,
                       exact=kpi.agg not in ("count", "count_distinct"))
            if kpi.where is not None:
                yield Site(("kpis", i, "where"), kpi.where, kpi.table, True)
    if program.gate is not None:
        yield Site(("gate",), program.gate, None, True)
    for j, comp in enumerate(program.components):
        if comp.gate is not None:
            yield Site(("components", j, "gate"), comp.gate, None, True)
        for m, mult in enumerate(comp.multipliers):
            yield Site(("components", j, "multipliers", m, "when"), mult.when, None, True)


def check_expressions(program: Program, spans: Spans) -> list[Diagnostic]:
    """Parse, name-check and type-check every expression of the program."""
    out: list[Diagnostic] = []
    for site in expression_sites(program):
        try:
            expr = parse_expr(site.text)
        except ExprError as e:
            out.append(Diagnostic(spans.point(site.path, e.offset), e.code, e.message, e.hint))
            continue
        found = (_check_filter(site, expr, spans) if site.table is not None
                 else _check_gate(site, expr, program, spans))
        out.extend(found or _check_types(site, expr, spans))
        out.extend(Diagnostic(spans.point(site.path, n.op_offset), "division_by_zero",
                              "dividing by 0 gives an unknown value (a condition on it is "
                              "not met)", "divide by a number other than 0",
                              severity="warning")
                   for n in walk(expr) if isinstance(n, Binary) and n.op == "/"
                   and isinstance(n.right, Literal) and n.right.value == 0)
    return out


def _check_filter(site: Site, expr: Expr, spans: Spans) -> list[Diagnostic]:
    """A filter reads only its table's columns and calls no function."""
    assert site.table is not None
    columns = contract_table(site.table).column_names
    out = [Diagnostic(spans.point(site.path, offset), "unknown_column",
                      f"unknown column `{name}` in `{site.table}`",
                      did_you_mean(name, columns))
           for name, offset in column_refs(expr) if name not in columns]
    out += [Diagnostic(spans.point(site.path, offset), "function_not_allowed",
                       f"`{func}({arg})` is not allowed in a filter on `{site.table}`",
                       "filters test columns; actual, target and attainment belong in gates")
            for func, arg, offset in functions_of(expr)]
    return out


def _check_gate(site: Site, expr: Expr, program: Program, spans: Spans) -> list[Diagnostic]:
    """A gate reads no column; its functions name KPIs, with targets where they need them."""
    kpis = [k.id for k in program.kpis]
    out = [Diagnostic(spans.point(site.path, offset), "column_not_allowed",
                      f"`{name}` is not allowed in a condition on KPIs",
                      "use actual(kpi), target(kpi) or attainment(kpi)"
                      + (f", e.g. attainment({name})" if name in kpis else ""))
           for name, offset in column_refs(expr)]
    for func, arg, offset in functions_of(expr):
        at = spans.point(site.path, offset + len(func) + 1)
        if arg not in kpis:
            out.append(Diagnostic(at, "unknown_kpi", f"`{func}({arg})` names no KPI",
                                  did_you_mean(arg, kpis)))
        elif func != "actual" and arg not in program.targets:
            out.append(Diagnostic(at, "missing_target", f"`{func}({arg})` needs a target for "
                                  f"`{arg}`", f"add `targets: {{{arg}: {{fixed: …}}}}`"))
    return out


def _check_types(site: Site, expr: Expr, spans: Spans) -> list[Diagnostic]:
    """Compile against the contract's column types: operands match, conditions are boolean."""
    if site.table is not None:
        t = contract_table(site.table)
        unbound = ibis.table({c.name: c.dtype.ibis for c in t.columns}, name=t.name)
        resolve = unbound.__getitem__
    else:
        def resolve(name: str) -> ibis.Value:
            raise ExprError(0, "column_not_allowed", f"`{name}` is not allowed here")
    placeholder = ibis.literal(Decimal("1.000000"), type="decimal(38,6)")
    try:
        value = compile_expr(expr, resolve, lambda func, arg: placeholder)
    except ExprError as e:
        return [Diagnostic(spans.point(site.path, e.offset), e.code, e.message, e.hint)]
    dtype = value.type()
    if site.condition and not (dtype.is_boolean() or dtype.is_null()):
        return [Diagnostic(spans.point(site.path, 0), "not_a_condition",
                           f"`{site.text}` is a {dtype} value, not a true/false condition",
                           "compare it, e.g. `… = 'premium'` or `… > 0`")]
    if not site.condition and dtype.is_boolean():
        return [Diagnostic(spans.point(site.path, 0), "not_a_value",
                           f"`{site.text}` is a condition, not a value to aggregate",
                           "put conditions in `where:`; `expr:` is what is aggregated")]
    if site.exact and not (dtype.is_integer() or dtype.is_decimal()):
        divides = [n.op_offset for n in walk(expr) if isinstance(n, Binary) and n.op == "/"]
        return [Diagnostic(spans.point(site.path, divides[0] if divides else 0), "expr_type",
                           f"`{site.text}` is a {dtype} value; sum, min, max and avg need an "
                           "exact number", "use an integer or decimal expression: no `/` "
                           "(count and count_distinct take any value)")]
    return []
