"""Targets per participant and period: fixed, from the targets table, or from own history."""

from __future__ import annotations

import ibis
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
    """participant_id, period_no, total: Σ of the KPI over each period's history windows."""
    from schemeops.engine.kpis import compute_kpi

    pairs = history_windows(windows, rule.history)
    numbers = [no * _HIST + j for no, j in _numbered(pairs)]
    past = compute_kpi(kpi, data, windows_table([w for _no, w in pairs], numbers=numbers))
    return past.group_by("participant_id", period_no=(past.period_no // _HIST)).aggregate(
        total=past.actual.sum())


def _numbered(pairs: list[tuple[int, Window]]) -> list[tuple[int, int]]:
    """(period_no, j): the j-th (from 0) history window of its period, j < _HIST."""
    seen: dict[int, int] = {}
    out = []
    for no, _w in pairs:  # one per history window (≤ 60 × 24), not per row
        out.append((no, seen.get(no, 0)))
        seen[no] = seen.get(no, 0) + 1
    return out


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
        # Σ history × (1 + uplift) ÷ N, rounded once (an average rounded first, then
        # multiplied, could miss by a cent).
        hist = _history(kpi, rule, data, windows)
        n = rule.history.periods if rule.history.basis == "average" else 1
        raw = base.left_join(hist, ["participant_id", "period_no"]).select(
            base.participant_id, base.period_no,
            target=div_half_up(mul(hist.total.fill_null(0), _uplift(rule, base)), dec(n),
                               TARGET_SCALE))
    value = as_dec(raw.target, TARGET_SCALE)
    if rule.floor is not None:  # a participant without a target keeps none
        value = ibis.ifelse(value.isnull(), value,
                            largest(value, as_dec(dec(rule.floor), TARGET_SCALE)))
    value = as_dec(_round(value, rule), TARGET_SCALE)
    return raw.select("participant_id", "period_no", target=value)
