"""Write a calculation's results per the output contract: payouts.csv, kpis.csv, components.csv.

Rows are sorted by program_id, participant_id (then period, then KPI or component order);
money has exactly 2 places; an empty field is an unknown (e.g. no target).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa

from schemeops.engine.caps import KEYS
from schemeops.engine.exact import as_dec
from schemeops.engine.runner import ProgramResult, materialize

PAYOUT_COLUMNS = ("program_id", "participant_id", "period_start", "period_end", "payout")
KPI_COLUMNS = ("program_id", "participant_id", "kpi", "actual", "target", "attainment",
               "period_start", "period_end")
COMPONENT_COLUMNS = ("program_id", "participant_id", "component", "base", "rate", "amount",
                     "note", "period_start", "period_end")


def _dated(r: ProgramResult, t: ir.Table) -> ir.Table:
    dates = r.wide.select(*KEYS, "period_start", "period_end")
    return t.join(dates, KEYS).mutate(program_id=ibis.literal(r.program.id))


def result_tables(results: list[ProgramResult],
                  keep: Callable[[ir.Table], ir.Table] = materialize) -> dict[str, ir.Table]:
    """The three output tables over all programs, typed as text, sorted.

    The component rows of every program are computed once (by `keep`); payouts sum them.
    """
    kpi, comp = [], []
    for r in results:
        k = _dated(r, r.kpis)
        kpi.append(k.select(*KPI_COLUMNS, "_order"))
        c = _dated(r, r.components)
        comp.append(c.select(*COMPONENT_COLUMNS[:6], note=c.note, period_start=c.period_start,
                             period_end=c.period_end, _order=c._order))
    c = keep(ibis.union(*comp, distinct=False))
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
    return out


def write_outputs(tables: dict[str, ir.Table], out: Path,
                  fetch: Callable[[ir.Table], Callable[[], pa.Table]]) -> dict[str, int]:
    """Write each table to `out/<name>.csv` (its result from `fetch`); return rows written."""
    out.mkdir(parents=True, exist_ok=True)
    pending = {name: fetch(t) for name, t in tables.items()}
    rows = {}
    for name, result in pending.items():
        table = result()
        _write_csv(table, out / f"{name}.csv")
        rows[name] = table.num_rows
    return rows


def _write_csv(table: pa.Table, path: Path) -> None:
    """RFC 4180 CSV, quoting only where a value needs it, rows in the table's order."""
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.register("result", table)
    target = str(path).replace("'", "''")
    con.execute(f"COPY result TO '{target}' (HEADER, DELIMITER ',')")
    con.close()
