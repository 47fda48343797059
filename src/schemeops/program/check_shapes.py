"""Checks of the issue-9 payout shapes: thresholds finer than the value they are compared with
(a warning), and target incentives whose targets-table rows would clash with a KPI's."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from schemeops.errors import Diagnostic
from schemeops.program.model import Component, Kpi, Program
from schemeops.program.source import Spans


def _places(value: Decimal) -> int:
    """The decimal places `value` needs (10.50 needs 1, 10.0 none)."""
    exp = value.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def _actual_places(kpi: Kpi) -> int | None:
    """Decimal places of the KPI's actual, None when it cannot be told from the program."""
    # The places are the engine's (one source of truth); imported here, not at module level,
    # so that the program package does not load the engine until a program is checked.
    from schemeops.engine.kpis import KpiError, kpi_scale

    try:
        return kpi_scale(kpi)
    except KpiError:  # an inexact metric expression, refused by calc with its own message
        return None


def _unit(places: int) -> str:
    return "whole numbers" if places == 0 else f"at most {places} decimal places"


def _fine_slabs(program: Program, comp: Component) -> Iterator[tuple[int, str, Decimal, int]]:
    """Slabs on an actual whose threshold has more places than that actual."""
    if comp.kpi is None or comp.on != "actual" or comp.kpi not in {k.id for k in program.kpis}:
        return
    places = _actual_places(program.kpi(comp.kpi))
    if places is None:
        return
    for i, s in enumerate(comp.slabs):
        if _places(s.start) > places:
            yield i, "above" if s.strict else "from", s.start, places


def check_threshold_places(program: Program, spans: Spans) -> list[Diagnostic]:
    """Warn where a slab's `from`/`above` has more decimal places than the actual it is
    compared with can have: it then acts as the next value the actual can take."""
    out: list[Diagnostic] = []
    for j, comp in enumerate(program.components):
        for i, key, value, places in _fine_slabs(program, comp):
            grid = Decimal(1).scaleb(-places)
            same = value.quantize(grid, ROUND_CEILING if key == "from" else ROUND_FLOOR)
            equivalent = f"from: {same}" if key == "from" else f"above: {same}"
            out.append(Diagnostic(
                spans.at(("components", j, "slabs", i, key)), "threshold_places",
                f"`{key}: {value}` has more decimal places than `{comp.kpi}` can have "
                f"({_unit(places)}): it acts as `{equivalent}`",
                f"write `{equivalent}` to say what is paid", severity="warning"))
    return out


def check_target_incentive_names(program: Program, spans: Spans) -> list[Diagnostic]:
    """A component reading its target incentive from the targets table (rows whose `kpi` is
    the component's id) is not named like a KPI, whose targets are rows of that table too."""
    kpis = {k.id for k in program.kpis}
    return [Diagnostic(spans.at(("components", j, "id")), "target_incentive_clash",
                       f"component `{c.id}` reads its target incentive from targets-table rows "
                       f"with kpi `{c.id}`, which is also a KPI of this program",
                       "rename the component (its id is the `kpi` of its target-incentive "
                       "rows), or use `target_incentive: {fixed: …}`")
            for j, c in enumerate(program.components)
            if c.target_incentive is not None and c.target_incentive.from_table
            and c.id in kpis]
