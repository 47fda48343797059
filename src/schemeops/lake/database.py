"""Copying the warehouse's contract tables into a PostgreSQL database, for a calculation
there (`calc --source URL`): each table replaced whole, in the contract's types."""

from __future__ import annotations

from pathlib import Path

from schemeops.engine.backends import connect_source, connect_warehouse
from schemeops.engine.data import TABLE_NAMES, contract_schema


def copy_to_database(warehouse: Path, url: str) -> dict[str, int]:
    """Replace the database's contract tables with the warehouse's; rows copied by table."""
    source = connect_warehouse(warehouse)
    target = connect_source(url)
    copied: dict[str, int] = {}
    try:
        present = set(source.list_tables())
        for name in TABLE_NAMES:
            if name not in present:
                continue
            rows = source.to_pyarrow(source.table(name))
            target.create_table(name, rows, schema=contract_schema(name), overwrite=True)
            copied[name] = rows.num_rows
    finally:
        source.disconnect()
        target.disconnect()
    return copied
