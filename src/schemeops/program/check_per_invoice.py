"""Checks of `per: invoice` components: a KPI that is a sum over bills, and slabs on actual."""

from __future__ import annotations

from collections.abc import Iterator

from schemeops.errors import Diagnostic
from schemeops.program.model import Component, Kpi, Program
from schemeops.program.source import Spans

_SPLITS = ("a `volume`, an `upsell` with `mode: segment_volume`, or a `metric` with "
           "`agg: sum` over `sales` or `primary_sales`")
#: What a per-invoice component cannot have, with why and what to write instead.
_UNSUPPORTED = {
    "scorecard": ("weighs attainments of the period, which no single bill has",
                  "give `kpi:` the KPI whose bills are tiered"),
    "curve": ("interpolates over the period's value, not a bill's",
              "write `slabs:` (step or marginal), or drop `per`"),
    "fixed": ("pays one amount per period, whatever the bills",
              "write `slabs: [{from: X, amount: …}]` to pay an amount per bill from X"),
    "base": ("pays on each bill's own value, so another KPI cannot be the base",
             "drop `base`, or drop `per` to pay on the period's total"),
    "catch_up": ("catches up a target over periods, not bills", "drop `catch_up` or `per`"),
}


def splits_by_bill(kpi: Kpi) -> bool:
    """Whether a KPI is a sum over sales lines, so it can be taken bill by bill."""
    return (kpi.kind == "volume"
            or (kpi.kind == "upsell" and kpi.mode == "segment_volume")
            or (kpi.kind == "metric" and kpi.agg == "sum"
                and kpi.table in ("sales", "primary_sales")))


def _unsupported(comp: Component, j: int, spans: Spans) -> Iterator[Diagnostic]:
    for key, (why, hint) in _UNSUPPORTED.items():
        if key == "base" and comp.scorecard:
            continue  # a scorecard needs its base: the scorecard is what to report
        if getattr(comp, key) not in (None, ()):
            yield Diagnostic(spans.at(("components", j, key), key=True),
                             "per_invoice_unsupported",
                             f"component `{comp.id}` pays per invoice, but `{key}` {why}", hint)


def _component(program: Program, comp: Component, j: int, spans: Spans) -> Iterator[Diagnostic]:
    at_per = spans.at(("components", j, "per"))
    ids = {k.id for k in program.kpis}
    if comp.kpi in ids and not splits_by_bill(kpi := program.kpi(comp.kpi)):
        what = f"{kpi.kind}" + (f" ({kpi.mode})" if kpi.kind == "upsell" else "") + (
            f" ({kpi.agg} over {kpi.table})" if kpi.kind == "metric" else "")
        yield Diagnostic(at_per, "per_invoice_kpi",
                         f"component `{comp.id}` pays per invoice, but `{comp.kpi}` is a "
                         f"{what}, not a sum over bills",
                         f"measure {_SPLITS}, or drop `per`")
    if comp.kpi in ids and program.kpi(comp.kpi).window is not None:
        yield Diagnostic(at_per, "per_invoice_unsupported",
                         f"component `{comp.id}` pays per invoice, but `{comp.kpi}` is "
                         "measured over a `window`; bills are tiered in their own period",
                         "drop the KPI's `window`, or pay on a second KPI without one")
    if comp.on != "actual" and comp.kpi is not None:
        yield Diagnostic(spans.at(("components", j, "on")) if "on" in comp.model_fields_set
                         else at_per, "per_invoice_on_actual",
                         f"component `{comp.id}` pays per invoice on attainment; a bill has "
                         "no target", "write `on: actual`: each bill's value is compared "
                         "with the slabs' `from`")
    yield from _unsupported(comp, j, spans)


def check_per_invoice(program: Program, spans: Spans) -> list[Diagnostic]:
    """A `per: invoice` component tiers a sum over bills, on actual, with slabs only."""
    return [d for j, comp in enumerate(program.components) if comp.per is not None
            for d in _component(program, comp, j, spans)]
