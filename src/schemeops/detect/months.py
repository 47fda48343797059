"""The calendar months the sales cover, as a small Ibis table the detectors join."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pyarrow as pa


def month_end(start: dt.date) -> dt.date:
    """The last day of the month starting on `start`."""
    nxt = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of every month from `first`'s to `last`'s."""
    out, d = [], first.replace(day=1)
    while d <= last:
        out.append(d)
        d = month_end(d) + dt.timedelta(days=1)
    return out


def months_table(first: dt.date, last: dt.date) -> ir.Table:
    """period_start, period_end of every month from `first`'s to `last`'s."""
    starts = month_starts(first, last)
    return ibis.memtable(pa.table({
        "period_start": pa.array(starts, pa.date32()),
        "period_end": pa.array([month_end(s) for s in starts], pa.date32()),
    }))
