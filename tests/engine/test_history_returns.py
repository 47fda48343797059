"""Golden cases: history that returns cannot fake (DuckDB and Spark).

In history (reactivation's quiet days and last bill, lost outlets' lookback, the first bill)
an outlet is billed on the date of an invoice whose value, net of the returns that name it
(`ref_invoice_id`) dated before the period starts, is above 0. The period's own billing nets
returns on their own date. `wh2.kpi` checks that the run's per-outlet facts give the same as
the lines; `run` computes the whole program.

Default network (conftest): D1 (outlets O1..O4) under rep R1 under manager M1.
"""

from __future__ import annotations

from decimal import Decimal as D

from payout_support import run

OCT = ("2026-10-01", "2026-10-31")
NOV = ("2026-11-01", "2026-11-30")
REVIVED = {"kind": "reactivated_outlets"}  # 90 quiet days: 3 Jul … 30 Sep before October
LOST = {"kind": "net_channel_addition", "lookback_days": 90, "count": "lost"}
NEW = {"kind": "net_channel_addition", "count": "new"}


def _program(kpi: str, per_unit: int) -> str:
    return f"""
        id: h
        name: H
        participants: {{roles: [distributor]}}
        period: {{start: 2026-10-01, end: 2026-10-31}}
        kpis: [{kpi}]
        components:
          - {{id: c, kpi: k, on: actual, slabs: [{{from: 1, per_unit: {per_unit}}}]}}
        """


def _stuffer(wh, *, october: bool):
    """O1: 8,000 on 29 May, 7,000 of it returned on 10 July, 250 on 20 August (and 600 on
    15 October when `october`)."""
    wh.sale("I1", "2026-05-29", "D1", "O1", "A1", "80", "8000.00")
    wh.ret("R1", "2026-07-10", "D1", "O1", "A1", "-70", "-7000.00", ref="I1")
    wh.sale("I2", "2026-08-20", "D1", "O1", "A1", "2", "250.00")
    if october:
        wh.sale("I3", "2026-10-15", "D1", "O1", "A1", "6", "600.00")
    return wh


def test_a_late_return_does_not_make_an_outlet_reactivated(wh2):
    """O1 (the stuffer): its 20 Aug invoice (250, no return names it) is a bill inside the
    90 quiet days (3 Jul … 30 Sep), so O1 is not reactivated in October, although the quiet
    days net to 250 − 7,000 < 0. O2 (control): billed 500 on 1 Jun only, 300 on 15 Oct →
    reactivated. D1 = 1 (O2); R1 = M1 = 1. Payout 300 per outlet: D1 300.00."""
    _stuffer(wh2, october=True)
    wh2.sale("J1", "2026-06-01", "D1", "O2", "A1", "5", "500.00")
    wh2.sale("J2", "2026-10-15", "D1", "O2", "A1", "3", "300.00")
    r = wh2.kpi(REVIVED, OCT)
    assert r == {("D1", 1): D("1"), ("R1", 1): D("1"), ("M1", 1): D("1")}
    out = run(_program("{id: k, kind: reactivated_outlets}", 300), wh2)
    assert out.kpi("D1", "k")["actual"] == "1"
    assert out.payout("D1") == D("300.00")


def test_a_late_return_does_not_hide_a_lost_outlet(wh2):
    """The stuffer without the October bill, lookback 90 days (3 Jul … 30 Sep): its 20 Aug
    invoice is a bill in the lookback and O1 is not billed in October → lost. count lost:
    D1 = 1; count net: D1 = 0 new − 1 lost = −1. (R1's and M1's net counts channels by
    primary billing: none here.) Payout 100 per lost outlet: D1 100.00."""
    _stuffer(wh2, october=False)
    assert wh2.kpi(LOST, OCT)[("D1", 1)] == D("1")
    net = wh2.kpi({**LOST, "count": "net"}, OCT)
    assert wh2.nonzero(net) == {("D1", 1): D("-1")}
    out = run(_program("{id: k, kind: net_channel_addition, lookback_days: 90, count: lost}",
                       100), wh2)
    assert out.payout("D1") == D("100.00")


def test_a_return_that_names_no_invoice_changes_nothing_in_history(wh2):
    """O1: 8,000 on 1 May, a return of 7,000 naming no invoice on 10 Jul (in the quiet
    days), 600 on 15 Oct: history has the 1 May bill and none in the quiet days →
    reactivated. O2: 100 on 1 May, 250 on 20 Aug, a return of 7,000 naming no invoice on
    25 Aug: the 20 Aug invoice stays a bill in the quiet days → not reactivated (the quiet
    days' net, −6,650, does not matter). O2 is billed 300 on 15 Oct. D1 = 1 (O1)."""
    wh2.sale("I1", "2026-05-01", "D1", "O1", "A1", "80", "8000.00")
    wh2.ret("R1", "2026-07-10", "D1", "O1", "A1", "-70", "-7000.00")
    wh2.sale("I2", "2026-10-15", "D1", "O1", "A1", "6", "600.00")
    wh2.sale("J1", "2026-05-01", "D1", "O2", "A1", "1", "100.00")
    wh2.sale("J2", "2026-08-20", "D1", "O2", "A1", "2", "250.00")
    wh2.ret("S1", "2026-08-25", "D1", "O2", "A1", "-70", "-7000.00")
    wh2.sale("J3", "2026-10-15", "D1", "O2", "A1", "3", "300.00")
    assert wh2.kpi(REVIVED, OCT)[("D1", 1)] == D("1")


def test_a_return_inside_the_period_does_not_erase_history(wh2):
    """The cut-off is the period's start: a return dated in October of an invoice before it
    leaves that invoice a bill in history. O1: 100 on 1 Jun, 250 on 20 Aug returned in full
    on 5 Oct, 600 on 15 Oct: October nets 350 (billed); the 20 Aug bill stands in the quiet
    days → not reactivated; billed in the lookback and in October → not lost. O2: 300 on
    20 Sep returned in full on 3 Oct, nothing else in October (nets −300, not billed):
    its 20 Sep bill stands in the lookback → lost. Reactivated: 0; lost: D1 = 1 (O2)."""
    wh2.sale("I1", "2026-06-01", "D1", "O1", "A1", "1", "100.00")
    wh2.sale("I2", "2026-08-20", "D1", "O1", "A1", "2", "250.00")
    wh2.ret("R2", "2026-10-05", "D1", "O1", "A1", "-2", "-250.00", ref="I2")
    wh2.sale("I3", "2026-10-15", "D1", "O1", "A1", "6", "600.00")
    wh2.sale("J1", "2026-09-20", "D1", "O2", "A1", "3", "300.00")
    wh2.ret("S1", "2026-10-03", "D1", "O2", "A1", "-3", "-300.00", ref="J1")
    assert wh2.nonzero(wh2.kpi(REVIVED, OCT)) == {}
    assert wh2.kpi(LOST, OCT)[("D1", 1)] == D("1")


def test_a_first_invoice_returned_before_the_period_is_not_the_first_bill(wh2):
    """O1: 500 on 1 Mar, returned in full on 10 Mar (naming it), 200 on 12 Oct → its first
    bill is 12 Oct → new. O2: the same, but the March return names no invoice → first bill
    1 Mar → not new. O3: 500 on 1 Mar returned in full on 5 Oct (after the cut-off) and
    700 on 12 Oct → first bill 1 Mar → not new. O4: 500 on 1 Mar returned in full by a
    return booked at O3 on 10 Mar (it counts against its invoice, O4's) and 200 on 12 Oct →
    new. D1 = 2 (O1, O4); R1 = M1 = 0 (channels: no primary billing)."""
    for o in ("O1", "O2", "O3", "O4"):
        wh2.sale("F" + o, "2026-03-01", "D1", o, "A1", "5", "500.00")
    wh2.ret("RO1", "2026-03-10", "D1", "O1", "A1", "-5", "-500.00", ref="FO1")
    wh2.ret("RO2", "2026-03-10", "D1", "O2", "A1", "-5", "-500.00")
    wh2.ret("RO3", "2026-10-05", "D1", "O3", "A1", "-5", "-500.00", ref="FO3")
    wh2.ret("RO4", "2026-03-10", "D1", "O3", "A1", "-5", "-500.00", ref="FO4")
    for o, amount in (("O1", "200.00"), ("O2", "200.00"), ("O3", "700.00"),
                      ("O4", "200.00")):
        wh2.sale("N" + o, "2026-10-12", "D1", o, "A1", "2", amount)
    assert wh2.nonzero(wh2.kpi(NEW, OCT)) == {("D1", 1): D("2")}


def test_each_period_of_a_recurrence_has_its_own_cut_off(wh2):
    """Monthly October and November, 30 quiet days (October's: 1 … 30 Sep; November's:
    2 … 31 Oct). O1: 100 on 1 Jun, 250 on 20 Sep returned in full on 15 Oct, 400 on 10 Nov.
    October: O1 nets −250 (not billed). November (cut-off 1 Nov, after the return): the
    20 Sep invoice is no bill; no bill in 2 … 31 Oct; last bill 1 Jun → reactivated.
    O2: 100 on 1 Jun, 250 on 20 Sep returned in full on 15 Oct, 300 on 5 Oct. October
    (cut-off 1 Oct, before the return): nets 50 (billed), the 20 Sep bill stands in the
    quiet days → not reactivated; not billed in November. D1: October 0, November 1.
    With a 60-day maximum (November: last bill on or after 2 Sep): O1's last bill is 1 Jun
    (20 Sep is no bill by then) → 0."""
    for o in ("O1", "O2"):
        wh2.sale("A" + o, "2026-06-01", "D1", o, "A1", "1", "100.00")
        wh2.sale("B" + o, "2026-09-20", "D1", o, "A1", "2", "250.00")
        wh2.ret("C" + o, "2026-10-15", "D1", o, "A1", "-2", "-250.00", ref="B" + o)
    wh2.sale("NO1", "2026-11-10", "D1", "O1", "A1", "4", "400.00")
    wh2.sale("NO2", "2026-10-05", "D1", "O2", "A1", "3", "300.00")
    k = {**REVIVED, "inactive_min_days": 30}
    r = wh2.kpi(k, OCT, NOV)
    assert wh2.nonzero(r) == {("D1", 2): D("1"), ("R1", 2): D("1"), ("M1", 2): D("1")}
    assert wh2.nonzero(wh2.kpi({**k, "inactive_max_days": 60}, OCT, NOV)) == {}
