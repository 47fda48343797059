"""`KpiKind`: everything the engine knows about one kind of KPI, in one definition.

Each kind's module (billing, outlets, payments, upsell, metric, formula) defines its kind next
to the functions it names; `kpis.KINDS` is the one registry the rest of the engine asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


#: How a gap in a KPI is said: (unit, phrase). The unit says how the number is shown (whole,
#: money, points, exact: `wording.UNITS`); the phrase has `{n}` where the number goes and
#: `{s}` where a plural `s` goes (`wording.say_gap`). Written once per KPI row of
#: explanations.csv, so a stored explanation is told without the program.
Wording = tuple[str, str]


def _bring_down(kpi: KpiBase) -> str:
    return f"bring {lit(kpi.id)} down by {{n}}"


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
    #: How a gap in it is said, in its own unit ('bill {n} more outlet{s}').
    wording: Callable[[K], Wording]
    #: Whether, without a product filter, it reads the day totals (`Data.daily`).
    reads_daily: Callable[[K], bool] = _never
    #: What, without a product filter, it reads from the per-outlet facts (None: nothing).
    facts: Callable[[K], Facts | None] = _no_facts
    #: How bringing it down is said (in money), for a lower-is-better target.
    down: Callable[[K], str] = _bring_down
    #: Its lines with `_v`, what a bill sums, and their source (`secondary` or `primary`);
    #: None when the kind has no per-bill value.
    bill_lines: Callable[[K, Data], tuple[ir.Table, str]] | None = None


def lit(text: str) -> str:
    """Program text inside a gap phrase, its braces doubled so that `say_gap` keeps them."""
    return text.replace("{", "{{").replace("}", "}}")


def count_wording(verb: str, noun: str) -> Callable[[KpiBase], Wording]:
    """The gap wording of a count: 'bill {n} more outlet{s}'."""
    return lambda _kpi: ("whole", f"{verb} {{n}} more {noun}{{s}}")
