"""Planted anomalies (dummy outlets, month-end stuffing, sales jumps) and their labels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from schemeops.generate import columns as col
from schemeops.generate.calendar import Window
from schemeops.generate.network import DISTRIBUTOR, Network

KINDS = ("dummy_outlets", "month_end_stuffing", "sales_jump")
SHARED = ("phone", "tax_id", "coordinates")
#: Units multiplier of stuffed invoices and of a jump month; share of stuffed units returned.
STUFF_UNITS, JUMP_UNITS, STUFF_RETURNED = 8, 6, 0.8
STUFF_LINES = 3
#: Share of a stuffing seller's active outlets that get a stuffed bill.
STUFF_SHARE = 0.3


@dataclass(frozen=True)
class Plan:
    """Which sellers carry which anomaly, in which window month."""

    dummy_seller: np.ndarray
    dummy_month: np.ndarray
    dummy_size: np.ndarray
    dummy_shared: np.ndarray
    stuff_seller: np.ndarray
    stuff_month: np.ndarray
    jump_seller: np.ndarray
    jump_month: np.ndarray

    def jump_units(self, sellers: int, months: int) -> np.ndarray:
        """Units multiplier per (seller, month): JUMP_UNITS in a jump month, else 1."""
        mult = np.ones((sellers, months), dtype=np.int64)
        mult[self.jump_seller, self.jump_month] = JUMP_UNITS
        return mult


def anomaly_count(lines: int) -> int:
    """How many of each anomaly kind to plant: at least one, growing with √lines."""
    return max(1, round(2 * np.sqrt(lines / 100_000)))


def plan_anomalies(rng: np.random.Generator, network: Network, window: Window,
                   lines: int) -> Plan:
    """Pick distinct mid-sized distributors for stuffing and jumps, any seller for dummies."""
    k = anomaly_count(lines)
    m_count = window.months
    stable = (network.role == DISTRIBUTOR) & (network.end_day > window.last_day)
    order = np.argsort(network.n_outlets, kind="stable")
    mid = order[len(order) // 4: max(len(order) // 4 + 1, (len(order) * 4) // 5)]
    mid = mid[stable[mid] & (network.n_outlets[mid] >= 4)]
    mid = rng.permutation(mid)
    n_stuff = min(k, len(mid) // 2) if m_count >= 2 else 0
    n_jump = min(k, len(mid) - n_stuff) if m_count >= 3 else 0
    stuff = np.sort(mid[:n_stuff])
    jump = np.sort(mid[n_stuff:n_stuff + n_jump])
    sellers = np.flatnonzero(network.end_day > window.last_day)
    n_dummy = 2 * k
    dummy = np.sort(sellers[rng.integers(0, len(sellers), n_dummy)])
    return Plan(
        dummy_seller=dummy,
        dummy_month=rng.integers(0, m_count, n_dummy),
        dummy_size=rng.integers(3, 9, n_dummy),
        dummy_shared=rng.integers(0, len(SHARED), n_dummy),
        stuff_seller=stuff,
        stuff_month=(rng.integers(0, 99) + np.arange(n_stuff)) % max(1, m_count - 1),
        jump_seller=jump,
        jump_month=max(1, m_count // 2) + (rng.integers(0, 99) + np.arange(n_jump)) % (
            m_count - max(1, m_count // 2)),
    )


def labels_table(plan: Plan, network: Network, window: Window,
                 dummy_outlets: pa.Array) -> pa.Table:
    """Ground truth: one row per planted anomaly (kind, seller, entities, period, note)."""
    st = window.starts
    seller_ids = network.ids.to_pylist()
    outlet_ids = dummy_outlets.to_pylist()
    rows: list[tuple] = []
    first = 0
    for s, m, n, shared in zip(plan.dummy_seller.tolist(), plan.dummy_month.tolist(),
                               plan.dummy_size.tolist(), plan.dummy_shared.tolist(),
                               strict=True):  # one iteration per planted group
        rows.append((KINDS[0], seller_ids[s], ";".join(outlet_ids[first:first + n]),
                     st[m + 1] - 3, st[m + 1] - 1,
                     f"{n} new outlets sharing the same {SHARED[shared]}, created in the last "
                     "3 days of the month and billed exactly once"))
        first += n
    for s, m in zip(plan.stuff_seller.tolist(), plan.stuff_month.tolist(), strict=True):
        rows.append((KINDS[1], seller_ids[s], seller_ids[s], st[m + 1] - 2, st[m + 1] + 4,
                     f"large invoices ({STUFF_UNITS}x units) in the last 2 days of the month, "
                     f"{round(STUFF_RETURNED * 100)}% returned in the first 5 days of the next"))
    for s, m in zip(plan.jump_seller.tolist(), plan.jump_month.tolist(), strict=True):
        rows.append((KINDS[2], seller_ids[s], seller_ids[s], st[m], st[m + 1] - 1,
                     f"secondary sales of the month at about {JUMP_UNITS}x the usual"))
    kind, dist, ents, start, end, note = (list(c) for c in zip(*rows, strict=True))
    return pa.table({
        "kind": pa.array(kind, pa.string()),
        "distributor_id": pa.array(dist, pa.string()),
        "entity_ids": pa.array(ents, pa.string()),
        "period_start": col.dates(np.array(start)),
        "period_end": col.dates(np.array(end)),
        "note": pa.array(note, pa.string()),
    })
