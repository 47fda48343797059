"""Targets per participant and period: fixed, from the targets table, or from own history."""

from __future__ import annotations

import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.engine.exact import (
    as_dec,
    dec,
    div_floor,
    div_half_up,
    either,
    largest,
    mul,
    pick,
)
from schemeops.engine.periods import Window, history_windows, windows_table
from schemeops.program.model import Kpi, Target

#: Scale of every target.
TARGET_SCALE = 2
_HIST = 1000  # history window j of period p is numbered p * _HIST + j


def _uplift(rule: Target, base: ir.Table) -> ir.DecimalValue:
    """1 + the uplift that applies to each participant (by its attribute, else the default)."""
    up = rule.uplift
    factor = dec(up.default)
    if up.by and up.values:
        factor = pick(*[(base[up.by] == k, dec(v)) for k, v in sorted(up.values.items())],
                      else_=dec(up.default))
    return as_dec(dec(1) + factor)


def _round(value: ir.DecimalValue, rule: Target) -> ir.DecimalValue:
    if rule.round is None:
        return value
    to = dec(rule.round.to)
    if rule.round.mode == "nearest":
        q = div_half_up(value, to, 0)
    else:
        q = div_floor(value, to, 0)
        if rule.round.mode == "up":
            q = either(mul(q, to) < value, q + 1, q)
    return mul(q, to)


def _history(kpi: Kpi, rule: Target, data: Data, windows: tuple[Window, ...]) -> ir.Table:
    from schemeops.engine.kpis import compute_kpi

    pairs = history_windows(windows, rule.history)
    numbers = [no * _HIST + j for j, (no, _w) in enumerate(pairs)]
    past = compute_kpi(kpi, data, windows_table([w for _no, w in pairs], numbers=numbers))
    per = past.group_by("participant_id", period_no=(past.period_no // _HIST)).aggregate(
        total=past.actual.sum())
    n = 1 if rule.history.basis != "average" else rule.history.periods
    return per.select("participant_id", "period_no",
                      target=div_half_up(per.total, dec(n), TARGET_SCALE))


def compute_target(kpi: Kpi, rule: Target, *, program_id: str, data: Data,
                   base: ir.Table, windows: tuple[Window, ...]) -> ir.Table:
    """participant_id, period_no, target (decimal(28,4); NULL where none is known)."""
    if rule.fixed is not None:
        raw = base.select("participant_id", "period_no", target=dec(rule.fixed))
    elif rule.from_table:
        t = data.targets.filter((data.targets.program_id == program_id)
                                & (data.targets.kpi == kpi.id))
        raw = base.left_join(t, "participant_id").select(
            base.participant_id, base.period_no, target=t.target)
    else:
        hist = _history(kpi, rule, data, windows)
        raw = base.left_join(hist, ["participant_id", "period_no"]).select(
            base.participant_id, base.period_no,
            target=mul(hist.target.fill_null(dec(0, TARGET_SCALE)), _uplift(rule, base)))
    value = as_dec(raw.target, TARGET_SCALE)
    if rule.floor is not None:
        value = largest(value, as_dec(dec(rule.floor), TARGET_SCALE))
    value = as_dec(_round(value, rule), TARGET_SCALE)
    return raw.select("participant_id", "period_no", target=value)
