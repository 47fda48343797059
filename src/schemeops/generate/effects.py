"""Planted program effects: which programs run, who responds and by how much, and how each
sales line's units change; the counterfactual is the same line without the effect.

Each program is one whole month on one category but its smallest segment (by value), whose
SKUs are the program's siblings. A treated distributor (enrolled, and responding) buys
`1 + lift` times the units of the program's SKUs in the month, `1 − pre × lift` in the 7
days before (buyers wait for the scheme), `1 − post × lift` in the 14 days after (stock
bought forward), and `1 − cannibal × lift` of the sibling SKUs in the month. Lifts vary
by tier and region, one region per program near zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemeops.engine.holdout import is_held_out
from schemeops.generate.calendar import Window
from schemeops.generate.catalogue import CATEGORIES, Catalogue
from schemeops.generate.network import DISTRIBUTOR, REGIONS, TIERS, Network
from schemeops.program.model import Holdout

#: Days before the month that dip, days after it that dip.
PRE_DAYS, POST_DAYS = 7, 14
#: Lift multiplier by tier (platinum … bronze): small distributors respond more.
TIER_LIFT = np.array([0.5, 0.8, 1.1, 1.4])
#: The in-scheme lifts of K programs are spread evenly over this range (× effect scale).
LIFT_RANGE = (0.03, 0.45)
NEAR_ZERO = 0.03
NO_PROGRAM, PROGRAM_SKU, SIBLING_SKU = 0, 1, 2


@dataclass(frozen=True)
class Effects:
    """K planted programs (index p) and each seller's response (index s)."""

    category: np.ndarray  # (K,) category code
    sibling: np.ndarray  # (K,) segment code of the category's SKUs left out: the siblings
    month: np.ndarray  # (K,) window month of the program
    holdouts: tuple[Holdout, ...]
    lift: np.ndarray  # (S, K) in-scheme lift; 0 where not enrolled or not responding
    enrolled: np.ndarray  # (S, K) eligible (a distributor before the window) and not held out
    pre: np.ndarray  # (K,) share of the lift lost per day in the days before
    post: np.ndarray  # (K,) … in the days after
    cannibal: np.ndarray  # (K,) … on sibling SKUs in the month
    sku_program: np.ndarray  # (SKUs,) program whose category the SKU is in, -1: none
    sku_kind: np.ndarray  # (SKUs,) NO_PROGRAM, PROGRAM_SKU or SIBLING_SKU

    @property
    def count(self) -> int:
        """Number of programs."""
        return len(self.month)

    def factor(self, window: Window, seller: np.ndarray, day: np.ndarray,
               sku: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each line's units factor, and its program (-1: none)."""
        p = self.sku_program[sku]
        kind = np.where(p >= 0, self.sku_kind[sku], NO_PROGRAM)
        pp = np.maximum(p, 0)
        lift = np.where(p >= 0, self.lift[seller, pp], 0.0)
        start, end = window.starts[self.month[pp]], window.starts[self.month[pp] + 1]
        inside = (day >= start) & (day < end)
        own = kind == PROGRAM_SKU
        f = 1 + np.where(own & inside, lift, 0.0)
        f -= np.where(own & (day >= start - PRE_DAYS) & (day < start), self.pre[pp] * lift, 0)
        f -= np.where(own & (day >= end) & (day < end + POST_DAYS), self.post[pp] * lift, 0)
        f -= np.where((kind == SIBLING_SKU) & inside, self.cannibal[pp] * lift, 0)
        return f, p

    def apply(self, rng: np.random.Generator, window: Window, seller: np.ndarray,
              day: np.ndarray, sku: np.ndarray, units: np.ndarray,
              regular: np.ndarray) -> np.ndarray:
        """Units with the effect (regular lines only; at least 1 unit, rounded at random so
        the expected units are exactly factor × units)."""
        f, _ = self.factor(window, seller, day, sku)
        moved = np.floor(units * f + rng.random(len(units))).astype(np.int64)
        return np.where(regular & (f != 1), np.maximum(moved, 1), units)

    def in_period(self, window: Window, p: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Whether each day falls in its program's month (False where p is -1)."""
        m = self.month[np.maximum(p, 0)]
        return (p >= 0) & (day >= window.starts[m]) & (day < window.starts[m + 1])


def _seller_codes(network: Network, column: str, labels: tuple[str, ...]) -> np.ndarray:
    """A text column of the sellers' participant rows as codes into `labels`."""
    t = network.table
    values = t.column(column).slice(t.num_rows - network.sellers).combine_chunks()
    return pc.index_in(values, value_set=pa.array(labels)).to_numpy(zero_copy_only=False)


def plan_effects(seed: int, *, network: Network, catalogue: Catalogue, window: Window,
                 programs: int, scale: float, share: Decimal,
                 untreated: np.ndarray) -> Effects:
    """K programs on distinct categories, in months with two before and one after; each
    seller's lift (0 for non-distributors, the held-out, and the `untreated` sellers, who
    are enrolled but do not respond)."""
    if programs > len(CATEGORIES):
        raise ValueError(f"at most {len(CATEGORIES)} programs (one per category)")
    months = np.arange(2, window.months - 1)
    if programs and len(months) == 0:
        raise ValueError("planted programs need at least 4 months")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 4]))  # apart from the data's
    category = np.sort(rng.choice(len(CATEGORIES), programs, replace=False))
    in_cat = catalogue.category[:, None] == category[None, :]
    weight = np.stack([np.bincount(catalogue.segment[in_cat[:, p]],
                                   catalogue.popularity[in_cat[:, p]] * catalogue.price[
                                       in_cat[:, p]], minlength=3) for p in range(programs)]
                      ).reshape(programs, 3)
    sibling = weight.argmin(axis=1)
    month = rng.choice(months, programs) if programs else np.zeros(0, np.int64)
    base = scale * rng.permutation(np.linspace(*LIFT_RANGE, programs)) if programs > 1 \
        else np.full(programs, scale * np.mean(LIFT_RANGE))
    region_lift = rng.uniform(0.6, 1.4, (programs, len(REGIONS)))
    region_lift[np.arange(programs), rng.integers(0, len(REGIONS), programs)] = NEAR_ZERO
    tier, region = _seller_codes(network, "tier", TIERS), _seller_codes(network, "region",
                                                                          REGIONS)
    holdouts = tuple(Holdout(share=share, seed=seed * 100 + p + 1) for p in range(programs))
    ids = network.ids.to_pylist()
    t = network.table
    joined = t.column("joined_on").slice(t.num_rows - network.sellers).combine_chunks()
    # distributors there before the window: the ramping new one has no history to compare
    eligible = (network.role == DISTRIBUTOR) & (joined.cast(pa.int32()).to_numpy(
        zero_copy_only=False) < window.first_day)
    held = np.array([[is_held_out(i, h) for h in holdouts] for i in ids],  # per participant
                    dtype=bool).reshape(network.sellers, programs)
    enrolled = eligible[:, None] & ~held
    responds = enrolled & ~np.isin(np.arange(network.sellers), untreated)[:, None]
    lift = np.where(responds, base[None, :] * TIER_LIFT[tier][:, None] * region_lift[:, region].T,
                    0.0)
    sku_program = np.where(in_cat.any(axis=1), in_cat.argmax(axis=1), -1)
    own = (sku_program >= 0) & (catalogue.segment != sibling[np.maximum(sku_program, 0)])
    kind = np.where(sku_program < 0, NO_PROGRAM, np.where(own, PROGRAM_SKU, SIBLING_SKU))
    return Effects(category=category, sibling=sibling, month=month, holdouts=holdouts,
                   lift=lift, enrolled=enrolled, pre=rng.uniform(0.05, 0.15, programs),
                   post=rng.uniform(0.2, 0.6, programs),
                   cannibal=rng.uniform(0.1, 0.3, programs), sku_program=sku_program,
                   sku_kind=kind)


def line_truth(effects: Effects, window: Window, *, sellers: int, seller: np.ndarray,
               day: np.ndarray, sku: np.ndarray, amount: np.ndarray, amount0: np.ndarray,
               src: np.ndarray, r_amount: np.ndarray, r_amount0: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Per (seller, program), in paise: the incremental net value (with effect minus
    without, returns netted off) and the baseline (the program SKUs' net value in the month
    without the effect). `seller` is 0-based within the chunk; returns name their line `src`."""
    k = effects.count
    p = effects.sku_program[sku]
    base_line = np.where(effects.in_period(window, p, day)
                         & (effects.sku_kind[sku] == PROGRAM_SKU), amount0, 0)
    key = np.concatenate([seller * k + p, (seller * k + p)[src]])
    incr = np.concatenate([amount - amount0, -(r_amount - r_amount0)])
    base = np.concatenate([base_line, -np.where(base_line[src] != 0, r_amount0, 0)])
    has = key >= 0
    shape = sellers * k

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(key[has], values[has].astype(np.float64), shape).reshape(sellers, k)

    # paise sums of one chunk stay far below 2**53: float bincount is exact here
    return total(incr).round().astype(np.int64), total(base).round().astype(np.int64)
