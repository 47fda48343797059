"""Write a calculation's results per the output contract: payouts.csv, kpis.csv, components.csv
and explanations.csv.

Rows are sorted by program_id, participant_id (then period, then KPI or component order);
money has exactly 2 places; an empty field is an unknown (e.g. no target).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import ibis
import ibis.expr.types as ir

from schemeops.engine.backends import materialize
from schemeops.engine.caps import KEYS
from schemeops.engine.exact import as_dec
from schemeops.engine.explain_rows import FIELDS, MONEY
from schemeops.engine.runner import ProgramResult

PAYOUT_COLUMNS = ("program_id", "participant_id", "period_start", "period_end", "payout")
KPI_COLUMNS = ("program_id", "participant_id", "kpi", "actual", "target", "attainment",
               "period_start", "period_end")
COMPONENT_COLUMNS = ("program_id", "participant_id", "component", "base", "rate", "amount",
                     "note", "period_start", "period_end")
EXPLANATION_COLUMNS = ("program_id", "participant_id", "period_start", "period_end",
                       *FIELDS)
#: Writes a table's rows to a CSV file; the returned function gives how many (once written).
WriteCsv = Callable[[ir.Table, Path], Callable[[], int]]


def _dated(r: ProgramResult, t: ir.Table, columns: tuple[str, ...]) -> ir.Table:
    """`columns` and _order of `t`, program_id being the program's id and period_start and
    period_end its period's days (one projection of the join)."""
    dates = r.wide.select(*KEYS, "period_start", "period_end")
    j = t.join(dates, KEYS)
    return j.select(*[ibis.literal(r.program.id).name(c) if c == "program_id" else c
                      for c in columns], "_order")


def explanation_rows(r: ProgramResult) -> ir.Table:
    """One program's explanations.csv rows, with program_id, the period's days, money as
    text and the sort keys (_order, _sub), not yet sorted."""
    dates = r.wide.select(*KEYS, "period_start", "period_end")
    j = r.explanations.join(dates, KEYS)
    return j.select(*[ibis.literal(r.program.id).name(c) if c == "program_id"
                      else j[c].pipe(as_dec, 2).cast("string").name(c) if FIELDS.get(c) == MONEY
                      else c for c in EXPLANATION_COLUMNS], "_order", "_sub")


def sorted_explanations(t: ir.Table) -> ir.Table:
    """Explanation rows in the file's order: program, participant, period, then KPIs,
    components (each followed by its scorecard items and carried amounts) and limits."""
    return t.order_by(["program_id", "participant_id", "period_start", "_order", "_sub",
                       "component", "carried_from"]).select(*EXPLANATION_COLUMNS)


def result_tables(results: list[ProgramResult],
                  keep: Callable[[ir.Table], ir.Table] = materialize,
                  stage: Callable[[ir.Table], ir.Table] | None = None) -> dict[str, ir.Table]:
    """The four output tables over all programs, typed as text, sorted.

    Each program's component rows are computed once on their own (by `keep`): payouts sum
    them. Its KPI and explanation rows, read by one file each, are staged (by `stage`,
    `keep` by default): as one query over every program, Spark's plan outgrows its
    optimizer and code generation (14 example programs: minutes, not seconds), while DuckDB
    computes them faster inside the query writing the file.
    """
    stage = stage or keep
    kpi, comp = [], []
    for r in results:
        kpi.append(stage(_dated(r, r.kpis, KPI_COLUMNS)))
        comp.append(keep(_dated(r, r.components, COMPONENT_COLUMNS)))
    c = ibis.union(*comp, distinct=False)
    pay = c.group_by(*PAYOUT_COLUMNS[:4]).agg(payout=c.amount.sum())
    tables = {
        "payouts": pay.select(*PAYOUT_COLUMNS[:4], payout=pay.payout.pipe(as_dec, 2)
                              .cast("string"), _order=ibis.literal(0)),
        "kpis": ibis.union(*kpi, distinct=False),
        "components": c.mutate(amount=c.amount.pipe(as_dec, 2).cast("string")),
    }
    out = {}
    for (name, u), cols, last in zip(tables.items(),
                                     (PAYOUT_COLUMNS, KPI_COLUMNS, COMPONENT_COLUMNS),
                                     ("payout", "kpi", "component"), strict=True):
        keys = ["program_id", "participant_id", "period_start", "_order", last]
        if name == "components":
            keys.append("note")  # two catch-ups released in one period differ by their note
        out[name] = u.order_by(keys).select(*cols)
    out["explanations"] = sorted_explanations(
        ibis.union(*(stage(explanation_rows(r)) for r in results), distinct=False))
    return out


def write_outputs(tables: dict[str, ir.Table], out: Path, write: WriteCsv
                  ) -> Callable[[], dict[str, int]]:
    """Start writing each table to `out/<name>.csv` (by `write`); the returned function
    waits for the files and gives the rows written to each."""
    out.mkdir(parents=True, exist_ok=True)
    pending = {name: write(t, out / f"{name}.csv") for name, t in tables.items()}
    return lambda: {name: rows() for name, rows in pending.items()}
