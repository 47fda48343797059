"""Every guard of one program, beside the programs it may stack with, on one warehouse:
read the lines (replayed from history when its periods hold none yet), stack, judge."""

from __future__ import annotations

import datetime as dt

import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.engine.periods import program_windows
from schemeops.guards.burn import burn_verdict, paid_so_far
from schemeops.guards.limits import limits_for
from schemeops.guards.line_guards import (
    discount_verdict,
    floor_verdict,
    line_figures,
    margin_verdict,
    stacking_verdict,
)
from schemeops.guards.stack import Stack, sale_lines, stack
from schemeops.guards.verdict import Level, Verdict
from schemeops.program.model import Program


def _one(t: ir.Table) -> dict:
    return t.to_pyarrow().to_pylist()[0]


def replay_shift(program: Program, sales: ir.Table, as_of: dt.date | None) -> int:
    """0 when the program's periods (to `as_of`) hold invoice lines; otherwise the days that
    move the latest history of the same length onto the program's first day."""
    # before the program starts, as of that day, its whole span stands in
    windows = program_windows(program.period, as_of) or program_windows(program.period)
    start, end = windows[0].start, windows[-1].end
    d = sales.invoice_date
    row = _one(sales.aggregate(inside=(d.between(start, end)).cast("int64").sum(),
                               last=d.max()))
    if row["inside"] or row["last"] is None:
        return 0
    first = row["last"] - (end - start)  # the same number of days, ending on the last sale
    return (start - first).days


def stacked_lines(subject: Program, others: list[Program], data: Data, *,
                  as_of: dt.date | None = None) -> tuple[Stack | None, int]:
    """`subject`'s lines stacked with `others` (None when it pays on no sale line), and the
    days history was moved forward to stand in for its periods (0: its own lines)."""
    shift = replay_shift(subject, data.sales, as_of)
    lines = sale_lines(data.sales, shift_days=shift)
    return stack(subject, others, lines, data, as_of=as_of), shift


def evaluate(subject: Program, others: list[Program], data: Data, *,
             as_of: dt.date | None = None) -> tuple[list[Verdict], int]:
    """The verdict of every guard on `subject` stacked with `others`, and the days history
    was moved forward to stand in for the program's periods (0: its own lines)."""
    limits = limits_for(subject)
    stacked, shift = stacked_lines(subject, others, data, as_of=as_of)
    if stacked is None:
        verdicts = [Verdict(g, Level.OK, None, None, {"lines": 0},
                            "the program pays on no sale line (no rate on a sales volume)")
                    for g in ("stacking", "discount_cap", "margin_floor", "gross_margin")]
    else:
        row = _one(line_figures(stacked.lines, limits))
        verdicts = [stacking_verdict(row, subject.max_stacking), discount_verdict(row, limits),
                    floor_verdict(row, limits), margin_verdict(row, limits)]
    if as_of is not None:
        verdicts.append(burn_verdict(subject, paid_so_far(subject, data, as_of), as_of, limits))
    return verdicts, shift
