"""Which outlets buy in which month: new, lost, paused and reactivated outlets; fixed invoices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schemeops.generate.anomalies import STUFF_LINES, STUFF_SHARE, STUFF_UNITS, Plan
from schemeops.generate.calendar import Window
from schemeops.generate.network import Network
from schemeops.generate.outlets import Outlets

#: Monthly hazard of losing an outlet for good; share of outlets that pause; dormant share.
LOSS_HAZARD, PAUSE_SHARE, DORMANT_SHARE = 0.016, 0.12, 0.03


@dataclass(frozen=True)
class Activity:
    """active[o, m]: outlet o buys in window month m; weight[o, m]: its expected line share."""

    active: np.ndarray
    weight: np.ndarray


@dataclass(frozen=True)
class FixedInvoices:
    """Invoices planted outside the line budget: dummy outlets' single bills, stuffed bills."""

    outlet: np.ndarray
    day: np.ndarray
    lines: np.ndarray
    units: np.ndarray
    return_day: np.ndarray

    @property
    def total_lines(self) -> int:
        """Sales lines these invoices and their returns add."""
        return int(self.lines.sum() + self.lines[self.return_day >= 0].sum())

    def select(self, lo: int, hi: int) -> FixedInvoices:
        """The invoices of outlets lo..hi-1."""
        keep = (self.outlet >= lo) & (self.outlet < hi)
        return FixedInvoices(*(a[keep] for a in (self.outlet, self.day, self.lines,
                                                  self.units, self.return_day)))


def make_activity(rng: np.random.Generator, outlets: Outlets, network: Network,
                  window: Window) -> Activity:
    """Monthly activity: from creation, minus pauses of 1–6 months, losses and sellers leaving."""
    n, m_count = outlets.count, window.months
    months = np.arange(m_count)
    start = np.maximum(outlets.created_month, 0)
    active = months[None, :] >= start[:, None]
    lost = start + rng.geometric(LOSS_HAZARD, n)
    active &= months[None, :] < lost[:, None]
    pause = rng.random(n) < PAUSE_SHARE
    length = np.where(rng.random(n) < 0.35, rng.integers(1, 3, n), rng.integers(3, 7, n))
    gap = start + 1 + (rng.random(n) * np.maximum(m_count - 1 - start, 0)).astype(np.int64)
    in_gap = (months[None, :] >= gap[:, None]) & (months[None, :] < (gap + length)[:, None])
    active &= ~(pause[:, None] & in_gap)
    active &= ~((rng.random(n) < DORMANT_SHARE) & (outlets.created_month < 0))[:, None]
    end = network.end_day[outlets.seller]
    active &= window.starts[None, :-1] < end[:, None]
    active &= ~outlets.dummy[:, None]
    length_days = (window.starts[1:] - window.starts[:-1]).astype(np.float64)
    open_days = np.clip(window.starts[None, 1:] - np.maximum(
        outlets.created[:, None], window.starts[None, :-1]), 0, None) / length_days
    weight = active * outlets.size[:, None] * window.season[None, :] * open_days
    return Activity(active=active, weight=weight)


def fixed_invoices(rng: np.random.Generator, outlets: Outlets, activity: Activity,
                   plan: Plan, window: Window) -> FixedInvoices:
    """One bill per dummy outlet; a stuffed bill (returned next month) for most outlets of
    each stuffing seller that are active in its month."""
    d = np.flatnonzero(outlets.dummy)
    d_end = window.starts[outlets.created_month[d] + 1] - 1
    d_day = outlets.created[d] + (rng.random(len(d)) * (d_end - outlets.created[d] + 1)
                                  ).astype(np.int64)
    lo = outlets.first[plan.stuff_seller]
    hi = outlets.first[plan.stuff_seller + 1]
    member = np.zeros(outlets.count, dtype=np.int64) - 1
    for i, (a, b) in enumerate(zip(lo.tolist(), hi.tolist(), strict=True)):  # per seller
        member[a:b] = i
    s = np.flatnonzero(member >= 0)
    m = plan.stuff_month[member[s]]
    s_pick = activity.active[s, m] & (rng.random(len(s)) < STUFF_SHARE)
    s, m = s[s_pick], m[s_pick]
    s_day = window.starts[m + 1] - 1 - rng.integers(0, 2, len(s))
    s_ret = window.starts[m + 1] + rng.integers(0, 5, len(s))
    outlet = np.concatenate([d, s])
    order = np.argsort(outlet, kind="stable")
    return FixedInvoices(
        outlet=outlet[order],
        day=np.concatenate([d_day, s_day])[order],
        lines=np.concatenate([rng.integers(1, 3, len(d)), np.full(len(s), STUFF_LINES)])[order],
        units=np.concatenate([np.ones(len(d), np.int64), np.full(len(s), STUFF_UNITS)])[order],
        return_day=np.concatenate([np.full(len(d), -1), s_ret])[order],
    )
