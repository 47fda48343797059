"""Hand-written DuckDB SQL for the outlet-heavy benchmark programs (issue 13, item 5).

    python -m benchmarks.outlet_sql WAREHOUSE OUT

writes OUT/payouts.csv, OUT/kpis.csv and OUT/components.csv, byte for byte what `schemeops
calc` writes for the programs of `OUTLET_PROGRAMS` (benchmarks/programs/outlet_heavy_*.yaml).
Numbers (dates, thresholds, lookbacks, slabs, uplifts) come from the parsed programs; their
shapes are coded by hand, as a hand query would be.

It reads the sales lines, as the issue's hand query did (not the day totals `load` records):
- one pre-aggregation per distributor × outlet × day of the periods and the target windows
  (net value and quantity), then one row per distributor × outlet with a column per window;
- one aggregation per invoice for history (net of the returns naming it dated before each
  period start; docs/programs.md, "Billed in history"): per distributor × outlet and period
  start the first bill, the last bill before it, and whether billed in each lookback;
- one scan of the periods' lines joined to products: per outlet and category the net value
  (range outlets) and the premium value.
Every count and sum per seller then reads these few hundred thousand rows.
SCHEMEOPS_BENCH_VERBOSE=1 prints per-step timings on stderr.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb

from benchmarks._programs import before, checked, history, periods
from benchmarks.sql_baseline import (
    MACROS,
    OUT_TABLES,
    attainment,
    between,
    day,
    eligible,
    insert_component,
    insert_kpi,
    insert_step_on_actual,
    lit,
    money,
    on_actual,
    on_attainment,
    paid,
    q,
    step,
    write_outputs,
)
from schemeops.bench.outlets import OUTLET_PROGRAMS
from schemeops.engine.periods import Window
from schemeops.laps import Laps
from schemeops.program.model import Program


class Windows:
    """The run's windows (periods and their target windows), each a column index, and the
    period starts history reads at."""

    def __init__(self, programs: dict[str, Program]) -> None:
        spans: set[tuple] = set()
        for p in programs.values():
            for w in periods(p):
                spans |= {(w.start, w.end), history(w, 1)[0]}
        self.index = {s: i for i, s in enumerate(sorted(spans))}
        firsts = {w.start: w for p in programs.values() for w in periods(p)}
        #: One window per distinct period start, in order (history is read as of each).
        self.starts = [firsts[d] for d in sorted(firsts)]

    def col(self, prefix: str, span) -> str:
        """The column of a window, e.g. n3 (net value in window 3)."""
        if isinstance(span, Window):
            span = (span.start, span.end)
        return f"{prefix}{self.index[span]}"

    def at(self, w: Window) -> int:
        """The index of history as of the window's start."""
        return [x.start for x in self.starts].index(w.start)


def facts(con, programs: dict[str, Program], wins: Windows, quiet: set[int]) -> None:
    """od: net value and quantity per distributor x outlet x window; hist: history bills per
    distributor x outlet as of each period start (`quiet`: the day counts looked back over);
    cat: net and premium value per distributor x outlet x category x day in the periods."""
    lo, hi = min(s[0] for s in wins.index), max(s[1] for s in wins.index)
    cols = ",\n".join(f"sum(net) FILTER (WHERE {between('d', s)}) AS n{i}, "
                      f"sum(qty) FILTER (WHERE {between('d', s)}) AS q{i}"
                      for s, i in wins.index.items())
    con.execute(f"""CREATE TEMP TABLE od AS
      WITH daily AS (
        SELECT distributor_id AS dist, outlet_id AS o, invoice_date AS d,
               sum(net_amount) AS net, sum(quantity) AS qty
        FROM sales WHERE {between('invoice_date', (lo, hi))} GROUP BY ALL)
      SELECT dist, o, {cols} FROM daily GROUP BY dist, o""")
    last = wins.starts[-1].start
    backs = ", ".join(f"sum(net_amount) FILTER (WHERE invoice_date < {day(s.start)}) AS r{j}"
                      for j, s in enumerate(wins.starts))
    kept = ", ".join(f"v + coalesce(r{j}, 0) > 0 AS k{j}" for j in range(len(wins.starts)))
    per_start = []
    for j, s in enumerate(wins.starts):
        per_start.append(f"min(d) FILTER (WHERE k{j}) AS first{j}, "
                         f"max(d) FILTER (WHERE k{j} AND d < {day(s.start)}) AS last{j}")
        per_start += [f"count(*) FILTER (WHERE k{j} AND {between('d', before(s, n))}) "
                      f"AS b{j}_{n}" for n in sorted(quiet)]
    con.execute(f"""CREATE TEMP TABLE hist AS
      WITH inv AS (
        SELECT invoice_id, distributor_id AS dist, outlet_id AS o, invoice_date AS d,
               sum(net_amount) AS v
        FROM sales WHERE doc_type = 'invoice' GROUP BY ALL),
      back AS (
        SELECT ref_invoice_id AS ref, {backs} FROM sales
        WHERE doc_type = 'return' AND ref_invoice_id <> '' AND invoice_date < {day(last)}
        GROUP BY 1),
      bills AS (
        SELECT dist, o, d, {kept} FROM inv LEFT JOIN back ON back.ref = inv.invoice_id)
      SELECT dist, o, {', '.join(per_start)} FROM bills GROUP BY dist, o""")
    segments = {k.segment for p in programs.values() for k in p.kpis
                if k.kind == "upsell" and k.mode == "segment_volume"}
    (segment,) = segments
    first = min(w.start for p in programs.values() for w in periods(p))
    end = max(w.end for p in programs.values() for w in periods(p))
    con.execute(f"""CREATE TEMP TABLE cat AS
      SELECT s.distributor_id AS dist, s.outlet_id AS o, p.category, s.invoice_date AS d,
             sum(s.net_amount) AS net,
             sum(s.net_amount) FILTER (WHERE p.segment = {q(segment)}) AS prem
      FROM sales s JOIN products p ON s.sku = p.sku
      WHERE {between('s.invoice_date', (first, end))} GROUP BY ALL""")



#: The outlet filters of the programs, in SQL on `outlets` (the programs' text, by hand).
OUTLET_FILTERS = {
    "outlet_type in ('grocery', 'general_store')": "outlet_type IN ('grocery', 'general_store')",
}


def day_counts(programs: dict[str, Program]) -> set[int]:
    """The lookbacks and quiet days history is read over."""
    out = set()
    for p in programs.values():
        for k in p.kpis:
            if k.kind == "net_channel_addition":
                out.add(k.lookback_days)
            elif k.kind == "reactivated_outlets":
                out.add(k.inactive_min_days)
    return out


def outlet_sum(p: Program, k, w: Window, wins: Windows) -> str | None:
    """The per-seller aggregate over its outlet rows (od ⋈ hist) of an outlet or volume KPI
    in period w; None for a KPI read from `cat`."""
    n, j = wins.col("n", w), wins.at(w)
    f = f" AND f_{k.id}" if k.outlets else ""
    if k.kind == "volume":
        assert k.source == "secondary" and not k.products and not k.window
        col = n if k.measure == "net_amount" else wins.col("q", w)
        return f"sum({col}) FILTER (WHERE TRUE{f})"
    if k.kind == "billed_outlets":
        return f"count(*) FILTER (WHERE {n} > 0 AND {n} >= {lit(k.min_value)}{f})"
    assert not k.outlets and not k.products, k.id
    if k.kind == "net_channel_addition":
        new = f"count(*) FILTER (WHERE {between(f'first{j}', w)} AND {n} > 0)"
        lost = (f"count(*) FILTER (WHERE b{j}_{k.lookback_days} > 0 "
                f"AND NOT coalesce({n} > 0, FALSE))")
        return {"new": new, "lost": lost, "net": f"{new} - {lost}"}[k.count]
    if k.kind == "reactivated_outlets":
        cond = (f"{n} > 0 AND last{j} IS NOT NULL "
                f"AND NOT coalesce(b{j}_{k.inactive_min_days} > 0, FALSE)")
        if k.inactive_max_days is not None:
            cond += f" AND last{j} >= {day(before(w, k.inactive_max_days)[0])}"
        return f"count(*) FILTER (WHERE {cond})"
    assert k.kind == "upsell" and k.mode in ("segment_volume", "range_outlets"), k.id
    return None


def cat_sums(p: Program, w: Window) -> str:
    """Per seller in period w: the range outlets and segment values of the program's upsell
    KPIs, from `cat`."""
    ups = [k for k in p.kpis if k.kind == "upsell"]
    per_outlet = ["count(*) FILTER (WHERE net > 0) AS ncat", "sum(prem) AS prem"]
    cols = []
    for k in ups:
        if k.mode == "range_outlets":
            assert k.distinct_of == "category"
            cols.append(f"count(*) FILTER (WHERE ncat >= {k.min_distinct}) AS a_{k.id}")
        else:
            assert k.measure == "net_amount"
            cols.append(f"sum(prem) AS a_{k.id}")
    return f"""SELECT dist, {', '.join(cols)} FROM (
        SELECT dist, o, {', '.join(per_outlet)} FROM (
          SELECT dist, o, category, sum(net) AS net, sum(prem) AS prem FROM cat
          WHERE {between('d', w)} GROUP BY ALL)
        GROUP BY ALL)
      GROUP BY dist"""


def program(con, p: Program, wins: Windows) -> None:
    """The program's KPI and component rows, every period."""
    t = f"w_{p.id}"
    flags = " ".join(
        f"LEFT JOIN (SELECT outlet_id AS o, TRUE AS f_{k.id} FROM outlets "
        f"WHERE {OUTLET_FILTERS[k.outlets]}) USING (o)" for k in p.kpis if k.outlets)
    value_targets = dict(p.targets)
    for kid, r in value_targets.items():
        assert r.history.basis == "previous_period" and not r.uplift.by and not r.floor, kid
        assert r.round is None and p.kpi(kid).kind == "volume"
    parts = []
    for w in periods(p):
        sums = {k.id: outlet_sum(p, k, w, wins) for k in p.kpis}
        cols = [f"{s} AS a_{kid}" for kid, s in sums.items() if s is not None]
        cols += [f"sum({wins.col('n', history(w, 1)[0])}) AS h_{kid}" for kid in value_targets]
        ups = any(s is None for s in sums.values())
        outlets = f"""SELECT dist, {', '.join(cols)}
          FROM od FULL JOIN hist USING (dist, o) {flags} GROUP BY dist"""
        x = (f"SELECT * FROM ({outlets}) FULL JOIN ({cat_sums(p, w)}) USING (dist)"
             if ups else outlets)
        parts.append(f"""SELECT e.participant_id AS pid, {day(w.start)} AS ps,
            {day(w.end)} AS pe, x.* EXCLUDE (dist)
          FROM ({eligible(p, w.start)}) e LEFT JOIN ({x}) x ON x.dist = e.participant_id""")
    cols = []
    for k in p.kpis:
        if k.kind == "volume" or (k.kind == "upsell" and k.mode != "range_outlets"):
            places = 3 if k.measure == "quantity" else 2
            cols.append(f"CAST(coalesce(a_{k.id}, 0) AS DECIMAL(38,{places})) AS a_{k.id}")
        else:
            cols.append(f"coalesce(a_{k.id}, 0) AS a_{k.id}")
    for kid, r in value_targets.items():
        cols.append(f"CAST(coalesce(h_{kid}, 0) * {lit(1 + r.uplift.default)} "
                    f"AS DECIMAL(38,2)) AS t_{kid}")
    con.execute(f"""CREATE TEMP TABLE {t} AS SELECT pid, ps, pe, {', '.join(cols)}
      FROM ({' UNION ALL '.join(parts)})""")
    for i, k in enumerate(p.kpis):
        if k.id in value_targets:
            a, tt = f"a_{k.id}", f"t_{k.id}"
            insert_kpi(con, p.id, t, k.id, i, a, tt, attainment(a, 2, tt, 4))
        else:
            insert_kpi(con, p.id, t, k.id, i, f"a_{k.id}")
    for i, c in enumerate(p.components):
        a = f"a_{c.kpi}"
        if c.on == "actual" and c.base in (None, c.kpi):
            insert_step_on_actual(con, p, t, c.id, i, a)
        elif c.on == "actual":
            raw, rate, note = step(c, on_actual(a), f"a_{c.base}")
            insert_component(con, p.id, t, c.id, i, f"a_{c.base}", rate, *paid(raw, note))
        else:
            tt = f"t_{c.kpi}"
            raw, rate, note = step(c, on_attainment(a, tt), a)
            insert_component(con, p.id, t, c.id, i, a, rate,
                             f"CASE WHEN {tt} > 0 THEN {money(raw)} "
                             "ELSE CAST(0 AS DECIMAL(38,2)) END",
                             f"CASE WHEN {tt} > 0 THEN {note} ELSE 'no target' END")


def run(warehouse: Path, out: Path) -> dict[str, float]:
    """Compute the three files; return seconds per step."""
    laps = Laps()
    programs = checked([Path(f) for f in OUTLET_PROGRAMS])
    for p in programs.values():
        for c in p.components:
            assert c.mode == "step" and c.slabs and not (c.gate or c.multipliers or c.cap)
    wins = Windows(programs)
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute(MACROS)
    con.execute(OUT_TABLES)
    laps.lap("setup")
    facts(con, programs, wins, day_counts(programs))
    laps.lap("scans")
    for p in programs.values():
        program(con, p, wins)
    laps.lap("programs")
    write_outputs(con, out)
    con.close()
    laps.lap("write")
    return laps.timings


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: python -m benchmarks.outlet_sql WAREHOUSE OUT")
    timings = run(Path(argv[0]), Path(argv[1]))
    if os.environ.get("SCHEMEOPS_BENCH_VERBOSE"):
        print(f"outlet SQL: {timings}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
