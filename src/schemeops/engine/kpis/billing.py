"""Sales KPIs: volume, billed outlets (MBO) and billed channels (MBC)."""

from __future__ import annotations

import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.engine.kpis._common import (
    billed_in,
    filtered_lines,
    finish,
    in_windows,
    managed_pairs,
    net_lines,
    positive_net,
    rollup_sum,
    summed_in,
    window_facts,
    window_table,
)
from schemeops.engine.kpis.kind import Facts, KpiKind, Wording, count_wording
from schemeops.program.model import BilledChannels, BilledOutlets, Volume


def _volume_by_day(kpi: Volume) -> bool:
    """Whether a volume sums the day totals' net value (secondary net_amount)."""
    return kpi.source == "secondary" and kpi.measure == "net_amount"


def volume(kpi: Volume, data: Data, periods: ir.Table) -> ir.Table:
    """Σ quantity or net_amount of the matching lines in each period (returns net off)."""
    if _volume_by_day(kpi):
        lines = net_lines(data, kpi)
    else:
        lines = filtered_lines(data, kpi, source=kpi.source)
    own = summed_in(lines, "invoice_date", periods, "distributor_id", kpi.measure)
    own = own.rename(participant_id="distributor_id")
    return finish(rollup_sum(own, data, kpi.rollup), volume_scale(kpi.measure))


def volume_scale(measure: str) -> int:
    """The scale of a volume measured in `measure` (money 2, quantity 3)."""
    return 3 if measure == "quantity" else 2


def sales_wording(measure: str, *, of: str = "", primary: bool = False) -> Wording:
    """A gap in sales volume: 'sell {n} more unit{s} of premium', 'buy {n} more in net
    value (primary)' (`of` is already a phrase)."""
    verb, src = ("buy", " (primary)") if primary else ("sell", "")
    if measure == "quantity":
        return "whole", f"{verb} {{n}} more unit{{s}}{of}{src}"
    return "money", f"{verb} {{n}} more in net value{of}{src}"


def _volume_lines(kpi: Volume, data: Data) -> tuple[ir.Table, str]:
    t = filtered_lines(data, kpi, source=kpi.source)
    return t.mutate(_v=t[kpi.measure]), kpi.source


def billed_outlets(kpi: BilledOutlets, data: Data, periods: ir.Table) -> ir.Table:
    """Distinct outlets per seller whose net billed value in the period is ≥ min_value."""
    wins = window_table(periods)
    billed = billed_in(net_lines(data, kpi), ["distributor_id", "outlet_id"], wins,
                       window_facts(data, kpi, wins), at_least=kpi.min_value)
    own = billed.group_by(participant_id=billed.distributor_id,
                          period_no=billed.period_no).agg(actual=billed.count())
    return finish(rollup_sum(own, data, kpi.rollup), 0)


def _channels_by_day(kpi: BilledChannels) -> bool:
    """Whether billed channels read their secondary sales (the day totals)."""
    return kpi.source == "secondary"


def billed_channels(kpi: BilledChannels, data: Data, periods: ir.Table) -> ir.Table:
    """Per participant with channels: how many of them billed ≥ min_value in the period.

    A channel's billing is its primary purchases (or its secondary sales, `source:
    secondary`); the channels are those `managed_pairs` gives for the roll-up.
    """
    lines = (net_lines(data, kpi) if _channels_by_day(kpi)
             else filtered_lines(data, kpi, source="primary"))
    t = in_windows(lines, "invoice_date", window_table(periods))
    billed = positive_net(t, ["distributor_id", "period_no"], at_least=kpi.min_value)
    pairs = managed_pairs(data.participants, kpi.rollup)
    j = pairs.join(billed, pairs.desc == billed.distributor_id)
    own = j.group_by(participant_id=j.anc, period_no=j.period_no).agg(actual=j.count())
    return finish(own, 0)


VOLUME = KpiKind(
    Volume, compute=volume, scale=lambda k: volume_scale(k.measure),
    wording=lambda k: sales_wording(k.measure, primary=k.source == "primary"),
    reads_daily=_volume_by_day, bill_lines=_volume_lines)
BILLED_OUTLETS = KpiKind(
    BilledOutlets, compute=billed_outlets, scale=lambda _k: 0,
    wording=count_wording("bill", "outlet"), reads_daily=lambda _k: True, facts=lambda _k: Facts())
BILLED_CHANNELS = KpiKind(
    BilledChannels, compute=billed_channels, scale=lambda _k: 0,
    wording=count_wording("bill", "channel"), reads_daily=_channels_by_day)
