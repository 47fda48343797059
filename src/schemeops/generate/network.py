"""The participant hierarchy: managers → sales reps → distributors → dealers, sub-distributors."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemeops.generate import columns as col
from schemeops.generate.calendar import Window

REGIONS = ("North", "South", "East", "West", "Central")
#: Four cities per region (region r owns cities 4r..4r+3) and their coordinates.
CITIES = ("Delhi", "Jaipur", "Lucknow", "Chandigarh", "Chennai", "Bengaluru", "Hyderabad",
          "Kochi", "Kolkata", "Patna", "Bhubaneswar", "Guwahati", "Mumbai", "Ahmedabad", "Pune",
          "Surat", "Bhopal", "Nagpur", "Indore", "Raipur")
CITY_LAT = np.array([28.61, 26.91, 26.85, 30.73, 13.08, 12.97, 17.39, 9.93, 22.57, 25.59,
                     20.30, 26.14, 19.08, 23.02, 18.52, 21.17, 23.26, 21.15, 22.72, 21.25])
CITY_LON = np.array([77.21, 75.79, 80.95, 76.78, 80.27, 77.59, 78.49, 76.27, 88.36, 85.14,
                     85.82, 91.74, 72.88, 72.57, 73.86, 72.83, 77.41, 79.09, 75.86, 81.63])
ROLES = ("distributor", "dealer", "sub_distributor", "sales_rep", "manager")
TIERS = ("platinum", "gold", "silver", "bronze")
CHANNELS = ("general_trade", "modern_trade", "rural")
SURNAMES = ("Agarwal", "Bansal", "Chopra", "Desai", "Gupta", "Iyer", "Jain", "Kapoor", "Khan",
            "Mehta", "Nair", "Patel", "Reddy", "Shah", "Sharma", "Singh", "Verma", "Yadav")
_FIRMS = ("Traders", "Distributors", "Enterprises", "Agencies", "Sales", "& Sons")
_PREFIX = ("D", "DL", "SD")
DISTRIBUTOR, DEALER, SUB_DISTRIBUTOR = 0, 1, 2


@dataclass(frozen=True)
class Network:
    """Selling participants by index (outlets are grouped by seller in this order)."""

    role: np.ndarray
    size: np.ndarray
    n_outlets: np.ndarray
    city: np.ndarray
    end_day: np.ndarray
    ids: pa.Array
    table: pa.Table

    @property
    def sellers(self) -> int:
        """Number of selling participants."""
        return len(self.role)


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Non-negative integers proportional to `weights` that sum to exactly `total`."""
    share = weights / weights.sum() * total
    out = np.floor(share).astype(np.int64)
    short = total - int(out.sum())
    if short:
        out[np.argsort(-(share - out), kind="stable")[:short]] += 1
    return out


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split `total` into integers proportional to `weights` (largest remainder)."""
    return _largest_remainder(total, np.asarray(weights, dtype=np.float64))


def make_network(rng: np.random.Generator, window: Window, n_outlets: int) -> Network:
    """Sellers with Pareto-skewed outlet counts, their reps and one manager per region."""
    s = max(6, round(n_outlets / 120))
    role = rng.choice(3, s, p=[0.72, 0.16, 0.12])
    role[: min(3, s)] = DISTRIBUTOR
    u = (rng.permutation(s) + rng.uniform(0.25, 0.75, s)) / s  # stratified: stable skew
    size = np.minimum((1.0 - u) ** (-1 / 1.25), 60.0) * np.where(role == DISTRIBUTOR, 1.0, 0.4)
    counts = 2 + _largest_remainder(max(0, n_outlets - 2 * s), size)
    region = rng.integers(0, len(REGIONS), s)
    dist = np.flatnonzero(role == DISTRIBUTOR)
    parent_seller = dist[rng.integers(0, len(dist), s)]
    region = np.where(role == DISTRIBUTOR, region, region[parent_seller])
    city = region * 4 + rng.integers(0, 4, s)

    per_region = max(1, round(s / 60))
    n_rep = per_region * len(REGIONS)
    rep_of = region + len(REGIONS) * rng.integers(0, per_region, s)
    rep_region = np.arange(n_rep) % len(REGIONS)

    rank = np.argsort(np.argsort(-counts, kind="stable"), kind="stable") / s
    tier = np.searchsorted([0.1, 0.3, 0.6], rank, side="right")
    end_day = np.full(s, window.last_day + 1, dtype=np.int64)
    if window.months >= 3:
        others = rng.permutation(np.flatnonzero(role != DISTRIBUTOR))
        leavers = others[: max(1, round(0.03 * s))]
        m = rng.integers(2, window.months, len(leavers))
        end_day[leavers] = window.starts[m]

    number = np.zeros(s, dtype=np.int64)
    for r in range(3):  # three roles, each numbered from 1
        number[role == r] = np.arange(1, int((role == r).sum()) + 1)
    width = max(5, len(str(s)))
    ids = pc.binary_join_element_wise(col.choose(_PREFIX, role), col.digits(number, width), "")
    mgr_ids = col.fixed_ids("M", np.arange(1, len(REGIONS) + 1), 3)
    rep_ids = col.fixed_ids("R", np.arange(1, n_rep + 1), 4)
    parent = pa.concat_arrays([
        pa.nulls(len(REGIONS), pa.string()), col.take(mgr_ids, rep_region),
        pc.if_else(pa.array(role == DISTRIBUTOR), col.take(rep_ids, rep_of),
                   col.take(ids, parent_seller)),
    ])
    n_all = len(REGIONS) + n_rep + s
    all_region = np.concatenate([np.arange(len(REGIONS)), rep_region, region])
    all_role = np.concatenate([np.full(len(REGIONS), 4), np.full(n_rep, 3), role])
    area = rng.integers(1, 5, n_all)
    all_city = np.concatenate([np.arange(len(REGIONS)) * 4, rep_region * 4 + area[
        len(REGIONS):len(REGIONS) + n_rep] % 4, city])
    joined = window.first_day - rng.integers(60, 3650, n_all)
    left = np.concatenate([np.zeros(n_all - s, dtype=np.int64), end_day - 1])
    selling = np.concatenate([np.zeros(n_all - s, dtype=bool), np.ones(s, dtype=bool)])
    names = pc.binary_join_element_wise(
        col.choose(SURNAMES, rng.integers(0, len(SURNAMES), n_all)),
        col.choose(_FIRMS, rng.integers(0, len(_FIRMS), n_all)), " ")
    person = pc.binary_join_element_wise(
        col.choose(("Manager", "Sales rep"), (all_role == 3).astype(int)),
        col.choose(SURNAMES, rng.integers(0, len(SURNAMES), n_all)), " ")
    table = pa.table({
        "participant_id": pa.concat_arrays([mgr_ids, rep_ids, ids]),
        "name": pc.if_else(pa.array(selling), names, person),
        "role": col.choose(ROLES, all_role),
        "parent_id": parent,
        "region": col.choose(REGIONS, all_region),
        "area": pc.binary_join_element_wise(col.choose(REGIONS, all_region),
                                            col.digits(area, 1), "-"),
        "tier": pc.if_else(pa.array(selling), col.choose(TIERS, np.concatenate(
            [np.zeros(n_all - s, dtype=np.int64), tier])), pa.scalar(None, pa.string())),
        "channel": pc.if_else(pa.array(selling), col.choose(CHANNELS, rng.choice(
            3, n_all, p=[0.65, 0.1, 0.25])), pa.scalar(None, pa.string())),
        "city": col.choose(CITIES, all_city),
        "joined_on": col.dates(joined),
        "left_on": col.dates(left, selling & (left < window.last_day)),
    })
    return Network(role=role, size=size, n_outlets=counts, city=city, end_day=end_day,
                   ids=ids, table=table)


def with_joiners(network: Network, sellers: np.ndarray, day: int) -> Network:
    """`network` with `sellers` (seller indexes) joining on `day` (their joined_on)."""
    if len(sellers) == 0:
        return network
    t = network.table
    joined = t.column("joined_on").combine_chunks().cast(pa.int32()).to_numpy(
        zero_copy_only=False).astype(np.int64)
    joined[t.num_rows - network.sellers + sellers] = day
    table = t.set_column(t.schema.get_field_index("joined_on"), "joined_on", col.dates(joined))
    return replace(network, table=table)
