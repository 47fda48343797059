"""KPI windows: a KPI measured over a window other than its period, ending on the period's
last day (to date since the program's, year's or quarter's start, or the last N days)."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from schemeops.engine.periods import Window, windows_table
from schemeops.program.model import Kpi, KpiWindow

#: The month an Indian fiscal year starts in (1 April).
FISCAL_YEAR_MONTH = 4


def window_start(rule: KpiWindow, end: dt.date, first: dt.date) -> dt.date:
    """Where a KPI window ending on `end` starts (`first`: the program's first day)."""
    if rule.days is not None:
        return end - dt.timedelta(days=rule.days - 1)
    if rule.to_date == "program":
        return first
    if rule.to_date == "year":
        return dt.date(end.year, 1, 1)
    if rule.to_date == "fiscal_year":
        return dt.date(end.year - (end.month < FISCAL_YEAR_MONTH), FISCAL_YEAR_MONTH, 1)
    return dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)  # quarter


def kpi_windows(kpi: Kpi, windows: tuple[Window, ...]) -> tuple[Window, ...]:
    """The window `kpi` is measured over in each period: the period itself unless the KPI
    has a `window`, which then ends on the period's (as-of clipped) last day."""
    if kpi.window is None:
        return windows
    first = windows[0].start
    return tuple(Window(w.no, window_start(kpi.window, w.end, first), w.end) for w in windows)


def kpi_periods(kpi: Kpi, windows: tuple[Window, ...], periods: ir.Table) -> ir.Table:
    """The periods table `compute_kpi` reads for `kpi` (`periods` when it has no window)."""
    if kpi.window is None:
        return periods
    return windows_table(kpi_windows(kpi, windows))


def to_date_run(rule: KpiWindow, period_end: ir.DateValue) -> ir.IntegerValue:
    """Which to-date window a period's results accumulate in: periods with the same value
    share a window start (the whole program, a calendar year, a fiscal year, a quarter)."""
    year = period_end.year()
    if rule.to_date == "year":
        return year
    if rule.to_date == "fiscal_year":
        return year - ibis.ifelse(period_end.month() < FISCAL_YEAR_MONTH, 1, 0)
    if rule.to_date == "quarter":
        return year * 10 + period_end.quarter()
    return ibis.literal(0)
