"""The small network of the effect golden case, written as a DuckDB warehouse.

Sellers (distributors, one outlet each): T1, T2 (gold: the program's) and C1, C2, C3
(silver: its matched non-participants). Products: A1 (category a, the scheme's), A2
(category a: A1's sibling), both unit_price 10 and unit_cost 6. One line per seller, SKU
and day from 1 January to 30 April 2026; quantity = value ÷ 10.

Per-day value of A1 (the month's level unless a window below says otherwise):
    controls C1–C3: January 100, February 100, March 150 (a festive month), April 100
    T1: twice the controls' level (200, 200, 300, 200); 300 on 1–10 Feb (period 1), 150 on
        11–24 Feb (period 1's post window: a dip), 450 on 21–30 Mar (period 2)
    T2: the controls' level; 180 on 21–30 Mar (period 2)
T1 also sells A2: 40 a day (60 in March), 20 on 1–10 Feb (cannibalised by A1).

With `shock`, the market moves inside March without changing its month's level: every seller
sells 20% more on 11–20 Mar (controls 180, T1 360, T2 180) and the controls 20% less on
21–30 Mar (120), the days of period 2.

With `jump` (a set of sellers), every seller also sells B1 (category b: a product the
scheme leaves alone) at half the controls' level (50, 50, 75, 50 a day), and the sellers in
`jump` sell five times their every line on 21–30 Mar (period 2): a sales jump, not the
scheme.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

from schemeops.schema import TABLES
from warehouse_support import write_tables

SELLERS = {"T1": "gold", "T2": "gold", "C1": "silver", "C2": "silver", "C3": "silver"}
LEVEL = {1: 100, 2: 100, 3: 150, 4: 100}
P1 = (dt.date(2026, 2, 1), dt.date(2026, 2, 10))
P1_POST = (dt.date(2026, 2, 11), dt.date(2026, 2, 24))
P2 = (dt.date(2026, 3, 21), dt.date(2026, 3, 30))
RISE = (dt.date(2026, 3, 11), dt.date(2026, 3, 20))

PROGRAM = """\
id: golden
name: Golden effect case
participants:
  roles: [distributor]
  where: "tier = 'gold'"
period: {start: 2026-02-01, end: 2026-02-10, recurrence: {every_days: 48, count: 2}}
kpis:
  - {id: a1_value, kind: volume, measure: net_amount, products: "sku = 'A1'"}
components:
  - id: bonus
    kpi: a1_value
    on: actual
    slabs:
      - {from: 1600, rate: 0.05}
      - {from: 2500, rate: 0.10}
  - id: free_a1
    kpi: a1_value
    on: actual
    free: {sku: A1}
    slabs:
      - {from: 4000, free_units: 0.002}
"""


def _within(d: dt.date, span: tuple[dt.date, dt.date]) -> bool:
    return span[0] <= d <= span[1]


def a1_value(seller: str, d: dt.date, *, shock: bool = False) -> int:
    """The seller's value of A1 on day d (the table in the module's docstring)."""
    base = LEVEL[d.month]
    if shock and _within(d, RISE):
        base = base * 6 // 5
    if shock and _within(d, P2) and seller.startswith("C"):
        return base * 4 // 5
    if seller == "T1":
        if _within(d, P1):
            return 300
        if _within(d, P1_POST):
            return 150
        if _within(d, P2):
            return 450
        return 2 * base
    if seller == "T2" and _within(d, P2):
        return 180
    return base


def a2_value(d: dt.date) -> int:
    """T1's value of A2 on day d."""
    return 20 if _within(d, P1) else 60 if d.month == 3 else 40


#: How many times its lines a jumping seller sells in period 2.
JUMP_TIMES = 5


def write_network(path: Path, *, shock: bool = False, jump: frozenset[str] | None = None
                  ) -> Path:
    """Write the warehouse to `path` (with the market's March moves when `shock`, and B1 and
    the sales jumps of the sellers in `jump` when given)."""
    rows: dict[str, list[dict]] = {t.name: [] for t in TABLES}
    for pid, tier in SELLERS.items():
        rows["participants"].append({"participant_id": pid, "name": pid, "role": "distributor",
                                     "region": "North", "tier": tier})
        rows["outlets"].append({"outlet_id": f"O{pid}", "name": f"O{pid}",
                                "distributor_id": pid, "outlet_type": "grocery",
                                "created_on": dt.date(2020, 1, 1)})
    for sku in ("A1", "A2") if jump is None else ("A1", "A2", "B1"):
        rows["products"].append({"sku": sku, "name": sku, "category": sku[0].lower(),
                                 "segment": "core",
                                 "brand": "X", "unit_price": D("10.00"),
                                 "unit_cost": D("6.00")})
    day = dt.date(2026, 1, 1)
    while day <= dt.date(2026, 4, 30):  # building the test's lines, not engine code
        for pid in SELLERS:
            lines = [("A1", a1_value(pid, day, shock=shock))]
            if pid == "T1":
                lines.append(("A2", a2_value(day)))
            if jump is not None:
                lines.append(("B1", LEVEL[day.month] // 2))
                if pid in jump and _within(day, P2):
                    lines = [(sku, value * JUMP_TIMES) for sku, value in lines]
            for no, (sku, value) in enumerate(lines, 1):
                rows["sales"].append({
                    "invoice_id": f"{pid}-{day:%Y%m%d}", "line_no": no, "invoice_date": day,
                    "distributor_id": pid, "outlet_id": f"O{pid}", "sku": sku,
                    "quantity": D(value) / 10, "net_amount": D(value), "doc_type": "invoice",
                    "ref_invoice_id": None})
        day += dt.timedelta(days=1)
    return write_tables(path, rows)
