"""`KpiKind`: everything the engine knows about one kind of KPI, in one definition.

Each kind's module (billing, outlets, payments, upsell, metric, formula) defines its kind next
to the functions it names; `kpis.KINDS` is the one registry the rest of the engine asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Generic, TypeVar

import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.program.model import KpiBase

K = TypeVar("K", bound=KpiBase)


@dataclass(frozen=True)
class Facts:
    """What a KPI reads from the run's per-outlet facts (`kpis.facts`) over each window."""

    #: The history facts read over the window itself (`facts.FIRST`, `facts.LAST`).
    reads: frozenset[str] = frozenset()
    #: Days just before each window in which it reads whether the outlet billed (lookback,
    #: quiet days), or None.
    before: int | None = None


def _never(_kpi: KpiBase) -> bool:
    return False


def _no_facts(_kpi: KpiBase) -> Facts | None:
    return None


def _bring_down(kpi: KpiBase) -> str:
    return f"bring {kpi.id} down by"


@dataclass(frozen=True)
class KpiKind(Generic[K]):
    """One KPI kind: its actual as an Ibis expression, its scale, what it reads, and how
    `explain` words a gap in it."""

    #: The program model class of the kind (`Volume`, `Upsell`, …).
    spec: type[K]
    #: The actual per participant and period (the contract of `kpis.compute_kpi`).
    compute: Callable[[K, Data, ir.Table], ir.Table]
    #: Decimal places of the actual.
    scale: Callable[[K], int]
    #: What closing a gap of the given size means, in the KPI's own unit.
    gap: Callable[[K, Decimal], str]
    #: Whether, without a product filter, it reads the day totals (`Data.daily`).
    reads_daily: Callable[[K], bool] = _never
    #: What, without a product filter, it reads from the per-outlet facts (None: nothing).
    facts: Callable[[K], Facts | None] = _no_facts
    #: How bringing it down is worded, for a lower-is-better target.
    down: Callable[[K], str] = _bring_down
    #: Its lines with `_v`, what a bill sums, and their source (`secondary` or `primary`);
    #: None when the kind has no per-bill value.
    bill_lines: Callable[[K, Data], tuple[ir.Table, str]] | None = None


def plural(n: Decimal, noun: str) -> str:
    """'1 outlet', '14 outlets' (n with thousands separators)."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def count_gap(verb: str, noun: str) -> Callable[[KpiBase, Decimal], str]:
    """The gap wording of a count: 'bill 14 more outlets'."""
    def gap_text(_kpi: KpiBase, gap: Decimal) -> str:
        return f"{verb} {plural(whole(gap), 'more ' + noun)}"
    return gap_text


def whole(gap: Decimal) -> Decimal:
    """A gap in a count: the next whole number up."""
    return gap.to_integral_value(ROUND_CEILING)


def money(gap: Decimal) -> Decimal:
    """A gap in money: the next cent up."""
    return gap.quantize(Decimal("0.01"), ROUND_CEILING)
