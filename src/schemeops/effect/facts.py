"""The effect measurement's facts: sales lines aggregated (Ibis) per participant × calendar
atom × product class, and each treated participant's cost from the engine's calculation.

A calendar atom is a run of days sharing a month, a zone (clean baseline, the halo, or the
pre-, in- and post-windows of program periods) and a 13-week block; every day of the data's
range falls in exactly one atom, so one join of the lines to a day → atom table (a few
hundred rows) and one aggregation give everything the estimator reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from schemeops.engine.data import Data
from schemeops.engine.exact import as_dec, div_half_up, mul
from schemeops.engine.periods import Window
from schemeops.engine.runner import ProgramResult
from schemeops.program.expr import compile_filter
from schemeops.program.model import Program, Volume

#: Days before and after each period whose sales are a window of their own (pull-forward or
#: halo before, dip after) and never baseline.
HALO_DAYS = 14
#: The dependency's block length.
BLOCK_DAYS = 91
#: Product classes: the scheme's products, their siblings (same categories, not the
#: scheme's), and the rest.
SCHEME, SIBLING, OTHER = 0, 1, 2


@dataclass(frozen=True)
class Atom:
    """A run of days: its month, its windows (`("in", k)`, `("pre", k)`, `("post", k)`;
    none: a clean baseline day) and its 13-week block (0 = the latest, ending on the last
    day of data)."""

    month: str
    windows: frozenset[tuple[str, int]]
    block: int


@dataclass(frozen=True)
class Calendar:
    """The atoms in order, how many days each holds, and the day → atom table."""

    atoms: tuple[Atom, ...]
    days: tuple[int, ...]
    table: pa.Table


def scheme_kpi(program: Program) -> Volume | None:
    """The KPI whose products define the scheme's products: the first component's KPI when
    it is a secondary volume KPI."""
    for c in program.components:
        if c.kpi is None:
            continue
        k = next(k for k in program.kpis if k.id == c.kpi)
        return k if isinstance(k, Volume) and k.source == "secondary" else None
    return None


def build_calendar(windows: tuple[Window, ...], first: dt.date, last: dt.date) -> Calendar:
    """The atoms of the days `first` … `last` (loops over days and periods, not rows)."""
    halo = dt.timedelta(days=HALO_DAYS)
    keys: dict[Atom, int] = {}
    counts: list[int] = []
    day_col, atom_col = [], []
    d = first
    while d <= last:
        inside = frozenset(("in", w.no) for w in windows if w.start <= d <= w.end)
        near = frozenset(
            (("pre", w.no) if d < w.start else ("post", w.no)) for w in windows
            if w.start - halo <= d < w.start or w.end < d <= w.end + halo) if not inside \
            else frozenset()
        atom = Atom(d.strftime("%Y-%m"), inside or near, (last - d).days // BLOCK_DAYS)
        if atom not in keys:
            keys[atom] = len(keys)
            counts.append(0)
        counts[keys[atom]] += 1
        day_col.append(d)
        atom_col.append(keys[atom])
        d += dt.timedelta(days=1)
    table = pa.table({"day": pa.array(day_col, pa.date32()),
                      "atom": pa.array(atom_col, pa.int64())})
    return Calendar(tuple(keys), tuple(counts), table)


def sales_range(data: Data) -> ir.Table:
    """The first and last invoice day of the sales."""
    s = data.sales
    return s.aggregate(first=s.invoice_date.min(), last=s.invoice_date.max())


def line_facts(program: Program, data: Data, sellers: ir.Table, calendar: ir.Table
               ) -> ir.Table:
    """participant_id × atom × cls: Σ net_amount (`value`), Σ quantity (`units`) and
    Σ quantity × unit_cost (`cogs`) of the sellers' secondary lines."""
    p = data.products
    k = scheme_kpi(program)
    if k is not None and k.products:
        chosen = compile_filter(k.products, p).fill_null(False)
        cats = p.filter(chosen).select("category").distinct()
        cls = ibis.cases((chosen, SCHEME), (p.category.isin(cats.category), SIBLING),
                         else_=OTHER)
    else:
        cls = ibis.literal(SCHEME)
    prod = p.select("sku", cls=cls.cast("int64"), unit_cost=p.unit_cost.fill_null(0))
    s = data.sales
    lines = s.semi_join(sellers, s.distributor_id == sellers.participant_id)
    j = lines.join(prod, "sku")
    j = j.join(calendar, j.invoice_date == calendar.day)
    return j.group_by(participant_id=j.distributor_id, atom=j.atom, cls=j.cls).aggregate(
        value=j.net_amount.sum(), units=j.quantity.sum(),
        cogs=mul(j.quantity, j.unit_cost).sum())


def costs(result: ProgramResult, data: Data) -> ir.Table:
    """participant_id × period_no: the payout (`payout`) and the cost (`cost`): the payout
    with free units revalued from unit_price (as the engine pays them) to unit_cost, each
    component's revaluation rounded half-up to the paisa."""
    comps, program = result.components, result.program
    free = {c.id: c.free.sku for c in program.components if c.free is not None}
    if not free:
        t = comps.group_by("participant_id", "period_no").aggregate(payout=comps.amount.sum())
        return t.select("participant_id", "period_no", payout=as_dec(t.payout, 2),
                        cost=as_dec(t.payout, 2))
    p = data.products
    prices = ibis.union(*[  # one row per free-goods component of the program
        p.filter(p.sku == sku).select(component=ibis.literal(cid), unit_price="unit_price",
                                      unit_cost="unit_cost")
        for cid, sku in free.items()], distinct=False)
    c = comps.left_join(prices, "component").select(comps, "unit_price", "unit_cost")
    saving = ibis.ifelse(
        c.unit_price.notnull() & (c.unit_price > 0) & c.unit_cost.notnull(),
        div_half_up(mul(c.amount, c.unit_price - c.unit_cost), c.unit_price, 2),
        as_dec(ibis.literal(0), 2))
    m = c.mutate(saving=saving)
    t = m.group_by("participant_id", "period_no").aggregate(payout=m.amount.sum(),
                                                           saving=m.saving.sum())
    return t.select("participant_id", "period_no", payout=as_dec(t.payout, 2),
                    cost=as_dec(t.payout - t.saving, 2))
