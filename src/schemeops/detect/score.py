"""Score findings against planted labels: recall and precision per kind.

A finding matches a label of the same kind, same participant (the label's distributor_id)
and overlapping period. Recall: labels matched by some finding / labels. Precision:
findings matching some label / findings. Reads labels.csv in the shared format (and in the
older one: both carry kind, distributor_id, period_start, period_end)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from schemeops.detect.finding import Finding
from schemeops.errors import UsageError

_NEEDED = ("kind", "distributor_id", "period_start", "period_end")


@dataclass(frozen=True)
class Label:
    """One planted anomaly (or hard negative): its kind, seller and days."""

    kind: str
    participant_id: str
    period_start: dt.date
    period_end: dt.date


@dataclass(frozen=True)
class KindScore:
    """Recall and precision of one kind (None when there is nothing to divide by)."""

    kind: str
    labels: int
    findings: int
    matched_labels: int
    true_findings: int

    @property
    def recall(self) -> float | None:
        """Labels found / labels."""
        return self.matched_labels / self.labels if self.labels else None

    @property
    def precision(self) -> float | None:
        """Findings that are labelled / findings."""
        return self.true_findings / self.findings if self.findings else None


def read_labels(path: Path) -> list[Label]:
    """The labels of `path`; UsageError naming the file, line and missing column."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = csv.DictReader(fh)
        missing = [c for c in _NEEDED if c not in (rows.fieldnames or [])]
        if missing:
            raise UsageError(f"{path}:1: missing column(s) {', '.join(missing)}; labels.csv "
                             "needs kind, distributor_id, period_start, period_end")
        out = []
        for i, r in enumerate(rows, start=2):
            try:
                out.append(Label(r["kind"], r["distributor_id"],
                                 dt.date.fromisoformat(r["period_start"]),
                                 dt.date.fromisoformat(r["period_end"])))
            except ValueError:
                raise UsageError(f"{path}:{i}: period_start/period_end must be YYYY-MM-DD, "
                                 f"got {r['period_start']!r}, {r['period_end']!r}") from None
    return out


def _match(f: Finding, lb: Label) -> bool:
    return (f.kind == lb.kind and f.participant_id == lb.participant_id
            and f.period_start <= lb.period_end and lb.period_start <= f.period_end)


def score(findings: list[Finding], labels: list[Label], kinds: list[str]) -> list[KindScore]:
    """One KindScore per kind in `kinds` (findings and labels are both small: hundreds)."""
    out = []
    for k in kinds:
        fk = [f for f in findings if f.kind == k]
        lk = [lb for lb in labels if lb.kind == k]
        out.append(KindScore(k, len(lk), len(fk),
                             sum(any(_match(f, lb) for f in fk) for lb in lk),
                             sum(any(_match(f, lb) for lb in lk) for f in fk)))
    return out


def negatives_hit(findings: list[Finding], negatives: list[Label]) -> int:
    """Findings of any kind on a planted hard negative's participant and period."""
    return sum(any(f.participant_id == n.participant_id and f.period_start <= n.period_end
                   and n.period_start <= f.period_end for n in negatives) for f in findings)
