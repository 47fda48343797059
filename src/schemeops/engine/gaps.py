"""What the next slab takes, as Ibis expressions: the slab (or curve point) a participant
reached, the first one it did not, and per KPI the value that KPI must reach for it (or come
down to, when lower is better), in the KPI's own unit.

A component's marks are where its slabs or curve points start; a fixed amount on a target
has one mark, attainment 1. The needed value is exact and on the KPI's grid (its decimal
places): the first value the KPI can take that reaches the mark, so the gap is what a
participant must still add (or cut). A scorecard's marks are on its score; each item's
gap holds the other items where they are, and is empty when that KPI alone cannot reach the
mark (its part is capped).

Values read more than once (the score, the slab reached, the next mark) are computed once as
columns of a staged table, so the SQL does not repeat them.
"""

from __future__ import annotations

import operator
from decimal import Decimal

import ibis
import ibis.expr.types as ir

from schemeops.engine.exact import (
    as_dec,
    ceil_to,
    dec,
    div_floor,
    floor_to,
    mul,
    pick,
)
from schemeops.engine.kpis import kpi_scale
from schemeops.engine.payouts import SCORE, ComponentCompiler, plain
from schemeops.program.model import Component, Program

#: Places of the attainment a scorecard reads (the wide table's att__k).
_ATT = 6
#: Half a unit of the attainment's last place: att__k is a/t rounded half-up to 6 places.
_HALF = Decimal("0.0000005")


def marks(program: Program, c: Component) -> tuple[tuple[Decimal, bool], ...]:
    """(start, strict) of each slab or curve point; (1, False) for a fixed amount paid when
    the target is met; none for a fixed amount without target or a per-invoice component."""
    if c.per is not None:
        return ()
    if c.slabs:
        return tuple((s.start, s.strict) for s in c.slabs)
    if c.curve:
        return tuple((p.start, p.strict) for p in c.curve)
    if c.fixed is not None and (c.scorecard or (c.kpi and c.kpi in program.targets)):
        return ((Decimal(1), False),)
    return ()


def _fixed(c: Component) -> bool:
    return not c.slabs and not c.curve


def _reached(cc: ComponentCompiler, t: ir.Table, start: Decimal, strict: bool
             ) -> ir.BooleanValue:
    """Whether the mark is reached: a scorecard's staged score past it, a fixed amount's
    target met, else the component's own test."""
    c = cc.c
    if c.scorecard:
        return (operator.gt if strict else operator.ge)(t[SCORE], dec(start))
    if _fixed(c):
        return cc.target_met()
    return cc.reaches(start, strict)


def staged(program: Program, cc: ComponentCompiler) -> ir.Table:
    """The component's table with _score (a scorecard's score), _slab (the mark reached,
    1-based), _next (the first not reached), _brk (where it starts) and _above (strictly)."""
    c, t = cc.c, cc.w
    if c.scorecard and SCORE not in t.columns:  # compile() stages it
        t = t.mutate(**{SCORE: cc.score()})
    ms = marks(program, c)
    if not ms:
        return t
    hit = [_reached(cc, t, b, strict).fill_null(False) for b, strict in ms]
    t = t.mutate(
        _slab=ibis.cases(*[(hit[i - 1], i) for i in range(len(ms), 0, -1)],
                         else_=ibis.null("int64")),
        _next=ibis.cases(*[(~h, i) for i, h in enumerate(hit, 1)], else_=ibis.null("int64")))
    none = ibis.null("boolean")
    return t.mutate(
        _brk=pick(*[(t._next == i, dec(b)) for i, (b, _s) in enumerate(ms, 1)],
                  else_=ibis.null("decimal(28,0)")),
        _above=ibis.cases(*[(t._next == i, ibis.literal(s)) for i, (_b, s) in enumerate(ms, 1)],
                          else_=none))


def slab_fields(program: Program, c: Component, t: ir.Table) -> dict[str, ir.Value]:
    """slab, slabs, slab_start, slab_above, next_break, next_above of a staged table (empty
    when the component has no marks)."""
    ms = marks(program, c)
    if not ms:
        return {}

    def at(col: ir.IntegerValue, values: list[object], dtype: str) -> ir.Value:
        return ibis.cases(*[(col == i, ibis.literal(v, type=dtype))
                            for i, v in enumerate(values, 1)], else_=ibis.null(dtype))

    starts = [plain(b) for b, _s in ms]
    above = [s for _b, s in ms]
    return {"slab": t._slab, "slabs": len(ms), "slab_start": at(t._slab, starts, "string"),
            "slab_above": at(t._slab, above, "boolean"),
            "next_break": at(t._next, starts, "string"), "next_above": t._above}


def _up(x: ir.DecimalValue, above: ir.BooleanValue | None, s: int) -> ir.DecimalValue:
    """The first value on a grid of `s` places at x (strictly above x where `above`; None:
    never)."""
    if above is None:
        return ceil_to(x, s)
    unit = dec(Decimal(1).scaleb(-s))
    return ibis.ifelse(above, floor_to(x, s) + unit, ceil_to(x, s)).pipe(as_dec, s)


def _down(num: ir.DecimalValue, den: ir.DecimalValue, above: ir.BooleanValue | None, s: int
          ) -> ir.DecimalValue:
    """The last value on a grid of `s` places at most num ÷ den (below it where `above`;
    None: never); den > 0."""
    fl = div_floor(num, den, s)
    if above is None:
        return fl
    unit = dec(Decimal(1).scaleb(-s))
    on_it = mul(fl, den) == as_dec(num)  # num ÷ den is on the grid: below it is fl − unit
    return ibis.ifelse(above & on_it, fl - unit, fl).pipe(as_dec, s)


def kpi_gap(program: Program, c: Component, t: ir.Table) -> dict[str, ir.Value]:
    """needed and gap of the component's KPI for the next mark, in the KPI's unit (gap ≥ 0;
    NULL without a next mark, a target where one is needed, or an actual)."""
    kpi = program.kpi(c.kpi)
    s = kpi_scale(kpi)
    a, tt = t[f"a__{c.kpi}"], t[f"t__{c.kpi}"]
    rule = program.targets.get(c.kpi)
    on_target = c.on == "attainment" or _fixed(c)
    lower = on_target and rule is not None and rule.lower_is_better
    none = ibis.null(f"decimal(28,{s})")
    if not on_target:
        needed = _up(t._brk, t._above, s)
    elif lower:  # target ÷ actual ≥ b ⟺ actual ≤ target ÷ b (> b: actual < target ÷ b)
        needed = ibis.ifelse(t._brk > 0, _down(tt, t._brk, t._above, s), none)
    else:
        needed = _up(mul(t._brk, tt), t._above, s)
    if on_target:
        needed = ibis.ifelse((tt > 0).fill_null(False), needed, none)
    gap = (a - needed) if lower else (needed - a)
    return {"needed": needed, "gap": as_dec(gap, s)}


def staged_items(c: Component, cc: ComponentCompiler, t: ir.Table) -> ir.Table:
    """`t` (staged) with _att<i> per scorecard item i: the smallest 6-place attainment of
    its KPI whose part, the other parts as they are, takes the score to the next mark."""
    parts = cc.score_parts()
    unit = dec(Decimal(1).scaleb(-_ATT))
    cols = {}
    for i, item in enumerate(c.scorecard):
        short = t._brk - (t[SCORE] - parts[i])  # what the item's part must give
        w = dec(item.weight)
        fl = div_floor(short, w, _ATT)
        exact = mul(fl, w) == short
        # part ≥ short ⟺ att ≥ short ÷ w; part > short ⟺ att > short ÷ w
        cols[f"_att{i}"] = ibis.ifelse(t._above | ~exact, fl + unit, fl).pipe(as_dec, _ATT)
    return t.mutate(**cols)


def item_gap(program: Program, c: Component, t: ir.Table, i: int) -> dict[str, ir.Value]:
    """needed and gap of scorecard item i's KPI for the score's next mark (of a table from
    `staged_items`); NULL where its capped part cannot reach it."""
    item = c.scorecard[i]
    s = kpi_scale(program.kpi(item.kpi))
    a, tt = t[f"a__{item.kpi}"], t[f"t__{item.kpi}"]
    rule = program.targets.get(item.kpi)
    att = t[f"_att{i}"]
    # att__k = a/t half-up to 6 places ≥ att ⟺ a/t ≥ att − half a unit
    low = as_dec(att - dec(_HALF), _ATT + 1)
    lower = rule is not None and rule.lower_is_better
    needed = _down(tt, low, None, s) if lower else _up(mul(low, tt), None, s)
    ok = (tt > 0).fill_null(False)
    if item.cap is not None:
        ok = ok & (att <= dec(item.cap))
    needed = ibis.ifelse(ok, needed, ibis.null(f"decimal(28,{s})"))
    gap = (a - needed) if lower else (needed - a)
    return {"needed": needed, "gap": as_dec(gap, s)}
