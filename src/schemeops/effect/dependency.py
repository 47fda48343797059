"""Dependency on schemes: per participant, over the latest 13 weeks and the 13 before them.

- scheme share: the participant's value of the scheme's products sold inside the program's
  periods ÷ its value of all products, in the block;
- post-scheme drop: 1 − actual ÷ baseline expectation over the post windows (the 14 days
  after each period) falling in the block, 0 when none does (negative: no drop);
- dependency index = 100 × (share + clip(drop, 0, 1)) ÷ 2: 0 = sells without schemes and
  holds up after them, 100 = sells only under schemes and stops after them;
- trend = the latest block's index − the previous block's (`rising` above +5 points,
  `falling` below −5, else `steady`; empty without a whole previous block);
- the index over every block of history (`index_series`), for the trends by distributor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schemeops.effect.baseline import Cube, baseline_per_day
from schemeops.effect.facts import BLOCK_DAYS, SCHEME, Calendar

TREND_POINTS = 5.0


@dataclass(frozen=True)
class Dependency:
    """Per participant of the cube (arrays of length P): the latest block's share, drop and
    index, the previous block's index (NaN when absent) and the trend's label."""

    share: np.ndarray
    drop: np.ndarray
    index: np.ndarray
    previous: np.ndarray
    trend: np.ndarray


def _block(cube: Cube, calendar: Calendar, season: np.ndarray, block: int
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    atoms = calendar.atoms
    in_block = np.asarray([a.block == block for a in atoms])
    inside = in_block & np.asarray([any(k == "in" for k, _ in a.windows) for a in atoms])
    post = in_block & np.asarray([any(k == "post" for k, _ in a.windows) for a in atoms])
    total = cube.value[:, in_block, :].sum(axis=(1, 2))
    share = np.divide(cube.value[:, inside, SCHEME].sum(axis=1), total,
                      out=np.full(total.shape, np.nan), where=total > 0)
    base = baseline_per_day(cube.value, calendar, season)[:, SCHEME]
    expected = base * float((np.asarray(calendar.days, float) * season * post).sum())
    actual = cube.value[:, post, SCHEME].sum(axis=1)
    drop = np.divide(expected - actual, expected, out=np.zeros_like(expected),
                     where=expected > 0)
    index = 100 * (share + np.clip(drop, 0, 1)) / 2
    return share, drop, index


def dependency(cube: Cube, calendar: Calendar, season: np.ndarray) -> Dependency:
    """Every participant's dependency on the program's schemes."""
    share, drop, index = _block(cube, calendar, season, 0)
    if sum(n for a, n in zip(calendar.atoms, calendar.days, strict=True) if a.block == 1) \
            == BLOCK_DAYS:  # a whole previous block only
        previous = _block(cube, calendar, season, 1)[2]
    else:
        previous = np.full(index.shape, np.nan)
    delta = index - previous
    trend = np.where(np.isnan(delta), "",
                     np.where(delta > TREND_POINTS, "rising",
                              np.where(delta < -TREND_POINTS, "falling", "steady")))
    return Dependency(share, drop, index, previous, trend)


def whole_blocks(calendar: Calendar) -> int:
    """How many 13-week blocks, counted back from the last day of data, the latest always
    among them, the earlier ones only when whole."""
    days: dict[int, int] = {}
    for a, n in zip(calendar.atoms, calendar.days, strict=True):  # atoms, not rows
        days[a.block] = days.get(a.block, 0) + n
    earlier = 0
    while days.get(earlier + 1) == BLOCK_DAYS:
        earlier += 1
    return 1 + earlier if days else 0


def index_series(cube: Cube, calendar: Calendar, season: np.ndarray) -> np.ndarray:
    """P × blocks: each participant's dependency index in every block (`whole_blocks`),
    the latest first."""
    n = whole_blocks(calendar)
    if n == 0:
        return np.empty((cube.value.shape[0], 0))
    return np.column_stack([_block(cube, calendar, season, b)[2] for b in range(n)])
