"""Planted anomalies and hard negatives: which sellers carry which, and their labels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from schemeops.generate import columns as col
from schemeops.generate.calendar import Window
from schemeops.generate.network import DISTRIBUTOR, Network

KINDS = ("dummy_outlets", "month_end_stuffing", "sales_jump", "slab_bunching",
         "token_invoices", "circular_flows", "backdated_entries", "territory_violations",
         "duplicate_claims")
NEGATIVE_KINDS = ("festival_month", "new_distributor_ramp", "new_town_outlets")
LABEL_COLUMNS = ("label_id", "kind", "distributor_id", "counterparty_id", "period_start",
                 "period_end", "outlet_ids", "invoice_ids", "note")
SHARED = ("phone", "tax_id", "coordinates")
STUFF_LINES = 3
#: Share of a stuffing seller's active outlets that get a stuffed bill.
STUFF_SHARE = 0.3


@dataclass(frozen=True)
class Mode:
    """How anomalies are planted: `rate` scales their counts (0 = none), `subtle` makes them
    smaller and closer to normal behaviour, `negatives_only` plants only hard negatives."""

    rate: float = 1.0
    subtle: bool = False
    negatives_only: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.rate <= 100:
            raise ValueError(f"anomaly rate must be between 0 and 100, got {self.rate}")

    @property
    def stuff_units(self) -> int:
        """Units multiplier of a stuffed bill."""
        return 3 if self.subtle else 8

    @property
    def stuff_days(self) -> int:
        """Stuffed bills fall in the last this-many days of the month."""
        return 5 if self.subtle else 2

    @property
    def stuff_returned(self) -> int:
        """Percent of a stuffed bill's units that come back early next month."""
        return 45 if self.subtle else 80

    @property
    def jump_units(self) -> int:
        """Units multiplier of a jump month."""
        return 2 if self.subtle else 6

    @property
    def token_bills(self) -> tuple[int, int]:
        """Range (low, high exclusive) of token bills per case."""
        return (5, 8) if self.subtle else (12, 21)

    @property
    def backdate_share(self) -> float:
        """Share of a backdating seller's last-3-day invoices that are entered late."""
        return 0.4 if self.subtle else 1.0

    @property
    def backdate_lag(self) -> tuple[int, int]:
        """Days (low, high exclusive) between the invoice date and its late entry."""
        return (4, 7) if self.subtle else (6, 13)

    @property
    def token_days(self) -> int:
        """Token bills are spread over this many consecutive days."""
        return 2 if self.subtle else 1


DEFAULT_MODE = Mode()


@dataclass(frozen=True)
class Plan:
    """Which sellers carry which anomaly or hard negative, in which window month."""

    mode: Mode
    dummy_seller: np.ndarray
    dummy_month: np.ndarray
    dummy_size: np.ndarray
    dummy_shared: np.ndarray
    stuff_seller: np.ndarray
    stuff_month: np.ndarray
    jump_seller: np.ndarray
    jump_month: np.ndarray
    token_seller: np.ndarray
    token_month: np.ndarray
    terr_seller: np.ndarray
    terr_month: np.ndarray
    back_seller: np.ndarray
    back_month: np.ndarray
    claim_seller: np.ndarray
    claim_month: np.ndarray
    circ_a: np.ndarray
    circ_b: np.ndarray
    circ_month: np.ndarray
    bunch_seller: np.ndarray
    ramp_seller: np.ndarray
    ramp_month: int
    terr_size: np.ndarray
    town_seller: np.ndarray
    town_month: np.ndarray
    town_size: np.ndarray
    festival_month: int

    def jump_units(self, sellers: int, months: int) -> np.ndarray:
        """Units multiplier per (seller, month): the jump multiplier in a jump month, else 1."""
        mult = np.ones((sellers, months), dtype=np.int64)
        mult[self.jump_seller, self.jump_month] = self.mode.jump_units
        return mult

    def backdated(self, sellers: int, months: int) -> np.ndarray:
        """Per (seller, month): 0, or the label row + 1 of a backdating case there."""
        case = np.zeros((sellers, months), dtype=np.int64)
        case[self.back_seller, self.back_month] = (self.label_base["backdated_entries"] + 1
                                                    + np.arange(len(self.back_seller)))
        return case

    @property
    def label_base(self) -> dict[str, int]:
        """Index of each kind's first label row (labels are numbered in this order)."""
        sizes = {"dummy_outlets": len(self.dummy_seller),
                 "month_end_stuffing": len(self.stuff_seller),
                 "sales_jump": len(self.jump_seller), "token_invoices": len(self.token_seller),
                 "territory_violations": len(self.terr_seller),
                 "circular_flows": len(self.circ_a),
                 "backdated_entries": len(self.back_seller),
                 "duplicate_claims": len(self.claim_seller),
                 "slab_bunching": len(self.bunch_seller)}
        base, out = 0, {}
        for kind, n in sizes.items():
            out[kind] = base
            base += n
        return out


def anomaly_count(lines: int, rate: float = 1.0) -> int:
    """How many of each anomaly kind to plant: growing with √lines, scaled by `rate`
    (at least one unless the rate is 0)."""
    if rate <= 0:
        return 0
    return max(1, round(2 * np.sqrt(lines / 100_000) * rate))


def plan_anomalies(rng: np.random.Generator, network: Network, window: Window,
                   lines: int, mode: Mode = DEFAULT_MODE) -> Plan:
    """Pick distinct mid-sized distributors for stuffing, jumps, token bills, territory
    violations and new towns; any seller for dummies."""
    k = 0 if mode.negatives_only else anomaly_count(lines, mode.rate)
    k_neg = anomaly_count(lines)
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
    dummy_month = rng.integers(0, m_count, n_dummy)
    dummy_size = rng.integers(3, 9, n_dummy)
    dummy_shared = rng.integers(0, len(SHARED), n_dummy)
    stuff_month = (rng.integers(0, 99) + np.arange(n_stuff)) % max(1, m_count - 1)
    jump_month = max(1, m_count // 2) + (rng.integers(0, 99) + np.arange(n_jump)) % (
        m_count - max(1, m_count // 2))
    # Further kinds draw from their own stream, so today's kinds keep their sellers.
    rng2 = np.random.default_rng(rng.integers(0, 2**63))
    # (A token or territory case may fall on a stuffing or jump seller: kinds are scored
    # separately.)
    rest = rng2.permutation(np.flatnonzero(stable & (network.n_outlets >= 4)))
    # New towns keep a quarter of the pool (all of it when no anomaly is planted).
    n_town = min(k_neg, len(rest) // 4 if k else len(rest)) if m_count >= 2 else 0
    # A new distributor ramping up: joins a third into the window (a hard negative).
    # (not a stuffing or jump seller: it sells nothing before it joins).
    n_ramp = min(1, len(rest) - n_town) if m_count >= 3 else 0
    free = n_town + np.flatnonzero(~np.isin(rest[n_town:], np.concatenate([stuff, jump])))
    pick = free[:n_ramp]
    ramp = np.sort(rest[pick])
    rest = np.delete(rest, pick)
    avail = len(rest) - n_town
    n_tok = min(k, (avail + 1) // 2)
    n_terr = min(k, avail - n_tok)
    # Backdating may fall on any stable distributor (kinds are scored separately) but the
    # ramping one: it has no sales before it joins, so a case planted in an early month would
    # have no invoice to backdate (a label with none).
    settled = np.setdiff1d(np.flatnonzero(stable), ramp)
    back = np.sort(rng2.permutation(settled)[:k])
    claim = np.sort(rng2.permutation(settled)[:k]) if m_count >= 2 else back[:0]
    # Circular flows: pairs of distinct distributors (A sells to B and B back to A).
    pairs = rng2.permutation(settled)
    n_circ = min(k, len(pairs) // 2)
    circ_a, circ_b = pairs[:n_circ], pairs[n_circ:2 * n_circ]
    by_a = np.argsort(circ_a, kind="stable")
    # Slab bunching: distributors without stuffing or a jump (their months stay natural).
    calm = np.setdiff1d(np.flatnonzero(stable & (network.n_outlets >= 4)),
                        np.concatenate([stuff, jump, ramp]))
    bunch = np.sort(rng2.permutation(calm)[:k]) if m_count >= 3 else calm[:0]
    town = np.sort(rest[:n_town])
    token = np.sort(rest[n_town:n_town + n_tok])
    terr = np.sort(rest[n_town + n_tok:n_town + n_tok + n_terr])
    # A dummy group of the ramping seller is planted once it has joined.
    dummy_month = np.where(np.isin(dummy, ramp), np.maximum(dummy_month, max(1, m_count // 3)),
                           dummy_month)
    season = window.season
    return Plan(
        mode=mode, dummy_seller=dummy, dummy_month=dummy_month, dummy_size=dummy_size,
        dummy_shared=dummy_shared, stuff_seller=stuff, stuff_month=stuff_month,
        jump_seller=jump, jump_month=jump_month,
        token_seller=token, token_month=rng2.integers(0, m_count, n_tok),
        terr_seller=terr, terr_month=rng2.integers(0, m_count, n_terr),
        terr_size=rng2.integers(1, 3, n_terr) if mode.subtle else rng2.integers(2, 5, n_terr),
        back_seller=back, back_month=rng2.integers(0, max(1, m_count - 1), len(back)),
        claim_seller=claim, claim_month=rng2.integers(0, max(1, m_count - 1), len(claim)),
        circ_a=circ_a[by_a], circ_b=circ_b[by_a], bunch_seller=bunch,
        ramp_seller=ramp, ramp_month=max(1, m_count // 3),
        circ_month=rng2.integers(0, m_count, n_circ),
        town_seller=town, town_month=rng2.integers(0, max(1, m_count - 2), n_town),
        town_size=rng2.integers(4, 9, n_town),
        festival_month=int(np.argmax(season)) if season.max() >= 1.2 else -1,
    )


def _ids(values: list[str]) -> str:
    return ";".join(values)


def labels_tables(plan: Plan, network: Network, window: Window, outlet_ids: pa.Array,
                  groups: dict[str, list[np.ndarray]], invoices: dict[int, list[str]],
                  bunched: dict[int, tuple[int, list[int]]]) -> tuple[pa.Table, pa.Table]:
    """Ground truth: labels (one row per planted anomaly) and negatives (one per planted hard
    negative), in the shared format of LABEL_COLUMNS.

    `groups[kind]` lists each case's outlet indexes (planted outlets or the outlets of planted
    bills); `invoices[label row]` its invoice ids; `bunched[label row]` a slab-bunching case's
    volume target (rupees) and bunched months."""
    st = window.starts
    seller_ids = network.ids.to_pylist()
    mode = plan.mode

    def outlets_of(kind: str, i: int) -> str:
        return _ids(outlet_ids.take(pa.array(np.unique(groups[kind][i]))).to_pylist())

    rows: list[tuple] = []
    for i, (s, m, n, shared) in enumerate(zip(
            plan.dummy_seller.tolist(), plan.dummy_month.tolist(), plan.dummy_size.tolist(),
            plan.dummy_shared.tolist(), strict=True)):  # one iteration per planted group
        what = ("a similar name and coordinates within 30 m" if mode.subtle
                else f"the same {SHARED[shared]}")
        rows.append(("dummy_outlets", seller_ids[s], "", st[m + 1] - 3, st[m + 1] - 1,
                     outlets_of("dummy_outlets", i), _ids(invoices.get(len(rows), [])),
                     f"{n} new outlets sharing {what}, created in the last 3 days of the "
                     "month and billed exactly once"))
    for i, (s, m) in enumerate(zip(plan.stuff_seller.tolist(), plan.stuff_month.tolist(),
                                   strict=True)):
        rows.append(("month_end_stuffing", seller_ids[s], "", st[m + 1] - mode.stuff_days,
                     st[m + 1] + 4, outlets_of("month_end_stuffing", i),
                     _ids(invoices.get(len(rows), [])),
                     f"large invoices ({mode.stuff_units}x units) in the last "
                     f"{mode.stuff_days} days of the month, {mode.stuff_returned}% returned in "
                     "the first 5 days of the next"))
    for s, m in zip(plan.jump_seller.tolist(), plan.jump_month.tolist(), strict=True):
        rows.append(("sales_jump", seller_ids[s], "", st[m], st[m + 1] - 1, "", "",
                     f"secondary sales of the month at about {mode.jump_units}x the usual"))
    for i, (s, m) in enumerate(zip(plan.token_seller.tolist(), plan.token_month.tolist(),
                                   strict=True)):
        inv = invoices.get(len(rows), [])
        rows.append(("token_invoices", seller_ids[s], "", st[m], st[m + 1] - 1,
                     outlets_of("token_invoices", i), _ids(inv),
                     f"{len(inv)} one-unit bills to one outlet within {mode.token_days} "
                     "day(s)"))
    for i, (s, m) in enumerate(zip(plan.terr_seller.tolist(), plan.terr_month.tolist(),
                                   strict=True)):
        rows.append(("territory_violations", seller_ids[s], "", st[m], st[m + 1] - 1,
                     outlets_of("territory_violations", i), _ids(invoices.get(len(rows), [])),
                     "outlets opened and billed in a city of another region" if not mode.subtle
                     else "outlets opened and billed in another city of the region"))
    for i, (a, b, m) in enumerate(zip(plan.circ_a.tolist(), plan.circ_b.tolist(),
                                      plan.circ_month.tolist(), strict=True)):
        rows.append(("circular_flows", seller_ids[a], seller_ids[b], st[m], st[m + 1] - 1,
                     outlets_of("circular_flows", i), _ids(invoices.get(len(rows), [])),
                     f"{seller_ids[a]} bills an outlet that is {seller_ids[b]} (its name, one "
                     f"{'phone' if mode.subtle else 'phone and tax id'}), which bills the goods "
                     "back to an outlet that is the first, within 30 days"))
    for s, m in zip(plan.back_seller.tolist(), plan.back_month.tolist(), strict=True):
        inv = invoices.get(len(rows), [])
        lo, hi = mode.backdate_lag
        rows.append(("backdated_entries", seller_ids[s], "", st[m + 1] - 3, st[m + 1] - 1,
                     "", _ids(inv), f"{len(inv)} invoices of the last 3 days entered {lo}–"
                     f"{hi - 1} days after their date, in the next month"))
    for s, m in zip(plan.claim_seller.tolist(), plan.claim_month.tolist(), strict=True):
        inv = invoices.get(len(rows), [])
        rows.append(("duplicate_claims", seller_ids[s], "", st[m], st[m + 1] - 1, "",
                     _ids(inv), f"{len(inv)} claim lines of this month's invoices claimed "
                     "again, with the same invoice and sku, in the next month's claim"))
    for s in plan.bunch_seller.tolist():
        row = len(rows)
        target, months = bunched.get(row, (0, []))
        lo, hi = (min(months), max(months)) if months else (0, window.months - 1)
        rows.append(("slab_bunching", seller_ids[s], "", st[lo], st[hi + 1] - 1, "",
                     _ids(invoices.get(row, [])),
                     f"net value at 100–{101 if mode.subtle else 103}% of its volume target "
                     f"({target} rupees) in {len(months)} months through one lifted bill near "
                     "each month end; its natural level is about 91%"))
    neg: list[tuple] = []
    if plan.festival_month >= 0:
        m = plan.festival_month
        neg.append(("festival_month", "", "", st[m], st[m + 1] - 1, "", "",
                    f"network-wide festive month: sales about "
                    f"{round(window.season[m] * 100)}% of a normal month"))
    for i, (s, m) in enumerate(zip(plan.town_seller.tolist(), plan.town_month.tolist(),
                                   strict=True)):
        neg.append(("new_town_outlets", seller_ids[s], "", st[m + 1] - 3, st[m + 1] - 1,
                    outlets_of("new_town_outlets", i), "",
                    "genuine new outlets opened together at month end in a new town nearby, "
                    "distinct phones and tax ids, billed again in later months"))
    for s in plan.ramp_seller.tolist():
        j = plan.ramp_month
        neg.append(("new_distributor_ramp", seller_ids[s], "", st[j], st[-1] - 1, "", "",
                    "a distributor that joins in this month: all its outlets are new, opened "
                    "steadily from then on, so its sales grow fast month after month"))
    return _table(rows, "L"), _table(neg, "N")


def _table(rows: list[tuple], prefix: str) -> pa.Table:
    cols = list(zip(*rows, strict=True)) if rows else [()] * 8
    kind, dist, cp, start, end, outs, invs, note = (list(c) for c in cols)
    return pa.table({
        "label_id": pa.array([f"{prefix}{i + 1:05d}" for i in range(len(rows))], pa.string()),
        "kind": pa.array(kind, pa.string()),
        "distributor_id": pa.array(dist, pa.string()),
        "counterparty_id": pa.array(cp, pa.string()),
        "period_start": col.dates(np.array(start, dtype=np.int64)),
        "period_end": col.dates(np.array(end, dtype=np.int64)),
        "outlet_ids": pa.array(outs, pa.string()),
        "invoice_ids": pa.array(invs, pa.string()),
        "note": pa.array(note, pa.string()),
    })
