"""A closed month that late returns undo: June is closed and sealed, July's returns of June's
invoices arrive within 30 days, and the recalculation corrects June, linked to its sealed
payout: a debit correction under allow_clawback, otherwise withheld from July's payout.
On SQLite and PostgreSQL (`db_url`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from service_support import calculated_run, live_version
from sqlalchemy import select, update

from schemeops.service import periods, runs
from schemeops.service.context import App
from schemeops.store.audit import verify
from schemeops.store.db import make_engine, sessions
from schemeops.store.migrate import upgrade
from schemeops.store.models import Payout
from warehouse_support import write_warehouse

PROGRAM = """id: june_july
name: June and July, returns within 30 days count back
period:
  start: 2026-06-01
  end: 2026-06-30
  recurrence: {every_months: 1, count: 2}
kpis:
  - {id: sales, kind: volume}
components:
  - id: bonus
    kpi: sales
    on: actual
    slabs:
      - {from: 0, rate: 0.02}
returns: {until_days: 30}
"""

JUNE = [  # invoice, date, seller, outlet, amount, doc_type, ref
    ("S1", "2026-06-29", "D1", "O1", "120000.00", "invoice", None),
    ("S2", "2026-06-28", "D2", "O2", "110000.00", "invoice", None),
]
JULY = [
    ("T1", "2026-07-05", "D1", "O1", "50000.00", "invoice", None),
    ("R1", "2026-07-20", "D1", "O1", "-40000.00", "return", "S1"),
    ("T2", "2026-07-06", "D2", "O2", "25000.00", "invoice", None),
    ("R2", "2026-07-10", "D2", "O2", "-100000.00", "return", "S2"),
]


def _write(path: Path, sales: list[tuple]) -> None:
    """A warehouse of two distributors, two outlets, one product and `sales`."""
    write_warehouse(path, [("D1", "D1"), ("D2", "D2")], [("O1", "D1"), ("O2", "D2")], sales)


@pytest.fixture
def june_app(tmp_path: Path, db_url: str):
    """A fresh store on a warehouse holding June's invoices only (July's arrive later)."""
    wh = tmp_path / "wh.duckdb"
    _write(wh, JUNE)
    upgrade(db_url)
    engine = make_engine(db_url)
    yield App(sessions(engine), wh, tmp_path / "runs")
    engine.dispose()


def _close_june_then_recalculate(app, team, text: str) -> tuple[dict, dict]:
    """June calculated (as of 30 June: 2 % of 120,000 = 2,400.00 to D1, of 110,000 =
    2,200.00 to D2), approved and closed; July's lines arrive; recalculated after the
    window. Returns the sealed June payouts and the recalculation's payouts, by
    (participant, period start)."""
    v = live_version(app, team, text)
    first = calculated_run(app, team, v, as_of=dt.date(2026, 6, 30))
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, first, approve=True)
        [june] = periods.list_periods(s, team.approver)
        periods.close(s, team.approver, june.id)
    _write(app.warehouse, JUNE + JULY)
    second = calculated_run(app, team, v, reason="July returns of June invoices")
    with app.sessions.begin() as s:
        def rows(run_id):
            return {(p.participant_id, p.period_start.isoformat()): p
                    for p in s.scalars(select(Payout).where(Payout.run_id == run_id))}
        sealed, again = rows(first), rows(second)
        s.expunge_all()
        assert verify(s) == []
    return sealed, again


def test_with_clawback_a_closed_june_gets_a_debit_correction(june_app, team):
    """June again, after July's returns (20 July for D1, 10 July for D2: both within 30
    days): D1 120,000 − 40,000 = 80,000 → 1,600.00, paid 2,400.00 → correction −800.00;
    D2 110,000 − 100,000 = 10,000 → 200.00, paid 2,200.00 → −2,000.00. Each is linked to
    the sealed June payout. July pays its own sales only (the returns are not netted again):
    D1 2 % of 50,000 = 1,000.00, D2 2 % of 25,000 = 500.00."""
    sealed, again = _close_june_then_recalculate(june_app, team,
                                                 PROGRAM + "allow_clawback: true\n")
    assert sealed["D1", "2026-06-01"].amount == D("2400.00")
    d1, d2 = again["D1", "2026-06-01"], again["D2", "2026-06-01"]
    assert (d1.amount, d1.corrects_id) == (D("-800.00"), sealed["D1", "2026-06-01"].id)
    assert (d2.amount, d2.corrects_id) == (D("-2000.00"), sealed["D2", "2026-06-01"].id)
    assert d1.reason == "July returns of June invoices"
    assert again["D1", "2026-07-01"].amount == D("1000.00")
    assert again["D2", "2026-07-01"].amount == D("500.00")
    assert again["D1", "2026-07-01"].withheld is None


def test_without_clawback_the_fall_is_withheld_from_july(june_app, team):
    """The same without allow_clawback: nothing is debited on June (no correction row);
    July withholds the fall up to its own amount, naming June's sealed payout.
    D1: July 1,000.00 − 800.00 withheld = 200.00. D2: July 500.00, fall 2,000.00 → all
    500.00 withheld, pays 0.00 (the 1,500.00 left is withheld from later payouts)."""
    sealed, again = _close_june_then_recalculate(june_app, team, PROGRAM)
    assert ("D1", "2026-06-01") not in again and ("D2", "2026-06-01") not in again
    d1, d2 = again["D1", "2026-07-01"], again["D2", "2026-07-01"]
    assert (d1.amount, d1.withheld, d1.withholds_id) == (
        D("200.00"), D("800.00"), sealed["D1", "2026-06-01"].id)
    assert (d2.amount, d2.withheld, d2.withholds_id) == (
        D("0.00"), D("500.00"), sealed["D2", "2026-06-01"].id)
    assert d1.reason == "withholds 800.00 for late returns of the closed period " \
                        "2026-06-01–2026-06-30"


def test_a_holdback_held_at_close_is_released_as_a_correction(june_app, team):
    """25 % held until 30 July. Run as of 30 June: D1 earns 2 % of 120,000 = 2,400.00, pays
    1,800.00 (600.00 held); D2 2,200.00, pays 1,650.00. June closed. No return arrives; run
    as of 1 August (after the release): June pays 2,400.00 and 2,200.00 → corrections
    +600.00 and +550.00, linked to the sealed payouts."""
    app = june_app
    v = live_version(app, team, PROGRAM + "holdback: {rate: 0.25, release_after_days: 30}\n")
    first = calculated_run(app, team, v, as_of=dt.date(2026, 6, 30))
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, first, approve=True)
        [june] = periods.list_periods(s, team.approver)
        periods.close(s, team.approver, june.id)
    second = calculated_run(app, team, v, as_of=dt.date(2026, 8, 1))
    with app.sessions.begin() as s:
        sealed = {p.participant_id: p for p in s.scalars(select(Payout).where(
            Payout.run_id == first))}
        fixes = {p.participant_id: p for p in s.scalars(select(Payout).where(
            Payout.run_id == second, Payout.period_start == dt.date(2026, 6, 1)))}
        assert (sealed["D1"].amount, sealed["D2"].amount) == (D("1800.00"), D("1650.00"))
        assert (fixes["D1"].amount, fixes["D1"].corrects_id) == (D("600.00"), sealed["D1"].id)
        assert (fixes["D2"].amount, fixes["D2"].corrects_id) == (D("550.00"), sealed["D2"].id)
        assert verify(s) == []


def test_what_a_closed_payout_withheld_is_sealed(june_app, team):
    """July, which withheld 800.00 for June, is approved and closed; changing what it
    withheld afterwards (which would let June's fall be withheld again) breaks July's seal."""
    app = june_app
    _, again = _close_june_then_recalculate(app, team, PROGRAM)
    run_id = again["D1", "2026-07-01"].run_id
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, run_id, approve=True)
        july = next(p for p in periods.list_periods(s, team.approver)
                    if p.start == dt.date(2026, 7, 1))
        periods.close(s, team.approver, july.id)
        assert verify(s) == []
    with app.sessions.begin() as s:
        s.execute(update(Payout).where(Payout.id == again["D1", "2026-07-01"].id)
                  .values(withheld=D("0.00")))
    with app.sessions.begin() as s:
        found = verify(s)
        assert len(found) == 1 and str(july.id) in str(found[0])
