"""Checks of formula KPIs: the expression is arithmetic over KPI ids, reads no unknown KPI,
neither itself nor a cycle of formulas, and the KPI takes no option a formula cannot honour."""

from __future__ import annotations

from decimal import Decimal

from schemeops.errors import Diagnostic, did_you_mean
from schemeops.program.expr import (
    Binary,
    Call,
    Expr,
    ExprError,
    Literal,
    Name,
    Unary,
    parse_expr,
    walk,
)
from schemeops.program.formula import formula_inputs
from schemeops.program.model import Formula, Program
from schemeops.program.source import Spans

_ALLOWED_HINT = "a formula uses KPI ids, numbers, + - * / and parentheses"


def _formulas(program: Program) -> list[tuple[int, Formula]]:
    return [(i, k) for i, k in enumerate(program.kpis) if isinstance(k, Formula)]


def _outside(node: Expr) -> list[tuple[int, str]]:
    """Each outermost part of `node` outside a formula's grammar: where it is and what."""
    match node:
        case Literal(value=v) if isinstance(v, int | Decimal) and not isinstance(v, bool):
            return []
        case Name():
            return []
        case Unary(op="-", operand=o):
            return _outside(o)
        case Binary(op=op, left=left, right=right) if op in ("+", "-", "*", "/"):
            return _outside(left) + _outside(right)
        case Binary(op=op, op_offset=at):
            return [(at, f"`{op}`")]
        case Call(func=func):
            return [(node.offset, f"`{func}(…)`")]
        case Literal(value=v):
            return [(node.offset, f"the literal `{'null' if v is None else v}`")]
        case Unary(op=op):
            return [(node.offset, f"`{op}`")]
    return [(node.offset, "a condition")]


def _expr_problems(program: Program, i: int, kpi: Formula, spans: Spans) -> list[Diagnostic]:
    """Syntax, constructs outside arithmetic, unknown names and the formula naming itself."""
    path = ("kpis", i, "expr")
    try:
        expr = parse_expr(kpi.expr)
    except ExprError as e:
        return [Diagnostic(spans.point(path, e.offset), e.code, e.message, e.hint)]
    out = [Diagnostic(spans.point(path, at), "not_in_formula",
                      f"{what} is not allowed in formula `{kpi.id}`", _ALLOWED_HINT)
           for at, what in _outside(expr)]
    ids = [k.id for k in program.kpis]
    for node in walk(expr):
        if not isinstance(node, Name):
            continue
        at = spans.point(path, node.offset)
        if node.name == kpi.id:
            out.append(Diagnostic(at, "formula_uses_itself", f"formula `{kpi.id}` uses itself",
                                  "a formula reads other KPIs' actuals; name another KPI"))
        elif node.name not in ids:
            out.append(Diagnostic(at, "unknown_kpi", f"`{node.name}` names no KPI of this "
                                  "program", did_you_mean(node.name, ids)))
    return out


def _cycle_from(start: str, graph: dict[str, list[str]]) -> list[str] | None:
    """A path start → … → start through other formulas, if there is one."""
    stack, seen = [(start, [start])], set()
    while stack:  # over the program's formulas, not rows
        node, path = stack.pop()
        for nxt in graph.get(node, []):
            if nxt == start and len(path) > 1:
                return [*path, start]
            if nxt != start and nxt not in seen and nxt in graph:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def _cycles(program: Program, spans: Spans) -> list[Diagnostic]:
    """Each cycle of formulas, once, at the first formula of it (in declaration order)."""
    found = _formulas(program)
    graph: dict[str, list[str]] = {}
    for _i, k in found:
        try:
            graph[k.id] = formula_inputs(k)
        except ExprError:
            graph[k.id] = []  # reported as a syntax error
    out, reported = [], set()
    for i, k in found:
        cycle = _cycle_from(k.id, graph)
        if cycle is None or reported & set(cycle):
            continue
        reported |= set(cycle)
        offset = next(n.offset for n in walk(parse_expr(k.expr))
                      if isinstance(n, Name) and n.name == cycle[1])
        out.append(Diagnostic(spans.point(("kpis", i, "expr"), offset), "formula_cycle",
                              "formulas in a cycle: " + " → ".join(f"`{c}`" for c in cycle),
                              "a formula may read another only if that one does not read it "
                              "back; compute one of them from KPIs that are not formulas"))
    return out


def _options(program: Program, i: int, kpi: Formula, spans: Spans) -> list[Diagnostic]:
    """Filters and roll-up belong on the KPIs a formula reads, not on the formula."""
    out = [Diagnostic(spans.at(("kpis", i, name), key=True), "filter_not_applicable",
                      f"formula `{kpi.id}` reads other KPIs' actuals, so `{name}` cannot "
                      "filter it", "put the filter on the KPIs the formula uses")
           for name in ("products", "outlets") if getattr(kpi, name) is not None]
    if kpi.rollup != "direct":
        out.append(Diagnostic(spans.at(("kpis", i, "rollup"), key=True), "rollup_not_applicable",
                              f"formula `{kpi.id}` is computed from other KPIs' actuals, which "
                              "roll up as each of them says", "remove `rollup`; set it on the "
                              "KPIs the formula uses"))
    return out


def _uses(program: Program, spans: Spans) -> list[Diagnostic]:
    """A history target and catch-up sum a KPI over periods: not meaningful for a ratio."""
    formulas = {k.id for _i, k in _formulas(program)}
    out = [Diagnostic(spans.at(("targets", name, "history"), key=True),
                      "formula_history_target",
                      f"`{name}` is a formula: its target cannot come from its own history",
                      "give it a `fixed` or `from_table` target")
           for name, rule in program.targets.items()
           if name in formulas and rule.history is not None]
    out += [Diagnostic(spans.at(("components", j, "catch_up"), key=True), "formula_catch_up",
                       f"component `{c.id}` catches up on formula `{c.kpi}`: cumulative "
                       "actuals of a formula are not its formula over the periods",
                       "drop `catch_up`, or catch up on one of the KPIs the formula uses")
            for j, c in enumerate(program.components)
            if c.catch_up is not None and c.kpi in formulas]
    return out


def check_formulas(program: Program, spans: Spans) -> list[Diagnostic]:
    """Every formula KPI is arithmetic over other KPIs, acyclic, and used as it can be."""
    out: list[Diagnostic] = []
    for i, kpi in _formulas(program):
        out += _expr_problems(program, i, kpi, spans) + _options(program, i, kpi, spans)
    return out + _cycles(program, spans) + _uses(program, spans)
