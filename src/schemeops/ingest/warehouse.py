"""The warehouse: a DuckDB file holding one table per contract table, a log of loads, and
each contract table's digest as of its last load (what a calculation's fingerprint reads)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa
import sqlglot as sg

from schemeops.engine.data import (
    DIGESTS_TABLE,
    NAMED_TABLE,
    RECORDED_MONEY,
    RETURNS_TABLE,
    Data,
)
from schemeops.engine.fingerprint import table_digest
from schemeops.engine.kpis.history import named_invoices, returns_by_day
from schemeops.ingest.days import ensure_days
from schemeops.ingest.history import ensure_history
from schemeops.ingest.target import table_sql
from schemeops.schema import TABLES, Table

LOADS_TABLE = "_loads"
_LOADS_SCHEMA = {
    "load_id": "int64", "loaded_at": "timestamp", "table": "string", "files": "string",
    "read": "int64", "accepted": "int64", "rejected": "int64", "already_present": "int64",
    "conflicts": "int64",
}
_DIGESTS_SCHEMA = {"table": "string", "n": "int64", "h": "decimal(38,2)"}


def table_schema(t: Table) -> ibis.Schema:
    """The Ibis schema of a contract table."""
    return ibis.schema({c.name: c.dtype.ibis for c in t.columns})


def ensure_tables(ib: ibis.BaseBackend, database: tuple[str, str] | None = None) -> None:
    """Create every contract table (and the load log, digests, history state and day
    totals) the warehouse lacks."""
    existing = set(ib.list_tables(database=database))
    for t in TABLES:
        if t.name not in existing:
            ib.create_table(t.name, schema=table_schema(t), database=database)
        else:
            _add_new_columns(ib, t, database)
    if LOADS_TABLE not in existing:
        ib.create_table(LOADS_TABLE, schema=ibis.schema(_LOADS_SCHEMA), database=database)
    if DIGESTS_TABLE not in existing:
        ib.create_table(DIGESTS_TABLE, schema=ibis.schema(_DIGESTS_SCHEMA), database=database)
    ensure_history(ib, existing, database)
    ensure_days(ib, existing, database)


def _add_new_columns(ib: ibis.BaseBackend, t: Table,
                     database: tuple[str, str] | None) -> None:
    """Add the optional columns the contract gained since this warehouse was made (e.g.
    sales.entered_on), empty on the rows already there."""
    have = set(ib.table(t.name, database=database).columns)
    target = table_sql(t.name, database)
    for c in t.columns:
        if c.name not in have and not c.required:
            ib.con.execute(f"ALTER TABLE {target} ADD COLUMN "
                           f"{sg.to_identifier(c.name, quoted=True).sql('duckdb')} {c.dtype.sql}")


def record_digests(ib: ibis.BaseBackend, names: list[str],
                   database: tuple[str, str] | None = None) -> None:
    """Hash the tables `names` (at least one) as they are now and record their digests,
    replacing those recorded before (within the caller's transaction, if any); with the
    sales, record the invoices returns name and those returns per day too (what history
    reads of them)."""
    if not names:
        raise ValueError("record_digests needs at least one table name")
    data = Data.from_backend(ib, database=database)
    rows = [_digest_row(ib, n, getattr(data, n)) for n in names]
    _replace_digests(ib, rows, database)
    if "sales" in names:
        record_named(ib, data.sales, database)


def add_digests(ib: ibis.BaseBackend, batches: Mapping[str, ir.Table],
                database: tuple[str, str] | None = None) -> None:
    """Record each table's digest once the rows `batches[name]` were inserted into it
    (within the caller's transaction): the digest recorded before (none on a table that
    was empty) plus the batch's, since both the count and the sum of row hashes add up; a
    table whose recorded digest is missing or no longer counts its other rows is hashed
    whole again, and with the sales, its named invoices are read from every line again
    (a load keeps them only when they held for the sales it found: `ingest.named`)."""
    digests = ib.to_pyarrow(ib.table(DIGESTS_TABLE, database=database)).to_pylist()
    recorded = {r["table"]: (r["n"], r["h"]) for r in digests}
    rows = []
    for name, batch in batches.items():
        table = ib.table(name, database=database)
        total = int(ib.to_pyarrow(table.count()).as_py())
        # the batch's rows as the table holds them (a column added later comes last)
        batch = batch.select(*table.columns)
        add = _digest_row(ib, name, batch)
        old = recorded.get(name, (0, None) if total == add["n"] else None)
        if old is None or old[0] + add["n"] != total or batch.schema() != table.schema():
            rows.append(_digest_row(ib, name, table))
            if name == "sales":
                record_named(ib, table, database)
            continue
        hashes = [h for h in (old[1], add["h"]) if h is not None]
        rows.append({"table": name, "n": total, "h": sum(hashes) if hashes else None})
        if name == "sales" and not {NAMED_TABLE, RETURNS_TABLE} <= set(
                ib.list_tables(database=database)):
            record_named(ib, table, database)
    _replace_digests(ib, rows, database)


def _digest_row(ib: ibis.BaseBackend, name: str, t: ir.Table) -> dict:
    return {"table": name, **ib.to_pyarrow(table_digest(t)).to_pylist()[0]}


def _replace_digests(ib: ibis.BaseBackend, rows: list[dict],
                     database: tuple[str, str] | None) -> None:
    names = [r["table"] for r in rows]
    target = table_sql(DIGESTS_TABLE, database)
    ib.con.execute(f'DELETE FROM {target} WHERE "table" IN ({", ".join("?" * len(names))})',
                   names)
    ib.insert(DIGESTS_TABLE, pa.Table.from_pylist(
        rows, schema=ibis.schema(_DIGESTS_SCHEMA).to_pyarrow()), database=database)


def record_named(ib: ibis.BaseBackend, sales: ir.Table,
                 database: tuple[str, str] | None = None) -> None:
    """Record the invoices the returns of `sales` (every line the warehouse holds) name,
    and those returns per day."""
    named = named_invoices(sales)
    named = named.mutate(value=named.value.cast(RECORDED_MONEY))
    for name, rows in ((NAMED_TABLE, named), (RETURNS_TABLE, returns_by_day(sales))):
        ib.create_table(name, rows, database=database, overwrite=True)


def connect(path: Path, *, read_only: bool = False) -> ibis.BaseBackend:
    """An Ibis connection to the warehouse file, creating it (and its tables) when new."""
    con = duckdb.connect(str(path), read_only=read_only)
    ib = ibis.duckdb.from_connection(con)
    if not read_only:
        ensure_tables(ib)
    return ib
