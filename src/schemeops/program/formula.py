"""Derived KPIs (`kind: formula`): which KPIs a formula reads, and the order to compute them in.

A formula is an expression of the safe grammar restricted to numbers, KPI ids (bare names),
unary minus, `+ - * /` and parentheses; `check_formula.py` refuses anything else.
"""

from __future__ import annotations

from schemeops.program.expr import column_refs, parse_expr
from schemeops.program.model import Formula, Program


def formula_inputs(kpi: Formula) -> list[str]:
    """The KPI ids the formula reads, in source order (repeats kept)."""
    return [name for name, _offset in column_refs(parse_expr(kpi.expr))]


def formulas_in_order(program: Program) -> list[Formula]:
    """The program's formula KPIs, each after every formula it reads (the program is checked:
    no cycle, every name a KPI)."""
    formulas = {k.id: k for k in program.kpis if isinstance(k, Formula)}
    done: dict[str, Formula] = {}

    def visit(kpi: Formula) -> None:
        if kpi.id in done:
            return
        for name in formula_inputs(kpi):  # depth ≤ the number of formulas: no cycle
            if name in formulas:
                visit(formulas[name])
        done[kpi.id] = kpi

    for kpi in formulas.values():
        visit(kpi)
    return list(done.values())
