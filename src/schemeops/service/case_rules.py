"""How findings become cases: the severity that opens one, the value at risk from which it
holds payouts, and the alert budget that bounds how many a period opens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from schemeops.detect.finding import Finding


@dataclass(frozen=True)
class CaseRules:
    """The settings of case opening (docs/cases.md)."""

    #: Findings scoring below this are recorded as dropped, not opened (1 is every
    #: detector's own flagging threshold, so by default every finding is severe enough).
    min_score: Decimal = Decimal("1")
    #: Alert budget: at most this many cases per 1,000 participants paid in a month.
    per_thousand: int = 30
    #: A case with at least this value at risk blocks: it holds the participant's payouts.
    hold_from: Decimal = Decimal("0.01")


def budget(participants: int, per_thousand: int) -> int:
    """How many cases a month may open: floor(per_thousand × participants / 1000), but at
    least 1, so a small network's worst finding is still reviewed."""
    return max(1, per_thousand * participants // 1000)


def _severity(f: Finding) -> tuple:
    # highest score first; ties by value at risk, then id, so the choice is stable
    return (-f.score, -f.value_at_risk, f.finding_id)


def within_budget(findings: Sequence[Finding], participants: Mapping[dt.date, int],
                  per_thousand: int) -> tuple[list[Finding], list[Finding]]:
    """The findings kept and dropped, month by month (`participants` by month start): the
    budget keeps the highest scores and drops the lowest first."""
    kept: list[Finding] = []
    dropped: list[Finding] = []
    months = sorted({f.period_start for f in findings})
    for m in months:  # one pass per month flagged, not per row
        ranked = sorted((f for f in findings if f.period_start == m), key=_severity)
        n = budget(participants.get(m, 0), per_thousand)
        kept += ranked[:n]
        dropped += ranked[n:]
    return kept, dropped
