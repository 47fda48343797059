"""A program's result rows as Ibis expressions: the component lines, each with the columns of
components.csv and the typed fields of explanations.csv (computed once, in one query, for
both files), and the rows only explanations.csv has: one per KPI, per scorecard item and per
program limit (whether or not it bit).

Decimals other than money keep their own places (an actual at its KPI's places, an
attainment at 6, a break as the program writes it), so they are exact text; money is
decimal(28, 2). Every part has the same columns: what does not apply is NULL.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from schemeops.engine.caps import KEYS, Limit
from schemeops.engine.carry import Carried
from schemeops.engine.exact import as_dec, int64
from schemeops.engine.gaps import item_gap, kpi_gap, marks, slab_fields, staged, staged_items
from schemeops.engine.payouts import (
    BILLS_COUNT,
    BILLS_PAID,
    NOTE_CATCH_UP,
    SCORE,
    ComponentCompiler,
    ComponentResult,
)
from schemeops.engine.wording import describe_target, gap_wording
from schemeops.program.model import Component, Program

MONEY = "decimal(28,2)"
#: The columns after program_id, participant_id, period_start, period_end, with their types.
FIELDS: dict[str, str] = {
    "period_no": "int64", "row": "string", "component": "string", "kpi": "string",
    "amount": MONEY, "outcome": "string", "shape": "string",
    "measure_of": "string", "measure": "string",
    "slab": "int64", "slabs": "int64", "slab_start": "string", "slab_above": "boolean",
    "next_break": "string", "next_above": "boolean", "needed": "string", "gap": "string",
    "actual": "string", "target": "string", "attainment": "string",
    "gate": "string", "gate_held": "boolean",
    "multiplier": "string", "multipliers": "string", "multipliers_missed": "string",
    "capped": "boolean", "cap": "string", "cap_limit": MONEY, "deferred": "boolean",
    "earned": MONEY, "paid_before": MONEY, "balance_before": MONEY, "balance_after": MONEY,
    "carried_from": "int64", "carried_to": "int64", "bills_paid": "int64", "bills": "int64",
    "target_rule": "string", "formula": "string", "lower_is_better": "boolean",
    "gap_unit": "string", "gap_phrase": "string",
}
#: `_sub` of a component's carried rows: after its own row and its scorecard items.
CARRIED_SUB = 1000


#: The columns of a component line that only components.csv has.
LINE = {"base": "string", "rate": "string", "note": "string"}
#: The columns of a program's explanation rows (before its id and the period's days).
EXPLANATION = [*KEYS, *(c for c in FIELDS if c != "period_no"), "_order", "_sub"]
#: The columns of a component line: the explanation's and components.csv's own.
LINE_COLUMNS = [*EXPLANATION, *LINE]


def _typed(dtype: str, value: object) -> ir.Value:
    if value is None:
        return ibis.null(dtype)
    if isinstance(value, int) and not isinstance(value, bool):
        return int64(value)
    if not isinstance(value, ir.Value):
        return ibis.literal(value, type=dtype)
    if dtype == MONEY:
        return as_dec(value, 2)
    return value if value.type().is_string() or dtype != "string" else value.cast("string")


def typed_rows(t: ir.Table, order: int, sub: int, *, line: bool = False,
               **values: object) -> ir.Table:
    """Rows of `t` with every field (NULL where not given), the sort keys _order and _sub,
    and with `line` components.csv's base, rate and note."""
    types = FIELDS | (LINE if line else {})
    unknown = values.keys() - types.keys()
    assert not unknown, unknown
    cols = {name: _typed(types[name], values.get(name)) for name in FIELDS
            if name != "period_no"}
    extra = {name: _typed(dtype, values.get(name)) for name, dtype in LINE.items()} if line \
        else {}
    return t.select(*KEYS, **cols, _order=int64(order), _sub=int64(sub), **extra)


def kpi_rows(program: Program, w: ir.Table) -> list[ir.Table]:
    """One row per KPI: actual, target, attainment (6 places), how the target is set, a
    formula's expression and how a gap in it is said. They sort before the components
    (negative _order)."""
    out = []
    n = len(program.kpis)
    for i, kpi in enumerate(program.kpis):
        rule = program.targets.get(kpi.id)
        unit, phrase = gap_wording(kpi, rule)
        out.append(typed_rows(
            w, i - n, 0, row="kpi", kpi=kpi.id, actual=w[f"a__{kpi.id}"],
            target=w[f"t__{kpi.id}"], attainment=w[f"att__{kpi.id}"],
            target_rule=describe_target(rule) if rule else None,
            formula=kpi.expr if kpi.kind == "formula" else None,
            lower_is_better=rule.lower_is_better if rule else None,
            gap_unit=unit, gap_phrase=phrase))
    return out


def _shape(c: Component) -> str:
    if c.per is not None:
        return "per_invoice"
    if c.slabs:
        return c.mode
    return "curve" if c.curve else "fixed"


def _measure(program: Program, c: Component, t: ir.Table) -> dict[str, object]:
    """What the component's slabs read: the score, the actual or the attainment."""
    if c.per is not None or (c.kpi is None and not c.scorecard):
        return {}
    if c.scorecard:
        return {"measure_of": "score", "measure": t[SCORE]}
    fixed = not c.slabs and not c.curve
    if c.on == "actual" and not fixed:
        return {"measure_of": "actual", "measure": t[f"a__{c.kpi}"]}
    if fixed and c.kpi not in program.targets:
        return {}
    return {"measure_of": "attainment", "measure": t[f"att__{c.kpi}"]}


def _kpi_values(w: ir.Table, kpi_id: str) -> dict[str, object]:
    return {"kpi": kpi_id, "actual": w[f"a__{kpi_id}"], "target": w[f"t__{kpi_id}"],
            "attainment": w[f"att__{kpi_id}"]}


def component_line(program: Program, cc: ComponentCompiler, r: ComponentResult, order: int,
                   deferred: ir.BooleanValue | None, note: ir.StringValue) -> ir.Table:
    """The component's own line, with its KPI's gap to the next slab (`cc` compiled `r`)."""
    c, f = cc.c, r.facts
    t = staged(program, cc)
    row: dict[str, object] = {
        "row": "component", "component": c.id, "amount": r.amount, "outcome": f.outcome,
        "shape": _shape(c), "gate": c.gate, "gate_held": f.gate_held,
        "multiplier": f.multiplier, "multipliers": f.applied, "multipliers_missed": f.missed,
        "capped": f.capped, "cap": f.cap, "cap_limit": f.cap_limit, "deferred": deferred,
        "base": r.base, "rate": r.rate, "note": note,
        **_measure(program, c, t), **slab_fields(program, c, t)}
    if c.per is not None:
        row |= {"bills_paid": t[BILLS_PAID], "bills": t[BILLS_COUNT]}
    if c.kpi is not None and not c.scorecard:
        row |= _kpi_values(t, c.kpi) | (kpi_gap(program, c, t) if marks(program, c) else {})
    return typed_rows(t, order, 0, line=True, **row)


def score_item_rows(program: Program, cc: ComponentCompiler, order: int) -> list[ir.Table]:
    """One row per scorecard item: its KPI and that KPI's gap to the score's next slab, the
    other items held (`cc` not compiled: the amount is not needed here)."""
    c = cc.c
    t = staged(program, cc)
    has_marks = bool(marks(program, c))
    nxt = {k: v for k, v in slab_fields(program, c, t).items()
           if k in ("next_break", "next_above")}
    items = staged_items(c, cc, t) if has_marks else t
    return [typed_rows(items, order, i + 1, row="score_item", component=c.id,
                       **_kpi_values(items, item.kpi), **nxt,
                       **(item_gap(program, c, items, i) if has_marks else {}))
            for i, item in enumerate(c.scorecard)]


def catch_up_line(c: Component, releases: ir.Table, order: int) -> ir.Table:
    """A release of a catch-up: the amount missed in `carried_from`, paid in this period."""
    return typed_rows(releases, order, CARRIED_SUB, line=True, row="catch_up",
                      component=f"{c.id}:catch_up", amount=releases.owed,
                      carried_from=releases.missed, carried_to=releases.missed,
                      note=ibis.literal(NOTE_CATCH_UP) + releases.missed.cast("string"))


def carried_line(x: Carried, order: int) -> ir.Table:
    """A carried amount (true-up, draw, draw recovery) where it is not 0."""
    out = typed_rows(x.t, order, CARRIED_SUB, line=True, row=x.kind, component=x.name,
                     amount=x.amount, note=x.note, **x.fields)
    return out.filter(out.amount != 0)


def limit_rows(x: Limit) -> ir.Table:
    """A program limit for every participant and period, 0 where it does not bite."""
    return typed_rows(x.t, x.order, 0, row=x.name, component=x.name, amount=x.amount,
                      **x.fields)
