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
    window_facts,
    window_table,
)
from schemeops.program.model import BilledChannels, BilledOutlets, Volume


def volume(kpi: Volume, data: Data, periods: ir.Table) -> ir.Table:
    """Σ quantity or net_amount of the matching lines in each period (returns net off)."""
    if kpi.source == "secondary" and kpi.measure == "net_amount":
        lines = net_lines(data, kpi)
    else:
        lines = filtered_lines(data, kpi, source=kpi.source)
    t = in_windows(lines, "invoice_date", window_table(periods))
    own = t.group_by(participant_id=t.distributor_id, period_no=t.period_no).agg(
        actual=t[kpi.measure].sum())
    return finish(rollup_sum(own, data, kpi.rollup), volume_scale(kpi.measure))


def volume_scale(measure: str) -> int:
    """The scale of a volume measured in `measure` (money 2, quantity 3)."""
    return 3 if measure == "quantity" else 2


def billed_outlets(kpi: BilledOutlets, data: Data, periods: ir.Table) -> ir.Table:
    """Distinct outlets per seller whose net billed value in the period is ≥ min_value."""
    wins = window_table(periods)
    billed = billed_in(net_lines(data, kpi), ["distributor_id", "outlet_id"], wins,
                       window_facts(data, kpi, wins), at_least=kpi.min_value)
    own = billed.group_by(participant_id=billed.distributor_id,
                          period_no=billed.period_no).agg(actual=billed.count())
    return finish(rollup_sum(own, data, kpi.rollup), 0)


def billed_channels(kpi: BilledChannels, data: Data, periods: ir.Table) -> ir.Table:
    """Per participant with channels: how many of them billed ≥ min_value in the period.

    A channel's billing is its primary purchases (or its secondary sales, `source:
    secondary`); the channels are those `managed_pairs` gives for the roll-up.
    """
    lines = (net_lines(data, kpi) if kpi.source == "secondary"
             else filtered_lines(data, kpi, source="primary"))
    t = in_windows(lines, "invoice_date", window_table(periods))
    billed = positive_net(t, ["distributor_id", "period_no"], at_least=kpi.min_value)
    pairs = managed_pairs(data.participants, kpi.rollup)
    j = pairs.join(billed, pairs.desc == billed.distributor_id)
    own = j.group_by(participant_id=j.anc, period_no=j.period_no).agg(actual=j.count())
    return finish(own, 0)
