"""Golden cases: early payment settled net of the discount (`settlement: net`), and the
warnings for invoices short-paid by about a discount, on DuckDB and on Spark.

Tiers throughout: 2 % within 10 days, 1 % within 20 days. Invoices dated 1 Oct 2024, so
"day N" is N days after it (day 8 = 9 Oct).
"""

from __future__ import annotations

from decimal import Decimal as D

OCT = ("2024-10-01", "2024-10-31")
TIERS = [{"days": 10, "rate": "0.02"}, {"days": 20, "rate": "0.01"}]


def _net(wh2, *, pro_rata: bool = False) -> dict:
    """D1's early-payment actual in October, settled net."""
    kpi = {"kind": "early_payment", "tiers": TIERS, "settlement": "net", "pro_rata": pro_rata}
    return wh2.kpi(kpi, OCT)


def test_net_paid_less_the_2_percent_on_day_8(wh2):
    """110,000.00 invoiced, 107,800.00 paid on day 8: the 2 % tier is in force, its discount
    110,000 × 0.02 = 2,200.00, and 110,000 − 107,800 = 2,200.00 owed ≤ 2,200.00 → complete,
    earns 2,200.00 (rolled up to R1 and M1)."""
    wh2.primary("P1", "2024-10-01", "D1", "110000.00")
    wh2.pay("Y1", "D1", "P1", "2024-10-09", "107800.00")
    assert _net(wh2) == {("D1", 1): D("2200.00"), ("R1", 1): D("2200.00"),
                         ("M1", 1): D("2200.00")}


def test_net_whole_invoice_tier_in_force_decides(wh2):
    """Each distributor has one invoice of 110,000.00 dated 1 Oct, settled net.
    D2: 108,900.00 on day 15 (16 Oct): the 1 % tier is in force, its discount 1,100.00, owed
        110,000 − 108,900 = 1,100.00 ≤ 1,100.00 → complete, earns 1,100.00.
    D3: 107,800.00 on day 15: owed 2,200.00 > 1,100.00 (the 2 % discount lapsed on day 10)
        → not complete, earns 0 (warned: see the warning tests).
    S1: 50,000.00 on day 3, 57,800.00 on day 9: after the second, 107,800.00 paid, owed
        2,200.00 ≤ the 2 % tier's 2,200.00 → complete on day 9, earns 2,200.00.
    R1 = D1 + D2 (S1 reports to D1, a seller) = 1,100.00; R2 = D3 = 0; M1 = 1,100.00."""
    for dist, inv in (("D2", "P2"), ("D3", "P3"), ("S1", "P4")):
        wh2.primary(inv, "2024-10-01", dist, "110000.00")
    wh2.pay("Y2", "D2", "P2", "2024-10-16", "108900.00")
    wh2.pay("Y3", "D3", "P3", "2024-10-16", "107800.00")
    wh2.pay("Y4", "S1", "P4", "2024-10-04", "50000.00")
    wh2.pay("Y5", "S1", "P4", "2024-10-10", "57800.00")
    assert wh2.nonzero(_net(wh2)) == {("D2", 1): D("1100.00"), ("S1", 1): D("2200.00"),
                                      ("R1", 1): D("1100.00"), ("M1", 1): D("1100.00")}


def test_net_pro_rata_credits_each_payment_grossed_up(wh2):
    """pro_rata, settled net: each payment is credited amount ÷ (1 − rate of the tier in
    force), half-up to 2 places (at face when no tier holds), capped at what earlier credits
    leave of the total, and earns that rate on its credit, half-up per payment.
    D1, 110,000.00: 49,000.00 on day 3 → 49,000 ÷ 0.98 = 50,000.00 → 1,000.00;
        29,700.00 on day 15 → ÷ 0.99 = 30,000.00 → 300.00; 40,000.00 on day 25 (no tier)
        → credited 40,000.00 at face, capped at the 30,000.00 left, earns 0. D1 = 1,300.00.
    D2, 1,000.00: 500.00 on day 1 → ÷ 0.98 = 510.2040… → 510.20 → × 0.02 = 10.204 → 10.20;
        490.00 on day 4 → ÷ 0.98 = 500.00, capped at 1,000 − 510.20 = 489.80 → × 0.02
        = 9.796 → 9.80. D2 = 20.00 (2 % of the whole 1,000.00).
    D3, 110,000.00: 50,000.00 on day 3 → 51,020.4081… → 51,020.41 → 1,020.4082 → 1,020.41;
        57,800.00 on day 9 → 58,979.5918… → 58,979.59 (exactly the 58,979.59 left) →
        1,179.5918 → 1,179.59. D3 = 2,200.00, as the whole invoice would earn.
    R1 = D1 + D2 = 1,320.00; R2 = 2,200.00; M1 = 3,520.00."""
    wh2.primary("P1", "2024-10-01", "D1", "110000.00")
    wh2.pay("Y1", "D1", "P1", "2024-10-04", "49000.00")
    wh2.pay("Y2", "D1", "P1", "2024-10-16", "29700.00")
    wh2.pay("Y3", "D1", "P1", "2024-10-26", "40000.00")
    wh2.primary("P2", "2024-10-01", "D2", "1000.00")
    wh2.pay("Y4", "D2", "P2", "2024-10-02", "500.00")
    wh2.pay("Y5", "D2", "P2", "2024-10-05", "490.00")
    wh2.primary("P3", "2024-10-01", "D3", "110000.00")
    wh2.pay("Y6", "D3", "P3", "2024-10-04", "50000.00")
    wh2.pay("Y7", "D3", "P3", "2024-10-10", "57800.00")
    assert _net(wh2, pro_rata=True) == {
        ("D1", 1): D("1300.00"), ("D2", 1): D("20.00"), ("D3", 1): D("2200.00"),
        ("R1", 1): D("1320.00"), ("R2", 1): D("2200.00"), ("M1", 1): D("3520.00")}
