"""Outlets: grouped by seller, created over time, each with a size and a visit weekday."""

from __future__ import annotations

from dataclasses import dataclass

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


def make_outlets(rng: np.random.Generator, network: Network, window: Window,
                 plan: Plan) -> Outlets:
    """Every seller's outlets, then the planted dummy groups at the end of their seller block."""
    extra = np.bincount(plan.dummy_seller, weights=plan.dummy_size,
                        minlength=network.sellers).astype(np.int64)
    per_seller = network.n_outlets + extra
    n = int(per_seller.sum())
    first = np.concatenate([[0], np.cumsum(per_seller)])
    seller = np.repeat(np.arange(network.sellers), per_seller)
    pos = np.arange(n) - first[seller]
    dummy = pos >= network.n_outlets[seller]

    m_count = window.months
    is_new = rng.random(n) < NEW_PER_MONTH * m_count
    month = np.where(is_new, rng.integers(0, m_count, n), -1)
    length = window.starts[1:] - window.starts[:-1]
    created = np.where(
        is_new, window.starts[np.maximum(month, 0)] + (rng.random(n) * 0.8 * length[
            np.maximum(month, 0)]).astype(np.int64),
        window.first_day - rng.integers(30, 2500, n))
    # Dummy groups: created in the last 3 days of their month.
    d_idx = np.flatnonzero(dummy)
    d_group = np.repeat(np.arange(len(plan.dummy_seller)), plan.dummy_size)
    d_month = plan.dummy_month[d_group]
    month[d_idx] = d_month
    created[d_idx] = window.starts[d_month + 1] - 1 - rng.integers(0, 3, len(d_idx))

    size = rng.lognormal(-0.2, 0.7, n) * network.size[seller] ** 0.15
    p_buy = np.clip(0.72 + 0.18 * np.log(size), 0.35, 0.97)
    city = np.where(rng.random(n) < 0.85, network.city[seller], network.city[
        rng.integers(0, network.sellers, n)])
    lat = np.round(CITY_LAT[city] + rng.normal(0, 0.06, n), 6)
    lon = np.round(CITY_LON[city] + rng.normal(0, 0.06, n), 6)
    idx = np.arange(n, dtype=np.int64)
    phone = 9_000_000_000 + _unique_numbers(idx, 1_000_000_000, 123_457)
    gst = _unique_numbers(idx, 10_000_000_000, 98_765_431)
    registered = rng.random(n) < 0.4

    # Each dummy group shares one attribute: copy its first member's value to the rest.
    g_first = d_idx[np.concatenate([[0], np.cumsum(plan.dummy_size)[:-1]])] if len(d_idx) \
        else np.zeros(0, dtype=np.int64)
    lead = g_first[d_group]
    shared = plan.dummy_shared[d_group]
    phone[d_idx] = np.where(shared == 0, phone[lead], phone[d_idx])
    registered[d_idx] |= shared == 1
    gst[d_idx] = np.where(shared == 1, gst[lead], gst[d_idx])
    lat[d_idx] = np.where(shared == 2, lat[lead], lat[d_idx])
    lon[d_idx] = np.where(shared == 2, lon[lead], lon[d_idx])

    otype = rng.choice(len(OUTLET_TYPES), n, p=_TYPE_P)
    out = Outlets(seller=seller, created=created, created_month=month, size=size,
                  weekday=rng.integers(0, 6, n), p_buy=p_buy, dummy=dummy, first=first,
                  table=pa.table({}))
    table = pa.table({
        "outlet_id": out.ids(idx),
        "name": pc.binary_join_element_wise(
            col.choose(SURNAMES, rng.integers(0, len(SURNAMES), n)), col.choose(_SHOP, otype),
            " "),
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
