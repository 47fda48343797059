"""The comparable history periods a forecast replays a program on.

A replay is the program with its period moved back by a whole number of its own spans (the
first period's start to the last period's end): by whole months when every period is whole
calendar months (so a month's season and length stay a month's), else by days. The latest
`count` replays that lie wholly inside the sales history are kept, newest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from schemeops.engine.periods import Window, add_months, program_windows, whole_months
from schemeops.errors import UsageError
from schemeops.program.model import Period, Program

#: How far back replays are looked for, in spans (a bound on the loop, not on the data).
MAX_SPANS = 240


@dataclass(frozen=True)
class Replay:
    """One replay: its number (1 = the newest), the program moved back, and its periods."""

    no: int
    program: Program
    windows: tuple[Window, ...]


def _moved(period: Period, k: int, windows: tuple[Window, ...]) -> Period:
    first, last = windows[0], windows[-1]
    months = [whole_months(w) for w in windows]
    if all(months):
        span = (last.end.year - first.start.year) * 12 + last.end.month - first.start.month + 1
        start = add_months(period.start, -k * span)
        end = add_months(start, months[0]) - dt.timedelta(days=1)
        return period.model_copy(update={"start": start, "end": end})
    shift = dt.timedelta(days=k * ((last.end - first.start).days + 1))
    return period.model_copy(update={"start": period.start - shift, "end": period.end - shift})


def with_period(program: Program, period: Period) -> Program:
    """`program` running over `period` instead of its own."""
    return program.model_copy(update={"period": period})


def comparable_replays(program: Program, first_day: dt.date, last_day: dt.date, *,
                       count: int) -> list[Replay]:
    """The latest `count` replays of `program` lying wholly within first_day … last_day;
    UsageError saying what history the program needs when none does."""
    own = program_windows(program.period)
    out: list[Replay] = []
    for k in range(1, MAX_SPANS + 1):  # one step per span moved back, not per row
        period = _moved(program.period, k, own)
        windows = program_windows(period)
        if windows[0].start < first_day:
            break
        if windows[-1].end <= last_day:
            out.append(Replay(len(out) + 1, with_period(program, period), windows))
            if len(out) == count:
                break
    if not out:
        span = (own[-1].end - own[0].start).days + 1
        raise UsageError(
            f"program {program.id}: its periods span {span} days ({own[0].start} … "
            f"{own[-1].end}), and the warehouse's sales ({first_day} … {last_day}) hold no "
            "whole span before it to replay it on; load more history or shorten the period")
    return out
