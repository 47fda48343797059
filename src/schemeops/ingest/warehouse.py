"""The warehouse: a DuckDB file holding one table per contract table, plus a log of loads."""

from __future__ import annotations

from pathlib import Path

import duckdb
import ibis

from schemeops.schema import TABLES, Table

LOADS_TABLE = "_loads"
_LOADS_SCHEMA = {
    "load_id": "int64", "loaded_at": "timestamp", "table": "string", "files": "string",
    "read": "int64", "accepted": "int64", "rejected": "int64", "already_present": "int64",
    "conflicts": "int64",
}


def table_schema(t: Table) -> ibis.Schema:
    """The Ibis schema of a contract table."""
    return ibis.schema({c.name: c.dtype.ibis for c in t.columns})


def ensure_tables(ib: ibis.BaseBackend, database: tuple[str, str] | None = None) -> None:
    """Create every contract table (and the load log) that the warehouse does not have yet."""
    existing = set(ib.list_tables(database=database))
    for t in TABLES:
        if t.name not in existing:
            ib.create_table(t.name, schema=table_schema(t), database=database)
    if LOADS_TABLE not in existing:
        ib.create_table(LOADS_TABLE, schema=ibis.schema(_LOADS_SCHEMA), database=database)


def connect(path: Path, *, read_only: bool = False) -> ibis.BaseBackend:
    """An Ibis connection to the warehouse file, creating it (and its tables) when new."""
    con = duckdb.connect(str(path), read_only=read_only)
    ib = ibis.duckdb.from_connection(con)
    if not read_only:
        ensure_tables(ib)
    return ib
