"""A tiny warehouse for the cases tests: June 2026, D1 and D2 bill 10 × 10,000.00 each to
their outlet; D1 also bills 4 token invoices of 250.00 to a second outlet on 15 June (below
20 % of its median bill, 4 in one day: token_invoices, score 4 / 4 = 1.0). A June program
pays 2 % of the volume: D1 2 % × 101,000 = 2,020.00, D2 2,000.00; without the token bills
D1 is paid 2,000.00, so the finding's value at risk is 20.00."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pyarrow as pa

from schemeops.schema import TABLES

PROGRAM = """id: june_volume
name: June volume, 2 %
period:
  start: 2026-06-01
  end: 2026-06-30
kpis:
  - {id: sales, kind: volume}
components:
  - id: bonus
    kpi: sales
    on: actual
    slabs:
      - {from: 0, rate: 0.02}
"""
OUTLETS = (("O1", "D1", 28.61, 77.20), ("O2", "D1", 28.62, 77.21), ("O3", "D2", 19.07, 72.87))


def sales() -> list[tuple]:
    """invoice, date, seller, outlet, amount."""
    rows = [(f"{d}-{n}", dt.date(2026, 6, n), d, o, D("10000.00"))
            for d, o in (("D1", "O1"), ("D2", "O3")) for n in range(1, 11)]
    return rows + [(f"T-{n}", dt.date(2026, 6, 15), "D1", "O2", D("250.00"))
                   for n in range(1, 5)]


def write_warehouse(path: Path) -> Path:
    """The warehouse described above, in a DuckDB file."""
    rows: dict[str, list[dict]] = {t.name: [] for t in TABLES}
    for pid in ("D1", "D2"):
        rows["participants"].append({"participant_id": pid, "name": f"Distributor {pid}",
                                     "role": "distributor", "region": "North", "tier": "gold"})
    for oid, dist, lat, lon in OUTLETS:
        rows["outlets"].append({"outlet_id": oid, "name": oid, "distributor_id": dist,
                                "outlet_type": "grocery", "latitude": lat, "longitude": lon,
                                "city": "Delhi", "created_on": dt.date(2020, 1, 1)})
    rows["products"].append({"sku": "A1", "name": "A1", "category": "a", "segment": "core",
                             "brand": "X", "unit_price": D("250.00")})
    for inv, day, dist, outlet, amount in sales():
        rows["sales"].append({
            "invoice_id": inv, "line_no": 1, "invoice_date": day, "distributor_id": dist,
            "outlet_id": outlet, "sku": "A1", "quantity": amount / 250, "net_amount": amount,
            "doc_type": "invoice", "ref_invoice_id": None})
    con = duckdb.connect(str(path))
    try:
        for t in TABLES:
            schema = pa.schema([(c.name, c.dtype.arrow) for c in t.columns])
            table = pa.table({c.name: [r.get(c.name) for r in rows[t.name]]
                              for c in t.columns}, schema=schema)
            con.register("incoming", table)
            con.execute(f'CREATE TABLE "{t.name}" AS SELECT * FROM incoming')
            con.unregister("incoming")
    finally:
        con.close()
    return path
