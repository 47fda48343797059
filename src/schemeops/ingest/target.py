"""The quoted DuckDB name of a warehouse table, for the few statements a load writes as SQL
because Ibis has no expression for them (DELETE … USING, ALTER TABLE … ADD COLUMN)."""

from __future__ import annotations

import sqlglot as sg


def table_sql(name: str, database: tuple[str, str] | None = None) -> str:
    """`name` in `database` (catalog, schema; None: the connection's own), quoted."""
    catalog, db = database or (None, None)
    return sg.table(name, db=db, catalog=catalog, quoted=True).sql("duckdb")
