"""Outlet life-cycle KPIs: net channel addition and reactivated outlets."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.engine.kpis._common import (
    _outlet_filtered,
    billed_in,
    filtered_lines,
    finish,
    in_windows,
    manager_pairs,
    managers,
    net_lines,
    positive_net,
    rollup_sum,
    window_facts,
    window_table,
)
from schemeops.engine.kpis.facts import FIRST, LAST
from schemeops.engine.kpis.history import history_bills
from schemeops.engine.kpis.kind import Facts, KpiKind, Wording, count_wording
from schemeops.program.model import NetChannelAddition, ReactivatedOutlets


def _billed_days(lines: ir.Table, keys: Sequence[str], *, by_day: bool) -> ir.Table:
    """`keys` + day: the days with a positive net billed value (`by_day`: `lines` hold
    one row per `keys` and day already, the day totals of `net_lines`)."""
    if by_day:
        billed = lines.filter(lines.net_amount > 0)
    else:
        billed = positive_net(lines, [*keys, "invoice_date"])
    return billed.select(*keys, day=billed.invoice_date)


def _history(data: Data, kpi: NetChannelAddition | ReactivatedOutlets, periods: ir.Table
             ) -> ir.Table:
    """distributor_id, outlet_id, period_no, day: the outlet bills history counts before each
    period (`history_bills`), from the lines under the KPI's product filter; the outlet
    filter applies to the invoice's outlet, which its returns count against."""
    lines = filtered_lines(data, kpi.model_copy(update={"outlets": None}), source="secondary")
    return _outlet_filtered(history_bills(lines, periods), data, kpi, "secondary")


def _billed_before(bills: ir.Table | None, keys: Sequence[str], windows: ir.Table,
                   facts: ir.Table | None) -> ir.Table:
    """`keys` + period_no with a history bill in a window of `windows` (each just before its
    period): from `facts` (`window_facts` of those windows) when given, else from `bills`
    (`_history`)."""
    if facts is not None:
        return facts.filter(facts.billed)
    j = bills.join(windows, ["period_no", bills.day >= windows.w_start,
                             bills.day <= windows.w_end])
    return j.select(*keys, "period_no").distinct()


def _changes(lines: ir.Table, keys: Sequence[str], periods: ir.Table,
             kpi: NetChannelAddition, *, by_day: bool = False, data: Data | None = None
             ) -> ir.Table:
    """`keys` + period_no + change: +1 per new key, −1 per lost key (per `kpi.count`).

    New: the first bill ever is in the period, and the key is billed (net > 0) in the period
    (bought and all returned in it is not new). Lost: billed in the lookback_days before the
    period, and not net billed > 0 in the period. With `data`, the keys are outlets, whose
    first and lookback bills are history's (`kpis.history`), read from the run's outlet facts
    when it has them; without, channels, billed on a day of positive net primary value.
    """
    wins = window_table(periods)
    facts = window_facts(data, kpi, wins) if data else None
    bills = _history(data, kpi, periods) if data and facts is None else None
    during = billed_in(lines, keys, wins, facts)
    on = [*keys, "period_no"]
    parts = []
    if kpi.count in ("net", "new"):
        if facts is not None:
            new = facts.filter(facts.first.between(facts.w_start, facts.w_end))
        elif bills is not None:
            first = bills.group_by(on).agg(day=bills.day.min()).join(wins, "period_no")
            new = first.filter(first.day.between(first.w_start, first.w_end))
        else:
            days = _billed_days(lines, keys, by_day=by_day)
            first = days.group_by(list(keys)).agg(day=days.day.min())
            new = in_windows(first, "day", wins)
        new = new.semi_join(during, [new[k] == during[k] for k in on])
        parts.append(new.select(*keys, "period_no", change=ibis.literal(1, type="int64")))
    if kpi.count in ("net", "lost"):
        back = window_table(periods, before=kpi.lookback_days)
        if data is None:
            before = billed_in(lines, keys, back)
        else:
            before = _billed_before(bills, keys, back, window_facts(data, kpi, back))
        lost = before.anti_join(during, [before[k] == during[k] for k in on])
        sign = -1 if kpi.count == "net" else 1
        parts.append(lost.select(*keys, "period_no", change=ibis.literal(sign, type="int64")))
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


def net_channel_addition(kpi: NetChannelAddition, data: Data, periods: ir.Table) -> ir.Table:
    """Sellers: new outlets − lost outlets. Reps and managers (when any takes part): the same
    on their channels, by primary billing (new: first positive primary bill in the period)."""
    outlets = _changes(net_lines(data, kpi), ["distributor_id", "outlet_id"], periods, kpi,
                       by_day=not kpi.products, data=data)
    sellers = outlets.group_by(participant_id=outlets.distributor_id,
                               period_no=outlets.period_no).agg(actual=outlets.change.sum())
    if not data.heads:
        return finish(sellers, 0)
    m = managers(data.participants)
    sellers = sellers.anti_join(m, sellers.participant_id == m.mgr)

    primary = filtered_lines(data, kpi.model_copy(update={"outlets": None}), source="primary")
    channels = _changes(primary, ["distributor_id"], periods, kpi)
    pairs = manager_pairs(data.participants, kpi.rollup)
    j = pairs.join(channels, pairs.desc == channels.distributor_id)
    heads = j.group_by(participant_id=j.anc, period_no=j.period_no).agg(actual=j.change.sum())
    return finish(sellers.union(heads), 0)


def reactivated_outlets(kpi: ReactivatedOutlets, data: Data, periods: ir.Table) -> ir.Table:
    """Outlets net billed > 0 in the period, billed before it, not billed in the
    inactive_min_days before it (start − N … start − 1, like lost outlets' lookback) and, if
    inactive_max_days is set, last billed on or after start − that; bills before the period
    as history counts them (`kpis.history`)."""
    lines = net_lines(data, kpi)
    keys = ["distributor_id", "outlet_id"]
    on = [*keys, "period_no"]
    wins = window_table(periods)
    facts = window_facts(data, kpi, wins)
    bills = _history(data, kpi, periods) if facts is None else None
    during = billed_in(lines, keys, wins, facts)
    quiet = window_table(periods, before=kpi.inactive_min_days)
    recent = _billed_before(bills, keys, quiet, window_facts(data, kpi, quiet))
    if bills is not None:
        b = bills.join(wins, "period_no")
        past = b.filter(b.day < b.w_start)
        last = past.group_by([*keys, "period_no", "w_start"]).agg(last=past.day.max())
    else:
        last = facts
    cond = last.last.notnull()
    if kpi.inactive_max_days is not None:
        cond &= last.last >= last.w_start - ibis.interval(days=kpi.inactive_max_days)
    back = last.filter(cond)
    back = back.semi_join(during, [back[k] == during[k] for k in on])
    back = back.anti_join(recent, [back[k] == recent[k] for k in on])
    own = back.group_by(participant_id=back.distributor_id, period_no=back.period_no).agg(
        actual=back.count())
    return finish(rollup_sum(own, data, kpi.rollup), 0)


def _addition_facts(kpi: NetChannelAddition) -> Facts:
    """The first bill (new outlets) and the lookback's billing (lost outlets)."""
    return Facts(reads=frozenset({FIRST}) if kpi.count in ("net", "new") else frozenset(),
                 before=kpi.lookback_days if kpi.count in ("net", "lost") else None)


_ADDED = {"net": "net new outlet", "new": "new outlet", "lost": "lost outlet"}


def _addition_wording(kpi: NetChannelAddition) -> Wording:
    return "whole", f"add {{n}} more {_ADDED[kpi.count]}{{s}}"


NET_CHANNEL_ADDITION = KpiKind(
    NetChannelAddition, compute=net_channel_addition, scale=lambda _k: 0, wording=_addition_wording,
    reads_daily=lambda _k: True, facts=_addition_facts)
REACTIVATED_OUTLETS = KpiKind(
    ReactivatedOutlets, compute=reactivated_outlets, scale=lambda _k: 0,
    wording=count_wording("reactivate", "outlet"), reads_daily=lambda _k: True,
    facts=lambda k: Facts(reads=frozenset({LAST}), before=k.inactive_min_days))
