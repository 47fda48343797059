"""The calculation: programs × warehouse → KPI, component and payout tables (Ibis expressions).

One function per stage, visible in `calculate_program`: periods → eligible participants →
KPI actuals → targets → attainment → components → limits → tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

import ibis
import ibis.expr.types as ir

from schemeops.engine import explain_rows as why
from schemeops.engine.backends import materialize
from schemeops.engine.caps import KEYS, limit_totals, program_limits
from schemeops.engine.carry import carried
from schemeops.engine.catchup import released
from schemeops.engine.data import Data
from schemeops.engine.eligibility import eligible, heads_may_take_part
from schemeops.engine.exact import as_dec, dec, div_half_up
from schemeops.engine.formula import formula_actuals
from schemeops.engine.holdback import holdback_rows
from schemeops.engine.kpis import compute_kpi, facts_spans, kpi_scale
from schemeops.engine.late_returns import with_late_returns
from schemeops.engine.payouts import ComponentCompiler
from schemeops.engine.per_invoice import with_invoice_pay
from schemeops.engine.periods import Window, program_windows, windows_table
from schemeops.engine.shapes import target_incentives
from schemeops.engine.stale import limited
from schemeops.engine.targets import TARGET_SCALE, compute_target
from schemeops.engine.windows import kpi_periods, kpi_windows
from schemeops.errors import UsageError
from schemeops.program.model import Formula, Program

ATTAINMENT_PLACES = 6


@dataclass(frozen=True)
class ProgramResult:
    """One program's results as Ibis tables (not yet executed)."""

    program: Program
    windows: tuple[Window, ...]
    wide: ir.Table
    kpis: ir.Table
    components: ir.Table
    payouts: ir.Table
    #: The rows of explanations.csv (engine/explain_rows.py), keyed by participant_id and
    #: period_no, with their sort keys _order and _sub.
    explanations: ir.Table


def _wide(program: Program, data: Data, windows: tuple[Window, ...]) -> ir.Table:
    """Eligible participant × period with a__k, t__k and att__k for every KPI k: the actuals
    and targets joined in one chain, then one projection."""
    periods = windows_table(windows)
    base = eligible(program.participants, data.participants, periods, data.participant_lists,
                    program.holdout)
    if data.only is not None and limited(program):
        base = base.semi_join(data.only, "participant_id")
    w, actuals, targets = base, {}, {}
    for kpi in program.kpis:
        if isinstance(kpi, Formula):
            continue  # from the other actuals, below
        a = compute_kpi(kpi, data, kpi_periods(kpi, windows, periods))
        w = w.left_join(a, KEYS)
        scale = kpi_scale(kpi)
        actuals[kpi.id] = as_dec(a.actual.fill_null(dec(0, scale)), scale)
    for kpi in program.kpis:
        rule = program.targets.get(kpi.id)
        if rule is not None:
            # the eligible rows as `base`, not `w`: KPIs computed once
            t = compute_target(kpi, rule, program_id=program.id, data=data, base=base,
                               windows=kpi_windows(kpi, windows))
            w = w.left_join(t, KEYS)
            targets[kpi.id] = t.target
    w, incentives = target_incentives(program, data, w)
    actuals = formula_actuals(program, actuals)
    cols = {f"a__{k.id}": actuals[k.id] for k in program.kpis}
    for kpi in program.kpis:
        rule = program.targets.get(kpi.id)
        if rule is None:
            cols[f"t__{kpi.id}"] = ibis.null(f"decimal(28,{TARGET_SCALE})")
            cols[f"att__{kpi.id}"] = ibis.null(f"decimal(28,{ATTAINMENT_PLACES})")
            continue
        a, tt = actuals[kpi.id], targets[kpi.id]
        num, den = (tt, a) if rule.lower_is_better else (a, tt)
        cols[f"t__{kpi.id}"] = tt
        cols[f"att__{kpi.id}"] = ibis.ifelse(
            tt.isnull() | (tt <= 0), ibis.null(f"decimal(28,{ATTAINMENT_PLACES})"),
            div_half_up(num, den, ATTAINMENT_PLACES))
    return w.select(base, **cols, **incentives)


def _kpi_rows(program: Program, w: ir.Table) -> ir.Table:
    parts = []
    for i, kpi in enumerate(program.kpis):
        a, t = w[f"a__{kpi.id}"], w[f"t__{kpi.id}"]
        rule = program.targets.get(kpi.id)
        num, den = (t, a) if rule is not None and rule.lower_is_better else (a, t)
        shown = div_half_up(num, den, 4)  # rounded once, from the exact quotient
        parts.append(w.select(
            *KEYS, kpi=ibis.literal(kpi.id), _order=ibis.literal(i),
            actual=a.cast("string"), target=t.cast("string"),
            attainment=ibis.ifelse(w[f"att__{kpi.id}"].isnull(), ibis.null("string"),
                                   shown.cast("string"))))
    return ibis.union(*parts, distinct=False)


def _component_lines(program: Program, w: ir.Table, data: Data, windows: tuple[Window, ...]
                     ) -> tuple[list[ir.Table], list[ir.Table]]:
    """Each component's lines (catch-up releases and carried amounts beside its own), with
    both components.csv's columns and explanations.csv's typed fields; and its scorecard
    items' explanation rows."""
    skus = sorted({c.free.sku for c in program.components if c.free})
    prices = {}
    if skus:
        p = data.products.filter(data.products.sku.isin(skus))
        for sku in skus:  # one scalar subquery per free-unit SKU of the program
            prices[sku] = p.filter(p.sku == sku).unit_price.max().as_scalar()
    lines, items = [], []
    for i, comp in enumerate(program.components):
        cw = (w if comp.per is None
              else with_invoice_pay(program, comp, w, data, windows, prices))
        cc = ComponentCompiler(program, comp, cw, prices)
        r = cc.compile()
        note, missed = r.note, None
        if comp.catch_up:
            k = comp.kpi
            lower = program.targets[k].lower_is_better
            a, t = w[f"a__{k}"], w[f"t__{k}"]
            missed = t.notnull() & ~((a <= t) if lower else (a >= t)).fill_null(False)
            note = ibis.ifelse(missed, note + ibis.literal(
                f"; deferred for catch-up within {comp.catch_up.within} period(s)"), note)
            lines.append(why.catch_up_line(comp, released(program, comp, w, prices), i))
        if comp.true_up or comp.draw:
            lines.extend(why.carried_line(x, i)
                         for x in carried(program, comp, r.table, r.amount))
        lines.append(why.component_line(program, cc, r, i, missed, note))
        if comp.scorecard:
            items.extend(why.score_item_rows(program, ComponentCompiler(program, comp, cw,
                                                                        prices), i))
    return lines, items


def windows_as_of(program: Program, as_of: dt.date | None) -> tuple[Window, ...]:
    """The program's periods up to `as_of`; raises UsageError when `as_of` is before the
    first one starts (there is nothing to compute)."""
    windows = program_windows(program.period, as_of)
    if not windows:
        raise UsageError(f"--as-of {as_of} is before the first period of {program.id}, "
                         f"which starts {program.period.start}")
    return windows


def calculate_program(program: Program, data: Data, *, as_of: dt.date | None = None,
                      keep: Callable[[ir.Table], ir.Table] = materialize) -> ProgramResult:
    """The pipeline of one program, as Ibis expressions over `data` (the wide table and the
    component lines computed once, by `keep`)."""
    windows = windows_as_of(program, as_of)
    data = replace(data, heads=heads_may_take_part(program.participants))
    if program.returns is not None:
        data = with_late_returns(data, windows, program.returns.until_days, as_of=as_of,
                                 spans=facts_spans(program, windows))
    w = keep(_wide(program, data, windows))
    parts, items = _component_lines(program, w, data, windows)
    lines = keep(ibis.union(*parts, distinct=False))  # read by both output files
    comps = lines.select(*KEYS, "component", "base", "rate", "amount", "note", "_order")
    totals = comps.group_by(KEYS).aggregate(total=comps.amount.sum())
    limits = program_limits(program, w, totals, first_order=len(program.components))
    all_comps = ibis.union(comps, *limit_totals(limits), distinct=False)
    payouts = all_comps.group_by(KEYS).aggregate(payout=all_comps.amount.sum())
    held = []
    if program.holdback is not None:  # on what the limits left, so after them
        held = holdback_rows(program, w, payouts, len(program.components) + len(limits),
                             as_of)
        all_comps = ibis.union(all_comps, *limit_totals(held), distinct=False)
        payouts = all_comps.group_by(KEYS).aggregate(payout=all_comps.amount.sum())
    explanations = ibis.union(*why.kpi_rows(program, w), lines.select(*why.EXPLANATION),
                              *items, *(why.limit_rows(x) for x in limits),
                              *(why.limit_rows(x).filter(lambda t: t.amount != 0)
                                for x in held), distinct=False)
    return ProgramResult(program, windows, w, _kpi_rows(program, w), all_comps, payouts,
                         explanations)
