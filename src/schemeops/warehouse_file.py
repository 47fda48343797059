"""What a warehouse path may be: a DuckDB database file, or nothing yet. Anything else (a CSV
or Parquet file, a folder, a FIFO) is refused before it is read, so that a load can never
report rows it did not save."""

from __future__ import annotations

import stat
from pathlib import Path

from schemeops.errors import UsageError

#: DuckDB's database files carry this magic after an 8-byte checksum.
_MAGIC, _AT = b"DUCK", 8


def check_warehouse_path(path: Path, *, must_exist: bool) -> None:
    """Raise UsageError unless `path` is a DuckDB database file (or absent, when allowed)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if must_exist:
            raise UsageError(f"no warehouse at {path}; load data first "
                             "(schemeops load FILES --warehouse …)") from None
        return
    except OSError as e:
        raise UsageError(f"cannot read the warehouse {path}: {e.strerror}") from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"the warehouse {path} is a folder; give a DuckDB file, e.g. "
                         f"{path / 'warehouse.duckdb'}")
    if not stat.S_ISREG(mode):
        raise UsageError(f"the warehouse {path} is not a regular file (a pipe or device?); "
                         "give a DuckDB file")
    if path.stat().st_size == 0:
        return  # an empty file: DuckDB makes a new database in it
    with path.open("rb") as f:
        head = f.read(_AT + len(_MAGIC))
    if head[_AT:] != _MAGIC:
        raise UsageError(f"{path} is not a DuckDB warehouse (is it a data file? give it as an "
                         "input to load, and --warehouse a .duckdb file)")


def check_contract_tables(path: Path) -> None:
    """Raise UsageError unless the warehouse at `path` holds every required contract table
    (an optional one may be absent: a warehouse loaded before it existed reads it as empty)."""
    import duckdb

    from schemeops.schema import TABLES

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as e:
        raise UsageError(lock_message(path, e)) from None
    try:
        have = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()
    missing = [t.name for t in TABLES if not t.optional and t.name not in have]
    if missing:
        raise UsageError(f"the warehouse {path} has no {', '.join(missing)} table(s): it was "
                         "never loaded; load data first (schemeops load FILES --warehouse …)")


def lock_message(path: Path, e: Exception) -> str:
    """One line for DuckDB's refusal to open a warehouse another process holds."""
    if "lock" in str(e).lower():
        return (f"the warehouse {path} is in use by another process (a load or calc); wait "
                "for it to finish and run this again")
    return f"cannot open the warehouse {path}: {str(e).splitlines()[0]}"
