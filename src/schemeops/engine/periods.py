"""The periods a program runs over: the first period, its recurrences, clipped at the as-of date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt_
import ibis.expr.operations as ops
import ibis.expr.types as ir

from schemeops.program.model import History, Period


@dataclass(frozen=True)
class Window:
    """One period: its number (1-based), first and last day (inclusive)."""

    no: int
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Length in days."""
        return (self.end - self.start).days + 1


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months (clamped to the month's last day)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(year=year, month=month, day=1) + dt.timedelta(days=day.day - 1),
               nxt - dt.timedelta(days=1))


def program_windows(period: Period, as_of: dt.date | None = None) -> tuple[Window, ...]:
    """Every period of the program, those starting after `as_of` left out, the last clipped."""
    rec = period.recurrence
    count = rec.count if rec else 1
    out = []
    for k in range(count):  # one iteration per recurrence (≤ 60), not per row
        if rec is None:
            start, end = period.start, period.end
        elif rec.every_days:
            start = period.start + dt.timedelta(days=k * rec.every_days)
            end = start + (period.end - period.start)
        else:
            start = add_months(period.start, k * rec.every_months)
            end = add_months(period.start, (k + 1) * rec.every_months) - dt.timedelta(days=1)
        if as_of is not None:
            if start > as_of:
                break
            end = min(end, as_of)
        out.append(Window(k + 1, start, end))
    return tuple(out)


def history_windows(windows: tuple[Window, ...], history: History) -> list[tuple[int, Window]]:
    """For each period: the past windows its history-based target reads, as (period_no, window).

    previous_period: the window of equal length just before (for a period of whole calendar
    months, the same number of whole months before: October's is September);
    same_period_last_year: the same dates a year earlier (for whole calendar months, the
    same months: February 2025's is all of February 2024, the 29th included); average: the
    `periods` such windows before it.
    """
    out = []
    for w in windows:
        months = whole_months(w)
        if history.basis == "same_period_last_year":
            start = add_months(w.start, -12)
            end = (add_months(start, months) - dt.timedelta(days=1) if months
                   else add_months(w.end, -12))
            out.append((w.no, Window(w.no, start, end)))
            continue
        n = 1 if history.basis == "previous_period" else history.periods
        for j in range(1, n + 1):
            if months:
                start = add_months(w.start, -j * months)
                out.append((w.no, Window(w.no, start, add_months(start, months)
                                         - dt.timedelta(days=1))))
            else:
                shift = dt.timedelta(days=j * w.days)
                out.append((w.no, Window(w.no, w.start - shift, w.end - shift)))
    return out


def whole_months(w: Window) -> int:
    """How many calendar months `w` spans if it is whole months (1st to a month's end), else 0."""
    after = w.end + dt.timedelta(days=1)
    if w.start.day != 1 or after.day != 1:
        return 0
    return (after.year - w.start.year) * 12 + after.month - w.start.month


def windows_table(windows: list[Window] | tuple[Window, ...], *, numbers: list[int] | None
                  = None) -> ir.Table:
    """The windows as a table: period_no, start, end (period_no from `numbers` if given),
    written as literal rows of the query (no in-memory table to register)."""
    nos = numbers if numbers is not None else [w.no for w in windows]
    rows = [ops.DummyTable({"period_no": ops.Cast(ops.Literal(no, dt_.int64), to=dt_.int64),
                            "start": ops.Literal(w.start, dt_.date),
                            "end": ops.Literal(w.end, dt_.date)}).to_expr()
            for no, w in zip(nos, windows, strict=True)]
    return ibis.union(*rows, distinct=False) if len(rows) > 1 else rows[0]


def known_windows(periods: ir.Table) -> tuple[Window, ...] | None:
    """The windows a `windows_table` was written from (its literal rows), so that a query
    can test literal dates instead of joining the table; None for any other table."""
    out: list[Window] = []
    todo = [periods.op()]
    while todo:  # the union's operands, left to right (a few, never rows of data)
        op = todo.pop(0)
        if isinstance(op, ops.Union) and not op.distinct:
            todo[:0] = [op.left, op.right]
            continue
        names = tuple(op.values) if isinstance(op, ops.DummyTable) else ()
        if names != ("period_no", "start", "end"):
            return None
        vals = [v.arg if isinstance(v, ops.Cast) else v for v in op.values.values()]
        if not all(isinstance(v, ops.Literal) for v in vals):
            return None
        out.append(Window(*(v.value for v in vals)))
    return tuple(sorted(out, key=lambda w: (w.no, w.start)))
