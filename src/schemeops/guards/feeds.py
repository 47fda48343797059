"""Which sale lines a program pays on, and the largest share of a line's value it can pay:
the discount it gives on that line (docs/guards.md, "Which programs feed a line")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import ibis
import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.engine.eligibility import eligible
from schemeops.engine.exact import MAX_SCALE, as_dec, dec, div_half_up, mul
from schemeops.engine.periods import Window, windows_table
from schemeops.program.expr import compile_filter
from schemeops.program.model import Component, Kpi, Program

KEY = ("invoice_id", "line_no")


@dataclass(frozen=True)
class Rule:
    """A component paying on a KPI made of sale lines: `top` is the most it pays per unit
    of the KPI (its highest rate or amount per unit, times its largest multiplier, at most
    its cap's rate when the cap is a share of the same KPI)."""

    kpi: Kpi
    top: Decimal

    @property
    def per_value(self) -> bool:
        """Whether `top` is a share of value (the KPI sums net_amount), not per unit."""
        return getattr(self.kpi, "measure", "net_amount") == "net_amount"


def reads_lines(k: Kpi) -> bool:
    """Whether a KPI sums secondary sale lines, so its payout is a discount on them."""
    return ((k.kind == "volume" and k.source == "secondary")
            or (k.kind == "upsell" and k.mode == "segment_volume"))


def _top(c: Component, base: str) -> Decimal:
    pays = [s.rate if s.rate is not None else s.per_unit for s in c.slabs
            if s.rate is not None or s.per_unit is not None]
    pays += [p.rate for p in c.curve if p.rate is not None]
    factor = max([m.factor for m in c.multipliers] + [Decimal(1)])
    top = max(pays, default=Decimal(0)) * factor
    if c.cap is not None and c.cap.rate is not None and c.cap.of == base:
        top = min(top, c.cap.rate)  # capped at a share of the very KPI it pays on
    return top


def money_rules(program: Program) -> list[Rule]:
    """The program's components that pay on sale lines; fixed amounts, free units and
    shares of a target incentive feed a line with a 0 share."""
    out = []
    for c in program.components:
        base = c.base or c.kpi
        if base is None:
            continue
        k = program.kpi(base)
        if reads_lines(k):
            out.append(Rule(k, _top(c, base)))
    return out


def _passing(t: ir.Table, k: Kpi, data: Data) -> ir.Table:
    """The lines of `t` that pass the KPI's product, segment and outlet filters."""
    p, o = data.products, data.outlets
    if k.products:
        chosen = p.filter(compile_filter(k.products, p))
        t = t.semi_join(chosen, t.sku == chosen.sku)
    if k.kind == "upsell":
        chosen = p.filter(p.segment == k.segment)
        t = t.semi_join(chosen, t.sku == chosen.sku)
    if k.outlets:
        chosen = o.filter(compile_filter(k.outlets, o))
        t = t.semi_join(chosen, t.outlet_id == chosen.outlet_id)
    return t


def _share(t: ir.Table, rule: Rule) -> ir.DecimalValue:
    top = dec(rule.top)
    if rule.per_value:
        return as_dec(top, MAX_SCALE)
    # an amount per unit, as a share of the line's value
    return div_half_up(mul(top, t.quantity), t.net_amount, MAX_SCALE).fill_null(
        dec(0, MAX_SCALE))


def feeds(program: Program, windows: tuple[Window, ...], lines: ir.Table, data: Data
          ) -> ir.Table | None:
    """invoice_id, line_no, share: each line the program pays on (its seller takes part in a
    period holding the line's date, and the line passes a paying KPI's filters), with the
    sum of its components' shares; None when no component pays on sale lines."""
    rules = money_rules(program)
    if not rules or not windows:
        return None
    elig = eligible(program.participants, data.participants, windows_table(windows),
                    data.participant_lists, program.holdout)
    mine = lines.semi_join(elig, [lines.distributor_id == elig.participant_id,
                                  lines.invoice_date >= elig.period_start,
                                  lines.invoice_date <= elig.period_end])
    parts = []
    for rule in rules:  # one query part per component (≤ 50), not per row
        t = _passing(mine, rule.kpi, data)
        parts.append(t.select(*KEY, share=_share(t, rule)))
    both = ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]
    return both.group_by(list(KEY)).aggregate(share=as_dec(both.share.sum(), MAX_SCALE))
