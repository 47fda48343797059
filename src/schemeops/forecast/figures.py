"""The forecast's figures as Ibis expressions over the replays' engine results.

Every table here is keyed by `replay` (1 = the newest replay) and compiled to the backend;
only aggregates of a few rows per replay, week, slab or draw come back to Python.
"""

from __future__ import annotations

import math
from decimal import Decimal

import ibis
import ibis.expr.types as ir

from schemeops.effect.facts import costs, scheme_kpi
from schemeops.engine.data import Data
from schemeops.engine.exact import as_dec, dec, div_half_up, int64, mul, round_half_up, scale_of
from schemeops.engine.holdout import DIGITS, hash_number
from schemeops.engine.periods import Window
from schemeops.engine.runner import ProgramResult
from schemeops.program.expr import compile_filter
from schemeops.program.model import Component, Program

#: Places of the accrued payout per participant and week before it is summed.
ACCRUAL_PLACES = 4
#: A Poisson(1) draw is at most this (P(N > 7) < 1e-5: the rest is folded into 7).
MAX_WEIGHT = 7


def slab_component(program: Program) -> Component | None:
    """The first component with slabs and a KPI: the one whose slabs the earners are
    counted by (the same one effect's paying-for-baseline share reads)."""
    return next((c for c in program.components if c.kpi and c.slabs), None)


def slab_labels(program: Program) -> list[str]:
    """Level 0 … n of the slab component: 'below the first slab', then each slab."""
    c = slab_component(program)
    if c is None:
        return ["no slabs"]
    return ["below the first slab"] + [
        f"slab {i} ({'from' if s.from_ is not None else 'above'} "
        f"{s.from_ if s.from_ is not None else s.above})"
        for i, s in enumerate(c.slabs, 1)]


def _level(program: Program, wide: ir.Table) -> ir.IntegerValue:
    """How many of the slab component's slabs each row's KPI reached (0: none)."""
    c = slab_component(program)
    if c is None:
        return int64(0)
    value = wide[f"{'att' if c.on == 'attainment' else 'a'}__{c.kpi}"]
    level: ir.IntegerValue = int64(0)
    for s in c.slabs:  # one term per slab, not per row
        met = value > dec(s.above) if s.from_ is None else value >= dec(s.from_)
        level = level + ibis.ifelse(met.fill_null(False), 1, 0).cast("int64")
    return level


def participant_rows(replays: list[tuple[int, ProgramResult]], data: Data) -> ir.Table:
    """replay × participant × period: the slab level reached, the payout and the cost (free
    goods at unit_cost, as effect counts it), 0 when unpaid."""
    parts = []
    for no, r in replays:  # one query part per replay, not per row
        w = r.wide
        c = costs(r, data)
        t = w.select("participant_id", "period_no", level=_level(r.program, w)).left_join(
            c, ["participant_id", "period_no"])
        parts.append(t.select(
            replay=int64(no), participant_id=t.participant_id, period_no=t.period_no,
            level=t.level, payout=as_dec(t.payout.fill_null(dec("0.00")), 2),
            cost=as_dec(t.cost.fill_null(dec("0.00")), 2)))
    return ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]


def _scheme_products(program: Program, data: Data) -> ir.Table:
    """sku, unit_cost of the scheme's products: the first component's volume KPI's products,
    else every product."""
    p = data.products
    k = scheme_kpi(program)
    chosen = compile_filter(k.products, p).fill_null(False) if k is not None and k.products \
        else ibis.literal(True)
    return p.filter(chosen).select("sku", unit_cost=p.unit_cost.fill_null(0))


def lifted_sales(program: Program, data: Data, windows: list[Window], lift_pct: Decimal
                 ) -> ir.Table:
    """The sales with every line of the scheme's products dated inside `windows` (the
    replayed periods) raised by `lift_pct` percent, value half-up to the paisa and quantity
    to its own scale: history as if the program had lifted it."""
    s = data.sales
    factor = dec(1 + lift_pct / 100)
    inside = ibis.or_(*(s.invoice_date.between(w.start, w.end) for w in windows))
    hit = s.sku.isin(_scheme_products(program, data).sku) & inside
    q = scale_of(s.quantity)
    return s.mutate(
        net_amount=ibis.ifelse(hit, round_half_up(mul(s.net_amount, factor), 2),
                               as_dec(s.net_amount, 2)),
        quantity=ibis.ifelse(hit, round_half_up(mul(s.quantity, factor), q),
                             as_dec(s.quantity, q)))


def lifted_totals(lifted: ir.Table, rows: ir.Table) -> ir.Table:
    """Over every replay at the lift: payout, cost, and payout to the rows whose KPI
    reached the first slab on history (`rows`: their baseline)."""
    base = rows.select("replay", "participant_id", "period_no", base_level=rows.level)
    j = lifted.left_join(base, ["replay", "participant_id", "period_no"])
    reached = j.base_level.fill_null(0) > 0
    return j.aggregate(payout=j.payout.sum(), cost=j.cost.sum(),
                       earners=(j.payout > 0).sum(),
                       reached=ibis.ifelse(reached, j.payout, 0).sum())


def scheme_sales(program: Program, data: Data, rows: ir.Table, calendar: ir.Table
                 ) -> ir.Table:
    """replay × participant × period × week: Σ net_amount (`value`) and Σ quantity ×
    unit_cost (`cogs`) of the participants' secondary lines of the scheme's products (the
    first component's volume KPI's products, else every product) in the replayed periods.
    `calendar` maps (replay, day) to (period_no, week)."""
    prod = _scheme_products(program, data)
    s = data.sales
    j = s.join(prod, "sku").join(calendar, s.invoice_date == calendar.day)
    who = rows.select("replay", "participant_id", "period_no").distinct()
    j = j.join(who, [j.replay == who.replay, j.distributor_id == who.participant_id,
                     j.period_no == who.period_no])
    return j.group_by(replay=j.replay, participant_id=j.distributor_id,
                      period_no=j.period_no, week=j.week).aggregate(
        value=j.net_amount.sum(), cogs=mul(j.quantity, j.unit_cost).sum())


def burn(rows: ir.Table, sales: ir.Table, frame: ir.Table) -> ir.Table:
    """period_no × week: the accrued payout summed over the replays (divide by their
    number for the expectation).

    A participant's payout of a period accrues over its weeks in proportion to its sales of
    the scheme's products (returns count as 0 in a week): by week k, payout × Σ positive
    value of weeks ≤ k ÷ Σ positive value of all weeks. Payout to participants with no
    such sales accrues evenly by week. `frame`: replay × period_no × week × weeks (the
    period's number of weeks)."""
    pos = sales.mutate(pos=ibis.ifelse(sales.value > 0, sales.value, 0))
    total = pos.group_by("replay", "participant_id", "period_no").aggregate(
        total=pos.pos.sum())
    paid = rows.filter(rows.payout > 0)
    paid = paid.left_join(total, ["replay", "participant_id", "period_no"]).select(
        paid.replay, paid.participant_id, paid.period_no, paid.payout,
        total=total.total.fill_null(0))
    cum = pos.join(frame, [pos.replay == frame.replay, pos.period_no == frame.period_no,
                           frame.week >= pos.week]).group_by(
        replay=pos.replay, participant_id=pos.participant_id, period_no=pos.period_no,
        k=frame.week).aggregate(cum=pos.pos.sum())
    seen = paid.filter(paid.total > 0)
    s = seen.join(cum, ["replay", "participant_id", "period_no"])
    seen_k = s.group_by(replay=s.replay, period_no=s.period_no, week=s.k).aggregate(
        seen=div_half_up(mul(s.payout, s.cum), s.total, ACCRUAL_PLACES).sum())
    unseen = paid.filter(paid.total <= 0).group_by("replay", "period_no").aggregate(
        unseen=paid.payout.sum())
    f = frame.left_join(seen_k, ["replay", "period_no", "week"]).select(
        frame.replay, frame.period_no, frame.week, frame.weeks, seen=seen_k.seen)
    f = f.left_join(unseen, ["replay", "period_no"]).select(f, unseen=unseen.unseen)
    evenly = div_half_up(mul(f.unseen.fill_null(0), f.week), f.weeks, ACCRUAL_PLACES)
    f = f.mutate(accrued=as_dec(f.seen.fill_null(0), ACCRUAL_PLACES) + evenly)
    return f.group_by("period_no", "week").aggregate(accrued=f.accrued.sum())


def poisson_thresholds() -> list[int]:
    """⌊P(N ≤ k) × 16⁸⌋ for N ~ Poisson(1), k = 0 … MAX_WEIGHT − 1."""
    cdf, term, out = 0.0, math.exp(-1), []
    for k in range(MAX_WEIGHT):  # seven constants
        cdf += term
        term /= k + 1
        out.append(math.floor(cdf * 16 ** DIGITS))
    return out


def poisson_weight(key: ir.StringValue) -> ir.IntegerValue:
    """A Poisson(1) weight drawn from the hash of `key` (the same on every backend)."""
    h = hash_number(key)
    return ibis.cases(*((h < t, k) for k, t in enumerate(poisson_thresholds())),
                      else_=MAX_WEIGHT).cast("int64")


def draw_totals(rows: ir.Table, draws: ir.Table, *, seed: int) -> ir.Table:
    """draw → the program's cost in a Poisson bootstrap draw: the draw's replay (`draws`:
    draw, replay), each of its participants weighted by a Poisson(1) draw from the hash of
    seed, draw and participant id."""
    per = rows.group_by("replay", "participant_id").aggregate(cost=rows.cost.sum())
    j = draws.join(per, "replay")
    key = (ibis.literal(f"{seed}:") + j.draw.cast("string") + ibis.literal(":")
           + j.participant_id)
    j = j.mutate(weighted=mul(poisson_weight(key), j.cost))
    t = j.group_by("draw").aggregate(total=j.weighted.sum())
    out = draws.left_join(t, "draw")
    return out.select(draw=draws.draw, total=as_dec(out.total.fill_null(0), 2))


def deciles(rows: ir.Table) -> ir.Table:
    """The paid participant-periods of every replay ranked by payout in ten groups: per
    group (1 = the lowest) how many, the highest payout and their payout."""
    paid = rows.filter(rows.payout > 0)
    order = [paid.payout, paid.participant_id, paid.replay, paid.period_no]
    t = paid.mutate(decile=(ibis.ntile(10).over(order_by=order) + 1).cast("int64"))
    return t.group_by("decile").aggregate(rows=t.count(), upto=t.payout.max(),
                                          payout=t.payout.sum())


def earners(rows: ir.Table) -> ir.Table:
    """level → participant-periods of every replay that reached it, and their payout."""
    return rows.group_by("level").aggregate(rows=rows.count(), payout=rows.payout.sum())


def totals(rows: ir.Table, sales: ir.Table) -> ir.Table:
    """One row over every replay: participant-periods, earners, payout, cost, payout of the
    rows whose KPI reached the first slab, and the scheme's sales value and its cost of
    goods."""
    r = rows.aggregate(rows=rows.count(), earners=(rows.payout > 0).sum(),
                       payout=rows.payout.sum(), cost=rows.cost.sum(),
                       reached=ibis.ifelse(rows.level > 0, rows.payout, 0).sum())
    s = sales.aggregate(value=sales.value.sum(), cogs=sales.cogs.sum())
    return r.cross_join(s)


def cost_per_replay(rows: ir.Table) -> ir.Table:
    """replay → the program's cost."""
    return rows.group_by("replay").aggregate(cost=rows.cost.sum())
