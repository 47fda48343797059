"""A tiny warehouse for the cases tests: June 2026, D1 and D2 bill 10 × 10,000.00 each to
their outlet; D1 also bills 4 token invoices of 250.00 to a second outlet on 15 June (below
20 % of its median bill, 4 in one day: token_invoices, score 4 / 4 = 1.0). A June program
pays 2 % of the volume: D1 2 % × 101,000 = 2,020.00, D2 2,000.00; without the token bills
D1 is paid 2,000.00, so the finding's value at risk is 20.00."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import warehouse_support

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
    return warehouse_support.write_warehouse(
        path, [(d, f"Distributor {d}") for d in ("D1", "D2")], OUTLETS, sales(),
        unit_price="250.00")
