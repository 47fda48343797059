"""Golden tests: volume, billed outlets (MBO), billed channels (MBC); roll-up and filters.

Hierarchy (conftest): M1 ─ R1 ─ D1 ─ S1, R1 ─ D2, M1 ─ R2 ─ D3. O4 is D1's chemist.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from schemeops.engine.kpis import KpiError

OCT = ("2024-10-01", "2024-10-31")
NOV = ("2024-11-01", "2024-11-30")


@pytest.fixture
def sold(wh):
    """Secondary lines around October 2024."""
    wh.sale("I1", "2024-10-05", "D1", "O1", "A1", "2", "100.00")       # premium
    wh.sale("I2", "2024-10-06", "D1", "O4", "B1", "1", "50.00")        # premium, chemist
    wh.ret("R1", "2024-10-07", "D1", "O1", "A1", "-1", "-50.00")       # return of half of I1
    wh.sale("I0", "2024-09-30", "D1", "O1", "A1", "9", "1000.00")      # before the window
    wh.sale("I9", "2024-11-01", "D1", "O2", "A2", "4", "44.00")        # next month
    wh.sale("I3", "2024-10-31", "D2", "O5", "A2", "3", "30.00")        # core, last day
    wh.sale("I4", "2024-10-01", "S1", "O8", "A1", "1", "10.00")        # first day
    wh.sale("I5", "2024-10-15", "D3", "O7", "C1", "5", "7.50")         # economy
    return wh


def test_volume_net_amount_direct_rollup(sold):
    # D1: 100.00 + 50.00 − 50.00 (return nets off) = 100.00; Sep 30 and Nov 1 are outside.
    # D2 30.00 (31 Oct is inside), S1 10.00 (1 Oct is inside), D3 7.50.
    # direct: R1 = D1 + D2 = 130.00 (S1 is D1's, not R1's direct report); R2 = D3 = 7.50;
    # M1 manages reps, looked through to their distributors: 130.00 + 7.50 = 137.50.
    assert sold.kpi({"kind": "volume"}, OCT) == {
        ("D1", 1): D("100.00"), ("D2", 1): D("30.00"), ("S1", 1): D("10.00"),
        ("D3", 1): D("7.50"), ("R1", 1): D("130.00"), ("R2", 1): D("7.50"),
        ("M1", 1): D("137.50")}


def test_volume_subtree_rollup(sold):
    # subtree: R1 = D1 100.00 + D2 30.00 + S1 10.00 = 140.00; M1 = 140.00 + D3 7.50 = 147.50.
    # Sellers keep their own volume (D1 is not credited with S1's 10.00).
    r = sold.kpi({"kind": "volume", "rollup": "subtree"}, OCT)
    assert r[("R1", 1)] == D("140.00")
    assert r[("M1", 1)] == D("147.50")
    assert r[("D1", 1)] == D("100.00")


def test_volume_quantity_scale_3(sold):
    # D1: 2 + 1 − 1 = 2.000 units; R1 = 2 + D2 3 = 5.000.
    r = sold.kpi({"kind": "volume", "measure": "quantity"}, OCT)
    assert r[("D1", 1)] == D("2.000")
    assert r[("R1", 1)] == D("5.000")


def test_volume_returns_net_off_to_zero(wh):
    # 40.00 sold and 40.00 returned in the window: net 0.00 (a row of 0 or no row).
    wh.sale("I1", "2024-10-02", "D1", "O1", "A1", "4", "40.00")
    wh.ret("R1", "2024-10-20", "D1", "O1", "A1", "-4", "-40.00")
    assert wh.nonzero(wh.kpi({"kind": "volume"}, OCT)) == {}


def test_volume_product_filter(sold):
    # premium = A1, B1: D1 100.00 (all its October lines are premium), S1 10.00;
    # D2 (A2 core) and D3 (C1 economy) have nothing. R1 = 100.00, M1 = 100.00.
    r = sold.kpi({"kind": "volume", "products": "segment = 'premium'"}, OCT)
    assert sold.nonzero(r) == {("D1", 1): D("100.00"), ("S1", 1): D("10.00"),
                          ("R1", 1): D("100.00"), ("M1", 1): D("100.00")}


def test_volume_outlet_filter(sold):
    # chemists: only O4 (D1's I2, 50.00).
    r = sold.kpi({"kind": "volume", "outlets": "outlet_type = 'chemist'"}, OCT)
    assert sold.nonzero(r) == {("D1", 1): D("50.00"), ("R1", 1): D("50.00"), ("M1", 1): D("50.00")}


def test_volume_two_periods(sold):
    # October as above; November: D1 44.00 (I9 on 1 Nov), R1 44.00, M1 44.00.
    r = sold.kpi({"kind": "volume"}, OCT, NOV)
    assert r[("D1", 1)] == D("100.00")
    assert r[("D1", 2)] == D("44.00")
    assert r[("R1", 2)] == D("44.00")
    assert ("D2", 2) not in r


def test_volume_primary_source(wh):
    # Sell-in: D1 1000.00 + 250.50 (two lines of P1) = 1250.50; D2's 5.00 is dated 1 Nov.
    wh.primary("P1", "2024-10-03", "D1", "1000.00")
    wh.primary("P1", "2024-10-03", "D1", "250.50", sku="B1")
    wh.primary("P2", "2024-11-01", "D2", "5.00")
    r = wh.kpi({"kind": "volume", "source": "primary"}, OCT)
    assert r == {("D1", 1): D("1250.50"), ("R1", 1): D("1250.50"), ("M1", 1): D("1250.50")}


def test_volume_primary_with_product_filter(wh):
    # Only the B1 line (brand Y) of P1: 250.50.
    wh.primary("P1", "2024-10-03", "D1", "1000.00")
    wh.primary("P1", "2024-10-03", "D1", "250.50", sku="B1")
    r = wh.kpi({"kind": "volume", "source": "primary", "products": "brand = 'Y'"}, OCT)
    assert r[("D1", 1)] == D("250.50")


def test_outlet_filter_on_primary_is_refused(wh):
    with pytest.raises(KpiError, match="secondary"):
        wh.kpi({"kind": "volume", "source": "primary", "outlets": "city = 'Delhi'"}, OCT)


@pytest.fixture
def outlets_billed(wh):
    """D1's outlets in October: O1 net 50.00, O2 0.50, O3 bought and returned (net 0),
    O4 200.00; D2: O5 0.01."""
    wh.sale("I1", "2024-10-02", "D1", "O1", "A1", "2", "100.00")
    wh.ret("R1", "2024-10-09", "D1", "O1", "A1", "-1", "-50.00")
    wh.sale("I2", "2024-10-03", "D1", "O2", "C1", "1", "0.50")
    wh.sale("I3", "2024-10-04", "D1", "O3", "A1", "1", "20.00")
    wh.ret("R2", "2024-10-05", "D1", "O3", "A1", "-1", "-20.00")
    wh.sale("I4", "2024-10-06", "D1", "O4", "B1", "4", "200.00")
    wh.sale("I5", "2024-10-06", "D2", "O5", "A2", "1", "0.01")
    return wh


def test_billed_outlets_default_is_positive_net(outlets_billed):
    # min 0.01 (> 0): D1 → O1 (50.00), O2 (0.50), O4 (200.00) = 3; O3 nets to 0.00.
    # D2 → O5 (0.01) = 1. R1 = 3 + 1 = 4, M1 = 4.
    assert outlets_billed.kpi({"kind": "billed_outlets"}, OCT) == {
        ("D1", 1): D("3"), ("D2", 1): D("1"), ("R1", 1): D("4"), ("M1", 1): D("4")}


def test_billed_outlets_min_value_boundary(outlets_billed):
    # ≥ 50.00: O1 (exactly 50.00 counts) and O4 → 2; ≥ 50.01: only O4 → 1.
    assert outlets_billed.kpi({"kind": "billed_outlets", "min_value": "50.00"}, OCT)[
        ("D1", 1)] == D("2")
    assert outlets_billed.kpi({"kind": "billed_outlets", "min_value": "50.01"}, OCT)[
        ("D1", 1)] == D("1")


def test_billed_outlets_product_filter(outlets_billed):
    # premium lines only (A1, B1): O1 50.00, O3 0.00, O4 200.00 → D1 = 2 (O2 bought C1).
    r = outlets_billed.kpi({"kind": "billed_outlets", "products": "segment = 'premium'"}, OCT)
    assert r[("D1", 1)] == D("2")
    assert ("D2", 1) not in r


@pytest.fixture
def channels(wh):
    """Primary billing in October: D1 1000.00, D2 0.50, S1 10.00; D3 only in September."""
    wh.primary("P1", "2024-10-03", "D1", "1000.00")
    wh.primary("P2", "2024-10-31", "D2", "0.50")
    wh.primary("P3", "2024-10-10", "S1", "10.00")
    wh.primary("P4", "2024-09-30", "D3", "99.00")
    return wh


def test_billed_channels_direct(channels):
    # R1's children D1, D2 both billed → 2; R2's child D3 not billed in October → nothing;
    # M1 looks through its reps: D1, D2, D3 → 2; D1 has one channel S1 (billed) → 1.
    assert channels.nonzero(channels.kpi({"kind": "billed_channels"}, OCT)) == {
        ("R1", 1): D("2"), ("M1", 1): D("2"), ("D1", 1): D("1")}


def test_billed_channels_min_value(channels):
    # ≥ 1.00: D2's 0.50 no longer counts → R1 1, M1 1; S1's 10.00 still does → D1 1.
    r = channels.nonzero(channels.kpi({"kind": "billed_channels", "min_value": "1.00"}, OCT))
    assert r == {("R1", 1): D("1"), ("M1", 1): D("1"), ("D1", 1): D("1")}


def test_billed_channels_subtree(channels):
    # subtree: R1 → D1, D2, S1 = 3; M1 → R1, R2, D1, D2, D3, S1 of which D1, D2, S1 = 3.
    r = channels.nonzero(channels.kpi({"kind": "billed_channels", "rollup": "subtree"}, OCT))
    assert r == {("R1", 1): D("3"), ("M1", 1): D("3"), ("D1", 1): D("1")}


def test_billed_channels_secondary_source(channels):
    # By secondary sales instead: only D2 sells in October (5.00) → R1 1, M1 1.
    channels.sale("I1", "2024-10-05", "D2", "O5", "A1", "1", "5.00")
    r = channels.nonzero(channels.kpi({"kind": "billed_channels", "source": "secondary"}, OCT))
    assert r == {("R1", 1): D("1"), ("M1", 1): D("1")}
