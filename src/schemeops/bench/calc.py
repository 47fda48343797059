"""The calculation benchmark: the engine beside a pandas and a hand-written SQL baseline.

All example programs (examples/programs/) are calculated three ways, each in its own child
process measured for wall time and peak RSS: the engine (`schemeops calc`), the pandas
baseline (`python -m benchmarks.pandas_baseline`) and the SQL baseline (`python -m
benchmarks.sql_baseline`). The three output folders must hold byte-identical payouts.csv,
kpis.csv and components.csv for the programs the baselines implement (`BASELINE_PROGRAMS`;
the engine's rows of any other example program are left out of the comparison). The child
processes run in the source checkout (the baselines
live in its `benchmarks/` folder, beside `src/`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import duckdb

from schemeops.bench.measure import (
    Measurement,
    ensure_dataset,
    measure,
    python_argv,
    schemeops_argv,
)
from schemeops.errors import UsageError

#: The source checkout: the baselines and example programs are read from here.
ROOT = Path(__file__).resolve().parents[3]
PROGRAMS = Path("examples/programs")
OUTPUT_FILES = ("payouts.csv", "kpis.csv", "components.csv")
WAREHOUSE_NAME = "schemeops.duckdb"

#: The example programs the two baselines implement (each coded by hand); the outputs are
#: compared on these.
BASELINE_PROGRAMS = ("balanced_scorecard_oct", "early_pay_oct", "flash_tea_week",
                     "mbc_reps_oct", "mbo_targets", "nca_oct", "premium_upsell_oct",
                     "reactivation_oct", "rod_q3", "volume_growth_oct")

ENGINE, PANDAS, SQL = "engine", "pandas baseline", "SQL baseline"
REFERENCE = "reference engine"
#: The outlet-heavy programs' hand-written SQL (`bench.outlets`).
HAND_SQL = "hand SQL"
_FOLDERS = {ENGINE: "engine", PANDAS: "pandas", SQL: "sql", REFERENCE: "reference",
            HAND_SQL: "hand_sql"}


@dataclass(frozen=True)
class Difference:
    """The first line where two runs' copies of one output file differ."""

    left: str
    right: str
    file: str
    line: int
    left_text: str | None
    right_text: str | None
    lines_differing: int

    def describe(self) -> str:
        """Two or three lines for the report."""
        return (f"{self.left} vs {self.right}: {self.file} differs on {self.lines_differing:,} "
                f"line(s), first at line {self.line}\n"
                f"    {self.left}: {self.left_text if self.left_text is not None else '(end)'}\n"
                f"    {self.right}: {self.right_text if self.right_text is not None else '(end)'}")


def output_folder(work: Path, label: str) -> Path:
    """Where the run called `label` writes its files."""
    return work / _FOLDERS[label]


def _checkout() -> Path:
    if not (ROOT / "benchmarks" / "sql_baseline.py").exists() or not (ROOT / PROGRAMS).is_dir():
        raise UsageError(f"the calc benchmark runs from a source checkout; {ROOT} has no "
                         "benchmarks/ and examples/programs/")
    return ROOT


def _sales_lines(warehouse: Path) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM sales").fetchone()[0]
    finally:
        con.close()


def prepare_warehouse(lines: int, data: Path) -> Path:
    """DATA/schemeops.duckdb: reused if there, else loaded from DATA (generated first if
    DATA holds no dataset). Raises UsageError when it holds another number of lines."""
    warehouse = data / WAREHOUSE_NAME
    if not warehouse.exists():
        ensure_dataset(data, lines)
        measure("load", schemeops_argv("load", str(data), "--warehouse", str(warehouse)))
    found = _sales_lines(warehouse)
    if found != lines:
        raise UsageError(f"{warehouse} holds {found:,} sales lines, not {lines:,}; "
                         "give another --data folder")
    return warehouse


def warm_cache(path: Path) -> None:
    """Read the file once so that the first run timed does not pay for the disk alone."""
    with path.open("rb") as f:
        while f.read(1 << 24):
            pass


def engine_argv(programs: Path, warehouse: Path, work: Path, label: str = ENGINE,
                *options: str) -> list[str]:
    """`schemeops calc` of `programs` on `warehouse` into WORK/<label>."""
    return schemeops_argv("calc", "-p", str(programs), "-w", str(warehouse),
                          "-o", str(output_folder(work, label)), *options)


def sql_argv(warehouse: Path, work: Path) -> list[str]:
    """The hand-written SQL baseline on `warehouse` into WORK/sql."""
    return python_argv("benchmarks.sql_baseline", str(warehouse), str(output_folder(work, SQL)))


def bench_calc(lines: int, *, data: Path, work: Path, skip_pandas: bool = False,
               repeat: int = 1, reference: Path | None = None,
               programs: Path | None = None) -> list[Measurement]:
    """Calculate every example program (the engine: those in `programs` when given, e.g. a
    reference's, to time the same work) with the engine and the baselines on an N-line
    warehouse (DATA/schemeops.duckdb, made if missing); outputs go to WORK/engine, WORK/pandas
    and WORK/sql. Measurements in that order (pandas left out when skipped), then the
    `reference` engine's when given: another source checkout (e.g. a `git worktree` of an
    earlier commit) calculating its own example programs, into WORK/reference.

    The warehouse file is read once first (page cache warm for every run). With repeat > 1
    the runs take turns (engine, pandas, SQL, engine, …) and each keeps its shortest wall
    time and CPU time and its highest peak RSS."""
    root = _checkout()
    warehouse = prepare_warehouse(lines, data).resolve()
    warm_cache(warehouse)
    work = work.resolve()
    mine = PROGRAMS if programs is None else programs.resolve()
    runs = [(ENGINE, engine_argv(mine, warehouse, work))]
    if not skip_pandas:
        runs.append((PANDAS, python_argv("benchmarks.pandas_baseline", str(warehouse),
                                         str(output_folder(work, PANDAS)))))
    runs.append((SQL, sql_argv(warehouse, work)))
    envs: dict[str, dict[str, str]] = {}
    if reference is not None:
        reference = _reference_checkout(reference)
        runs.append((REFERENCE, engine_argv(reference / PROGRAMS, warehouse, work,
                                            REFERENCE)))
        envs[REFERENCE] = {"PYTHONPATH": str(reference / "src")}
    return in_turns([(label, argv, root if label != REFERENCE else reference,
                      envs.get(label)) for label, argv in runs], repeat)


def in_turns(runs: list[tuple[str, list[str], Path | None, dict[str, str] | None]],
             repeat: int) -> list[Measurement]:
    """Run each (label, argv, cwd, env) in turns `repeat` times; each keeps its shortest wall
    time and CPU time and its highest peak RSS (in the order given)."""
    best: dict[str, Measurement] = {}
    for _ in range(repeat):
        for label, argv, cwd, env in runs:
            m = measure(label, argv, cwd=cwd, env=env)
            old = best.get(label)
            best[label] = m if old is None else Measurement(
                label, min(old.seconds, m.seconds), max(old.peak_bytes, m.peak_bytes),
                min(old.cpu_seconds, m.cpu_seconds))
    return [best[label] for label, *_rest in runs]


def _reference_checkout(path: Path) -> Path:
    """`path` resolved, when it is a source checkout with src/schemeops and example programs."""
    path = path.resolve()
    if not (path / "src" / "schemeops").is_dir() or not (path / PROGRAMS).is_dir():
        raise UsageError(f"--reference {path}: not a schemeops source checkout (no "
                         "src/schemeops or examples/programs); make one with "
                         "`git worktree add DIR COMMIT`")
    return path


def compare_file(left: Path, right: Path, *, programs: frozenset[str] | None = None
                 ) -> tuple[int, int, str | None, str | None] | None:
    """None when the files are byte-identical, else (differing lines, first such line
    (1-based), its text in each; None past a file's end). With `programs`, only the header
    and the rows of those program ids are compared."""
    a, b = left.read_bytes(), right.read_bytes()
    if programs is not None:
        a, b = _only_programs(a, programs), _only_programs(b, programs)
    if a == b:
        return None
    la, lb = a.decode().splitlines(), b.decode().splitlines()
    first, count = None, abs(len(la) - len(lb))
    for i, (x, y) in enumerate(zip(la, lb, strict=False)):
        if x != y:
            count += 1
            if first is None:
                first = i
    if first is None:
        first = min(len(la), len(lb))
    return (count, first + 1, la[first] if first < len(la) else None,
            lb[first] if first < len(lb) else None)


def _only_programs(content: bytes, programs: frozenset[str]) -> bytes:
    """The header and the rows of an output CSV whose program_id is in `programs` (a program
    id is never quoted: it is lowercase letters, digits and `_`)."""
    lines = content.splitlines(keepends=True)
    keep = [line for line in lines[1:] if line.split(b",", 1)[0].decode() in programs]
    return b"".join(lines[:1] + keep)


def compare_outputs(work: Path, labels: list[str], *,
                    programs: frozenset[str] | None = frozenset(BASELINE_PROGRAMS)
                    ) -> list[Difference]:
    """Every pair of runs' output files that differ (on `programs`, by default the ones the
    baselines implement; None: every row), with the first differing line."""
    out = []
    for left, right in combinations(labels, 2):
        for name in OUTPUT_FILES:
            a, b = output_folder(work, left) / name, output_folder(work, right) / name
            if not a.exists() or not b.exists():
                out.append(Difference(left, right, name, 0, "present" if a.exists() else None,
                                      "present" if b.exists() else None, 0))
                continue
            diff = compare_file(a, b, programs=programs)
            if diff is not None:
                count, line, x, y = diff
                out.append(Difference(left, right, name, line, x, y, count))
    return out


def engine_timings(work: Path) -> dict[str, float]:
    """The engine's own stage timings (its manifest.json), seconds."""
    path = output_folder(work, ENGINE) / "manifest.json"
    return json.loads(path.read_text())["timings"] if path.exists() else {}


HEADER = ("| calculation | lines | wall | peak RSS | engine ÷ this (time) | "
          "engine ÷ this (peak RSS) |\n|---|---|---|---|---|---|")


def table_rows(lines: int, measurements: list[Measurement]) -> list[str]:
    """One markdown row per run, with the engine's time and memory over the run's."""
    engine = measurements[0]
    return [f"| {m.label} | {lines:,} | {m.seconds:.1f} s | {m.peak_gib:.2f} GiB | "
            f"{engine.seconds / m.seconds:.2f}× | {engine.peak_bytes / m.peak_bytes:.2f}× |"
            for m in measurements]
