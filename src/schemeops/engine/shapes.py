"""Payout shapes of issue 9 as Ibis expressions: each participant's target incentive, marginal
bands of attainment paying shares of it, and free units per whole lot.
"""

from __future__ import annotations

import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.engine.exact import (
    as_dec,
    dec,
    div_floor,
    either,
    largest,
    mul,
    round_half_up,
    smallest,
)
from schemeops.program.model import Program, Slab

#: The note of a component whose participant has no target incentive (not in the table).
NOTE_NO_INCENTIVE = "no target incentive"


def incentive_column(component_id: str) -> str:
    """The wide table's column holding a component's target incentive."""
    return f"ti__{component_id}"


def target_incentives(program: Program, data: Data, w: ir.Table
                      ) -> tuple[ir.Table, dict[str, ir.Value]]:
    """`w` joined with the targets table where a component takes its target incentive from it,
    and the ti__<component> columns (money, NULL for a participant without a row)."""
    cols: dict[str, ir.Value] = {}
    for c in program.components:
        ti = c.target_incentive
        if ti is None:
            continue
        if ti.fixed is not None:
            cols[incentive_column(c.id)] = as_dec(dec(ti.fixed), 2)
            continue
        t = data.targets
        rows = t.filter((t.program_id == program.id) & (t.kpi == c.id)).select(
            "participant_id", ti=t.target)
        w = w.left_join(rows, "participant_id")
        cols[incentive_column(c.id)] = round_half_up(rows.ti, 2)
    return w, cols


def incentive_bands(slabs: tuple[Slab, ...], measure: ir.NumericValue, per: ir.NumericValue,
                    incentive: ir.DecimalValue) -> tuple[ir.DecimalValue, ir.DecimalValue]:
    """Σ band width of attainment (measure ÷ per) × pct_of_incentive, × the target incentive,
    as numerator and denominator (exact; divided and rounded once by the caller). Where `per`
    is not above 0 the attainment is empty and the bands pay 0."""
    ok = (per > 0).fill_null(False)
    d = either(ok, per, dec(1))
    total = dec(0)
    for i, s in enumerate(slabs):
        lo = mul(dec(s.start), d)
        top = smallest(measure, mul(dec(slabs[i + 1].start), d)) if i + 1 < len(slabs) \
            else measure
        total = total + mul(largest(top - lo, dec(0)), dec(s.pct_of_incentive))
    return mul(either(ok, total, dec(0)), incentive), d


def lot_units(quantity: ir.NumericValue, s: Slab) -> ir.DecimalValue:
    """floor(quantity ÷ lot) × free: free units for whole lots only (none for returns)."""
    lots = div_floor(largest(quantity, dec(0)), dec(s.lot), 0)
    return mul(lots, dec(s.free))
