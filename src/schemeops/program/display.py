"""What a participant reads instead of ids: the display name and unit of a program, its KPIs
and its components, from their `label:` and `unit:` keys or, where absent, from the kind.

A unit is text shown after a number ('14 outlets'), except four that say how the number is
shown: `₹` (rupees, to the paisa), `L` (lakh of rupees), `cr` (crore of rupees) and `%` (a
share shown × 100). docs/programs.md, "Display names and units".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from schemeops.program.model import (
    BilledChannels,
    BilledOutlets,
    Component,
    EarlyPayment,
    Kpi,
    NetChannelAddition,
    Outstanding,
    Program,
    ReactivatedOutlets,
    Upsell,
    Volume,
)

#: Units that are amounts of money, and how many rupees one of them is.
MONEY_UNITS: Mapping[str, int] = MappingProxyType({"₹": 1, "L": 100_000, "cr": 10_000_000})
SHARE = "%"


@dataclass(frozen=True)
class KpiDisplay:
    """A KPI as shown: its name, unit, and whether a lower actual is the better one."""

    label: str
    unit: str
    lower_is_better: bool = False


@dataclass(frozen=True)
class Display:
    """A program's display names: its own, and each KPI's and component's by id."""

    label: str
    kpis: Mapping[str, KpiDisplay]
    components: Mapping[str, KpiDisplay]

    def kpi(self, kpi_id: str) -> KpiDisplay:
        """The KPI's display (an id the program does not have is shown as itself)."""
        return self.kpis.get(kpi_id) or KpiDisplay(humanise(kpi_id), "")

    def component(self, component_id: str) -> KpiDisplay:
        """The component's display (an id the program does not have is shown as itself)."""
        return self.components.get(component_id) or KpiDisplay(humanise(component_id), "₹")


def humanise(identifier: str) -> str:
    """An id as words: 'growth_bonus' → 'Growth bonus'."""
    return identifier.replace("_", " ").strip().capitalize() or identifier


def default_unit(kpi: Kpi) -> str:
    """The unit a KPI's kind implies."""
    if isinstance(kpi, (BilledOutlets, NetChannelAddition, ReactivatedOutlets)):
        return "outlets"
    if isinstance(kpi, BilledChannels):
        return "channels"
    if isinstance(kpi, Outstanding):
        return "L"
    if isinstance(kpi, EarlyPayment):
        return "₹"
    if isinstance(kpi, (Volume, Upsell)):
        mode = getattr(kpi, "mode", "segment_volume")
        return {"range_outlets": "outlets", "bundle": "bundles", "mix_share": SHARE}.get(
            mode, "₹" if kpi.measure == "net_amount" else "units")
    return ""  # metric and formula: the program says, or the number stands alone


def _kind_label(kpi: Kpi) -> str | None:
    """The name a KPI's kind implies (None: its id says more)."""
    if isinstance(kpi, Volume):
        if kpi.source == "primary":
            return "Purchases"
        return "Sales" if kpi.measure == "net_amount" else "Quantity sold"
    if isinstance(kpi, BilledOutlets):
        return "Outlets billed"
    if isinstance(kpi, BilledChannels):
        return "Channels billed"
    if isinstance(kpi, Outstanding):
        if kpi.mode == "reduction":
            return "Reduction in overdue" if kpi.overdue_only else "Reduction in outstanding"
        return "Overdue" if kpi.overdue_only or kpi.older_than_days else "Outstanding"
    if isinstance(kpi, NetChannelAddition):
        return {"net": "Net new outlets", "new": "New outlets", "lost": "Outlets lost"}[kpi.count]
    if isinstance(kpi, ReactivatedOutlets):
        return "Outlets reactivated"
    if isinstance(kpi, EarlyPayment):
        return "Early-payment discount"
    return None


def _component_unit(c: Component) -> str:
    return c.unit or ("free units" if c.free is not None else "₹")


def display(program: Program) -> Display:
    """The display names and units of `program`: its `label:`/`unit:` keys, else the kind's
    (two KPIs the kind would name alike are named by their ids)."""
    implied = {k.id: _kind_label(k) for k in program.kpis}
    twice = {name for name, n in Counter(implied.values()).items() if n > 1}
    kpis = {k.id: KpiDisplay(
        k.label or (implied[k.id] if implied[k.id] and implied[k.id] not in twice
                    else humanise(k.id)),
        k.unit or default_unit(k),
        program.targets[k.id].lower_is_better if k.id in program.targets else False)
        for k in program.kpis}
    components = {c.id: KpiDisplay(c.label or humanise(c.id), _component_unit(c))
                  for c in program.components}
    return Display(program.label or program.name, MappingProxyType(kpis),
                   MappingProxyType(components))
