"""The KPI library: one definition per KPI kind (`KpiKind`), and the registry of them that
the rest of the engine asks.

`compute_kpi` gives a KPI's actual per participant and period; rows only where there is
something (the caller fills 0), at most one per (participant_id, period_no).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.engine.kpis._common import KpiError, managed_pairs
from schemeops.engine.kpis.billing import BILLED_CHANNELS, BILLED_OUTLETS, VOLUME
from schemeops.engine.kpis.facts import Spans, covers, merge_spans, need_spans
from schemeops.engine.kpis.formula import FORMULA
from schemeops.engine.kpis.kind import KpiKind
from schemeops.engine.kpis.metric import METRIC
from schemeops.engine.kpis.outlets import NET_CHANNEL_ADDITION, REACTIVATED_OUTLETS
from schemeops.engine.kpis.payments import EARLY_PAYMENT, OUTSTANDING
from schemeops.engine.kpis.upsell import UPSELL
from schemeops.engine.periods import Window, history_windows
from schemeops.engine.windows import kpi_windows
from schemeops.program.model import Kpi, Program

__all__ = [
    "KINDS",
    "KpiError",
    "KpiKind",
    "bill_lines",
    "compute_kpi",
    "facts_spans",
    "kind_of",
    "kpi_scale",
    "kpi_spans",
    "managed_pairs",
    "reads_daily",
    "reads_facts",
    "wording",
]

#: Every KPI kind, by its program model class.
KINDS: MappingProxyType[type, KpiKind] = MappingProxyType({k.spec: k for k in (
    VOLUME, BILLED_OUTLETS, BILLED_CHANNELS, OUTSTANDING, NET_CHANNEL_ADDITION, UPSELL,
    EARLY_PAYMENT, REACTIVATED_OUTLETS, METRIC, FORMULA)})


def kind_of(kpi: Kpi) -> KpiKind:
    """The definition of `kpi`'s kind; KpiError for a kind the engine does not know."""
    kind = KINDS.get(type(kpi))
    if kind is None:
        raise KpiError(f"unknown KPI kind {kpi.kind!r}")
    return kind


def compute_kpi(kpi: Kpi, data: Data, periods: ir.Table) -> ir.Table:
    """Actual of `kpi` per participant and period: columns participant_id (string),
    period_no (int64), actual (decimal(28, kpi_scale(kpi)))."""
    return kind_of(kpi).compute(kpi, data, _conform_periods(periods))


def _conform_periods(periods: ir.Table) -> ir.Table:
    """period_no as int64, start and end as dates (casts only where the type differs)."""
    want = {"period_no": "int64", "start": "date", "end": "date"}
    casts = {c: periods[c].cast(t) for c, t in want.items() if periods[c].type() != dt.dtype(t)}
    return periods.mutate(**casts) if casts else periods


def kpi_scale(kpi: Kpi) -> int:
    """Decimal places of `kpi`'s actual: 0 counts, 2 money, 3 quantity, 4 ratios."""
    return kind_of(kpi).scale(kpi)


def reads_daily(kpi: Kpi) -> bool:
    """Whether `kpi` reads the day totals of net value (`Data.daily`) rather than sales lines."""
    return not kpi.products and kind_of(kpi).reads_daily(kpi)


def reads_facts(kpi: Kpi) -> bool:
    """Whether `kpi` reads the run's per-outlet facts (an outlet KPI without a product
    filter)."""
    return covers(kpi) and kind_of(kpi).facts(kpi) is not None


def kpi_spans(kpi: Kpi, windows: Iterable[Window]) -> Spans:
    """The windows (first, last day) whose facts `kpi` reads over `windows`, each with the
    history facts it reads there (none unless it `reads_facts`)."""
    need = kind_of(kpi).facts(kpi) if covers(kpi) else None
    return {} if need is None else need_spans(need, windows)


def facts_spans(program: Program, windows: tuple[Window, ...]) -> Spans:
    """The windows whose facts the KPIs of `program` read (see `kpi_spans`), their history
    targets' windows included."""
    spans: Spans = {}
    for kpi in program.kpis:
        rule = program.targets.get(kpi.id)
        ws = list(kpi_windows(kpi, windows))
        if rule is not None and rule.history is not None:
            ws += [w for _no, w in history_windows(tuple(ws), rule.history)]
        spans = merge_spans(spans, kpi_spans(kpi, ws))
    return spans


def wording(kpi: Kpi, lower_is_better: bool = False) -> tuple[str, str]:
    """How a gap in the KPI is said: (unit, phrase) (`kind.Wording`); when lower is better,
    how bringing it down is said, in money."""
    k = kind_of(kpi)
    return ("money", k.down(kpi)) if lower_is_better else k.wording(kpi)


def bill_lines(kpi: Kpi, data: Data) -> tuple[ir.Table, str]:
    """The KPI's lines with `_v`, what a bill sums, and their source; KpiError when its
    kind has no per-bill value (check refuses `per: invoice` on it first)."""
    lines = kind_of(kpi).bill_lines
    if lines is None:
        raise KpiError(f"KPI `{kpi.id}` ({kpi.kind}) is not a sum over sales lines")
    return lines(kpi, data)
