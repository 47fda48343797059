"""The detection benchmark: `schemeops detect` beside `schemeops calc` on the same warehouse.

Both run in their own child process (wall time and peak RSS from wait4), in the same bench
run, on DATA/schemeops.duckdb (made if missing, as `bench --lines` makes it): detection of
every kind the warehouse alone feeds, plus duplicate claims when DATA holds the generator's
claims.csv, plus slab bunching and the value at risk when `programs` is given; the baseline
is the calculation of the example programs (examples/programs/), what a scheme run costs
anyway. The issue's bar is detection over 10M lines in ≤ 60 s and ≤ 4 GiB.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from schemeops.bench.calc import PROGRAMS, _checkout, prepare_warehouse, warm_cache
from schemeops.bench.measure import Measurement, measure, schemeops_argv

#: The issue's bar for detection over 10M lines.
LIMIT_SECONDS, LIMIT_GIB = 60.0, 4.0


@dataclass(frozen=True)
class DetectBench:
    """The detect run, its calc baseline, and how many findings detect wrote."""

    lines: int
    detect: Measurement
    calc: Measurement
    findings: int
    claims: bool
    programs: Path | None

    def rows(self) -> list[str]:
        """Markdown rows: detect, then calc, each with detect over it."""
        d = self.detect
        return [f"| {m.label} | {self.lines:,} | {m.seconds:.1f} s | {m.peak_gib:.2f} GiB | "
                f"{d.seconds / m.seconds:.2f}× | {d.peak_bytes / m.peak_bytes:.2f}× |"
                for m in (self.detect, self.calc)]

    @property
    def within_limit(self) -> bool:
        """Whether detect kept to ≤ 60 s and ≤ 4 GiB."""
        return self.detect.seconds <= LIMIT_SECONDS and self.detect.peak_gib <= LIMIT_GIB


HEADER = ("| run | lines | wall | peak RSS | detect ÷ this (time) | detect ÷ this (peak RSS) |"
          "\n|---|---|---|---|---|---|")


def _count_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def bench_detect(lines: int, *, data: Path, work: Path, programs: Path | None = None,
                 repeat: int = 1) -> DetectBench:
    """Time `schemeops detect` and `schemeops calc` of the example programs on DATA's N-line
    warehouse; outputs go to WORK/detect and WORK/calc. With repeat > 1 the two take turns
    and each keeps its shortest wall time and CPU time and its highest peak RSS."""
    root = _checkout()
    warehouse = prepare_warehouse(lines, data).resolve()
    warm_cache(warehouse)
    work = work.resolve()
    claims = (data / "claims.csv").resolve()
    det = ["detect", "--warehouse", str(warehouse), "--out", str(work / "detect")]
    if claims.exists():
        det += ["--claims", str(claims)]
    if programs is not None:
        det += ["--programs", str(programs.resolve())]
    runs = [("detect", schemeops_argv(*det)),
            ("calc", schemeops_argv("calc", "-p", str(PROGRAMS), "-w", str(warehouse),
                                    "-o", str(work / "calc")))]
    best: dict[str, Measurement] = {}
    for _ in range(repeat):
        for label, argv in runs:
            m = measure(label, argv, cwd=root)
            old = best.get(label)
            best[label] = m if old is None else Measurement(
                label, min(old.seconds, m.seconds), max(old.peak_bytes, m.peak_bytes),
                min(old.cpu_seconds, m.cpu_seconds))
    return DetectBench(lines, best["detect"], best["calc"],
                       _count_rows(work / "detect" / "findings.csv"), claims.exists(),
                       programs)
