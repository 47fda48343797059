"""The ten example programs in idiomatic pandas: what an analyst would write, at its best.

    python -m benchmarks.pandas_baseline WAREHOUSE OUT

writes OUT/payouts.csv, OUT/kpis.csv and OUT/components.csv, byte for byte what the engine
writes for examples/programs/ (see benchmarks/_programs.py for the shared definitions).

The warehouse tables are read through DuckDB into DataFrames (only the columns used; money as
exact integers in paise, quantities in thousandths); then everything is vectorised groupby /
merge / masks, no Python loop over rows. Sales are reduced once to distributor x outlet x day,
then to distributor x outlet, like the SQL baseline, and once per invoice for the history
bills (net of the returns naming them before October); the premium and cross-sell facts read
only the lines they need. Per-participant arithmetic (a few thousand rows) is done on Python
integers (object columns) so that products of money and rates cannot overflow; quotients are
exact half-up integer divisions. SCHEMEOPS_BENCH_VERBOSE=1 prints per-step timings on stderr.
"""

from __future__ import annotations

import itertools
import os
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from benchmarks._programs import (
    COMPONENT_COLUMNS,
    KPI_COLUMNS,
    MANAGER_ROLES,
    MAX_DEPTH,
    PAYOUT_COLUMNS,
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

# ---------------------------------------------------------------- exact integer helpers


def ints(values) -> pd.Series:
    """A column of Python integers (exact at any size)."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    return s.astype("int64").astype(object)


def units(d: Decimal, s: int) -> int:
    """A decimal as an integer count of 10^-s (exact)."""
    v = d.scaleb(s)
    assert v == v.to_integral_value(), (d, s)
    return int(v)


def rq(n, d):
    """n / d rounded half away from zero, for integer columns or ints (d != 0)."""
    q = (2 * abs(n) + abs(d)) // (2 * abs(d))
    neg = (n < 0) != (d < 0)
    if isinstance(q, pd.Series):
        return q.where(~np.asarray(neg, dtype=bool), -q)
    return -q if neg else q


def rescale(u, s_from: int, s_to: int):
    """Units at scale s_from rounded half-up to scale s_to."""
    if s_from <= s_to:
        return u * 10 ** (s_to - s_from)
    return rq(u, 10 ** (s_from - s_to))


def ratio(num: pd.Series, num_scale: int, den: pd.Series, den_scale: int,
          places: int) -> pd.Series:
    """num / den half-up to `places`, as units; None where den is 0 or missing."""
    ok = den.notna() & (den != 0)
    n = num[ok] * 10 ** (den_scale + places)
    d = den[ok] * 10 ** num_scale
    out = pd.Series([None] * len(num), index=num.index, dtype=object)
    out[ok] = rq(n, d)
    return out


def attainment(a: pd.Series, sa: int, t: pd.Series, places: int, *, lower: bool = False
               ) -> pd.Series:
    """actual / target (target / actual when lower is better); None without a target > 0."""
    r = ratio(t, 2, a, sa, places) if lower else ratio(a, sa, t, 2, places)
    has = t.notna() & (t.fillna(0) > 0)
    return r.where(has, None)


def fmt(u: pd.Series, s: int) -> pd.Series:
    """Units at scale s as text (DuckDB's DECIMAL text: '-12.30'); None stays empty."""
    known = u.notna()
    v = u[known]
    a = abs(v)
    whole = (a // 10 ** s).astype(str)
    txt = whole + ("." + (a % 10 ** s).astype(str).str.zfill(s) if s else "")
    txt = txt.where(~np.asarray(v < 0, dtype=bool), "-" + txt)
    out = pd.Series([None] * len(u), index=u.index, dtype=object)
    out[known] = txt
    return out


def days(d) -> pd.Timestamp:
    return pd.Timestamp(d)


def within(col: pd.Series, window) -> pd.Series:
    start, end = (window.start, window.end) if hasattr(window, "start") else window
    return (col >= days(start)) & (col <= days(end))


# ---------------------------------------------------------------- output rows


class Out:
    """The rows of the three files, collected per program."""

    def __init__(self) -> None:
        self.kpis: list[pd.DataFrame] = []
        self.comps: list[pd.DataFrame] = []

    def kpi(self, pid: str, w: pd.DataFrame, kpi: str, order: int, actual: pd.Series,
            target: pd.Series | None = None, att4: pd.Series | None = None) -> None:
        none = pd.Series([None] * len(w), index=w.index, dtype=object)
        self.kpis.append(pd.DataFrame({
            "program_id": pid, "participant_id": w.pid, "kpi": kpi, "actual": actual,
            "target": none if target is None else target,
            "attainment": none if att4 is None else att4,
            "period_start": w.ps, "period_end": w.pe, "o1": order, "o2": 0}))

    def comp(self, pid: str, w: pd.DataFrame, name: str, order: int, base, rate,
             amount: pd.Series, note, sub=0) -> None:
        self.comps.append(pd.DataFrame({
            "program_id": pid, "participant_id": w.pid, "component": name, "base": base,
            "rate": rate, "amount_u": amount, "note": note, "period_start": w.ps,
            "period_end": w.pe, "o1": order, "o2": sub}))

    def write(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        keys = ["program_id", "participant_id", "period_start", "o1", "o2"]
        comps = pd.concat(self.comps, ignore_index=True).sort_values(keys, kind="stable")
        kpis = pd.concat(self.kpis, ignore_index=True).sort_values(keys, kind="stable")
        pay = comps.groupby(["program_id", "participant_id", "period_start", "period_end"],
                            as_index=False, sort=True).agg(payout=("amount_u", "sum"))
        pay["payout"] = fmt(pay.payout, 2)
        comps["amount"] = fmt(comps.amount_u, 2)
        for name, df, cols in (("payouts", pay, PAYOUT_COLUMNS),
                               ("kpis", kpis, KPI_COLUMNS),
                               ("components", comps, COMPONENT_COLUMNS)):
            df = df[cols].copy()
            for c in ("period_start", "period_end"):
                df[c] = df[c].dt.strftime("%Y-%m-%d")
            df.to_csv(out / f"{name}.csv", index=False, lineterminator="\n")


# ---------------------------------------------------------------- payout shapes


def step(c: Component, reached, base_u: pd.Series, base_scale: int
         ) -> tuple[pd.Series, pd.Series, pd.Series, int]:
    """Step slabs: raw amount (units at the returned scale), rate text, note.

    `reached(x)` is a boolean mask: the measure is at or past x."""
    fs = max([scale(f) for s in c.slabs if (f := slab_factor(s)) is not None] + [0])
    sc = max(base_scale + fs, 2)
    conds, pays, rates, notes = [], [], [], []
    for i, s in reversed(list(enumerate(c.slabs, 1))):
        m = np.asarray(reached(s.from_), dtype=bool)
        f = slab_factor(s)
        pay = (base_u * units(f, sc - base_scale) if f is not None
               else pd.Series([units(s.amount, sc)] * len(base_u), index=base_u.index))
        conds.append(m)
        pays.append(pay)
        rates.append(rate_text(s))
        notes.append(slab_note(i, c))
    raw = pd.Series(0, index=base_u.index, dtype=object)
    rate = pd.Series([None] * len(base_u), index=base_u.index, dtype=object)
    note = pd.Series(below_note(c), index=base_u.index, dtype=object)
    for m, pay, r, n in reversed(list(zip(conds, pays, rates, notes, strict=True))):
        raw = raw.where(~m, pay)
        rate = rate.where(~m, r)
        note = note.where(~m, n)
    return raw, rate, note, sc


def on_actual(a_u: pd.Series, sa: int):
    return lambda x: a_u * 10 ** scale(x) >= units(x, scale(x)) * 10 ** sa


def on_attainment(a_u: pd.Series, sa: int, t_u: pd.Series):
    t = t_u.fillna(0)

    def reached(x: Decimal) -> pd.Series:
        sx = scale(x)
        return (t > 0) & (a_u * 10 ** (sx + 2) >= units(x, sx) * t * 10 ** sa)
    return reached


def step_on_actual(out: Out, p: Program, w: pd.DataFrame, comp_id: str, order: int,
                   a_u: pd.Series, sa: int) -> None:
    c = component(p, comp_id)
    raw, rate, note, sc = step(c, on_actual(a_u, sa), a_u, sa)
    out.comp(p.id, w, c.id, order, fmt(a_u, sa), rate, rescale(raw, sc, 2), note)


# ---------------------------------------------------------------- data


def read(warehouse: Path) -> dict[str, pd.DataFrame]:
    """The columns the programs use, through Arrow (DuckDB's `.df()` builds Python strings
    one by one: 10x slower here); money in paise, quantities in thousandths, exact."""
    con = duckdb.connect(str(warehouse), read_only=True)

    def df(sql: str) -> pd.DataFrame:
        return con.sql(sql).fetch_arrow_table().to_pandas(date_as_object=False)

    t = {
        "sales": df("SELECT distributor_id, outlet_id, invoice_id, invoice_date, sku, doc_type, "
                    "ref_invoice_id AS ref, CAST(quantity * 1000 AS BIGINT) AS qty, "
                    "CAST(net_amount * 100 AS BIGINT) AS net FROM sales"),
        "products": df("SELECT sku, category, segment FROM products"),
        "participants": df("SELECT participant_id, role, parent_id, tier, region, left_on "
                           "FROM participants"),
        "primary": df("SELECT invoice_id, invoice_date, due_date, distributor_id, "
                      "CAST(net_amount * 100 AS BIGINT) AS net FROM primary_sales"),
        "payments": df("SELECT payment_id, invoice_id, paid_on, CAST(amount * 100 AS BIGINT) "
                       "AS amount FROM payments"),
        "targets": df("SELECT program_id, participant_id, kpi, CAST(target * 1000 AS BIGINT) "
                      "AS target FROM targets"),
    }
    con.close()
    return t


def eligible(p: Program, parts: pd.DataFrame, start, extra=None) -> pd.DataFrame:
    e = parts[parts.role.isin(p.participants.roles)
              & (parts.left_on.isna() | (parts.left_on >= days(start)))]
    if extra is not None:
        e = e[extra(e)]
    return e.rename(columns={"participant_id": "pid"})


def history_bills(s: pd.DataFrame, W, lb, quiet) -> pd.DataFrame:
    """Per distributor x outlet, the bills history counts before W (an invoice net of the
    returns naming it dated before W starts, above 0): first_bill, last_bill (before W),
    bill_lb and bill_q (how many in the lookback and in the quiet days)."""
    inv = s[s.doc_type == "invoice"].groupby(
        ["invoice_id", "distributor_id", "outlet_id", "invoice_date"], sort=False,
        as_index=False).net.sum()
    r = s[(s.doc_type == "return") & s.ref.notna() & (s.ref != "")
          & (s.invoice_date < days(W.start))]
    kept = inv.net + inv.invoice_id.map(r.groupby("ref").net.sum()).fillna(0)
    b = inv[kept > 0]
    d = b.invoice_date
    per = pd.DataFrame({"dist": b.distributor_id, "o": b.outlet_id, "first_bill": d,
                        "last_bill": d.where(d < days(W.start)),
                        "bill_lb": within(d, lb), "bill_q": within(d, quiet)})
    return per.groupby(["dist", "o"], sort=False, as_index=False).agg(
        first_bill=("first_bill", "min"), last_bill=("last_bill", "max"),
        bill_lb=("bill_lb", "sum"), bill_q=("bill_q", "sum"))


def facts(data: dict[str, pd.DataFrame], P: dict[str, Program]) -> dict[str, pd.DataFrame]:
    """Per distributor x outlet, then per distributor: everything the sales KPIs need."""
    W = only_period(P["volume_growth_oct"])
    for pid in ("mbo_targets", "nca_oct", "premium_upsell_oct", "reactivation_oct",
                "balanced_scorecard_oct"):
        w = only_period(P[pid])
        assert (w.start, w.end) == (W.start, W.end), f"{pid}: the shared pass assumes {W}"
    F = only_period(P["flash_tea_week"])
    hist = history(W, history_periods(P["balanced_scorecard_oct"], "value"))
    nca = P["nca_oct"].kpi("net_added")
    lb = before(W, nca.lookback_days)
    react = P["reactivation_oct"].kpi("revived")
    mbo_min = units(P["mbo_targets"].kpi("billed_outlets").min_value, 2)
    sc_min = units(P["balanced_scorecard_oct"].kpi("outlets").min_value, 2)
    up = P["premium_upsell_oct"]
    seg = up.kpi("premium").segment
    rng_kpi = up.kpi("range")
    bundle = sorted(set(up.kpi("combo").bundle))

    s, prod = data["sales"], data["products"]
    daily = s.groupby(["distributor_id", "outlet_id", "invoice_date"], sort=False,
                      as_index=False).net.sum()
    d = daily.invoice_date
    in_w = within(d, W)
    per = pd.DataFrame({
        "dist": daily.distributor_id, "o": daily.outlet_id, "net_w": daily.net.where(in_w, 0),
        **{f"net_h{j}": daily.net.where(within(d, h), 0) for j, h in enumerate(hist, 1)},
    })
    od = per.groupby(["dist", "o"], sort=False, as_index=False).agg(
        net_w=("net_w", "sum"), **{f"net_h{j}": (f"net_h{j}", "sum")
                                   for j in range(1, len(hist) + 1)})
    od = od.merge(history_bills(s, W, lb, before(W, react.inactive_min_days)),
                  on=["dist", "o"], how="left")

    # premium value and premium-tea units per distributor: only the lines concerned
    prem_skus = prod.sku[prod.segment == seg]
    tea_skus = prod.sku[(prod.category == "tea") & (prod.segment == "premium")]
    x = s[within(s.invoice_date, (min(hist[0][0], F.start), max(W.end, F.end)))
          & s.sku.isin(pd.concat([prem_skus, tea_skus]))]
    is_prem, is_tea = x.sku.isin(prem_skus), x.sku.isin(tea_skus)
    prem = pd.DataFrame({
        "dist": x.distributor_id,
        "prem_w": x.net.where(is_prem & within(x.invoice_date, W), 0),
        "prem_h1": x.net.where(is_prem & within(x.invoice_date, hist[0]), 0),
        "tea_f": x.qty.where(is_tea & within(x.invoice_date, F), 0),
    }).groupby("dist").sum()
    # billed in the window, billed before it, not billed in the quiet days before
    revived = (od.net_w > 0) & od.last_bill.notna() & ~(od.bill_q > 0)
    if react.inactive_max_days is not None:
        revived &= od.last_bill >= days(before(W, react.inactive_max_days)[0])
    flags = od.assign(
        mbo_w=(od.net_w > 0) & (od.net_w >= mbo_min),
        sc_out_w=(od.net_w > 0) & (od.net_w >= sc_min),
        sc_out_h1=(od.net_h1 > 0) & (od.net_h1 >= sc_min),
        nca_new=within(od.first_bill, W) & (od.net_w > 0),
        nca_lost=(od.bill_lb > 0) & ~(od.net_w > 0),
        revived=revived)
    cols = ["net_w", *[f"net_h{j}" for j in range(1, len(hist) + 1)], "mbo_w", "sc_out_w",
            "sc_out_h1", "nca_new", "nca_lost", "revived"]
    dist = flags.groupby("dist")[cols].sum().join(prem, how="outer")

    # category range in the window: outlets buying >= N categories (net > 0 each)
    oct_lines = s[within(s.invoice_date, W)]
    cat = oct_lines.sku.map(prod.set_index("sku").category)
    by_cat = oct_lines.assign(category=cat).groupby(
        ["distributor_id", "outlet_id", "category"], sort=False).net.sum()
    by_cat = by_cat[by_cat > 0].reset_index()
    n_cat = by_cat.groupby(["distributor_id", "outlet_id"], sort=False).size()
    wide = n_cat[n_cat >= rng_kpi.min_distinct].reset_index()
    rng = wide.groupby("distributor_id").size().rename("rng")

    # invoices carrying every SKU of the bundle
    b = oct_lines[(oct_lines.doc_type == "invoice") & oct_lines.sku.isin(bundle)]
    per_inv = b.groupby(["distributor_id", "invoice_id"], sort=False).sku.nunique()
    full = per_inv[per_inv == len(bundle)].reset_index()
    bnd = full.groupby("distributor_id").size().rename("bnd")

    ps = data["primary"]
    inv = ps.groupby("invoice_id", as_index=False).agg(
        dist=("distributor_id", "min"), idate=("invoice_date", "min"), due=("due_date", "min"),
        total=("net", "sum"))
    pay = data["payments"]
    pay = pay[pay.invoice_id.notna() & (pay.invoice_id != "")]
    return {"dist": dist, "rng": rng, "bnd": bnd, "inv": inv, "pay": pay}


def lookup(w: pd.DataFrame, table: pd.DataFrame | pd.Series, col: str) -> pd.Series:
    """table[col] for each w.pid (0 where absent), as Python ints."""
    src = table if isinstance(table, pd.Series) else table[col]
    return ints(w.pid.map(src).fillna(0))


def frame(e: pd.DataFrame, W) -> pd.DataFrame:
    return pd.DataFrame({"pid": e.pid.to_numpy(), "ps": days(W.start), "pe": days(W.end),
                         "tier": e.tier.to_numpy(), "region": e.region.to_numpy()})


# ---------------------------------------------------------------- the programs


def history_target(h_u: pd.Series, uplift_u: pd.Series | int, us: int) -> pd.Series:
    """round_half_up(history x (1 + uplift), 2), history in paise, uplift at scale us."""
    return rq(h_u * uplift_u, 10 ** us)


def volume_growth(out: Out, p: Program, data, f) -> None:
    W = only_period(p)
    w = frame(eligible(p, data["participants"], W.start), W)
    a = lookup(w, f["dist"], "net_w")
    rule = p.targets["value"]
    up = rule.uplift
    us = max(scale(v) for v in (up.default, *up.values.values()))
    factor = w[up.by].map({k: units(1 + v, us) for k, v in up.values.items()})
    factor = ints(factor.fillna(units(1 + up.default, us)))
    t = history_target(lookup(w, f["dist"], "net_h1"), factor, us)
    if rule.floor is not None:
        t = t.where(t >= units(rule.floor, 2), units(rule.floor, 2))
    to = units(rule.round.to, 2)
    assert rule.round.mode == "up"
    t = ((t + to - 1) // to).where(t >= 0, -((-t) // to)) * to
    out.kpi(p.id, w, "value", 0, fmt(a, 2), fmt(t, 2), fmt(attainment(a, 2, t, 4), 4))
    c = component(p, "growth_bonus")
    raw, rate, note, sc = step(c, on_attainment(a, 2, t), a, 2)
    has_t = t > 0
    amount = rescale(raw, sc, 2).where(has_t, 0)
    note = note.where(has_t, "no target")
    # the cap is a ceiling: a share of a negative sales value caps at 0, never below
    lim = rq(a * units(c.cap.rate, scale(c.cap.rate)), 10 ** scale(c.cap.rate))
    lim = lim.where(lim > 0, 0)
    capped = amount > lim
    note = note.where(~capped, note + "; capped at " + fmt(lim, 2))
    out.comp(p.id, w, c.id, 0, fmt(a, 2), rate, amount.where(~capped, lim), note)


def premium_upsell(out: Out, p: Program, data, f) -> None:
    W = only_period(p)
    w = frame(eligible(p, data["participants"], W.start), W)
    a = lookup(w, f["dist"], "prem_w")
    rule = p.targets["premium"]
    us = scale(rule.uplift.default)
    t = history_target(lookup(w, f["dist"], "prem_h1"), units(1 + rule.uplift.default, us), us)
    if rule.floor is not None:
        t = t.where(t >= units(rule.floor, 2), units(rule.floor, 2))
    att6 = attainment(a, 2, t, 6)
    rng, bnd = lookup(w, f["rng"], "rng"), lookup(w, f["bnd"], "bnd")
    out.kpi(p.id, w, "premium", 0, fmt(a, 2), fmt(t, 2), fmt(attainment(a, 2, t, 4), 4))
    out.kpi(p.id, w, "range", 1, fmt(rng, 0))
    out.kpi(p.id, w, "combo", 2, fmt(bnd, 0))

    c = component(p, "premium_curve")
    pts = c.curve
    reached = on_attainment(a, 2, t)
    measure = "attainment " + fmt(att6.fillna(0), 6)
    last = pts[-1]
    amount = pd.Series(0, index=w.index, dtype=object)
    note = pd.Series(f"below the curve's start ({pts[0].x})", index=w.index, dtype=object)
    for p0, p1 in itertools.pairwise(pts):  # lowest segment first, higher ones win
        m = np.asarray(reached(p0.x), dtype=bool)
        dx, dr = p1.x - p0.x, p1.rate - p0.rate
        S = max(scale(v) for v in (p0.rate * dx, dr, p0.x, dx))
        R, D, X, DX = (units(v, S) for v in (p0.rate * dx, dr, p0.x, dx))
        # paise = A (R T 10^S + D (A 10^S - X T)) / (10^S DX T), A and T in paise
        num = a * (R * t * 10 ** S + D * (a * 10 ** S - X * t))
        den = 10 ** S * DX * t.where(t != 0, 1)
        amount = amount.where(~m, rq(num, den))
        note = note.where(~m, "curve, interpolated at " + measure)
    m = np.asarray(reached(last.x), dtype=bool)
    sr = scale(last.rate)
    amount = amount.where(~m, rescale(a * units(last.rate, sr), 2 + sr, 2))
    note = note.where(~m, f"at or past the curve's last point: rate {last.rate} ("
                      + measure + ")")
    has_t = t > 0
    out.comp(p.id, w, c.id, 0, fmt(a, 2), "curve", amount.where(has_t, 0),
             note.where(has_t, "no target"))
    step_on_actual(out, p, w, "range_bonus", 1, rng, 0)
    step_on_actual(out, p, w, "bundle_bonus", 2, bnd, 0)


def scorecard(out: Out, p: Program, data, f) -> None:
    W = only_period(p)
    assert p.participants.where == ("tier in ('gold', 'platinum') and region in "
                                    "('North', 'West')")
    w = frame(eligible(p, data["participants"], W.start,
                       lambda e: e.tier.isin(["gold", "platinum"])
                       & e.region.isin(["North", "West"])), W)
    tv, to = p.targets["value"], p.targets["outlets"]
    n = history_periods(p, "value")
    a_v = lookup(w, f["dist"], "net_w")
    total = sum(lookup(w, f["dist"], f"net_h{j}") for j in range(1, n + 1))
    uv = scale(tv.uplift.default)  # Σ history × (1 + uplift) ÷ n, rounded once
    t_v = rq(total * units(1 + tv.uplift.default, uv), n * 10 ** uv)
    a_o = lookup(w, f["dist"], "sc_out_w")
    uo = scale(to.uplift.default)
    t_o = history_target(lookup(w, f["dist"], "sc_out_h1") * 100,
                         units(1 + to.uplift.default, uo), uo)
    assert to.round.mode == "up"
    step_u = units(to.round.to, 2)
    t_o = ((t_o + step_u - 1) // step_u) * step_u
    att_v, att_o = attainment(a_v, 2, t_v, 6), attainment(a_o, 0, t_o, 6)
    out.kpi(p.id, w, "value", 0, fmt(a_v, 2), fmt(t_v, 2), fmt(attainment(a_v, 2, t_v, 4), 4))
    out.kpi(p.id, w, "outlets", 1, fmt(a_o, 0), fmt(t_o, 2),
            fmt(attainment(a_o, 0, t_o, 4), 4))

    c = p.components[0]
    att = {"value": att_v, "outlets": att_o}
    score, ss = 0, 6 + max(scale(i.weight) for i in c.scorecard)
    for i in c.scorecard:
        x = att[i.kpi].fillna(0)
        if i.cap is not None:
            x = x.where(x <= units(i.cap, 6), units(i.cap, 6))
        score = score + x * units(i.weight, ss - 6)
    raw, rate, note, sc = step(c, lambda x: score >= units(x, ss), a_v, 2)
    (m,) = c.multipliers
    assert m.when == "attainment(value) >= 1.15" and c.gate == "attainment(outlets) >= 0.8"
    hit = np.asarray(att_v.fillna(-1) >= units(Decimal("1.15"), 6), dtype=bool)
    sm = scale(m.factor)
    raw = (raw * 10 ** sm).where(~hit, raw * units(m.factor, sm))
    note = note.where(~hit, note + f"; ×{m.factor} ({m.when})")
    amount = rescale(raw, sc + sm, 2)
    has_t = (t_v > 0) & (t_o > 0)
    gate = np.asarray(att_o.fillna(-1) >= units(Decimal("0.8"), 6), dtype=bool)
    amount = amount.where(has_t & gate, 0)
    note = note.where(has_t, "no target").where(gate, f"gate failed: {c.gate}")
    out.comp(p.id, w, c.id, 0, fmt(a_v, 2), rate, amount, note)


def mbo(out: Out, p: Program, data, f) -> None:
    W = only_period(p)
    w = frame(eligible(p, data["participants"], W.start), W)
    a = lookup(w, f["dist"], "mbo_w")
    tg = data["targets"]
    tg = tg[(tg.program_id == p.id) & (tg.kpi == "billed_outlets")].set_index("participant_id")
    t_milli = w.pid.map(tg.target)
    t = pd.Series([None] * len(w), index=w.index, dtype=object)
    known = t_milli.notna()
    t[known] = rq(ints(t_milli[known]), 10)
    out.kpi(p.id, w, "billed_outlets", 0, fmt(a, 0), fmt(t, 2),
            fmt(attainment(a, 0, t, 4), 4))
    c = p.components[0]
    raw, rate, note, sc = step(c, on_attainment(a, 0, t), a, 0)
    has_t = np.asarray(t.fillna(0) > 0, dtype=bool)
    out.comp(p.id, w, c.id, 0, fmt(a, 0), rate, rescale(raw, sc, 2).where(has_t, 0),
             note.where(has_t, "no target"))


def nca(out: Out, p: Program, data, f) -> None:
    W = only_period(p)
    assert p.kpis[0].count == "net"
    w = frame(eligible(p, data["participants"], W.start), W)
    a = lookup(w, f["dist"], "nca_new") - lookup(w, f["dist"], "nca_lost")
    out.kpi(p.id, w, "net_added", 0, fmt(a, 0))
    step_on_actual(out, p, w, "per_net_outlet", 0, a, 0)


def reactivation(out: Out, p: Program, data, f) -> None:
    W = only_period(p)
    w = frame(eligible(p, data["participants"], W.start), W)
    a = lookup(w, f["dist"], "revived")
    out.kpi(p.id, w, "revived", 0, fmt(a, 0))
    step_on_actual(out, p, w, "per_revived_outlet", 0, a, 0)


def flash(out: Out, p: Program, data, f) -> None:
    F = only_period(p)
    w = frame(eligible(p, data["participants"], F.start), F)
    a = lookup(w, f["dist"], "tea_f")
    out.kpi(p.id, w, "tea_units", 0, fmt(a, 3))
    c = component(p, "per_unit")
    raw, rate, note, sc = step(c, on_actual(a, 3), a, 3)
    run = rescale(raw, sc, 2)
    out.comp(p.id, w, c.id, 0, fmt(a, 3), rate, run, note)
    # budget: scaled down pro-rata when the period's total exceeds it, floored to the paisa,
    # the paise left over going to the largest remainders (ties by participant id)
    b = units(p.caps.budget, 2)
    total = run.sum()
    if total > b:
        scaled = (run * b) // total
        rem = (run * b) % total
        left = b - scaled.sum()
        order = pd.DataFrame({"rem": rem, "pid": w.pid}).sort_values(
            ["rem", "pid"], ascending=[False, True], kind="stable")
        rank = pd.Series(np.arange(len(order)), index=order.index)
        final = scaled + (rank.reindex(w.index) < left).astype(int)
        adj = final - run
        keep = adj != 0
        wk = w[keep]
        out.comp(p.id, wk, "budget", len(p.components), None, None, adj[keep],
                 f"budget {p.caps.budget}: period total {fmt(pd.Series([total]), 2)[0]} "
                 "scaled pro-rata")


def early_payment(out: Out, p: Program, data, f) -> None:
    W = only_period(p)
    (k,) = p.kpis
    assert not k.pro_rata
    inv = f["inv"][f["inv"].total > 0]
    j = f["pay"].merge(inv, on="invoice_id").sort_values(["invoice_id", "paid_on",
                                                          "payment_id"])
    j["cum"] = j.groupby("invoice_id").amount.cumsum()
    done = j[j.cum >= j.total].groupby(["invoice_id", "dist", "idate", "total"],
                                       as_index=False).paid_on.min()
    rs = max(scale(t.rate) for t in k.tiers)
    lag = (done.paid_on - done.idate).dt.days
    rate = pd.Series(0, index=done.index)
    for t in sorted(k.tiers, key=lambda t: (t.rate, -t.days)):  # best tier wins
        rate = rate.where(~(lag <= t.days), units(t.rate, rs))
    earn = rq(ints(done.total) * ints(rate), 10 ** rs)
    done = done.assign(earn=earn)
    done = done[(done.earn != 0) & within(done.paid_on, W)]
    per = done.groupby("dist").earn.sum()
    w = frame(eligible(p, data["participants"], W.start), W)
    a = lookup(w, per, "earn")
    out.kpi(p.id, w, "discount", 0, fmt(a, 2))
    step_on_actual(out, p, w, "discount_credit", 0, a, 2)


def mbc(out: Out, p: Program, data, f) -> None:
    W = only_period(p)
    (k,) = p.kpis
    assert k.source == "primary" and k.rollup == "direct"
    parts = data["participants"]
    edges = parts[parts.parent_id.notna() & (parts.parent_id != "")]
    edges = pd.DataFrame({"anc": edges.parent_id, "dsc": edges.participant_id,
                          "role": edges.role})
    level, levels = edges, [edges]
    for _ in range(MAX_DEPTH - 1):  # one merge per level of the hierarchy
        frontier = level[level.role.isin(MANAGER_ROLES)]
        nxt = frontier[["anc", "dsc"]].merge(edges.rename(columns={"anc": "via"}),
                                             left_on="dsc", right_on="via",
                                             suffixes=("_x", ""))
        level = nxt[["anc", "dsc", "role"]]
        levels.append(level)
    pairs = pd.concat(levels)[["anc", "dsc"]].drop_duplicates()
    ps = data["primary"]
    net = ps[within(ps.invoice_date, W)].groupby("distributor_id").net.sum()
    billed = net[(net > 0) & (net >= units(k.min_value, 2))].index
    n = pairs[pairs.dsc.isin(billed)].groupby("anc").size()
    w = frame(eligible(p, parts, W.start), W)
    a = lookup(w, n, "n")
    out.kpi(p.id, w, "channels", 0, fmt(a, 0))
    step_on_actual(out, p, w, "per_channel", 0, a, 0)


def rod(out: Out, p: Program, data, f) -> None:
    (k,) = p.kpis
    assert k.mode == "level" and k.overdue_only and not k.older_than_days
    rule = p.targets[k.id]
    assert rule.lower_is_better and rule.fixed is not None
    wins = pd.DataFrame([{"no": w.no, "ps": days(w.start), "pe": days(w.end)}
                         for w in periods(p)])
    inv, pay = f["inv"], f["pay"]
    x = inv.merge(wins, how="cross")
    x = x[(x.idate <= x.pe) & (x.due < x.pe)]
    y = pay.merge(wins, how="cross")
    paid = y[y.paid_on <= y.pe].groupby(["invoice_id", "no"]).amount.sum().rename("paid")
    x = x.join(paid, on=["invoice_id", "no"])
    x["left"] = (x.total - x.paid.fillna(0).astype("int64")).clip(lower=0)
    level = x.groupby(["dist", "no"]).left.sum()

    parts = data["participants"]
    e = parts[parts.role.isin(p.participants.roles)].merge(wins, how="cross")
    e = e[e.left_on.isna() | (e.left_on >= e.ps)]
    w = pd.DataFrame({"pid": e.participant_id, "no": e["no"], "ps": e.ps, "pe": e.pe})
    w = w.reset_index(drop=True)
    a = ints(w.join(level.rename("a"), on=["pid", "no"]).a.fillna(0))
    t = pd.Series(units(rule.fixed, 2), index=w.index, dtype=object)
    out.kpi(p.id, w, k.id, 0, fmt(a, 2), fmt(t, 2), fmt(attainment(a, 2, t, 4, lower=True), 4))
    c = p.components[0]
    assert c.fixed is not None and c.catch_up
    met = t >= a
    fixed = units(c.fixed, 2)
    note = pd.Series("target not met", index=w.index).where(~met, "target met: fixed amount")
    missed = ~(a <= t)
    note = note.where(~missed, note + f"; deferred for catch-up within {c.catch_up.within} "
                      "period(s)")
    out.comp(p.id, w, c.id, 0, fmt(a, 2), None, pd.Series(0, index=w.index).where(~met, fixed),
             note)
    # catch-up: a missed period's amount is released in the first later period (within
    # `within`) whose level is within its target
    m = w.assign(a=a, t=t)[missed.to_numpy(dtype=bool)]
    r = w.assign(a=a, t=t)[(a <= t).to_numpy(dtype=bool)]
    pairs = m[["pid", "no"]].merge(r, on="pid", suffixes=("_m", ""))
    pairs = pairs[(pairs["no"] > pairs.no_m) & (pairs["no"] <= pairs.no_m + c.catch_up.within)]
    first = pairs.sort_values("no").drop_duplicates(["pid", "no_m"])
    first = first.sort_values(["pid", "no", "no_m"]).reset_index(drop=True)
    out.comp(p.id, first, f"{c.id}:catch_up", 0, None, None,
             pd.Series(fixed, index=first.index),
             "catch-up of the amount missed in period " + first.no_m.astype(str),
             sub=first.no_m)


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
    data = read(warehouse)
    lap("read")
    f = facts(data, programs)
    lap("facts")
    rows = Out()
    for pid, build in PROGRAMS.items():
        build(rows, programs[pid], data, f)
    lap("programs")
    rows.write(out)
    lap("write")
    return timings


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: python -m benchmarks.pandas_baseline WAREHOUSE OUT")
    timings = run(Path(argv[0]), Path(argv[1]))
    if os.environ.get("SCHEMEOPS_BENCH_VERBOSE"):
        print(f"pandas baseline: {timings}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
