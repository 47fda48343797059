"""Hand-written DuckDB SQL for the ten example programs: the floor the engine is held to.

    python -m benchmarks.sql_baseline WAREHOUSE OUT

writes OUT/payouts.csv, OUT/kpis.csv and OUT/components.csv, byte for byte what the engine
writes for examples/programs/ (see benchmarks/_programs.py for the shared definitions).

How it is made fast: one scan of `sales` pre-aggregates net value per distributor, outlet and
day, and one aggregation of that gives the per-outlet net value per window; one aggregation
per invoice (net of the returns naming it before October) gives the history bills (first,
last, in the lookback and quiet days); from them every per-distributor count and sum;
other scans read only the lines they need (premium and premium-tea SKUs from 31 August on,
October's lines for the category range, the two bundle SKUs), which DuckDB's zone maps and
filters make cheap. The primary and payment KPIs read the small tables. Everything else
works on a few thousand participant rows. Money stays DECIMAL; quotients are exact integer
arithmetic (`rq`: half-up integer division). SCHEMEOPS_BENCH_VERBOSE=1 prints per-step timings
on stderr.
"""

from __future__ import annotations

import itertools
import os
import sys
from decimal import Decimal
from pathlib import Path

import duckdb

from benchmarks._programs import (
    MANAGER_ROLES,
    MAX_DEPTH,
    before,
    below_note,
    component,
    history,
    history_periods,
    load_programs,
    only_period,
    periods,
    rate_text,
    scale,
    slab_factor,
    slab_note,
)
from schemeops.laps import Laps
from schemeops.program.model import Component, Program

# ---------------------------------------------------------------- SQL text helpers

def lit(d: Decimal | int | str, s: int | None = None) -> str:
    """An exact DECIMAL(38, s) literal (s: the literal's own places unless given).

    Branches of one CASE, COALESCE, GREATEST or LEAST must share one scale: DuckDB unifies
    DECIMAL(38, 2) with DECIMAL(38, 5) as DECIMAL(38, 2), rounding the other branch."""
    d = Decimal(str(d))
    return f"CAST('{d}' AS DECIMAL(38,{scale(d) if s is None else s}))"


def day(d) -> str:
    """A DATE literal."""
    return f"DATE '{d.isoformat()}'"


def between(col: str, window) -> str:
    """`col` within an inclusive (start, end) window."""
    start, end = (window.start, window.end) if hasattr(window, "start") else window
    return f"{col} BETWEEN {day(start)} AND {day(end)}"


def q(text: str) -> str:
    """A VARCHAR literal."""
    return "'" + text.replace("'", "''") + "'"


def units(x: str, s: int) -> str:
    """A DECIMAL(38, s) value as an exact integer count of 10^-s."""
    return f"CAST(({x}) * {10 ** s} AS HUGEINT)"


def dec_of(u: str, s: int) -> str:
    """An integer count of 10^-s as DECIMAL(38, s)."""
    if s == 0:
        return f"CAST({u} AS DECIMAL(38,0))"
    unit = f"CAST('{Decimal(1).scaleb(-s):f}' AS DECIMAL({s + 1},{s}))"
    return f"(CAST({u} AS DECIMAL(38,0)) * {unit})"


def ratio(num: str, num_scale: int, den: str, den_scale: int, places: int) -> str:
    """num / den rounded half-up to `places` (DECIMAL(38, places)), exactly; NULL if den = 0."""
    n = f"{units(num, num_scale)} * {10 ** (den_scale + places)}"
    d = f"{units(den, den_scale)} * {10 ** num_scale}"
    return f"CASE WHEN ({den}) = 0 THEN NULL ELSE {dec_of(f'rq({n}, {d})', places)} END"


def attainment(a: str, sa: int, t: str, places: int, *, lower: bool = False) -> str:
    """actual / target (target / actual when lower is better), NULL without a target > 0."""
    r = ratio(t, 2, a, sa, places) if lower else ratio(a, sa, t, 2, places)
    return f"CASE WHEN {t} IS NULL OR {t} <= 0 THEN NULL ELSE {r} END"


def text(x: str) -> str:
    return f"CAST({x} AS VARCHAR)"


MACROS = """
CREATE OR REPLACE TEMP MACRO rq(n, d) AS
  CASE WHEN (n < 0) <> (d < 0) THEN -((2 * abs(n) + abs(d)) // (2 * abs(d)))
       ELSE (2 * abs(n) + abs(d)) // (2 * abs(d)) END;
"""

OUT_TABLES = """
CREATE TEMP TABLE out_k (program_id VARCHAR, participant_id VARCHAR, kpi VARCHAR,
  actual VARCHAR, target VARCHAR, attainment VARCHAR, period_start DATE, period_end DATE,
  o1 INTEGER, o2 INTEGER);
CREATE TEMP TABLE out_c (program_id VARCHAR, participant_id VARCHAR, component VARCHAR,
  base VARCHAR, rate VARCHAR, amount DECIMAL(38,2), note VARCHAR, period_start DATE,
  period_end DATE, o1 INTEGER, o2 INTEGER);
"""


# ---------------------------------------------------------------- payout shapes

def step(c: Component, reach, base: str) -> tuple[str, str, str]:
    """Step slabs: (raw amount DECIMAL(38,9), rate text, note) of the highest slab reached."""
    slabs = list(enumerate(c.slabs, 1))
    amount, rate, note = [], [], []
    for i, s in reversed(slabs):
        cond = reach(s.from_)
        f = slab_factor(s)
        pay = f"({base}) * {lit(f)}" if f is not None else lit(s.amount)
        amount.append(f"WHEN {cond} THEN CAST({pay} AS DECIMAL(38,9))")
        rate.append(f"WHEN {cond} THEN {q(rate_text(s))}")
        note.append(f"WHEN {cond} THEN {q(slab_note(i, c))}")
    return (f"CASE {' '.join(amount)} ELSE CAST(0 AS DECIMAL(38,9)) END",
            f"CASE {' '.join(rate)} ELSE NULL END",
            f"CASE {' '.join(note)} ELSE {q(below_note(c))} END")


def on_actual(a: str):
    return lambda x: f"({a} >= {lit(x)})"


def on_attainment(a: str, t: str):
    return lambda x: f"({t} > 0 AND {a} >= {lit(x)} * {t})"


def money(raw: str) -> str:
    """Half-up to 2 places."""
    return f"CAST(round({raw}, 2) AS DECIMAL(38,2))"


def paid(raw: str, note: str) -> tuple[str, str]:
    """(amount, note) as the engine pays `raw`: half-up to 2 places, and 0 when that is
    negative (only a negative base, returns over sales, makes it so), said in the note."""
    m = money(raw)
    return (f"CASE WHEN {m} < 0 THEN CAST(0 AS DECIMAL(38,2)) ELSE {m} END",
            f"CASE WHEN {m} < 0 THEN {note} || {q('; negative base (returns over sales): pays 0')}"
            f" ELSE {note} END")


def insert_kpi(con, pid: str, w: str, kpi: str, order: int, actual: str,
               target: str = "NULL", att4: str = "NULL") -> None:
    con.execute(f"""INSERT INTO out_k SELECT {q(pid)}, pid, {q(kpi)}, {text(actual)},
        {text(target)}, {text(att4)}, ps, pe, {order}, 0 FROM {w}""")


def insert_component(con, pid: str, w: str, comp: str, order: int, base: str, rate: str,
                     amount: str, note: str, *, sub: int = 0, where: str = "TRUE") -> None:
    con.execute(f"""INSERT INTO out_c SELECT {q(pid)}, pid, {q(comp)}, {text(base)}, {rate},
        {amount}, {note}, ps, pe, {order}, {sub} FROM {w} WHERE {where}""")


def insert_step_on_actual(con, p: Program, w: str, comp_id: str, order: int, a: str) -> None:
    """A component paying step slabs on its KPI's own actual (base = the actual)."""
    c = component(p, comp_id)
    raw, rate, note = step(c, on_actual(a), a)
    insert_component(con, p.id, w, c.id, order, a, rate, money(raw), note)


def eligible(p: Program, start, extra: str = "") -> str:
    """SELECT of eligible participants for a period starting `start`."""
    roles = ", ".join(q(r) for r in p.participants.roles)
    where = f" AND ({extra})" if extra else ""
    return (f"SELECT participant_id, tier, region FROM participants WHERE role IN ({roles})"
            f"{where} AND (left_on IS NULL OR left_on >= {day(start)})")


# ---------------------------------------------------------------- shared scans

def shared_facts(con, P: dict[str, Program]) -> None:
    """od: per distributor x outlet facts; dist: per distributor; prem: premium and
    premium-tea per distributor; rng, bnd: cross-sell; inv, pay: primary invoices, payments."""
    W = only_period(P["volume_growth_oct"])
    for pid in ("mbo_targets", "nca_oct", "premium_upsell_oct", "reactivation_oct",
                "balanced_scorecard_oct"):
        w = only_period(P[pid])
        assert (w.start, w.end) == (W.start, W.end), f"{pid}: the shared scan assumes {W}"
    F = only_period(P["flash_tea_week"])
    assert P["flash_tea_week"].kpi("tea_units").products == \
        "category = 'tea' and segment = 'premium'"
    hist = history(W, history_periods(P["balanced_scorecard_oct"], "value"))
    assert hist[0] == history(W, 1)[0]
    nca = P["nca_oct"].kpi("net_added")
    lb = before(W, nca.lookback_days)
    react = P["reactivation_oct"].kpi("revived")
    mbo_min = P["mbo_targets"].kpi("billed_outlets").min_value
    sc_min = P["balanced_scorecard_oct"].kpi("outlets").min_value
    seg = P["premium_upsell_oct"].kpi("premium").segment
    rng = P["premium_upsell_oct"].kpi("range")
    assert rng.distinct_of == "category"
    bundle = sorted(set(P["premium_upsell_oct"].kpi("combo").bundle))

    con.execute(f"""CREATE TEMP TABLE flags AS SELECT sku, category,
        coalesce(segment = {q(seg)}, FALSE) AS prem,
        coalesce(category = 'tea' AND segment = 'premium', FALSE) AS tea FROM products""")
    hist_cols = ",\n".join(f"sum(net) FILTER (WHERE {between('d', h)}) AS net_h{j}"
                           for j, h in enumerate(hist, 1))
    con.execute(f"""CREATE TEMP TABLE od AS
      WITH daily AS (
        SELECT distributor_id AS dist, outlet_id AS o, invoice_date AS d,
               sum(net_amount) AS net
        FROM sales GROUP BY ALL)
      SELECT dist, o,
        sum(net) FILTER (WHERE {between('d', W)}) AS net_w,
        {hist_cols},
      FROM daily GROUP BY dist, o""")
    # history: an invoice is a bill when its value net of the returns naming it dated before
    # W starts is above 0 (a return naming no invoice changes nothing)
    con.execute(f"""CREATE TEMP TABLE hb AS
      WITH back AS (
        SELECT ref_invoice_id AS ref, sum(net_amount) AS back FROM sales
        WHERE doc_type = 'return' AND ref_invoice_id <> '' AND invoice_date < {day(W.start)}
        GROUP BY 1),
      inv AS (
        SELECT invoice_id, distributor_id AS dist, outlet_id AS o, invoice_date AS d,
               sum(net_amount) AS v
        FROM sales WHERE doc_type = 'invoice' GROUP BY ALL)
      SELECT dist, o, min(d) AS first_bill,
        max(d) FILTER (WHERE d < {day(W.start)}) AS last_bill,
        count(*) FILTER (WHERE {between('d', lb)}) AS bill_lb,
        count(*) FILTER (WHERE {between('d', before(W, react.inactive_min_days))}) AS bill_q
      FROM inv LEFT JOIN back ON inv.invoice_id = back.ref
      WHERE v + coalesce(back, 0) > 0 GROUP BY dist, o""")
    # premium value and premium-tea units per distributor: only the product lines concerned,
    # only the dates concerned
    lo, hi = min(hist[0][0], F.start), max(W.end, F.end)
    con.execute(f"""CREATE TEMP TABLE prem AS
      SELECT s.distributor_id AS dist,
        sum(s.net_amount) FILTER (WHERE f.prem AND {between('s.invoice_date', W)}) AS prem_w,
        sum(s.net_amount) FILTER (WHERE f.prem AND {between('s.invoice_date', hist[0])})
          AS prem_h1,
        sum(s.quantity) FILTER (WHERE f.tea AND {between('s.invoice_date', F)}) AS tea_f
      FROM sales s JOIN (SELECT * FROM flags WHERE prem OR tea) f ON s.sku = f.sku
      WHERE {between('s.invoice_date', (lo, hi))}
      GROUP BY 1""")
    # billed in the window, billed before it, not billed in the quiet days before
    revived = ("net_w > 0 AND last_bill IS NOT NULL AND NOT coalesce(bill_q > 0, FALSE)"
               + (f" AND last_bill >= {day(before(W, react.inactive_max_days)[0])}"
                  if react.inactive_max_days is not None else ""))
    hist_sums = ", ".join(f"sum(net_h{j}) AS vol_h{j}" for j in range(1, len(hist) + 1))
    con.execute(f"""CREATE TEMP TABLE dist AS SELECT dist,
        sum(net_w) AS vol_w, {hist_sums},
        count(*) FILTER (WHERE net_w > 0 AND net_w >= {lit(mbo_min)}) AS mbo_w,
        count(*) FILTER (WHERE net_w > 0 AND net_w >= {lit(sc_min)}) AS sc_out_w,
        count(*) FILTER (WHERE net_h1 > 0 AND net_h1 >= {lit(sc_min)}) AS sc_out_h1,
        count(*) FILTER (WHERE {between('first_bill', W)} AND net_w > 0) AS nca_new,
        count(*) FILTER (WHERE bill_lb > 0 AND NOT coalesce(net_w > 0, FALSE)) AS nca_lost,
        count(*) FILTER (WHERE {revived}) AS revived
      FROM od LEFT JOIN hb USING (dist, o) GROUP BY dist""")
    con.execute(f"""CREATE TEMP TABLE rng AS
      SELECT dist, count(*) AS n FROM (
        SELECT dist, o FROM (
          SELECT s.distributor_id AS dist, s.outlet_id AS o, f.category,
                 sum(s.net_amount) AS net
          FROM sales s JOIN flags f ON s.sku = f.sku
          WHERE {between('s.invoice_date', W)} GROUP BY ALL)
        WHERE net > 0 GROUP BY dist, o HAVING count(*) >= {rng.min_distinct})
      GROUP BY dist""")
    skus = ", ".join(q(s) for s in bundle)
    con.execute(f"""CREATE TEMP TABLE bnd AS
      SELECT dist, count(*) AS n FROM (
        SELECT distributor_id AS dist, invoice_id FROM sales
        WHERE {between('invoice_date', W)} AND doc_type = 'invoice' AND sku IN ({skus})
        GROUP BY ALL HAVING count(DISTINCT sku) = {len(bundle)})
      GROUP BY dist""")
    con.execute("""CREATE TEMP TABLE inv AS
      SELECT invoice_id, min(distributor_id) AS dist, min(invoice_date) AS idate,
             min(due_date) AS due, CAST(sum(net_amount) AS DECIMAL(38,2)) AS total
      FROM primary_sales GROUP BY invoice_id""")
    con.execute("""CREATE TEMP TABLE pay AS
      SELECT payment_id, invoice_id, paid_on, amount FROM payments
      WHERE invoice_id IS NOT NULL AND invoice_id <> ''""")


# ---------------------------------------------------------------- the programs

def volume_growth(con, p: Program) -> None:
    W = only_period(p)
    t_rule = p.targets["value"]
    up = t_rule.uplift
    us = max(scale(v) for v in (up.default, *up.values.values()))
    by = " ".join(f"WHEN e.{up.by} = {q(k)} THEN {lit(1 + v, us)}"
                  for k, v in sorted(up.values.items()))
    uplift = f"CASE {by} ELSE {lit(1 + up.default, us)} END" if by else lit(1 + up.default)
    raw_t = f"CAST(coalesce(x.vol_h1, 0) * {uplift} AS DECIMAL(38,2))"
    if t_rule.floor is not None:
        raw_t = f"greatest({raw_t}, {lit(t_rule.floor)}::DECIMAL(38,2))"
    to = units(lit(t_rule.round.to), 2)
    assert t_rule.round.mode == "up"
    tu = units(raw_t, 2)
    target = dec_of(f"(CASE WHEN {tu} >= 0 THEN ({tu} + {to} - 1) // {to} "
                    f"ELSE -((-{tu}) // {to}) END) * {to}", 2)
    con.execute(f"""CREATE TEMP TABLE w_vg AS
      SELECT e.participant_id AS pid, {day(W.start)} AS ps, {day(W.end)} AS pe,
             CAST(coalesce(x.vol_w, 0) AS DECIMAL(38,2)) AS a, {target} AS t
      FROM ({eligible(p, W.start)}) e LEFT JOIN dist x ON x.dist = e.participant_id""")
    con.execute("ALTER TABLE w_vg ADD COLUMN att6 DECIMAL(38,6)")
    con.execute(f"UPDATE w_vg SET att6 = {attainment('a', 2, 't', 6)}")
    insert_kpi(con, p.id, "w_vg", "value", 0, "a", "t", attainment("a", 2, "t", 4))
    c = component(p, "growth_bonus")
    raw, rate, note = step(c, on_attainment("a", "t"), "a")
    amount = f"CASE WHEN t > 0 THEN {money(raw)} ELSE CAST(0 AS DECIMAL(38,2)) END"
    note = f"CASE WHEN t > 0 THEN {note} ELSE 'no target' END"
    # the cap is a ceiling: a share of a negative sales value caps at 0, never below
    limit = f"greatest({money(f'a * {lit(c.cap.rate)}')}, CAST(0 AS DECIMAL(38,2)))"
    con.execute(f"""CREATE TEMP TABLE c_vg AS SELECT pid, ps, pe, a, {rate} AS rate,
        {amount} AS amt, {note} AS note, {limit} AS lim FROM w_vg""")
    insert_component(con, p.id, "c_vg", c.id, 0, "a", "rate",
                     "CASE WHEN amt > lim THEN lim ELSE amt END",
                     "CASE WHEN amt > lim THEN note || '; capped at ' || CAST(lim AS VARCHAR) "
                     "ELSE note END")


def premium_upsell(con, p: Program) -> None:
    W = only_period(p)
    t_rule = p.targets["premium"]
    assert t_rule.history.basis == "previous_period" and not t_rule.uplift.by
    raw_t = f"CAST(coalesce(x.prem_h1, 0) * {lit(1 + t_rule.uplift.default)} AS DECIMAL(38,2))"
    if t_rule.floor is not None:
        raw_t = f"greatest({raw_t}, {lit(t_rule.floor)}::DECIMAL(38,2))"
    con.execute(f"""CREATE TEMP TABLE w_pu AS
      SELECT e.participant_id AS pid, {day(W.start)} AS ps, {day(W.end)} AS pe,
             CAST(coalesce(x.prem_w, 0) AS DECIMAL(38,2)) AS a, {raw_t} AS t,
             coalesce(r.n, 0) AS rng, coalesce(b.n, 0) AS bnd
      FROM ({eligible(p, W.start)}) e LEFT JOIN prem x ON x.dist = e.participant_id
      LEFT JOIN rng r ON r.dist = e.participant_id LEFT JOIN bnd b ON b.dist = e.participant_id
      """)
    con.execute("ALTER TABLE w_pu ADD COLUMN att6 DECIMAL(38,6)")
    con.execute(f"UPDATE w_pu SET att6 = {attainment('a', 2, 't', 6)}")
    insert_kpi(con, p.id, "w_pu", "premium", 0, "a", "t", attainment("a", 2, "t", 4))
    insert_kpi(con, p.id, "w_pu", "range", 1, "rng")
    insert_kpi(con, p.id, "w_pu", "combo", 2, "bnd")

    c = component(p, "premium_curve")
    pts = c.curve
    reach = on_attainment("a", "t")
    measure = "'attainment ' || CAST(coalesce(att6, 0) AS VARCHAR)"
    cases = [f"WHEN {reach(pts[-1].x)} THEN {money(f'a * {lit(pts[-1].rate)}')}"]
    for p0, p1 in reversed(list(itertools.pairwise(pts))):
        dx, dr = p1.x - p0.x, p1.rate - p0.rate
        num = f"(a * ({lit(p0.rate * dx)} * t + {lit(dr)} * (a - {lit(p0.x)} * t)))"
        den = f"({lit(dx)} * t)"
        k = 12  # both num and den are exact at scale <= 12
        amount = dec_of(f"rq({units(num, k)} * 100, {units(den, k)})", 2)
        cases.append(f"WHEN {reach(p0.x)} THEN {amount}")
    amount = f"CASE {' '.join(cases)} ELSE CAST(0 AS DECIMAL(38,2)) END"
    past = q(f"at or past the curve's last point: rate {pts[-1].rate} (")
    below = q(f"below the curve's start ({pts[0].x})")
    note = (f"CASE WHEN {reach(pts[-1].x)} THEN {past} || {measure} || ')' "
            f"WHEN {reach(pts[0].x)} THEN 'curve, interpolated at ' || {measure} "
            f"ELSE {below} END")
    insert_component(con, p.id, "w_pu", c.id, 0, "a", "'curve'",
                     f"CASE WHEN t > 0 THEN {amount} ELSE CAST(0 AS DECIMAL(38,2)) END",
                     f"CASE WHEN t > 0 THEN {note} ELSE 'no target' END")
    insert_step_on_actual(con, p, "w_pu", "range_bonus", 1, "rng")
    insert_step_on_actual(con, p, "w_pu", "bundle_bonus", 2, "bnd")


def scorecard(con, p: Program) -> None:
    W = only_period(p)
    tv, to = p.targets["value"], p.targets["outlets"]
    assert p.participants.where == "tier in ('gold', 'platinum') and region in ('North', 'West')"
    where = "tier IN ('gold', 'platinum') AND region IN ('North', 'West')"
    n = history_periods(p, "value")
    assert tv.history.basis == "average" and to.history.basis == "previous_period"
    hist_sum = " + ".join(f"coalesce(x.vol_h{j}, 0)" for j in range(1, n + 1))
    us = scale(1 + tv.uplift.default)  # Σ history × (1 + uplift) ÷ n, rounded once
    t_value = dec_of(f"rq({units(f'CAST({hist_sum} AS DECIMAL(38,2))', 2)} * "
                     f"{units(lit(1 + tv.uplift.default), us)}, {n * 10 ** us})", 2)
    hist_o = "CAST(coalesce(x.sc_out_h1, 0) AS DECIMAL(38,2))"
    t_o = f"CAST({hist_o} * {lit(1 + to.uplift.default)} AS DECIMAL(38,2))"
    assert to.round.mode == "up"
    step_u = units(lit(to.round.to), 2)
    tu = units(t_o, 2)
    t_outlets = dec_of(f"(({tu} + {step_u} - 1) // {step_u}) * {step_u}", 2)
    con.execute(f"""CREATE TEMP TABLE w_sc AS
      SELECT e.participant_id AS pid, {day(W.start)} AS ps, {day(W.end)} AS pe,
             CAST(coalesce(x.vol_w, 0) AS DECIMAL(38,2)) AS a_v, {t_value} AS t_v,
             coalesce(x.sc_out_w, 0) AS a_o, {t_outlets} AS t_o
      FROM ({eligible(p, W.start, where)}) e
      LEFT JOIN dist x ON x.dist = e.participant_id""")
    con.execute("ALTER TABLE w_sc ADD COLUMN att_v DECIMAL(38,6)")
    con.execute("ALTER TABLE w_sc ADD COLUMN att_o DECIMAL(38,6)")
    con.execute(f"UPDATE w_sc SET att_v = {attainment('a_v', 2, 't_v', 6)}, "
                f"att_o = {attainment('a_o', 0, 't_o', 6)}")
    insert_kpi(con, p.id, "w_sc", "value", 0, "a_v", "t_v", attainment("a_v", 2, "t_v", 4))
    insert_kpi(con, p.id, "w_sc", "outlets", 1, "a_o", "t_o", attainment("a_o", 0, "t_o", 4))

    c = p.components[0]
    col = {"value": "att_v", "outlets": "att_o"}
    score = " + ".join(
        f"least(coalesce({col[i.kpi]}, CAST(0 AS DECIMAL(38,6))), {lit(i.cap)}::DECIMAL(38,6))"
        f" * {lit(i.weight)}" for i in c.scorecard)
    raw, rate, note = step(c, lambda x: f"(score >= {lit(x)})", "a_v")
    (m,) = c.multipliers
    assert m.when == "attainment(value) >= 1.15" and c.gate == "attainment(outlets) >= 0.8"
    hit = f"coalesce(att_v >= {lit('1.15')}, FALSE)"
    gate = f"coalesce(att_o >= {lit('0.8')}, FALSE)"
    has_t = "(t_v > 0 AND t_o > 0)"
    con.execute(f"""CREATE TEMP TABLE c_sc AS SELECT *,
        CASE WHEN {hit} THEN CAST(({raw}) * {lit(m.factor)} AS DECIMAL(38,12))
             ELSE CAST({raw} AS DECIMAL(38,12)) END AS raw,
        {rate} AS rate,
        {note} || CASE WHEN {hit} THEN {q(f'; ×{m.factor} ({m.when})')} ELSE '' END AS note
      FROM (SELECT *, {score} AS score FROM w_sc)""")
    amount = (f"CASE WHEN NOT {gate} OR NOT coalesce({has_t}, FALSE) "
              f"THEN CAST(0 AS DECIMAL(38,2)) ELSE {money('raw')} END")
    note = (f"CASE WHEN NOT {gate} THEN {q(f'gate failed: {c.gate}')} "
            f"WHEN NOT coalesce({has_t}, FALSE) THEN 'no target' ELSE note END")
    insert_component(con, p.id, "c_sc", c.id, 0, "a_v", "rate", amount, note)


def mbo(con, p: Program) -> None:
    W = only_period(p)
    con.execute(f"""CREATE TEMP TABLE w_mbo AS
      SELECT e.participant_id AS pid, {day(W.start)} AS ps, {day(W.end)} AS pe,
             coalesce(x.mbo_w, 0) AS a, CAST(t.target AS DECIMAL(38,2)) AS t
      FROM ({eligible(p, W.start)}) e LEFT JOIN dist x ON x.dist = e.participant_id
      LEFT JOIN targets t ON t.participant_id = e.participant_id
        AND t.program_id = {q(p.id)} AND t.kpi = 'billed_outlets'""")
    insert_kpi(con, p.id, "w_mbo", "billed_outlets", 0, "a", "t", attainment("a", 0, "t", 4))
    c = p.components[0]
    raw, rate, note = step(c, on_attainment("a", "t"), "a")
    insert_component(con, p.id, "w_mbo", c.id, 0, "a", rate,
                     f"CASE WHEN t > 0 THEN {money(raw)} ELSE CAST(0 AS DECIMAL(38,2)) END",
                     f"CASE WHEN t > 0 THEN {note} ELSE 'no target' END")


def nca(con, p: Program) -> None:
    W = only_period(p)
    assert p.kpis[0].count == "net"
    con.execute(f"""CREATE TEMP TABLE w_nca AS
      SELECT e.participant_id AS pid, {day(W.start)} AS ps, {day(W.end)} AS pe,
             coalesce(x.nca_new, 0) - coalesce(x.nca_lost, 0) AS a
      FROM ({eligible(p, W.start)}) e LEFT JOIN dist x ON x.dist = e.participant_id""")
    insert_kpi(con, p.id, "w_nca", "net_added", 0, "a")
    insert_step_on_actual(con, p, "w_nca", "per_net_outlet", 0, "a")


def reactivation(con, p: Program) -> None:
    W = only_period(p)
    con.execute(f"""CREATE TEMP TABLE w_re AS
      SELECT e.participant_id AS pid, {day(W.start)} AS ps, {day(W.end)} AS pe,
             coalesce(x.revived, 0) AS a
      FROM ({eligible(p, W.start)}) e LEFT JOIN dist x ON x.dist = e.participant_id""")
    insert_kpi(con, p.id, "w_re", "revived", 0, "a")
    insert_step_on_actual(con, p, "w_re", "per_revived_outlet", 0, "a")


def flash(con, p: Program) -> None:
    F = only_period(p)
    con.execute(f"""CREATE TEMP TABLE w_fl AS
      SELECT e.participant_id AS pid, {day(F.start)} AS ps, {day(F.end)} AS pe,
             CAST(coalesce(x.tea_f, 0) AS DECIMAL(38,3)) AS a
      FROM ({eligible(p, F.start)}) e LEFT JOIN prem x ON x.dist = e.participant_id""")
    insert_kpi(con, p.id, "w_fl", "tea_units", 0, "a")
    insert_step_on_actual(con, p, "w_fl", "per_unit", 0, "a")
    budget = p.caps.budget
    b = units(lit(budget), 2)
    # running = the participant's total; scaled down pro-rata when the period's total exceeds
    # the budget: floor to the paisa, the paise left go to the largest remainders
    con.execute(f"""CREATE TEMP TABLE b_fl AS
      WITH tot AS (
        SELECT participant_id AS pid, period_start AS ps, period_end AS pe,
               {units('sum(amount)', 2)} AS run FROM out_c
        WHERE program_id = {q(p.id)} GROUP BY ALL),
      s AS (SELECT *, sum(run) OVER () AS total FROM tot),
      f AS (SELECT *, (run * {b}) // total AS scaled, (run * {b}) % total AS rem
            FROM s WHERE total > {b}),
      g AS (SELECT *, {b} - sum(scaled) OVER () AS left_over,
                   row_number() OVER (ORDER BY rem DESC, pid) - 1 AS rank FROM f)
      SELECT pid, ps, pe, total,
             scaled + CASE WHEN rank < left_over THEN 1 ELSE 0 END - run AS adj FROM g""")
    insert_component(con, p.id, "b_fl", "budget", len(p.components), "NULL", "NULL",
                     dec_of("adj", 2),
                     f"{q(f'budget {budget}: period total ')} || "
                     f"CAST({dec_of('total', 2)} AS VARCHAR) || ' scaled pro-rata'",
                     where="adj <> 0")


def early_payment(con, p: Program) -> None:
    W = only_period(p)
    (k,) = p.kpis
    assert not k.pro_rata
    tiers = sorted(k.tiers, key=lambda t: (-t.rate, t.days))
    rs = max(scale(t.rate) for t in tiers)
    rate = " ".join(f"WHEN day <= idate + INTERVAL {t.days} DAY THEN {lit(t.rate, rs)}"
                    for t in tiers)
    con.execute(f"""CREATE TEMP TABLE ep AS
      WITH j AS (
        SELECT y.payment_id, y.paid_on, i.invoice_id, i.dist, i.idate, i.total,
               sum(y.amount) OVER (PARTITION BY i.invoice_id ORDER BY y.paid_on, y.payment_id
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum
        FROM pay y JOIN inv i ON y.invoice_id = i.invoice_id WHERE i.total > 0),
      done AS (SELECT invoice_id, dist, idate, total, min(paid_on) AS day FROM j
               WHERE cum >= total GROUP BY ALL),
      earned AS (SELECT dist, day, round(total * (CASE {rate} ELSE NULL END), 2) AS earn
                 FROM done)
      SELECT dist, CAST(sum(earn) AS DECIMAL(38,2)) AS v FROM earned
      WHERE earn IS NOT NULL AND earn <> 0 AND {between('day', W)} GROUP BY dist""")
    con.execute(f"""CREATE TEMP TABLE w_ep AS
      SELECT e.participant_id AS pid, {day(W.start)} AS ps, {day(W.end)} AS pe,
             CAST(coalesce(x.v, 0) AS DECIMAL(38,2)) AS a
      FROM ({eligible(p, W.start)}) e LEFT JOIN ep x ON x.dist = e.participant_id""")
    insert_kpi(con, p.id, "w_ep", "discount", 0, "a")
    insert_step_on_actual(con, p, "w_ep", "discount_credit", 0, "a")


def mbc(con, p: Program) -> None:
    W = only_period(p)
    (k,) = p.kpis
    assert k.source == "primary" and k.rollup == "direct"
    mgr = ", ".join(q(r) for r in MANAGER_ROLES)
    con.execute(f"""CREATE TEMP TABLE w_mbc AS
      WITH RECURSIVE edges AS (
        SELECT parent_id AS anc, participant_id AS dsc, role FROM participants
        WHERE parent_id IS NOT NULL AND parent_id <> ''),
      walk(anc, dsc, role, depth) AS (
        SELECT anc, dsc, role, 1 FROM edges
        UNION ALL
        SELECT w.anc, e.dsc, e.role, w.depth + 1 FROM walk w JOIN edges e ON e.anc = w.dsc
        WHERE w.role IN ({mgr}) AND w.depth < {MAX_DEPTH}),
      pairs AS (SELECT DISTINCT anc, dsc FROM walk),
      billed AS (SELECT distributor_id AS dsc FROM primary_sales
                 WHERE {between('invoice_date', W)} GROUP BY 1
                 HAVING sum(net_amount) > 0 AND sum(net_amount) >= {lit(k.min_value)}),
      n AS (SELECT anc, count(*) AS n FROM pairs JOIN billed USING (dsc) GROUP BY anc)
      SELECT e.participant_id AS pid, {day(W.start)} AS ps, {day(W.end)} AS pe,
             coalesce(n.n, 0) AS a
      FROM ({eligible(p, W.start)}) e LEFT JOIN n ON n.anc = e.participant_id""")
    insert_kpi(con, p.id, "w_mbc", "channels", 0, "a")
    insert_step_on_actual(con, p, "w_mbc", "per_channel", 0, "a")


def rod(con, p: Program) -> None:
    (k,) = p.kpis
    assert k.mode == "level" and k.overdue_only and not k.older_than_days
    t_rule = p.targets[k.id]
    assert t_rule.lower_is_better and t_rule.fixed is not None
    wins = periods(p)
    values = ", ".join(f"({w.no}, {day(w.start)}, {day(w.end)})" for w in wins)
    con.execute(f"CREATE TEMP TABLE rod_w AS SELECT * FROM (VALUES {values}) v(no, ps, pe)")
    roles = ", ".join(q(r) for r in p.participants.roles)
    con.execute(f"""CREATE TEMP TABLE w_rod AS
      WITH paid AS (
        SELECT y.invoice_id, w.no, sum(y.amount) AS paid
        FROM pay y JOIN rod_w w ON y.paid_on <= w.pe GROUP BY ALL),
      od AS (
        SELECT i.dist, w.no,
               sum(greatest(i.total - CAST(coalesce(d.paid, 0) AS DECIMAL(38,2)),
                            CAST(0 AS DECIMAL(38,2)))) AS v
        FROM inv i JOIN rod_w w ON i.idate <= w.pe AND i.due < w.pe
        LEFT JOIN paid d ON d.invoice_id = i.invoice_id AND d.no = w.no GROUP BY ALL)
      SELECT e.participant_id AS pid, w.no, w.ps, w.pe,
             CAST(coalesce(od.v, 0) AS DECIMAL(38,2)) AS a,
             CAST({lit(t_rule.fixed)} AS DECIMAL(38,2)) AS t
      FROM participants e JOIN rod_w w ON e.left_on IS NULL OR e.left_on >= w.ps
      LEFT JOIN od ON od.dist = e.participant_id AND od.no = w.no
      WHERE e.role IN ({roles})""")
    insert_kpi(con, p.id, "w_rod", k.id, 0, "a", "t", attainment("a", 2, "t", 4, lower=True))
    c = p.components[0]
    assert c.fixed is not None and c.catch_up
    met = "(t >= a)"
    missed = f"; deferred for catch-up within {c.catch_up.within} period(s)"
    insert_component(
        con, p.id, "w_rod", c.id, 0, "a", "NULL",
        f"CASE WHEN {met} THEN {lit(c.fixed)}::DECIMAL(38,2) ELSE CAST(0 AS DECIMAL(38,2)) END",
        f"CASE WHEN {met} THEN 'target met: fixed amount' ELSE 'target not met' END"
        f" || CASE WHEN t IS NOT NULL AND NOT (a <= t) THEN {q(missed)} ELSE '' END")
    # catch-up: what period m missed is released in the first later period r <= m + within
    # whose level is within its target (each missed amount once)
    con.execute(f"""CREATE TEMP TABLE cu_rod AS
      SELECT r.pid, r.ps, r.pe, m.no AS missed, r.no AS released
      FROM w_rod m JOIN w_rod r ON r.pid = m.pid AND r.no > m.no
        AND r.no <= m.no + {c.catch_up.within} AND r.a <= r.t
      WHERE m.t IS NOT NULL AND NOT (m.a <= m.t)
      QUALIFY r.no = min(r.no) OVER (PARTITION BY m.pid, m.no)""")
    insert_component(con, p.id, "cu_rod", f"{c.id}:catch_up", 0, "NULL", "NULL",
                     f"{lit(c.fixed)}::DECIMAL(38,2)",
                     "'catch-up of the amount missed in period ' || CAST(missed AS VARCHAR)",
                     sub="missed")


PROGRAMS = {
    "volume_growth_oct": volume_growth,
    "premium_upsell_oct": premium_upsell,
    "balanced_scorecard_oct": scorecard,
    "mbo_targets": mbo,
    "nca_oct": nca,
    "reactivation_oct": reactivation,
    "flash_tea_week": flash,
    "early_pay_oct": early_payment,
    "mbc_reps_oct": mbc,
    "rod_q3": rod,
}


def run(warehouse: Path, out: Path) -> dict[str, float]:
    """Compute the three files; return seconds per step."""
    laps = Laps()
    lap, timings = laps.lap, laps.timings

    programs = load_programs()
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute(MACROS)
    con.execute(OUT_TABLES)
    lap("setup")
    shared_facts(con, programs)
    lap("scans")
    for pid, build in PROGRAMS.items():
        build(con, programs[pid])
    lap("programs")
    write_outputs(con, out)
    con.close()
    lap("write")
    return timings


def write_outputs(con, out: Path) -> None:
    """OUT/payouts.csv, kpis.csv and components.csv from the rows in out_k and out_c."""
    out.mkdir(parents=True, exist_ok=True)
    order = "ORDER BY program_id, participant_id, period_start, o1, o2"
    files = {
        "payouts": ("SELECT program_id, participant_id, period_start, period_end, "
                    "CAST(CAST(sum(amount) AS DECIMAL(38,2)) AS VARCHAR) AS payout FROM out_c "
                    "GROUP BY ALL ORDER BY program_id, participant_id, period_start"),
        "kpis": ("SELECT program_id, participant_id, kpi, actual, target, attainment, "
                 f"period_start, period_end FROM out_k {order}"),
        "components": ("SELECT program_id, participant_id, component, base, rate, "
                       "CAST(amount AS VARCHAR) AS amount, note, period_start, period_end "
                       f"FROM out_c {order}"),
    }
    for name, sql in files.items():
        target = str(out / f"{name}.csv").replace("'", "''")
        con.execute(f"COPY ({sql}) TO '{target}' (HEADER, DELIMITER ',')")


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: python -m benchmarks.sql_baseline WAREHOUSE OUT")
    timings = run(Path(argv[0]), Path(argv[1]))
    if os.environ.get("SCHEMEOPS_BENCH_VERBOSE"):
        print(f"sql baseline: {timings}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
