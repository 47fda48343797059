"""The month-by-month benchmark: a generated dataset split by month and loaded a month at a
time into one warehouse, as a manufacturer's month-end loads arrive, then every example
program calculated for the last month beside the SQL baseline.

Each month's load is timed beside an unchecked DuckDB copy of the same month's files, so a
load that slows as the history grows shows as a rising ratio, not as noise.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemeops.bench.calc import ENGINE, SQL, engine_argv, in_turns, sql_argv, warm_cache
from schemeops.bench.measure import Measurement, measure, python_argv, schemeops_argv

#: The tables that arrive month by month, with the date that files a row under its month.
MONTHLY = {"sales": "invoice_date", "primary_sales": "invoice_date", "payments": "paid_on"}
#: Master data, loaded with the first month.
MASTER = ("participants", "outlets", "products", "targets")


@dataclass(frozen=True)
class MonthLoad:
    """One month's load beside the unchecked copy of its files."""

    month: str
    lines: int
    load: Measurement
    copy: Measurement

    def markdown_row(self, number: int) -> str:
        """One row of the per-month table."""
        return (f"| {number} | {self.month} | {self.lines:,} | {self.load.seconds:.1f} s | "
                f"{self.load.peak_gib:.2f} GiB | {self.copy.seconds:.1f} s | "
                f"{self.load.seconds / self.copy.seconds:.1f}× |")


LOAD_HEADER = ("| month no. | month | sales lines | load | load peak RSS | unchecked copy | "
               "load ÷ copy |\n|---|---|---|---|---|---|---|")


def _source(data: Path, name: str) -> tuple[Path, str] | None:
    """The file of table `name` in `data` and the DuckDB reader for it, if there is one."""
    for suffix, reader in ((".parquet", "read_parquet"), (".csv", "read_csv")):
        path = data / f"{name}{suffix}"
        if path.exists():
            return path, reader
    return None


def split_by_month(data: Path, out: Path) -> list[tuple[str, Path]]:
    """Write OUT/<YYYY-MM>/ for each month of `data`'s sales: each monthly table's rows of
    that month in its own format, and the master tables in the first month's folder.
    Returns (month, folder) oldest first."""
    con = duckdb.connect()
    try:
        sales, reader = _source(data, "sales")
        months = [m for (m,) in con.execute(
            f"SELECT DISTINCT strftime(invoice_date, '%Y-%m') m FROM {reader}(?) ORDER BY m",
            [str(sales)]).fetchall()]
        folders = []
        for i, month in enumerate(months):
            folder = out / month
            folder.mkdir(parents=True, exist_ok=True)
            for name, column in MONTHLY.items():
                found = _source(data, name)
                if found is None:
                    continue
                path, reader = found
                fmt = "PARQUET" if reader == "read_parquet" else "CSV, HEADER"
                # The first month also takes anything dated before it, the last anything
                # after, so that no row is left out.
                when = [f"strftime({column}, '%Y-%m') = ?"]
                if i == 0:
                    when.append(f"strftime({column}, '%Y-%m') < ?")
                if i == len(months) - 1:
                    when.append(f"strftime({column}, '%Y-%m') > ?")
                con.execute(f"COPY (SELECT * FROM {reader}(?) WHERE {' OR '.join(when)}) "
                            f"TO '{folder / path.name}' (FORMAT {fmt})",
                            [str(path)] + [month] * len(when))
            if i == 0:
                for name in MASTER:
                    found = _source(data, name)
                    if found is not None:
                        shutil.copy(found[0], folder / found[0].name)
            folders.append((month, folder))
        return folders
    finally:
        con.close()


def _lines(folder: Path) -> int:
    path, reader = _source(folder, "sales")
    return duckdb.sql(f"SELECT count(*) FROM {reader}('{path}')").fetchone()[0]


def load_months(folders: list[tuple[str, Path]], warehouse: Path, work: Path
                ) -> Iterator[MonthLoad]:
    """Load each month's folder into `warehouse` in turn; time each beside an unchecked
    copy of its files into a scratch DuckDB file (yielded as each ends: the loads of a
    HUL-size history take half an hour)."""
    for month, folder in folders:
        load = measure(f"load {month}", schemeops_argv(
            "load", str(folder), "--warehouse", str(warehouse)))
        with tempfile.TemporaryDirectory(dir=work) as tmp:
            copy = measure(f"copy {month}", python_argv(
                "schemeops.bench.baselines", "copy", str(folder), str(Path(tmp) / "c.duckdb")))
        yield MonthLoad(month, _lines(folder), load, copy)


def calc_month(warehouse: Path, work: Path, *, root: Path, programs: Path,
               repeat: int = 1, memory_limit: str | None = None) -> list[Measurement]:
    """Every example program calculated on the whole warehouse by the engine (with DuckDB
    capped at `memory_limit` when given) and the SQL baseline, in turns (outputs in
    WORK/engine and WORK/sql)."""
    warm_cache(warehouse)
    cap = [] if memory_limit is None else ["--memory-limit", memory_limit]
    return in_turns([(ENGINE, engine_argv(programs, warehouse, work, ENGINE, *cap), root, None),
                     (SQL, sql_argv(warehouse, work), root, None)], repeat)
