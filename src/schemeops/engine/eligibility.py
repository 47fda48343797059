"""Who takes part in a program, per period."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from schemeops.engine.holdout import held_out
from schemeops.engine.kpis._common import MANAGER_ROLES
from schemeops.program.expr import compile_filter
from schemeops.program.model import Eligibility, Holdout


def _ids(ids: tuple[str, ...]) -> ir.Column:
    """`ids` as the column of a one-column table: one node of the query however many ids
    (a literal per id made each rewrite of every query built on it walk them all: +1 s of
    CPU for the 9,900 ids a program can hold, docs/benchmarks.md)."""
    return ibis.memtable(pa.table({"participant_id": pa.array(ids, pa.string())})).participant_id


def _listed(lists: ir.Table, ids: tuple[str, ...]) -> ir.Table:
    """participant_id of every participant on one of the lists `ids`."""
    return lists.filter(lists.list_id.isin(ids)).select("participant_id")


def eligible(rule: Eligibility, participants: ir.Table, periods: ir.Table,
             lists: ir.Table, holdout: Holdout | None = None) -> ir.Table:
    """Eligible participants × periods, with their attributes and the period's dates.

    Roles, `where`, and joined_before (an unknown join date counts as long-standing) decide;
    `include` and the participants of `include_lists` (in `lists`, a semi join) are added
    regardless, `exclude` and those of `exclude_lists` (an anti join) removed regardless; the
    program's holdout removes its control group (even those listed in `include`); a
    participant who left before a period starts is not eligible for it.
    """
    p = participants
    cond = p.role.isin(rule.roles)
    if rule.where:
        cond &= compile_filter(rule.where, p).fill_null(False)
    if rule.joined_before:
        cond &= (p.joined_on < rule.joined_before).fill_null(True)
    if rule.include:
        cond |= p.participant_id.isin(_ids(rule.include))
    if rule.include_lists:
        cond |= p.participant_id.isin(_listed(lists, rule.include_lists).participant_id)
    if rule.exclude:
        cond &= ~p.participant_id.isin(_ids(rule.exclude))
    if holdout is not None:
        cond &= ~held_out(p.participant_id, holdout)
    chosen = p.filter(cond)
    if rule.exclude_lists:
        chosen = chosen.anti_join(_listed(lists, rule.exclude_lists), "participant_id")
    both = chosen.cross_join(periods)
    return both.filter(both.left_on.isnull() | (both.left_on >= both.start)).select(
        "participant_id", "role", "region", "area", "tier", "channel", "period_no",
        period_start=both.start, period_end=both.end)


def heads_may_take_part(rule: Eligibility) -> bool:
    """Whether a sales rep or manager can be eligible: by role, or by an include list."""
    return bool(set(rule.roles) & set(MANAGER_ROLES) or rule.include or rule.include_lists)
