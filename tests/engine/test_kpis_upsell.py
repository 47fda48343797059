"""Golden tests: upsell modes (segment volume, range outlets, bundles, mix share)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

OCT = ("2024-10-01", "2024-10-31")


@pytest.fixture
def baskets(wh):
    """D1's October baskets. Categories: A1, A2 → a; B1 → b; C1 → c. Premium: A1, B1."""
    wh.sale("I1", "2024-10-02", "D1", "O1", "A1", "1", "10.00")
    wh.sale("I1", "2024-10-02", "D1", "O1", "B1", "2", "20.00")    # O1: a, b
    wh.sale("I2", "2024-10-03", "D1", "O2", "A1", "1", "10.00")
    wh.sale("I2", "2024-10-03", "D1", "O2", "A2", "1", "5.00")     # O2: a only (2 SKUs)
    wh.sale("I3", "2024-10-04", "D1", "O3", "A1", "1", "10.00")
    wh.sale("I3", "2024-10-04", "D1", "O3", "B1", "1", "10.00")
    wh.ret("R3", "2024-10-05", "D1", "O3", "B1", "-1", "-10.00")   # O3: b nets to 0
    wh.sale("I4", "2024-10-06", "D1", "O4", "A1", "1", "10.00")
    wh.sale("I4", "2024-10-06", "D1", "O4", "B1", "1", "10.00")
    wh.sale("I4", "2024-10-06", "D1", "O4", "C1", "3", "3.00")     # O4: a, b, c
    wh.ret("R4", "2024-10-07", "D1", "O4", "A1", "-1", "-10.00")   # a return doc with A1 …
    wh.ret("R4", "2024-10-07", "D1", "O4", "B1", "-1", "-10.00")   # … and B1: not a bundle
    wh.sale("I0", "2024-09-30", "D1", "O2", "A1", "1", "10.00")    # September: A1 …
    wh.sale("I0", "2024-09-30", "D1", "O2", "B1", "1", "10.00")    # … and B1, outside
    return wh


def test_segment_volume_net_amount(baskets):
    # premium (A1, B1) net in October: I1 30.00 + I2 10.00 + I3 20.00 − R3 10.00 + I4 20.00
    # − R4 20.00 = 50.00.
    r = baskets.kpi({"kind": "upsell", "mode": "segment_volume", "segment": "premium"}, OCT)
    assert r == {("D1", 1): D("50.00"), ("R1", 1): D("50.00"), ("M1", 1): D("50.00")}


def test_segment_volume_quantity_with_product_filter(baskets):
    # premium and brand Y (B1 only): 2 + 1 − 1 + 1 − 1 = 2.000 units.
    r = baskets.kpi({"kind": "upsell", "mode": "segment_volume", "segment": "premium",
                     "measure": "quantity", "products": "brand = 'Y'"}, OCT)
    assert r[("D1", 1)] == D("2.000")


def test_range_outlets_by_category(baskets):
    # Categories with net > 0: O1 {a, b} 2; O2 {a} 1; O3 {a} 1 (b nets 0); O4 {c} 1
    # (a and b net 0 after R4). ≥ 2 → O1 only = 1; ≥ 1 → all 4 outlets.
    k = {"kind": "upsell", "mode": "range_outlets"}
    assert baskets.kpi({**k, "min_distinct": 2}, OCT)[("D1", 1)] == D("1")
    assert baskets.kpi({**k, "min_distinct": 1}, OCT)[("D1", 1)] == D("4")


def test_range_outlets_by_sku(baskets):
    # SKUs with net > 0: O1 {A1, B1}, O2 {A1, A2}, O3 {A1}, O4 {C1} → ≥ 2: O1, O2 = 2.
    r = baskets.kpi({"kind": "upsell", "mode": "range_outlets", "min_distinct": 2,
                     "distinct_of": "sku"}, OCT)
    assert r[("D1", 1)] == D("2")


def test_bundle(baskets):
    # Invoices in October holding both A1 and B1: I1, I3, I4 = 3 (I2 has A1 + A2; R4 is a
    # return; I0 is in September). The later return on R3 does not undo I3's bundle.
    r = baskets.kpi({"kind": "upsell", "mode": "bundle", "bundle": ["A1", "B1"]}, OCT)
    assert r == {("D1", 1): D("3"), ("R1", 1): D("3"), ("M1", 1): D("3")}
    # A three-item bundle: only I4 has A1, B1 and C1.
    r3 = baskets.kpi({"kind": "upsell", "mode": "bundle", "bundle": ["A1", "B1", "C1"]}, OCT)
    assert r3[("D1", 1)] == D("1")


def test_mix_share_rounds_half_up_exactly(wh):
    # D1: premium 1.00 of 32.00 = 0.03125 → 0.0313 (half-up; half-even would give 0.0312).
    # D2: premium 2.00 of 3.00 = 0.66666… → 0.6667.
    # D3: total 0.00 (sold and returned) → 0.0000.
    # R1 = (1.00 + 2.00) / (32.00 + 3.00) = 0.0857142… → 0.0857 (a ratio of sums, not a sum
    # of ratios); M1 adds D3's 0/0 → the same 0.0857.
    wh.sale("I1", "2024-10-02", "D1", "O1", "A1", "1", "1.00")
    wh.sale("I1", "2024-10-02", "D1", "O1", "C1", "1", "31.00")
    wh.sale("I2", "2024-10-02", "D2", "O5", "B1", "1", "2.00")
    wh.sale("I2", "2024-10-02", "D2", "O5", "A2", "1", "1.00")
    wh.sale("I3", "2024-10-02", "D3", "O7", "A1", "1", "5.00")
    wh.ret("R3", "2024-10-03", "D3", "O7", "A1", "-1", "-5.00")
    r = wh.kpi({"kind": "upsell", "mode": "mix_share", "segment": "premium"}, OCT)
    assert r == {("D1", 1): D("0.0313"), ("D2", 1): D("0.6667"), ("D3", 1): D("0.0000"),
                 ("R1", 1): D("0.0857"), ("R2", 1): D("0.0000"), ("M1", 1): D("0.0857")}


def test_mix_share_negative_total_is_zero(wh):
    # Net value −5.00 in the window (a return larger than the sales) → 0.0000.
    wh.sale("I1", "2024-10-02", "D1", "O1", "A1", "1", "5.00")
    wh.ret("R1", "2024-10-03", "D1", "O1", "A1", "-2", "-10.00")
    r = wh.kpi({"kind": "upsell", "mode": "mix_share", "segment": "premium"}, OCT)
    assert r[("D1", 1)] == D("0.0000")
