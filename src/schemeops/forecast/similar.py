"""Which past programs are similar to a forecast one, and the lift they measured.

Two programs are similar when their scheme KPI — the KPI of their first component — has the
same kind, source, measure and product filter (compared with whitespace collapsed): they
pay for selling the same products the same way, so a lift measured on one is the best
available guess for the other. Nothing else (slabs, rates, who is eligible) is compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from schemeops.program.model import Program

#: Places of lifts and ROIs.
PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class PastLift:
    """A lift measured on a past program (effect's program row of its latest period)."""

    program_id: str
    source: str           # where it was read: an effect estimate's id or an effect.csv
    period_start: str
    lift_pct: Decimal
    low: Decimal | None
    high: Decimal | None


def scope(program: Program) -> tuple[str, ...] | None:
    """The scheme KPI's kind, source, measure and product filter (None without a KPI)."""
    kpi_id = next((c.kpi for c in program.components if c.kpi), None)
    if kpi_id is None:
        return None
    k = program.kpi(kpi_id)
    fields = [getattr(k, name, None) for name in ("kind", "source", "measure", "products")]
    return tuple(" ".join(str(f).split()) if f is not None else "" for f in fields)


def similar(program: Program, past: Program) -> bool:
    """Whether `past` measured a lift that can stand for `program`'s."""
    mine = scope(program)
    return mine is not None and mine == scope(past)


@dataclass(frozen=True)
class ExpectedLift:
    """The mean of the similar programs' lifts and of their interval ends (percent)."""

    lift_pct: Decimal
    low: Decimal
    high: Decimal
    sources: tuple[PastLift, ...]


def pooled(lifts: list[PastLift]) -> ExpectedLift | None:
    """The expected lift from `lifts` (None when there is none: no lift is invented).
    An interval end a past estimate lacks counts as its point."""
    if not lifts:
        return None
    n = Decimal(len(lifts))

    def mean(values: list[Decimal]) -> Decimal:
        return (sum(values, Decimal(0)) / n).quantize(PLACES, ROUND_HALF_UP)

    return ExpectedLift(mean([x.lift_pct for x in lifts]),
                        mean([x.low if x.low is not None else x.lift_pct for x in lifts]),
                        mean([x.high if x.high is not None else x.lift_pct for x in lifts]),
                        tuple(lifts))


def expected_roi(lift_pct: Decimal, baseline_value: Decimal, margin: Decimal | None,
                 cost: Decimal) -> Decimal | None:
    """(lift × baseline value × margin − cost) ÷ cost, half-up to 4 places (None without
    cost or margin)."""
    if margin is None or cost <= 0:
        return None
    incremental = lift_pct / 100 * baseline_value
    return ((incremental * margin - cost) / cost).quantize(PLACES, ROUND_HALF_UP)
