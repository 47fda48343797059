"""The small network of the forecast golden case, written as a DuckDB warehouse.

Sellers (distributors, one outlet each): D1, D2, D3 (gold: the program's) and X1 (silver:
never eligible, sells a lot). Products: A (category a, the scheme's), B (category b), both
unit_price 10 and unit_cost 7; quantity = value ÷ 10. History: 4–31 March 2026.

Per-day value of A:
    D1: 100 on 4–24 Mar, 200 on 25–31 Mar
    D2: 80 on 4–17 Mar, nothing on 18–24 Mar, 150 on 25–31 Mar
    D3: 40 on 4–17 Mar, 70 on 18–31 Mar
    X1: 500 every day
D3 also sells B: 50 a day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

from schemeops.schema import TABLES
from warehouse_support import write_tables

FIRST, LAST = dt.date(2026, 3, 4), dt.date(2026, 3, 31)
SELLERS = {"D1": "gold", "D2": "gold", "D3": "gold", "X1": "silver"}

DRAFT = """\
id: spring
name: Spring push
participants:
  roles: [distributor]
  where: "tier = 'gold'"
period: {start: 2026-04-01, end: 2026-04-14}
kpis:
  - {id: a_value, kind: volume, measure: net_amount, products: "sku = 'A'"}
  - {id: b_value, kind: volume, measure: net_amount, products: "sku = 'B'"}
components:
  - id: bonus
    kpi: a_value
    on: actual
    slabs:
      - {from: 1000, rate: 0.05}
      - {from: 2000, rate: 0.10}
  - id: b_bonus
    kpi: b_value
    on: actual
    slabs:
      - {from: 0, rate: 0.02}
caps: {budget: 400}
"""

#: The live version the draft replaces: the same with 4% and 8%.
LIVE = DRAFT.replace("rate: 0.05", "rate: 0.04").replace("rate: 0.10", "rate: 0.08")

#: A past program paying on the same products the same way (similar), and one on B (not).
PAST_SIMILAR = DRAFT.replace("id: spring", "id: winter").replace(
    "2026-04-01, end: 2026-04-14", "2026-01-01, end: 2026-01-14")
PAST_OTHER = """\
id: b_push
name: B push
period: {start: 2026-01-01, end: 2026-01-14}
kpis:
  - {id: b_value, kind: volume, measure: net_amount, products: "sku = 'B'"}
components:
  - id: b
    kpi: b_value
    on: actual
    slabs:
      - {from: 0, rate: 0.02}
"""


def a_value(seller: str, d: dt.date) -> int:
    """The seller's value of A on day d (the table in the module's docstring)."""
    if seller == "D1":
        return 200 if d.day >= 25 else 100
    if seller == "D2":
        return 80 if d.day <= 17 else 0 if d.day <= 24 else 150
    if seller == "D3":
        return 40 if d.day <= 17 else 70
    return 500


def write_network(path: Path, *, values=a_value) -> Path:
    """Write the warehouse to `path`; `values(seller, day)` gives A's value of a day."""
    rows: dict[str, list[dict]] = {t.name: [] for t in TABLES}
    for pid, tier in SELLERS.items():
        rows["participants"].append({"participant_id": pid, "name": pid, "role": "distributor",
                                     "region": "North", "tier": tier})
        rows["outlets"].append({"outlet_id": f"O{pid}", "name": f"O{pid}",
                                "distributor_id": pid, "outlet_type": "grocery",
                                "created_on": dt.date(2020, 1, 1)})
    for sku, cat in (("A", "a"), ("B", "b")):
        rows["products"].append({"sku": sku, "name": sku, "category": cat, "segment": "core",
                                 "brand": "X", "unit_price": D("10.00"),
                                 "unit_cost": D("7.00")})
    day = FIRST
    while day <= LAST:  # building the test's lines, not engine code
        for pid in SELLERS:
            lines = [("A", values(pid, day))] + ([("B", 50)] if pid == "D3" else [])
            for no, (sku, value) in enumerate([x for x in lines if x[1] != 0], 1):
                rows["sales"].append({
                    "invoice_id": f"{pid}-{day:%Y%m%d}", "line_no": no, "invoice_date": day,
                    "distributor_id": pid, "outlet_id": f"O{pid}", "sku": sku,
                    "quantity": D(value) / 10, "net_amount": D(value), "doc_type": "invoice",
                    "ref_invoice_id": None})
        day += dt.timedelta(days=1)
    return write_tables(path, rows)
