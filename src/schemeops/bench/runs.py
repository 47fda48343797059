"""The generate and load benchmarks: the real command and its floor, in child processes."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from schemeops.bench.measure import (
    Measurement,
    ensure_dataset,
    measure,
    python_argv,
    schemeops_argv,
)


@dataclass(frozen=True)
class BenchResult:
    """A measured command beside its baseline, for `lines` secondary lines."""

    name: str
    lines: int
    run: Measurement
    baseline: Measurement

    @property
    def rate(self) -> float:
        """Secondary lines per second."""
        return self.lines / self.run.seconds

    def markdown_row(self) -> str:
        """One row of docs/benchmarks.md's table."""
        r, b = self.run, self.baseline
        return (f"| {self.name} | {self.lines:,} | {r.seconds:.1f} s | {self.rate:,.0f} | "
                f"{r.peak_gib:.2f} GiB | {b.label}: {b.seconds:.1f} s, {b.peak_gib:.2f} GiB | "
                f"{r.seconds / b.seconds:.1f}× |")


HEADER = ("| benchmark | lines | wall | lines/s | peak RSS | baseline (same run) | "
          "time ÷ baseline |\n|---|---|---|---|---|---|---|")


def bench_generate(lines: int, *, work: Path, fmt: str = "parquet") -> BenchResult:
    """Time `schemeops generate` and the plain-Parquet write floor for `lines` lines."""
    out, floor = work / "generated", work / "floor"
    run = measure("generate", schemeops_argv(
        "generate", "--out", str(out), "--lines", str(lines), "--format", fmt))
    base = measure("plain write", python_argv(
        "schemeops.bench.baselines", "write", str(floor), str(lines)))
    shutil.rmtree(floor, ignore_errors=True)
    return BenchResult("generate", lines, run, base)


def bench_load(lines: int, *, data: Path, work: Path) -> BenchResult:
    """Time `schemeops load` of a generated dataset and an unchecked DuckDB copy of it."""
    ensure_dataset(data, lines)
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        run = measure("load", schemeops_argv("load", str(data), "--warehouse",
                                             str(Path(tmp) / "wh.duckdb")))
        base = measure("unchecked copy", python_argv(
            "schemeops.bench.baselines", "copy", str(data), str(Path(tmp) / "copy.duckdb")))
    return BenchResult("load", lines, run, base)
