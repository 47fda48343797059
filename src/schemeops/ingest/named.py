"""The recorded named invoices and returns (`Data.named`, `Data.returns`): the invoices a
return names, with their value, and those returns per invoice and day. A load keeps them
from the invoices its history state sums anyway, so that it never reads every line again:
returns per day add up, and the named invoices of the keys a load touches are all those
whose value or naming it can change (docs/ingest.md, "Day totals")."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import sqlglot as sg

from schemeops.engine.data import NAMED_TABLE, RECORDED_MONEY, RETURNS_TABLE
from schemeops.engine.kpis.history import INVOICE, returns_by_day
from schemeops.ingest.target import table_sql

_MERGED = "_merged_returns"


def _named(inv: ir.Table, returns: ir.Table) -> ir.Table:
    """The invoices of `inv` (`history.valued_invoices`) that a row of `returns` names."""
    named = inv.semi_join(returns, inv.invoice_id == returns.ref)
    return named.select(*INVOICE, value=named.value.cast(RECORDED_MONEY))


def update_named(ib: ibis.BaseBackend, inv: ir.Table, batch: ir.Table, *,
                 touched: str | None, database: tuple[str, str] | None = None) -> None:
    """Bring the recorded tables up to date with the lines `batch`, given `inv`, the
    invoices (with their value from every line) of the keys the batch touches: the
    temporary table `touched` (None: a first load, where `inv` is every invoice). A
    warehouse without the tables is left to `warehouse.add_digests`, which builds them."""
    if touched is None:
        returns = ib.create_table(RETURNS_TABLE, returns_by_day(batch), database=database,
                                  overwrite=True)
        ib.create_table(NAMED_TABLE, _named(inv, returns), database=database, overwrite=True)
        return
    if not {NAMED_TABLE, RETURNS_TABLE} <= set(ib.list_tables(database=database)):
        return
    old = ib.table(RETURNS_TABLE, database=database)
    both = ibis.union(old, returns_by_day(batch), distinct=False)
    merged = ib.create_table(_MERGED, both.group_by(["ref", "returned_on"]).agg(
        returned=both.returned.sum().cast(RECORDED_MONEY)), temp=True, overwrite=True)
    ib.con.execute(f"DELETE FROM {table_sql(RETURNS_TABLE, database)}")
    ib.insert(RETURNS_TABLE, merged, database=database)
    # every named invoice of the touched keys again: those a batch line adds to, and
    # those a batch return names, are all there
    k = sg.to_identifier(touched, quoted=True).sql("duckdb")
    ib.con.execute(
        f"DELETE FROM {table_sql(NAMED_TABLE, database)} AS n USING {k} AS k "
        "WHERE n.distributor_id = k.distributor_id AND n.outlet_id = k.outlet_id "
        "AND date_trunc('month', n.invoice_date) = k.month")
    ib.insert(NAMED_TABLE, _named(inv, ib.table(RETURNS_TABLE, database=database)),
              database=database)
    ib.drop_table(_MERGED, force=True)
