"""A guard's verdict: which guard, ok / warn / block, the figure it measured against its
threshold, and the evidence counts behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Level(StrEnum):
    """How a guard judges a program: ok, warn (shown), block (approval is held)."""

    OK = "ok"
    WARN = "warn"
    BLOCK = "block"


_RANK = {Level.OK: 0, Level.WARN: 1, Level.BLOCK: 2}


@dataclass(frozen=True)
class Verdict:
    """One guard's judgement; `figure` is None where there was nothing to measure."""

    guard: str
    level: Level
    figure: Decimal | None
    threshold: Decimal | None
    #: What the figure was measured over, e.g. {"lines": 120, "below_floor": 3}.
    evidence: dict[str, int] = field(default_factory=dict)
    #: One sentence for a reader: what was found, against which limit.
    summary: str = ""

    def as_dict(self) -> dict[str, object]:
        """The verdict as JSON-ready values (decimals as text), for the audit trail."""
        return {"guard": self.guard, "level": self.level.value,
                "figure": None if self.figure is None else str(self.figure),
                "threshold": None if self.threshold is None else str(self.threshold),
                "evidence": dict(self.evidence)}


def worst(verdicts: list[Verdict]) -> Level:
    """The most severe level among the verdicts (ok when there are none)."""
    return max((v.level for v in verdicts), key=_RANK.__getitem__, default=Level.OK)


def blocking(verdicts: list[Verdict]) -> list[Verdict]:
    """The verdicts that block."""
    return [v for v in verdicts if v.level is Level.BLOCK]


def pct(value: Decimal | None) -> str:
    """A share as a percentage with up to 2 decimals (0.235 → 23.5%)."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.01')).normalize():f}%"
