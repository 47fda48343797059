"""Golden tests: net channel addition and reactivated outlets (window and boundary days)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

OCT = ("2024-10-01", "2024-10-31")
Q4 = ("2024-10-01", "2024-12-31")


@pytest.fixture
def churn(wh):
    """D1's outlets around October 2024 (lookback 30 days = 1 … 30 September)."""
    wh.sale("I1", "2024-06-01", "D1", "O1", "A1", "1", "10.00")   # O1: old customer …
    wh.sale("I2", "2024-10-10", "D1", "O1", "A1", "1", "10.00")   # … billed again: neither
    wh.sale("I3", "2024-10-05", "D1", "O2", "A1", "1", "10.00")   # O2: first ever → new
    wh.sale("I4", "2024-09-01", "D1", "O3", "A1", "1", "10.00")   # O3: 1 Sep = start − 30 …
    #                                                               … not in Oct → lost
    wh.sale("I5", "2024-05-01", "D1", "O4", "A1", "1", "10.00")   # O4: bought and returned
    wh.ret("R5", "2024-05-01", "D1", "O4", "A1", "-1", "-10.00",  # (the return names I5,
           ref="I5")                                              # so I5 is no bill) …
    wh.sale("I6", "2024-10-12", "D1", "O4", "B1", "1", "5.00")    # … first bill → new
    wh.sale("I7", "2024-08-31", "D2", "O5", "A1", "1", "10.00")   # O5: before the lookback
    wh.sale("I8", "2024-09-30", "D2", "O6", "A1", "1", "10.00")   # O6: in lookback …
    wh.sale("I9", "2024-10-02", "D2", "O6", "A1", "1", "10.00")   # … and in Oct: not lost
    wh.sale("J1", "2024-09-20", "D2", "O7", "A1", "2", "20.00")   # O7: in lookback; in Oct
    wh.ret("J2", "2024-10-03", "D2", "O7", "A1", "-2", "-20.00")  # only a return → lost
    # Channels (primary): D1 first ever on 3 Oct → new; D2 billed 10 Sep, not in Oct → lost;
    # D3 first on 20 Oct → new.
    wh.primary("P1", "2024-10-03", "D1", "100.00")
    wh.primary("P2", "2024-09-10", "D2", "100.00")
    wh.primary("P3", "2024-10-20", "D3", "100.00")
    return wh


def test_net_channel_addition_net(churn):
    # D1: new O2, O4 (2); lost O3 (1) → 1. D2: new none; lost O7 (O5 is outside the
    # lookback, O6 billed in Oct) → −1.
    # R1's channels D1 (new), D2 (lost) → 0; R2's D3 (new) → 1; M1 over D1, D2, D3 → 2 − 1 = 1.
    r = churn.kpi({"kind": "net_channel_addition", "lookback_days": 30}, OCT)
    assert churn.nonzero(r) == {("D1", 1): D("1"), ("D2", 1): D("-1"), ("R2", 1): D("1"),
                                ("M1", 1): D("1")}


def test_net_channel_addition_new_only(churn):
    # new: D1 2 (O2, O4), D2 0; R1 1 (D1), R2 1 (D3), M1 2.
    r = churn.kpi({"kind": "net_channel_addition", "lookback_days": 30, "count": "new"}, OCT)
    assert churn.nonzero(r) == {("D1", 1): D("2"), ("R1", 1): D("1"), ("R2", 1): D("1"),
                                ("M1", 1): D("2")}


def test_net_channel_addition_lost_only(churn):
    # lost, counted positive: D1 1 (O3), D2 1 (O7); R1 1 (D2), M1 1.
    r = churn.kpi({"kind": "net_channel_addition", "lookback_days": 30, "count": "lost"}, OCT)
    assert churn.nonzero(r) == {("D1", 1): D("1"), ("D2", 1): D("1"), ("R1", 1): D("1"),
                                ("M1", 1): D("1")}


def test_net_channel_addition_lookback_boundary(churn):
    # lookback 29 days = 2 … 30 Sep: O3 (1 Sep) is no longer lost → D1 = 2 new − 0 = 2.
    # lookback 31 days = 31 Aug … 30 Sep: O5 (31 Aug, D2) becomes lost → D2 = −2.
    r29 = churn.kpi({"kind": "net_channel_addition", "lookback_days": 29}, OCT)
    r31 = churn.kpi({"kind": "net_channel_addition", "lookback_days": 31}, OCT)
    assert r29[("D1", 1)] == D("2")
    assert r31[("D2", 1)] == D("-2")


def test_net_channel_addition_default_lookback_90(churn):
    # 90 days = 3 Jul … 30 Sep: O5 (31 Aug) and O7 lost for D2 → −2; D1 still 2 − 1 = 1
    # (O1's June bill is before 3 Jul, and O1 is billed in Oct anyway).
    r = churn.kpi({"kind": "net_channel_addition"}, OCT)
    assert r[("D1", 1)] == D("1")
    assert r[("D2", 1)] == D("-2")


def test_net_channel_addition_outlet_filter(churn):
    # Only chemists (O4): D1 = 1 new. The channels part (primary) ignores the outlet filter.
    r = churn.kpi({"kind": "net_channel_addition", "lookback_days": 30,
                   "outlets": "outlet_type = 'chemist'"}, OCT)
    assert r[("D1", 1)] == D("1")
    assert ("D2", 1) not in r


@pytest.fixture
def sleepers(wh):
    """D1's outlets before and in Q4 2024 (window starts 1 October)."""
    for outlet, last in [("O1", "2024-07-03"), ("O2", "2024-07-02"), ("O3", "2024-04-04"),
                         ("O4", "2024-04-03")]:
        wh.sale("L" + outlet, last, "D1", outlet, "A1", "1", "10.00")
        wh.sale("N" + outlet, "2024-11-15", "D1", outlet, "A1", "1", "10.00")
    wh.sale("N8", "2024-10-10", "D1", "O8", "A1", "1", "10.00")       # never billed before
    wh.sale("L5", "2024-07-02", "D1", "O5", "A1", "1", "10.00")       # not billed in Q4
    wh.sale("E6", "2024-06-01", "D1", "O6", "A1", "1", "10.00")       # last bill 5 Jul …
    wh.sale("L6", "2024-07-05", "D1", "O6", "A1", "1", "10.00")
    wh.sale("N6", "2024-10-10", "D1", "O6", "A1", "1", "10.00")
    wh.sale("L7", "2024-06-01", "D1", "O7", "A1", "1", "10.00")       # asleep, but in Q4 …
    wh.sale("N7", "2024-10-10", "D1", "O7", "A1", "1", "10.00")
    wh.ret("X7", "2024-10-11", "D1", "O7", "A1", "-1", "-10.00")      # … returned: net 0
    wh.sale("L9", "2024-06-01", "D2", "O1", "A1", "1", "10.00")       # D2 → O1 …
    wh.ret("X9", "2024-07-20", "D2", "O1", "A1", "-1", "-10.00")      # (a return is no bill)
    wh.sale("N9", "2024-10-20", "D2", "O1", "A1", "1", "10.00")       # … back: D2's
    return wh


def test_reactivated_min_and_max_boundaries(sleepers):
    # min 90: the 90 days before 1 Oct are 3 Jul … 30 Sep. max 180: last bill ≥ 4 Apr.
    # O1 (last 3 Jul) is inside the 90 days → no; O2 (2 Jul) → yes; O3 (4 Apr) → yes;
    # O4 (3 Apr) is beyond 180 → no; O8 never billed → new, no; O5 not billed in Q4 → no;
    # O6 last 5 Jul → no; O7 nets to 0 in Q4 → no. D1 = 2 (O2, O3).
    # D2: O1 last billed (positive) 1 Jun, back on 20 Oct → 1. R1 = 3, M1 = 3.
    r = sleepers.kpi({"kind": "reactivated_outlets", "inactive_max_days": 180}, Q4)
    assert r == {("D1", 1): D("2"), ("D2", 1): D("1"), ("R1", 1): D("3"), ("M1", 1): D("3")}


def test_reactivated_without_maximum(sleepers):
    # Default min 90, no max: O2, O3, O4 → D1 = 3.
    r = sleepers.kpi({"kind": "reactivated_outlets"}, Q4)
    assert r[("D1", 1)] == D("3")


def test_reactivated_per_period(sleepers):
    # Monthly: October (starts 1 Oct) sees only O8 (new), O6 (last 5 Jul: no), O7 (net 0) from
    # D1 → nothing; D2's O1 (20 Oct, last 1 Jun) → 1. November (starts 1 Nov; the 90 days are
    # 3 Aug … 31 Oct): O1 … O4 billed 15 Nov, last bills 3 Jul, 2 Jul, 4 Apr, 3 Apr → all 4.
    oct_, nov = ("2024-10-01", "2024-10-31"), ("2024-11-01", "2024-11-30")
    r = sleepers.kpi({"kind": "reactivated_outlets"}, oct_, nov)
    assert sleepers.nonzero(r) == {("D2", 1): D("1"), ("R1", 1): D("1"), ("M1", 1): D("1"),
                                   ("D1", 2): D("4"), ("R1", 2): D("4"), ("M1", 2): D("4")}
