"""Tiny warehouses for service and web tests: one product A1, distributors with one region
and tier, and sale lines given as plain tuples, written as the data contract's tables to a
DuckDB file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pyarrow as pa

from schemeops.schema import TABLES

Line = tuple  # invoice, date, seller, outlet, amount[, doc_type, ref]


def write_warehouse(path: Path, distributors: Iterable[tuple[str, str]],
                    outlets: Iterable[tuple], lines: Iterable[Line],
                    unit_price: str = "1000.00", unit_cost: str | None = None) -> Path:
    """Write a warehouse (replacing `path`): `distributors` as (id, name), North / gold;
    `outlets` as (id, distributor[, latitude, longitude]) in Delhi; one product A1 at
    `unit_price` (costing `unit_cost` when given); `lines` as (invoice, date, seller,
    outlet, amount[, doc_type, ref]), dates as `date` or ISO text, quantity = amount ÷ unit
    price."""
    price = D(unit_price)
    rows: dict[str, list[dict]] = {t.name: [] for t in TABLES}
    for pid, name in distributors:
        rows["participants"].append({"participant_id": pid, "name": name,
                                     "role": "distributor", "region": "North", "tier": "gold"})
    for oid, dist, *place in outlets:
        lat, lon = place or (None, None)
        rows["outlets"].append({"outlet_id": oid, "name": oid, "distributor_id": dist,
                                "outlet_type": "grocery", "latitude": lat, "longitude": lon,
                                "city": "Delhi", "created_on": dt.date(2020, 1, 1)})
    rows["products"].append({"sku": "A1", "name": "A1", "category": "a", "segment": "core",
                             "brand": "X", "unit_price": price,
                             "unit_cost": None if unit_cost is None else D(unit_cost)})
    for inv, day, dist, outlet, amount, *doc in lines:
        doc_type, ref = doc or ("invoice", None)
        rows["sales"].append({
            "invoice_id": inv, "line_no": 1,
            "invoice_date": day if isinstance(day, dt.date) else dt.date.fromisoformat(day),
            "distributor_id": dist, "outlet_id": outlet, "sku": "A1",
            "quantity": D(amount) / price, "net_amount": D(amount), "doc_type": doc_type,
            "ref_invoice_id": ref})
    return write_tables(path, rows)


def write_tables(path: Path, rows: dict[str, list[dict]]) -> Path:
    """Write the contract's tables to a new DuckDB file at `path`, each from its rows (dicts
    by column; a missing column is null), replacing what was there."""
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        for t in TABLES:
            schema = pa.schema([(c.name, c.dtype.arrow) for c in t.columns])
            con.register("incoming", pa.table({c.name: [r.get(c.name) for r in rows[t.name]]
                                               for c in t.columns}, schema=schema))
            con.execute(f'CREATE TABLE "{t.name}" AS SELECT * FROM incoming')
            con.unregister("incoming")
    finally:
        con.close()
    return path
