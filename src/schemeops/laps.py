"""Wall-clock laps for reporting where a run's time went."""

from __future__ import annotations

import time


class Laps:
    """`lap(name)` records the seconds since the previous lap (or since creation)."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        """Close the current lap under `name`."""
        now = time.perf_counter()
        self.timings[name] = round(now - self._last, 3)
        self._last = now
