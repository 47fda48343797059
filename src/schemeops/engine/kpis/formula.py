"""The formula kind: its actual comes from other KPIs' actuals (`engine.formula`), never
from the warehouse."""

from __future__ import annotations

import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.engine.kpis._common import KpiError
from schemeops.engine.kpis.kind import KpiKind, Wording, lit
from schemeops.program.model import Formula


def _not_from_warehouse(kpi: Formula, _data: Data, _periods: ir.Table) -> ir.Table:
    raise KpiError(f"formula `{kpi.id}` is computed from other KPIs' actuals, not from the "
                   "warehouse (a history target on a formula is refused by check)")


def _wording(kpi: Formula) -> Wording:
    return "exact", f"raise {lit(kpi.id)} by {{n}}"


FORMULA = KpiKind(Formula, compute=_not_from_warehouse, scale=lambda k: k.places, wording=_wording)
