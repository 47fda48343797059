"""A zero divisor gives an unknown value, never infinity, on DuckDB and Spark (`wh2`).

D1 bills 10,000.00 of A1 on 5 Oct; no one bills C1, so `actual(c1)` is 0. The program pays
1 % of sales when `actual(sales) / actual(c1) >= 1,000,000,000,000`: the quotient is unknown,
an unknown condition is not met, so D1 is paid 0.00 (before: the quotient was +∞ and D1 was
paid 1 % × 10,000.00 = 100.00). A second gate `actual(sales) / actual(sales) >= 1` divides
by 10,000.00 and is met: 100.00."""

from decimal import Decimal as D

from payout_support import run

PROGRAM = """id: z
name: Z
period: {start: 2026-10-01, end: 2026-10-31}
kpis:
  - {id: sales, kind: volume}
  - {id: c1, kind: volume, products: "sku = 'C1'"}
components:
  - id: bonus
    kpi: sales
    on: actual
    slabs:
      - {from: 0, rate: 0.01}
gate: "GATE"
"""


def test_dividing_by_a_zero_kpi_fails_the_gate(wh2):
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "10", "10000.00")
    out = run(PROGRAM.replace("GATE", "actual(sales) / actual(c1) >= 1000000000000"), wh2)
    assert out.payout("D1") == D("0.00")


def test_dividing_by_a_nonzero_kpi_still_divides(wh2):
    wh2.sale("I1", "2026-10-05", "D1", "O1", "A1", "10", "10000.00")
    out = run(PROGRAM.replace("GATE", "actual(sales) / actual(sales) >= 1"), wh2)
    assert out.payout("D1") == D("100.00")
