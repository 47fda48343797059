"""Who takes part in a program, per period."""

from __future__ import annotations

import ibis.expr.types as ir

from schemeops.engine.holdout import held_out
from schemeops.engine.kpis._common import MANAGER_ROLES
from schemeops.program.expr import compile_filter
from schemeops.program.model import Eligibility, Holdout


def eligible(rule: Eligibility, participants: ir.Table, periods: ir.Table,
             holdout: Holdout | None = None) -> ir.Table:
    """Eligible participants × periods, with their attributes and the period's dates.

    Roles, `where`, and joined_before (an unknown join date counts as long-standing) decide;
    `include` adds regardless, `exclude` removes regardless; the program's holdout removes
    its control group last (even those listed in `include`); a participant who left before
    a period starts is not eligible for it.
    """
    p = participants
    cond = p.role.isin(rule.roles)
    if rule.where:
        cond &= compile_filter(rule.where, p).fill_null(False)
    if rule.joined_before:
        cond &= (p.joined_on < rule.joined_before).fill_null(True)
    if rule.include:
        cond |= p.participant_id.isin(rule.include)
    if rule.exclude:
        cond &= ~p.participant_id.isin(rule.exclude)
    if holdout is not None:
        cond &= ~held_out(p.participant_id, holdout)
    chosen = p.filter(cond)
    both = chosen.cross_join(periods)
    return both.filter(both.left_on.isnull() | (both.left_on >= both.start)).select(
        "participant_id", "role", "region", "area", "tier", "channel", "period_no",
        period_start=both.start, period_end=both.end)


def heads_may_take_part(rule: Eligibility) -> bool:
    """Whether a sales rep or manager can be eligible: by role, or by the include list."""
    return bool(set(rule.roles) & set(MANAGER_ROLES)) or bool(rule.include)
