"""Late rows, the golden case: June is paid and closed; July's load brings a return of one
of June's invoices (within the program's 30-day returns window). The load marks only that
invoice's (seller, outlet, June) stale, and a recalculation of stale results computes only
the participants it touches, storing their linked corrections of June and nothing else.
On SQLite and PostgreSQL (`db_url`)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from service_support import calculated_run, live_version
from sqlalchemy import select

from late_rows_support import JULY, JUNE, MASTER, PROGRAM, SALES, load_files
from schemeops.service import periods, runs
from schemeops.service.context import App
from schemeops.store.audit import verify
from schemeops.store.db import make_engine, sessions
from schemeops.store.migrate import upgrade
from schemeops.store.models import Payout, Run, RunVersion


@pytest.fixture
def app(tmp_path: Path, db_url: str):
    """A fresh store on a warehouse loaded with the master data and June's invoices."""
    wh = tmp_path / "wh.duckdb"
    load_files(wh, tmp_path / "master", MASTER)
    assert load_files(wh, tmp_path / "june", {"sales.csv": SALES + JUNE}) == 0
    upgrade(db_url)
    engine = make_engine(db_url)
    yield App(sessions(engine), wh, tmp_path / "runs")
    engine.dispose()


def test_a_late_return_corrects_only_the_participants_it_touches(app: App, team,
                                                                  tmp_path: Path):
    """June, 2 % of each participant's June sales (a rep's: its distributors'):
    D1 120,000 → 2,400.00; D2 110,000 → 2,200.00; D3 90,000 → 1,800.00;
    R1 (D1 + D2) 230,000 → 4,600.00; R2 (D3) 90,000 → 1,800.00. Paid and closed.

    July's load brings R1, −40,000 on 20 July naming S1 (D1, O1, 29 June): within 30 days
    of June's end, so it counts against June. Only (D1, O1, June) changed in the past:
    1 stale key. Its participants: D1 and R1 above it, 2 of 5.

    The recalculation of stale results: D1 June 120,000 − 40,000 = 80,000 → 1,600.00,
    paid 2,400.00 → correction −800.00; R1 230,000 − 40,000 = 190,000 → 3,800.00, paid
    4,600.00 → −800.00. Both linked to their sealed June payout. D2, D3, R2 not computed,
    and no July payout stored (a whole calculation pays July)."""
    v = live_version(app, team, PROGRAM)
    first = calculated_run(app, team, v, as_of=dt.date(2026, 6, 30))
    with app.sessions.begin() as s:
        sealed = {p.participant_id: p for p in s.scalars(
            select(Payout).where(Payout.run_id == first))}
        assert {k: p.amount for k, p in sealed.items()} == {
            "D1": D("2400.00"), "D2": D("2200.00"), "D3": D("1800.00"),
            "R1": D("4600.00"), "R2": D("1800.00")}
        runs.decide_payouts(s, team.approver2, first, approve=True)
        [june] = periods.list_periods(s, team.approver)
        periods.close(s, team.approver, june.id)
        since = periods.sealed_load(s, ["june_july"])
    assert since == 2  # the master data was load 1, June's invoices load 2
    assert load_files(app.warehouse, tmp_path / "july", {"sales.csv": SALES + JULY}) == 1

    second = calculated_run(app, team, v, stale_since=since, reason="late July return")
    with app.sessions.begin() as s:
        run = s.get(Run, second)
        assert run.status == "succeeded", run.error
        again = {p.participant_id: p for p in s.scalars(
            select(Payout).where(Payout.run_id == second))}
        assert {k: (p.amount, p.corrects_id, p.period_start) for k, p in again.items()} == {
            "D1": (D("-800.00"), sealed["D1"].id, dt.date(2026, 6, 1)),
            "R1": (D("-800.00"), sealed["R1"].id, dt.date(2026, 6, 1))}
        assert again["D1"].reason == "late July return"
        [rv] = s.scalars(select(RunVersion).where(RunVersion.run_id == second))
        assert rv.eligible == 2  # the participants recomputed, shown on the run
        assert verify(s) == []
    manifest = json.loads((app.runs_dir / f"run-{second}" / "out" / "manifest.json")
                          .read_text())
    assert (manifest["stale_since"], manifest["recalculated"]) == (2, {"june_july": 2})

    # the corrections are those a whole recalculation stores: after them, it corrects
    # nothing more in June and pays July to all five (D1 2 % of 50,000 = 1,000.00, ...)
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, second, approve=True)
    whole = calculated_run(app, team, v)
    with app.sessions.begin() as s:
        rows = list(s.scalars(select(Payout).where(Payout.run_id == whole)))
        assert {p.period_start for p in rows} == {dt.date(2026, 7, 1)}
        assert {p.participant_id: p.amount for p in rows} == {
            "D1": D("1000.00"), "D2": D("500.00"), "D3": D("600.00"), "R1": D("1500.00"),
            "R2": D("600.00")}
