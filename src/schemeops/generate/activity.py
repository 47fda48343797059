"""Which outlets buy in which month: new, lost, paused and reactivated outlets; fixed invoices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schemeops.generate.anomalies import STUFF_LINES, STUFF_SHARE, Plan
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
    """Invoices planted outside the line budget and the label row of each (-1: none).

    `units` multiplies the drawn units (0: exactly one unit, a token bill); `return_pct` is the
    share of units returned on `return_day` (-1: not returned)."""

    outlet: np.ndarray
    day: np.ndarray
    lines: np.ndarray
    units: np.ndarray
    return_day: np.ndarray
    return_pct: np.ndarray
    label: np.ndarray

    @property
    def total_lines(self) -> int:
        """Sales lines these invoices and their returns add."""
        return int(self.lines.sum() + self.lines[self.return_day >= 0].sum())

    def select(self, lo: int, hi: int) -> FixedInvoices:
        """The invoices of outlets lo..hi-1."""
        keep = (self.outlet >= lo) & (self.outlet < hi)
        return FixedInvoices(*(a[keep] for a in (
            self.outlet, self.day, self.lines, self.units, self.return_day, self.return_pct,
            self.label)))


def make_activity(rng: np.random.Generator, outlets: Outlets, network: Network,
                  window: Window, *, steady: bool = False) -> Activity:
    """Monthly activity: from creation, minus pauses of 1–6 months, losses and sellers
    leaving; `steady` (low noise): outlets neither pause, go dormant nor are lost, so a
    seller's sales drift less from one month to the next."""
    n, m_count = outlets.count, window.months
    months = np.arange(m_count)
    start = np.maximum(outlets.created_month, 0)
    active = months[None, :] >= start[:, None]
    lost = start + rng.geometric(LOSS_HAZARD, n)
    active &= months[None, :] < np.where(steady, m_count, lost)[:, None]
    pause = (rng.random(n) < PAUSE_SHARE) & (not steady)
    length = np.where(rng.random(n) < 0.35, rng.integers(1, 3, n), rng.integers(3, 7, n))
    gap = start + 1 + (rng.random(n) * np.maximum(m_count - 1 - start, 0)).astype(np.int64)
    in_gap = (months[None, :] >= gap[:, None]) & (months[None, :] < (gap + length)[:, None])
    active &= ~(pause[:, None] & in_gap)
    active &= ~((rng.random(n) < DORMANT_SHARE) & (outlets.created_month < 0) & (not steady)
                )[:, None]
    end = network.end_day[outlets.seller]
    active &= window.starts[None, :-1] < end[:, None]
    active &= ~outlets.dummy[:, None]
    length_days = (window.starts[1:] - window.starts[:-1]).astype(np.float64)
    open_days = np.clip(window.starts[None, 1:] - np.maximum(
        outlets.created[:, None], window.starts[None, :-1]), 0, None) / length_days
    weight = active * outlets.size[:, None] * window.season[None, :] * open_days
    return Activity(active=active, weight=weight)


def _token_bills(rng: np.random.Generator, outlets: Outlets, activity: Activity,
                 plan: Plan, window: Window) -> tuple[np.ndarray, ...]:
    """Many one-unit bills to one active outlet of each token seller, within 1–2 days."""
    mode = plan.mode
    outlet, day, label = [], [], []
    base = plan.label_base["token_invoices"]
    for i, (s, m) in enumerate(zip(plan.token_seller.tolist(), plan.token_month.tolist(),
                                   strict=True)):  # one iteration per planted case
        a, b = int(outlets.first[s]), int(outlets.first[s + 1])
        cand = np.flatnonzero(activity.active[a:b, m] & ~outlets.dummy[a:b]) + a
        if len(cand) == 0:
            cand = np.arange(a, b)
        o = int(cand[rng.integers(0, len(cand))])
        n = int(rng.integers(*mode.token_bills))
        lo = max(int(window.starts[m]) + 3, int(outlets.created[o]) + 1)
        hi = max(lo + 1, int(window.starts[m + 1]) - 5 - mode.token_days)
        d0 = int(rng.integers(lo, hi))
        outlet.append(np.full(n, o))
        day.append(d0 + rng.integers(0, mode.token_days, n))
        label.append(np.full(n, base + i))
    if not outlet:
        return (np.zeros(0, np.int64),) * 3
    return np.concatenate(outlet), np.concatenate(day), np.concatenate(label)


def fixed_invoices(rng: np.random.Generator, outlets: Outlets, activity: Activity,
                   plan: Plan, window: Window) -> FixedInvoices:
    """Invoices planted outside the line budget, each with its label row (-1: none): one bill
    per dummy, new-town and territory-violation outlet; a stuffed bill (partly returned next
    month) for some outlets of each stuffing seller active in its month; token bills."""
    mode, base = plan.mode, plan.label_base
    n_out = outlets.count
    g_label = np.full(n_out, -1, dtype=np.int64)
    for kind in ("dummy_outlets", "territory_violations", "circular_flows"):  # per case
        for i, idx in enumerate(outlets.groups.get(kind, [])):
            g_label[idx] = base[kind] + i
    planted = [idx for kind, cases in outlets.groups.items() if kind != "circular_flows"
               for idx in cases]
    once = np.sort(np.concatenate(planted)) if planted else np.zeros(0, np.int64)
    d_end = window.starts[outlets.created_month[once] + 1] - 1
    d_day = outlets.created[once] + (rng.random(len(once)) * (
        d_end - outlets.created[once] + 1)).astype(np.int64)
    lo = outlets.first[plan.stuff_seller]
    hi = outlets.first[plan.stuff_seller + 1]
    member = np.zeros(n_out, dtype=np.int64) - 1
    for i, (a, b) in enumerate(zip(lo.tolist(), hi.tolist(), strict=True)):  # per seller
        member[a:b] = i
    s = np.flatnonzero((member >= 0) & ~outlets.dummy)
    m = plan.stuff_month[member[s]]
    s_pick = activity.active[s, m] & (rng.random(len(s)) < STUFF_SHARE)
    s, m = s[s_pick], m[s_pick]
    s_day = window.starts[m + 1] - 1 - rng.integers(0, mode.stuff_days, len(s))
    s_ret = window.starts[m + 1] + rng.integers(0, 5, len(s))
    t_out, t_day, t_label = _token_bills(rng, outlets, activity, plan, window)
    # Circular flows: A bills B's outlet early in the month; B bills A's outlet 5–19 days on.
    c_out = np.concatenate(outlets.groups.get("circular_flows", []) or [np.zeros(0, np.int64)])
    c_first = window.starts[plan.circ_month] + 2 + rng.integers(0, 7, len(plan.circ_month))
    c_day = np.column_stack([c_first, c_first + rng.integers(5, 20, len(c_first))]).ravel()
    t_out = np.concatenate([t_out, c_out])
    t_day = np.concatenate([t_day, c_day])
    t_label = np.concatenate([t_label, g_label[c_out]])
    outlet = np.concatenate([once, s, t_out])
    order = np.argsort(outlet, kind="stable")
    k1, k2, k3 = len(once), len(s), len(t_out)
    circ = np.arange(k3) >= k3 - len(c_out)
    return FixedInvoices(
        outlet=outlet[order],
        day=np.concatenate([d_day, s_day, t_day])[order],
        lines=np.concatenate([rng.integers(1, 3, k1), np.full(k2, STUFF_LINES),
                              np.where(circ, STUFF_LINES, 1)])[order],
        units=np.concatenate([np.ones(k1, np.int64), np.full(k2, mode.stuff_units),
                              np.where(circ, mode.stuff_units, 0)])[order],
        return_day=np.concatenate([np.full(k1, -1), s_ret, np.full(k3, -1)])[order],
        return_pct=np.concatenate([np.zeros(k1, np.int64), np.full(k2, mode.stuff_returned),
                                   np.zeros(k3, np.int64)])[order],
        label=np.concatenate([g_label[once], base["month_end_stuffing"] + member[s],
                              t_label]).astype(np.int64)[order],
    )
