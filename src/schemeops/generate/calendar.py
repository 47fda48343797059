"""The data window: whole months ending with the current month, as int day numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

#: Seasonality by calendar month (Jan..Dec): festive Oct–Nov high, monsoon low.
SEASON = np.array([0.95, 0.92, 1.05, 0.98, 0.95, 0.9, 0.88, 0.92, 1.0, 1.3, 1.22, 1.05])


def day_number(d: date) -> int:
    """Days since 1970-01-01."""
    return (d - date(1970, 1, 1)).days


def to_date(day: int) -> date:
    """The date of a day number."""
    return date.fromordinal(date(1970, 1, 1).toordinal() + int(day))


@dataclass(frozen=True)
class Window:
    """`months` whole months; starts[m] is the first day of month m, starts[-1] the day after."""

    starts: np.ndarray
    calendar_month: np.ndarray

    @property
    def months(self) -> int:
        """Number of months in the window."""
        return len(self.starts) - 1

    @property
    def first_day(self) -> int:
        """First day of the window."""
        return int(self.starts[0])

    @property
    def last_day(self) -> int:
        """Last day of the window (last day of the current month)."""
        return int(self.starts[-1]) - 1

    @property
    def season(self) -> np.ndarray:
        """Seasonality factor of each month of the window."""
        return SEASON[self.calendar_month]

    def month_of(self, days: np.ndarray) -> np.ndarray:
        """Window month index of each day."""
        return np.searchsorted(self.starts, days, side="right") - 1


def make_window(current_month: date, months: int) -> Window:
    """The window of `months` months whose last month is `current_month`."""
    if months < 1:
        raise ValueError("months must be at least 1")
    cur = np.datetime64(current_month.replace(day=1), "M")
    ms = cur + np.arange(-(months - 1), 2)
    starts = ms.astype("datetime64[D]").astype(np.int64)
    cal = (ms[:-1].astype(np.int64) % 12).astype(np.int64)
    return Window(starts=starts, calendar_month=cal)


def weekday(days: np.ndarray) -> np.ndarray:
    """ISO weekday 0=Monday..6=Sunday of day numbers (1970-01-01 was a Thursday)."""
    return (np.asarray(days) + 3) % 7
