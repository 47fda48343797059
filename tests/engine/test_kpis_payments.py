"""Golden tests: outstanding (ROD) and early-payment discounts on primary invoices."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from schemeops.engine.kpis import KpiError

OCT = ("2024-10-01", "2024-10-31")
NOV = ("2024-11-01", "2024-11-30")
TIERS = [{"days": 10, "rate": "0.02"}, {"days": 20, "rate": "0.01"}]


@pytest.fixture
def owed(wh):
    """D1's primary invoices and payments around October 2024 (D = 31 Oct)."""
    wh.primary("P1", "2024-09-01", "D1", "600.00", due="2024-10-01")
    wh.primary("P1", "2024-09-01", "D1", "400.00", due="2024-10-01")   # P1 total 1000.00
    wh.primary("P2", "2024-10-20", "D1", "500.00", due="2024-11-19")   # 11 days old on 31 Oct
    wh.primary("P3", "2024-11-05", "D1", "300.00")                     # after D
    wh.pay("Y1", "D1", "P1", "2024-10-10", "400.00")
    wh.pay("Y2", "D1", "P1", "2024-11-02", "600.00")                   # after D
    wh.pay("Y3", "D1", None, "2024-10-15", "200.00")                   # on account
    wh.pay("Y4", "D1", "P2", "2024-10-25", "200.00")
    return wh


def test_outstanding_level(owed):
    # At 31 Oct: P1 1000.00 − 400.00 (Y2 is later) = 600.00; P2 500.00 − 200.00 = 300.00;
    # P3 is dated after D; the on-account 200.00 reduces nothing. 600 + 300 = 900.00.
    # R1 and M1 roll it up.
    assert owed.kpi({"kind": "outstanding"}, OCT) == {
        ("D1", 1): D("900.00"), ("R1", 1): D("900.00"), ("M1", 1): D("900.00")}


def test_outstanding_overdue_only(owed):
    # Overdue at 31 Oct: P1 (due 1 Oct) 600.00; P2 is due 19 Nov → 600.00.
    assert owed.kpi({"kind": "outstanding", "overdue_only": True}, OCT)[("D1", 1)] == D(
        "600.00")


def test_outstanding_older_than_days_boundary(owed):
    # P2 (20 Oct) is 11 days old on 31 Oct: older than 10 → counted (900.00);
    # not older than 11 → left out (600.00).
    assert owed.kpi({"kind": "outstanding", "older_than_days": 10}, OCT)[("D1", 1)] == D(
        "900.00")
    assert owed.kpi({"kind": "outstanding", "older_than_days": 11}, OCT)[("D1", 1)] == D(
        "600.00")


def test_outstanding_reduction(owed):
    # At 30 Sep (the day before): P1 1000.00 unpaid → 1000.00. At 31 Oct: 900.00.
    # Reduction = 1000.00 − 900.00 = 100.00.
    assert owed.kpi({"kind": "outstanding", "mode": "reduction"}, OCT)[("D1", 1)] == D(
        "100.00")


def test_outstanding_reduction_can_be_negative_and_two_periods(owed):
    # November: at 31 Oct 900.00; at 30 Nov: P1 paid in full (Y2), P2 300.00, P3 300.00 →
    # 600.00; reduction 900 − 600 = 300.00. October 100.00 (above).
    # Level in November: 600.00.
    red = owed.kpi({"kind": "outstanding", "mode": "reduction"}, OCT, NOV)
    assert red[("D1", 1)] == D("100.00")
    assert red[("D1", 2)] == D("300.00")
    # A new 1000.00 invoice on 15 Nov makes November's level 1600.00: reduction −700.00.
    owed.primary("P4", "2024-11-15", "D1", "1000.00")
    assert owed.kpi({"kind": "outstanding", "mode": "reduction"}, NOV)[("D1", 1)] == D(
        "-700.00")


def test_outstanding_overpaid_invoice_counts_zero(wh):
    # P1 100.00 paid 150.00: max(0, −50.00) = 0, which does not offset P2's 70.00.
    wh.primary("P1", "2024-10-01", "D2", "100.00")
    wh.primary("P2", "2024-10-02", "D2", "70.00")
    wh.pay("Y1", "D2", "P1", "2024-10-03", "150.00")
    assert wh.kpi({"kind": "outstanding"}, OCT)[("D2", 1)] == D("70.00")


def test_outstanding_refuses_filters(owed):
    with pytest.raises(KpiError):
        owed.kpi({"kind": "outstanding", "products": "brand = 'X'"}, OCT)


def _paid(wh, invoice_day: str, paid_day: str, amount: str = "110000.00"):
    wh.primary("P1", invoice_day, "D1", amount)
    wh.pay("Y1", "D1", "P1", paid_day, amount)
    return wh.kpi({"kind": "early_payment", "tiers": TIERS}, OCT, NOV)


def test_early_payment_golden_day_8(wh):
    # 110,000.00 paid in full on day 8 (1 → 9 Oct): 2% tier → 2,200.00, in October.
    assert _paid(wh, "2024-10-01", "2024-10-09") == {
        ("D1", 1): D("2200.00"), ("R1", 1): D("2200.00"), ("M1", 1): D("2200.00")}


def test_early_payment_exactly_day_10_takes_2_percent(wh):
    # 1 → 11 Oct is 10 days: ≤ 10 → 2% of 110,000.00 = 2,200.00.
    assert _paid(wh, "2024-10-01", "2024-10-11")[("D1", 1)] == D("2200.00")


def test_early_payment_day_11_takes_1_percent(wh):
    # 1 → 12 Oct is 11 days: > 10, ≤ 20 → 1% = 1,100.00.
    assert _paid(wh, "2024-10-01", "2024-10-12")[("D1", 1)] == D("1100.00")


def test_early_payment_day_21_earns_nothing(wh):
    # 1 → 22 Oct is 21 days: no tier.
    assert wh.nonzero(_paid(wh, "2024-10-01", "2024-10-22")) == {}


def test_early_payment_earned_when_the_completing_payment_lands(wh):
    # Invoice 25 Oct, paid 2 Nov (8 days): 2,200.00 earned in November (period 2), not October.
    assert _paid(wh, "2024-10-25", "2024-11-02") == {
        ("D1", 2): D("2200.00"), ("R1", 2): D("2200.00"), ("M1", 2): D("2200.00")}


def test_early_payment_completion_by_cumulative_payments(wh):
    # 1000.00 invoiced 1 Oct; 400.00 on 5 Oct, 300.00 on 9 Oct (cumulative 700), on-account
    # 300.00 on 10 Oct (does not count), 300.00 on 14 Oct (cumulative 1000 → complete on
    # day 13) → 1% = 10.00. A second invoice P2 (500.00 on 1 Oct) is never completed → 0.
    wh.primary("P1", "2024-10-01", "D1", "1000.00")
    wh.primary("P2", "2024-10-01", "D1", "500.00")
    wh.pay("Y1", "D1", "P1", "2024-10-05", "400.00")
    wh.pay("Y2", "D1", "P1", "2024-10-09", "300.00")
    wh.pay("Y3", "D1", None, "2024-10-10", "300.00")
    wh.pay("Y4", "D1", "P1", "2024-10-14", "300.00")
    wh.pay("Y5", "D1", "P2", "2024-10-02", "499.99")
    r = wh.kpi({"kind": "early_payment", "tiers": TIERS}, OCT)
    assert r[("D1", 1)] == D("10.00")


def test_early_payment_rounds_half_up_per_invoice(wh):
    # Per invoice: D2's two invoices of 0.33, paid the next day at 1.5%, each earn
    # 0.33 × 0.015 = 0.00495 → 0.00, so D2 gets 0.00 (pooling 0.66 × 0.015 = 0.0099 would give
    # 0.01). D3: 333.33 × 0.015 = 4.99995 → 5.00 (half-up).
    for n in ("P1", "P2"):
        wh.primary(n, "2024-10-01", "D2", "0.33")
        wh.pay("Y" + n, "D2", n, "2024-10-02", "0.33")
    wh.primary("P3", "2024-10-01", "D3", "333.33")
    wh.pay("Y3", "D3", "P3", "2024-10-02", "333.33")
    r = wh.kpi({"kind": "early_payment", "tiers": [{"days": 5, "rate": "0.015"}]}, OCT)
    assert r.get(("D2", 1), D("0.00")) == D("0.00")
    assert r[("D3", 1)] == D("5.00")


def test_early_payment_pro_rata(wh):
    # 1000.00 invoiced 1 Oct. 400.00 on 5 Oct (4 days, 2%) → 8.00; 300.00 on 15 Oct
    # (14 days, 1%) → 3.00; 500.00 on 25 Oct (24 days, no tier; and only 300.00 of it is
    # within the total) → 0. D1 = 11.00.
    # D2: 1000.00 on 1 Oct; 600.00 on 3 Oct → 12.00; 600.00 on 7 Oct, only 400.00 counts → 8.00
    # → 20.00. D3: 100.00 on 25 Oct; 100.00 paid 3 Nov (9 days, 2%) → 2.00 in November.
    wh.primary("P1", "2024-10-01", "D1", "1000.00")
    wh.pay("Y1", "D1", "P1", "2024-10-05", "400.00")
    wh.pay("Y2", "D1", "P1", "2024-10-15", "300.00")
    wh.pay("Y3", "D1", "P1", "2024-10-25", "500.00")
    wh.primary("P2", "2024-10-01", "D2", "1000.00")
    wh.pay("Y4", "D2", "P2", "2024-10-03", "600.00")
    wh.pay("Y5", "D2", "P2", "2024-10-07", "600.00")
    wh.primary("P3", "2024-10-25", "D3", "100.00")
    wh.pay("Y6", "D3", "P3", "2024-11-03", "100.00")
    r = wh.kpi({"kind": "early_payment", "tiers": TIERS, "pro_rata": True}, OCT, NOV)
    assert r[("D1", 1)] == D("11.00")
    assert r[("D2", 1)] == D("20.00")
    assert r[("D3", 2)] == D("2.00")
    assert ("D3", 1) not in r
    # R1 = D1 + D2 = 31.00 in October; R2 = D3; M1 = all.
    assert r[("R1", 1)] == D("31.00")
    assert r[("M1", 1)] == D("31.00")
    assert r[("M1", 2)] == D("2.00")


def test_early_payment_best_tier_regardless_of_order(wh):
    # Tiers listed worst first; paid on day 3 qualifies for both → the higher 3% wins:
    # 200.00 × 3% = 6.00.
    wh.primary("P1", "2024-10-01", "D1", "200.00")
    wh.pay("Y1", "D1", "P1", "2024-10-04", "200.00")
    tiers = [{"days": 30, "rate": "0.01"}, {"days": 5, "rate": "0.03"}]
    assert wh.kpi({"kind": "early_payment", "tiers": tiers}, OCT)[("D1", 1)] == D("6.00")
