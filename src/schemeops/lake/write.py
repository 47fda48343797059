"""Writing a lake: the warehouse's tables copied to Parquet by DuckDB into a new snapshot
folder, which becomes current by replacing the pointer file (one atomic rename). A snapshot
is named after the data fingerprint, so exporting the same data twice writes nothing."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import sqlglot as sg
import sqlglot.expressions as sge

from schemeops.engine.backends import connect_warehouse
from schemeops.engine.data import (
    DAYS_TABLE,
    DIGESTS_TABLE,
    NAMED_TABLE,
    RETURNS_TABLE,
    TABLE_NAMES,
)
from schemeops.engine.fingerprint import warehouse_fingerprint
from schemeops.errors import UsageError
from schemeops.lake.read import FORMAT, PARTITIONS, POINTER, current_snapshot

#: The warehouse's tables a lake holds: the contract's, and the bookkeeping that lets DuckDB
#: read the recorded digests, named invoices, their returns and the day totals as it does
#: from the warehouse.
_TABLES = (*TABLE_NAMES, DIGESTS_TABLE, NAMED_TABLE, RETURNS_TABLE, DAYS_TABLE)


@dataclass(frozen=True)
class LakeExport:
    """What an export did: the snapshot now current, and whether it was written now (False:
    the lake already held this data)."""

    snapshot: Path
    written: bool
    tables: tuple[str, ...]


def export_lake(warehouse: Path, lake: Path) -> LakeExport:
    """Make `lake` hold the warehouse's tables as Parquet (sales partitioned by month); the
    previous snapshot is kept for readers still on it, older ones removed."""
    if lake.exists() and not lake.is_dir():
        raise UsageError(f"the lake {lake} is a file; give a folder")
    if lake.is_dir() and any(lake.iterdir()) and current_snapshot(lake) is None:
        raise UsageError(f"{lake} is a folder with other files and no {POINTER}; give an "
                         "empty or new folder for the lake")
    con = connect_warehouse(warehouse)
    try:
        snapshot = f"snap-{warehouse_fingerprint(con)}"
        present = [t for t in _TABLES if t in set(con.list_tables())]
        current = current_snapshot(lake) if lake.is_dir() else None
        if current is not None and current[0] == snapshot and (lake / snapshot).is_dir():
            return LakeExport(lake / snapshot, False, tuple(current[1]))
        lake.mkdir(parents=True, exist_ok=True)
        if not (lake / snapshot).is_dir():  # a folder of that name is whole: renamed in
            work = lake / f".tmp-{snapshot}-{uuid.uuid4().hex[:8]}"
            try:
                for name in present:
                    _copy_table(con.con, name, work / name)
                work.rename(lake / snapshot)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    finally:
        con.disconnect()
    previous = current[0] if current else None
    _point(lake, snapshot, present)
    for old in lake.iterdir():  # keep the current and the previous (a reader may be on it)
        if old.is_dir() and old.name not in (snapshot, previous):
            shutil.rmtree(old, ignore_errors=True)
    return LakeExport(lake / snapshot, True, tuple(present))


def _point(lake: Path, snapshot: str, tables: list[str]) -> None:
    """Make `snapshot` current: write the pointer beside it and rename it into place."""
    tmp = lake / f".{POINTER}.{uuid.uuid4().hex[:8]}"
    tmp.write_text(json.dumps({"format": FORMAT, "snapshot": snapshot, "tables": tables},
                              indent=2) + "\n")
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, lake / POINTER)


def _copy_table(con, name: str, folder: Path) -> None:
    """DuckDB's COPY of the warehouse table `name` into `folder`: one Parquet file, or one
    folder per month for a partitioned table. An empty table is one file without rows (a
    partitioned COPY of no rows writes nothing, and a reader needs the columns)."""
    folder.mkdir(parents=True)
    table = sg.table(name, quoted=True)
    rows = con.execute(sg.select(sge.Count(this=sge.Star())).from_(table).sql("duckdb")
                       ).fetchone()[0]
    parquet = sge.CopyParameter(this=sge.Var(this="FORMAT"), expression=sge.Var(this="parquet"))
    if name not in PARTITIONS or rows == 0:
        target: Path = folder / "part-0.parquet"
        query: sge.Expression = table
        params = [parquet]
    else:
        column, source = PARTITIONS[name]
        month = sge.func("strftime", sg.column(source, quoted=True), sge.Literal.string("%Y-%m"))
        query = sge.Subquery(this=sg.select(sge.Star(), sge.alias_(month, column, quoted=True))
                             .from_(table))
        target = folder
        params = [parquet, sge.CopyParameter(
            this=sge.Var(this="PARTITION_BY"),
            expression=sge.Tuple(expressions=[sg.column(column, quoted=True)]))]
    copy = sge.Copy(this=query, kind=False, files=[sge.Literal.string(str(target))],
                    params=params)
    con.execute(copy.sql("duckdb"))
