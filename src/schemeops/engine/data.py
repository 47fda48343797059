"""The warehouse tables the engine reads, bound to one Ibis backend."""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from schemeops.schema import table as contract_table

TABLE_NAMES = ("participants", "outlets", "products", "sales", "primary_sales", "payments",
               "targets")


@dataclass(frozen=True)
class Data:
    """The warehouse tables the engine reads, as Ibis tables (any Ibis backend)."""

    participants: ir.Table
    outlets: ir.Table
    products: ir.Table
    sales: ir.Table
    primary_sales: ir.Table
    payments: ir.Table
    targets: ir.Table

    @classmethod
    def from_backend(cls, con: ibis.BaseBackend, database: str | tuple[str, str] | None = None
                     ) -> Data:
        """The contract tables of `con` (an absent optional `targets` reads as empty)."""
        present = set(con.list_tables(database=database))
        tables = {}
        for name in TABLE_NAMES:
            if name in present:
                tables[name] = con.table(name, database=database)
            elif contract_table(name).optional:
                schema = ibis.schema({c.name: c.dtype.ibis for c in contract_table(name).columns})
                tables[name] = ibis.memtable(schema.to_pyarrow().empty_table())
            else:
                tables[name] = con.table(name, database=database)  # raises: table not found
        return cls(**tables)
