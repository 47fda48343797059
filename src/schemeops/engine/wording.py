"""The words of an explanation that come from the program: how a target is set, and how a gap
in a KPI is said in the KPI's own unit ('bill 14 more outlets', 'sell 2,500.00 more in net
value').

A gap's wording is fixed per KPI, so the calculation writes it once per KPI row of
explanations.csv as a unit (how the number is shown) and a phrase with `{n}` where the number
goes and `{s}` where a plural `s` goes; `say_gap` puts a gap into it.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from schemeops.engine.kpis import wording
from schemeops.program.model import Kpi, Target

#: How a gap's number is shown: whole (rounded up, with a plural), money (up to the paisa),
#: points (a share × 100, up to 2 places), exact (as computed, at the KPI's places).
UNITS = ("whole", "money", "points", "exact")


def describe_target(rule: Target) -> str:
    """How a target is set, in words."""
    if rule.fixed is not None:
        text = f"fixed {rule.fixed}"
    elif rule.from_table:
        text = "from the targets table"
    else:
        h = rule.history
        basis = {"previous_period": "previous period's actual",
                 "same_period_last_year": "same period last year",
                 "average": f"average of the {h.periods} periods before"}[h.basis]
        up = rule.uplift
        text = f"{basis} × (1 + {up.default})"
        if up.by and up.values:
            text += f", uplift by {up.by}: " + ", ".join(f"{k} {v}" for k, v in
                                                         sorted(up.values.items()))
    if rule.floor is not None:
        text += f", at least {rule.floor}"
    if rule.round is not None:
        text += f", rounded {rule.round.mode} to {rule.round.to}"
    if rule.lower_is_better:
        text += ", lower is better"
    return text


def gap_wording(kpi: Kpi, rule: Target | None = None) -> tuple[str, str]:
    """(unit, phrase) of a gap in `kpi` (its kind's wording, `kpis.wording`); when lower is
    better, the gap is how far down."""
    return wording(kpi, rule is not None and rule.lower_is_better)


def say_gap(unit: str, phrase: str, gap: Decimal) -> str:
    """The gap in words: `phrase` with its number shown as `unit` says."""
    if unit == "whole":
        n = gap.to_integral_value(ROUND_CEILING)
        return phrase.format(n=f"{n:,}", s="" if n == 1 else "s")
    if unit == "points":
        return phrase.format(n=(gap * 100).quantize(Decimal("0.01"), ROUND_CEILING), s="")
    if unit == "money":
        return phrase.format(n=f"{gap.quantize(Decimal('0.01'), ROUND_CEILING):,}", s="")
    return phrase.format(n=gap, s="")
