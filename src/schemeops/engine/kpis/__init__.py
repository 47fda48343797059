"""The KPI library: each KPI kind compiled to one Ibis expression over the warehouse.

`compute_kpi` gives a KPI's actual per participant and period; rows only where there is
something (the caller fills 0), at most one per (participant_id, period_no).
"""

from __future__ import annotations

import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.engine.kpis._common import KpiError
from schemeops.engine.kpis.billing import billed_channels, billed_outlets, volume, volume_scale
from schemeops.engine.kpis.metric import metric, metric_scale
from schemeops.engine.kpis.outlets import net_channel_addition, reactivated_outlets
from schemeops.engine.kpis.payments import early_payment, outstanding
from schemeops.engine.kpis.upsell import upsell, upsell_scale
from schemeops.program.model import (
    BilledChannels,
    BilledOutlets,
    EarlyPayment,
    Formula,
    Kpi,
    Metric,
    NetChannelAddition,
    Outstanding,
    ReactivatedOutlets,
    Upsell,
    Volume,
)

__all__ = ["KpiError", "compute_kpi", "kpi_scale", "reads_daily"]

_COMPUTE = {
    "volume": volume,
    "billed_outlets": billed_outlets,
    "billed_channels": billed_channels,
    "outstanding": outstanding,
    "net_channel_addition": net_channel_addition,
    "upsell": upsell,
    "early_payment": early_payment,
    "reactivated_outlets": reactivated_outlets,
    "metric": metric,
    "formula": lambda kpi, _data, _periods: _not_from_warehouse(kpi),
}


def _not_from_warehouse(kpi: Formula) -> ir.Table:
    """A formula reads other KPIs' actuals (engine/formula.py), never the warehouse."""
    raise KpiError(f"formula `{kpi.id}` is computed from other KPIs' actuals, not from the "
                   "warehouse (a history target on a formula is refused by check)")


def compute_kpi(kpi: Kpi, data: Data, periods: ir.Table) -> ir.Table:
    """Actual of `kpi` per participant and period: columns participant_id (string),
    period_no (int64), actual (decimal(28, kpi_scale(kpi)))."""
    return _COMPUTE[kpi.kind](kpi, data, _conform_periods(periods))


def _conform_periods(periods: ir.Table) -> ir.Table:
    """period_no as int64, start and end as dates (casts only where the type differs)."""
    want = {"period_no": "int64", "start": "date", "end": "date"}
    casts = {c: periods[c].cast(t) for c, t in want.items() if periods[c].type() != dt.dtype(t)}
    return periods.mutate(**casts) if casts else periods


def kpi_scale(kpi: Kpi) -> int:
    """Decimal places of `kpi`'s actual: 0 counts, 2 money, 3 quantity, 4 ratios."""
    match kpi:
        case Volume(measure=measure):
            return volume_scale(measure)
        case Outstanding() | EarlyPayment():
            return 2
        case Upsell():
            return upsell_scale(kpi)
        case Metric():
            return metric_scale(kpi)
        case Formula(places=places):
            return places
        case BilledOutlets() | BilledChannels() | NetChannelAddition() | ReactivatedOutlets():
            return 0
    raise KpiError(f"unknown KPI kind {kpi.kind!r}")


def reads_daily(kpi: Kpi) -> bool:
    """Whether `kpi` reads the day totals of net value (`Data.daily`) rather than sales lines."""
    if kpi.products:
        return False
    match kpi:
        case Volume():
            return kpi.source == "secondary" and kpi.measure == "net_amount"
        case BilledChannels():
            return kpi.source == "secondary"
        case BilledOutlets() | NetChannelAddition() | ReactivatedOutlets():
            return True
    return False
