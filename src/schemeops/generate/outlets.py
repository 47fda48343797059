"""Outlets: grouped by seller, created over time, each with a size and a visit weekday."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemeops.generate import columns as col
from schemeops.generate.anomalies import Plan
from schemeops.generate.calendar import Window
from schemeops.generate.network import CITIES, CITY_LAT, CITY_LON, SURNAMES, Network

OUTLET_TYPES = ("grocery", "general_store", "chemist", "paan_shop", "modern_trade",
                "hotel_cafe")
_TYPE_P = (0.45, 0.2, 0.1, 0.12, 0.05, 0.08)
_SHOP = ("Stores", "Kirana", "Medicals", "Paan Bhandar", "Mart", "Cafe")
#: Share of outlets first created in each window month.
NEW_PER_MONTH = 0.025


@dataclass(frozen=True)
class Outlets:
    """Outlets by index, sorted by seller; dummy outlets are last in their seller's block."""

    seller: np.ndarray
    created: np.ndarray
    created_month: np.ndarray
    size: np.ndarray
    weekday: np.ndarray
    p_buy: np.ndarray
    dummy: np.ndarray
    first: np.ndarray
    table: pa.Table
    groups: dict[str, list[np.ndarray]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """Number of outlets."""
        return len(self.seller)

    def ids(self, index: np.ndarray) -> pa.Array:
        """Outlet ids of the given outlet indexes."""
        return col.fixed_ids("O", np.asarray(index) + 1, self.width)

    @property
    def width(self) -> int:
        """Digits in an outlet id."""
        return max(7, len(str(self.count)))


def _unique_numbers(index: np.ndarray, modulus: int, salt: int) -> np.ndarray:
    """Distinct pseudo-random numbers below `modulus` for distinct indexes (a bijection)."""
    return (index * 7_654_321 + salt) % modulus


def _extras(plan: Plan, sellers: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Planted outlets by seller: their seller, kind (see EXTRA_KINDS) and case number."""
    ones = np.ones(len(plan.circ_a), dtype=np.int64)
    sizes = (plan.dummy_size, plan.town_size, plan.terr_size, ones, ones)
    owners = (plan.dummy_seller, plan.town_seller, plan.terr_seller, plan.circ_a, plan.circ_b)
    seller = np.concatenate([np.repeat(o, n) for o, n in zip(owners, sizes, strict=True)])
    kind = np.concatenate([np.full(int(n.sum()), k) for k, n in enumerate(sizes)])
    case = np.concatenate([np.repeat(np.arange(len(n)), n) for n in sizes])
    order = np.argsort(seller, kind="stable")
    return seller[order].astype(np.int64), kind[order].astype(np.int64), case[order]


#: Kinds of planted outlets, appended after each seller's own outlets in this order. A
#: circular flow has two: the counterparty as an outlet of the distributor, and back.
EXTRA_KINDS = ("dummy_outlets", "new_town_outlets", "territory_violations", "circular_flows",
               "circular_back")


def _nearest_across() -> np.ndarray:
    """Per city: the two nearest cities of another region (equirectangular distance)."""
    lat, lon = CITY_LAT, CITY_LON
    d = np.hypot(lat[:, None] - lat[None], (lon[:, None] - lon[None]) * np.cos(np.radians(
        lat[:, None])))
    region = np.arange(len(CITIES)) // 4
    d = np.where(region[:, None] == region[None], np.inf, d)
    return np.argsort(d, axis=1, kind="stable")[:, :2]


#: Per city, the two nearest cities of another region (subtle territory violations).
NEAREST_ACROSS = _nearest_across()
#: Subtle mode: share of a seller's outlets in a neighbouring city of its region, served
#: legitimately (a background that hides territory violations from a plain distance rule).
OTHER_CITY = 0.03


def make_outlets(rng: np.random.Generator, network: Network, window: Window,
                 plan: Plan) -> Outlets:
    """Every seller's outlets, then the planted ones (dummy groups, new-town groups, territory
    violations) at the end of their seller's block."""
    e_seller, e_kind, e_case = _extras(plan, network.sellers)
    per_seller = network.n_outlets + np.bincount(e_seller, minlength=network.sellers)
    n = int(per_seller.sum())
    first = np.concatenate([[0], np.cumsum(per_seller)])
    seller = np.repeat(np.arange(network.sellers), per_seller)
    pos = np.arange(n) - first[seller]
    e_idx = np.flatnonzero(pos >= network.n_outlets[seller])  # in the order of _extras
    dummy = np.zeros(n, dtype=bool)  # billed only by planted bills
    dummy[e_idx[(e_kind == 0) | (e_kind >= 3)]] = True

    m_count = window.months
    is_new = rng.random(n) < NEW_PER_MONTH * m_count
    month = np.where(is_new, rng.integers(0, m_count, n), -1)
    length = window.starts[1:] - window.starts[:-1]
    created = np.where(
        is_new, window.starts[np.maximum(month, 0)] + (rng.random(n) * 0.8 * length[
            np.maximum(month, 0)]).astype(np.int64),
        window.first_day - rng.integers(30, 2500, n))
    # A ramping new distributor: all its own outlets opened evenly from its joining month.
    ramp = np.isin(seller, plan.ramp_seller) & (pos < network.n_outlets[seller])
    j = plan.ramp_month
    month[ramp] = j + (rng.random(int(ramp.sum())) * (m_count - j)).astype(np.int64)
    created[ramp] = window.starts[month[ramp]] + (rng.random(int(ramp.sum())) * 0.8 * length[
        month[ramp]]).astype(np.int64)
    # Dummy groups and new-town groups: created in the last 3 days of their month;
    # territory violations in the first 10 days of theirs.
    e_month = np.zeros(len(e_idx), dtype=np.int64)
    for k, months in enumerate((plan.dummy_month, plan.town_month, plan.terr_month,
                                plan.circ_month, plan.circ_month)):
        e_month[e_kind == k] = months[e_case[e_kind == k]]  # one iteration per kind
    month[e_idx] = e_month
    created[e_idx] = np.where(e_kind >= 2, window.starts[e_month] + rng.integers(0, 10, len(
        e_idx)), window.starts[e_month + 1] - 1 - rng.integers(0, 3, len(e_idx)))
    c_idx = e_idx[e_kind >= 3]
    created[c_idx] = window.starts[e_month[e_kind >= 3]] + 1
    d_idx = e_idx[e_kind == 0]
    d_group = e_case[e_kind == 0]

    size = rng.lognormal(-0.2, 0.7, n) * network.size[seller] ** 0.15
    p_buy = np.clip(0.72 + 0.18 * np.log(size), 0.35, 0.97)
    region_city = network.city[seller] // 4 * 4
    other = OTHER_CITY if plan.mode.subtle else 0.0
    city = np.where(rng.random(n) < other, region_city + rng.integers(0, 4, n),
                    network.city[seller])
    # Territory violations: a city of another region (subtle: one of the two cities of
    # another region nearest the seller's, often no farther than its own region's others,
    # opened on any day of the month like an ordinary new outlet).
    t_idx = e_idx[e_kind == 2]
    far = (region_city[t_idx] + 4 * rng.integers(1, 5, len(t_idx))) % len(CITIES) \
        + rng.integers(0, 4, len(t_idx))
    if plan.mode.subtle:
        near = NEAREST_ACROSS[network.city[seller[t_idx]], rng.integers(0, 2, len(t_idx))]
        t_month = month[t_idx]
        created[t_idx] = window.starts[t_month] + (rng.random(len(t_idx)) * 0.8 * length[
            t_month]).astype(np.int64)
    city[t_idx] = near if plan.mode.subtle else far
    lat = np.round(CITY_LAT[city] + rng.normal(0, 0.06, n), 6)
    lon = np.round(CITY_LON[city] + rng.normal(0, 0.06, n), 6)
    # New towns: a cluster about 20 km from the seller's city, within a few hundred metres.
    w_idx = e_idx[e_kind == 1]
    w_case = e_case[e_kind == 1]
    angle = rng.uniform(0, 2 * np.pi, len(plan.town_seller))
    c = network.city[plan.town_seller]
    town_lat = CITY_LAT[c] + 0.18 * np.sin(angle)
    town_lon = CITY_LON[c] + 0.18 * np.cos(angle)
    lat[w_idx] = np.round(town_lat[w_case] + rng.normal(0, 0.003, len(w_idx)), 6)
    lon[w_idx] = np.round(town_lon[w_case] + rng.normal(0, 0.003, len(w_idx)), 6)
    idx = np.arange(n, dtype=np.int64)
    phone = 9_000_000_000 + _unique_numbers(idx, 1_000_000_000, 123_457)
    gst = _unique_numbers(idx, 10_000_000_000, 98_765_431)
    registered = rng.random(n) < 0.4
    subtle = plan.mode.subtle

    # Each dummy group shares one attribute: copy its first member's value to the rest.
    # Subtle mode: only a similar name and coordinates within 30 m of the first member.
    starts = np.flatnonzero(np.diff(d_group, prepend=-1)) if len(d_idx) else np.zeros(
        0, dtype=np.int64)
    lead = d_idx[starts][np.cumsum(np.diff(d_group, prepend=-1) != 0) - 1] if len(
        d_idx) else d_idx
    shared = plan.dummy_shared[d_group] if len(d_idx) else d_idx
    if subtle:
        shared = np.full(len(d_idx), 2)
    phone[d_idx] = np.where(shared == 0, phone[lead], phone[d_idx])
    registered[d_idx] |= shared == 1
    gst[d_idx] = np.where(shared == 1, gst[lead], gst[d_idx])
    jitter = rng.uniform(-0.0002, 0.0002, (2, len(d_idx))) if subtle else np.zeros(
        (2, len(d_idx)))
    lat[d_idx] = np.where(shared == 2, np.round(lat[lead] + jitter[0], 6), lat[d_idx])
    lon[d_idx] = np.where(shared == 2, np.round(lon[lead] + jitter[1], 6), lon[d_idx])

    # Circular flows: each side's outlet is the other distributor (one phone; tax id too
    # unless subtle), named after it.
    a_idx, b_idx = e_idx[e_kind == 3], e_idx[e_kind == 4]
    a_case, b_case = e_case[e_kind == 3], e_case[e_kind == 4]
    pair_phone = 8_000_000_000 + _unique_numbers(np.arange(len(plan.circ_a)), 999_999_999, 77)
    phone[a_idx], phone[b_idx] = pair_phone[a_case], pair_phone[b_case]
    if not subtle:
        pair_gst = 9_000_000_000 + np.arange(len(plan.circ_a))
        gst[a_idx], gst[b_idx] = pair_gst[a_case], pair_gst[b_case]
        registered[a_idx] = registered[b_idx] = True

    otype = rng.choice(len(OUTLET_TYPES), n, p=_TYPE_P)
    surname = rng.integers(0, len(SURNAMES), n)
    if subtle and len(d_idx):  # the same surname and kind of shop as the group's first
        surname[d_idx] = surname[lead]
        otype[d_idx] = otype[lead]
    out = Outlets(seller=seller, created=created, created_month=month, size=size,
                  weekday=rng.integers(0, 6, n), p_buy=p_buy, dummy=dummy, first=first,
                  table=pa.table({}), groups=_groups(e_idx, e_kind, e_case, plan))
    name = pc.binary_join_element_wise(
        col.choose(SURNAMES, surname), col.choose(_SHOP, otype), " ")
    if len(a_idx):
        other = np.concatenate([plan.circ_b[a_case], plan.circ_a[b_case]])
        them = col.take(network.table.column("name").combine_chunks(),
                        other + network.table.num_rows - network.sellers)
        if subtle:  # a trading name, not the registered one
            them = pc.binary_join_element_wise(them, pa.scalar("Retail"), " ")
        name = pc.replace_with_mask(name, _mask(n, np.concatenate([a_idx, b_idx])), them.take(
            pa.array(np.argsort(np.concatenate([a_idx, b_idx]), kind="stable"))))
    table = pa.table({
        "outlet_id": out.ids(idx),
        "name": name,
        "distributor_id": col.take(network.ids, seller),
        "outlet_type": col.choose(OUTLET_TYPES, otype),
        "city": col.choose(CITIES, city),
        "postal_code": col.digits(110_000 + city * 20_011 % 700_000 + rng.integers(0, 90, n), 6),
        "phone": col.digits(phone, 10),
        "tax_id": col.fixed_ids("GSTIN", gst, 10, registered),
        "latitude": pa.array(lat),
        "longitude": pa.array(lon),
        "created_on": col.dates(created),
    })
    return Outlets(**{**out.__dict__, "table": table})


def _mask(n: int, index: np.ndarray) -> pa.Array:
    mask = np.zeros(n, dtype=bool)
    mask[index] = True
    return pa.array(mask)


def _groups(e_idx: np.ndarray, e_kind: np.ndarray, e_case: np.ndarray,
            plan: Plan) -> dict[str, list[np.ndarray]]:
    """Outlet indexes of each planted case, by kind."""
    counts = (len(plan.dummy_seller), len(plan.town_seller), len(plan.terr_seller),
              len(plan.circ_a), len(plan.circ_a))
    out: dict[str, list[np.ndarray]] = {}
    for k, name in enumerate(EXTRA_KINDS):  # one iteration per kind, then per case
        idx, case = e_idx[e_kind == k], e_case[e_kind == k]
        out[name] = [idx[case == c] for c in range(counts[k])]
    back = out.pop("circular_back")
    out["circular_flows"] = [np.concatenate([a, b]) for a, b in zip(
        out["circular_flows"], back, strict=True)]
    return out
