"""The product catalogue: SKUs with brand, category, segment, price, cost and launch date."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemeops.generate import columns as col
from schemeops.generate.calendar import Window

CATEGORIES = ("biscuits", "snacks", "beverages", "tea", "coffee", "noodles", "soaps",
              "detergents", "hair_care", "oral_care", "skin_care", "spices")
BRANDS = ("Amrit", "Bharat", "Chandni", "Dhruv", "Ekta", "Gagan", "Himgiri", "Indus",
          "Jyoti", "Kesar", "Lotus", "Meher", "Navrang", "Orchid")
SEGMENTS = ("premium", "core", "economy")
#: Typical unit price (rupees) and mean units per line, by segment.
_PRICE = np.array([180.0, 60.0, 22.0])
_UNITS = np.array([2.0, 4.0, 8.0])


@dataclass(frozen=True)
class Catalogue:
    """SKUs by index: price and cost in paise, category and segment codes, launch day,
    popularity."""

    price: np.ndarray
    cost: np.ndarray
    category: np.ndarray
    segment: np.ndarray
    launched: np.ndarray
    popularity: np.ndarray
    mean_units: np.ndarray
    established: np.ndarray
    table: pa.Table

    @property
    def size(self) -> int:
        """Number of SKUs."""
        return len(self.price)

    def draw(self, rng: np.random.Generator, days: np.ndarray,
             spread: np.ndarray | None = None) -> np.ndarray:
        """A SKU for each sale date, by popularity, never before its launch; `spread` (values
        in [0, 1), one per date) replaces the random draw where given."""
        cdf = np.cumsum(self.popularity)
        u = rng.random(len(days))
        sku = np.searchsorted(cdf, (u if spread is None else spread) * cdf[-1], side="right")
        sku = np.minimum(sku, self.size - 1)
        early = self.launched[sku] > days
        if early.any():
            old = self.established
            sku[early] = old[rng.integers(0, len(old), int(early.sum()))]
        return sku


def make_catalogue(rng: np.random.Generator, window: Window) -> Catalogue:
    """About 200 SKUs; a few launched in each window month, 2–5 in the current month."""
    n = int(rng.integers(180, 240))
    cat = rng.integers(0, len(CATEGORIES), n)
    brand = (cat * 3 + rng.integers(0, 3, n)) % len(BRANDS)
    seg = rng.choice(3, n, p=[0.22, 0.5, 0.28])
    price_rs = _PRICE[seg] * rng.lognormal(0.0, 0.35, n)
    price = (np.round(price_rs * 2) * 50).astype(np.int64).clip(500)
    cost = (price * rng.uniform(0.55, 0.8, n)).astype(np.int64)
    launched = window.first_day - rng.integers(200, 3000, n)
    # New launches: one or two in most earlier window months, 2–5 in the current month.
    n_cur = int(rng.integers(2, 6))
    n_prev = min(window.months - 1, n // 20)
    new = rng.permutation(n)[: n_cur + n_prev]
    cur_start = int(window.starts[-2])
    launched[new[:n_cur]] = cur_start + rng.integers(0, 8, n_cur)
    if n_prev:
        m = rng.integers(0, window.months - 1, n_prev)
        launched[new[n_cur:]] = window.starts[m] + rng.integers(0, 20, n_prev)
    popularity = rng.pareto(1.2, n) + 0.2
    popularity[new[:n_cur]] = np.quantile(popularity, 0.9)  # launch push
    skus = np.arange(1, n + 1)
    table = pa.table({
        "sku": col.fixed_ids("SKU", skus, 4),
        "name": pc.binary_join_element_wise(
            col.choose(BRANDS, brand), col.choose(CATEGORIES, cat), col.digits(skus, 3), " "),
        "brand": col.choose(BRANDS, brand),
        "category": col.choose(CATEGORIES, cat),
        "segment": col.choose(SEGMENTS, seg),
        "unit_price": col.money(price),
        "unit_cost": col.money(cost),
        "launched_on": col.dates(launched),
    })
    return Catalogue(price=price, cost=cost, category=cat, segment=seg, launched=launched,
                     popularity=popularity / popularity.sum(), mean_units=_UNITS[seg],
                     established=np.flatnonzero(launched < window.first_day),
                     table=table)
