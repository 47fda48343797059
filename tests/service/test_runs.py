"""Runs: only live versions are calculated, the store holds exactly the engine's output,
payouts are approved by someone else and never twice for one period, a closed period changes
only through linked corrections with a reason, and exports never pay twice."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal

import duckdb
import pytest
from service_support import calculated_run, example, live_version
from sqlalchemy import select

from schemeops.engine.backends import connect_warehouse
from schemeops.engine.data import Data
from schemeops.engine.explain import explain
from schemeops.engine.holdout import is_held_out
from schemeops.engine.story import Row
from schemeops.program.model import Holdout
from schemeops.service import exports, periods, programs, reports, runs
from schemeops.service.errors import Conflict
from schemeops.service.holds import held_participants
from schemeops.store.audit import verify
from schemeops.store.models import Payout, Period


def _engine_payouts(app, run_id: int) -> dict[tuple[str, str], Decimal]:
    path = app.runs_dir / f"run-{run_id}" / "out" / "payouts.csv"
    with path.open() as f:
        return {(r["participant_id"], r["period_start"]): Decimal(r["payout"])
                for r in csv.DictReader(f)}


def _stored(app, run_id: int) -> dict[tuple[str, str], Decimal]:
    with app.sessions.begin() as s:
        return {(p.participant_id, p.period_start.isoformat()): p.amount
                for p in s.scalars(select(Payout).where(Payout.run_id == run_id))}


def test_a_calculation_takes_live_versions_only(app, team):
    with app.sessions.begin() as s:
        v = programs.create_draft(s, team.designer, example("volume_growth"))
        with pytest.raises(Conflict, match="simulate it instead"):
            runs.start(s, team.approver, [v.id])
        assert runs.start(s, team.designer, [v.id], kind="simulation").status == "queued"


def test_the_store_holds_exactly_the_engine_output_and_totals(app, team):
    run_id = calculated_run(app, team, live_version(app, team, example("volume_growth")))
    engine = _engine_payouts(app, run_id)
    assert engine and _stored(app, run_id) == engine
    with app.sessions.begin() as s:
        run = runs.get_run(s, run_id)
        assert (run.status, run.progress, run.error) == ("succeeded", 100, None)
        assert run.total_payout == sum(engine.values())
        assert run.data_fingerprint and run.timings
        [pv] = run.programs
        assert pv.payout == run.total_payout and pv.sales > 0


def test_a_failed_run_is_recorded_with_its_error(app, team, tmp_path):
    vid = live_version(app, team, example("volume_growth"))
    broken = type(app)(app.sessions, tmp_path / "missing.duckdb", app.runs_dir)
    run_id = calculated_run(broken, team, vid)
    with app.sessions.begin() as s:
        run = runs.get_run(s, run_id)
        assert run.status == "failed" and "no warehouse" in run.error


def test_a_run_refused_by_the_warehouse_names_the_line_and_the_fix(app, team):
    """A program naming a participant list the warehouse lacks fails its run, and the run's
    error carries the located diagnostic (line, code, the lists present), not just a count."""
    text = example("volume_growth").replace(
        "participants:\n", "participants:\n  include_lists: [no_such_list]\n", 1)
    run_id = calculated_run(app, team, live_version(app, team, text))
    with app.sessions.begin() as s:
        run = runs.get_run(s, run_id)
    assert run.status == "failed"
    assert "1 error(s)" in run.error and "unknown_list" in run.error
    assert "`no_such_list` names no participant list" in run.error and "hint:" in run.error


def test_payouts_are_approved_by_another_and_a_period_is_never_paid_twice(app, team):
    vid = live_version(app, team, example("volume_growth"))
    first = calculated_run(app, team, vid)
    with app.sessions.begin() as s, pytest.raises(Conflict, match="you started this run"):
        runs.decide_payouts(s, team.approver, first, approve=True)
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, first, approve=True)
    second = calculated_run(app, team, vid)
    with app.sessions.begin() as s, pytest.raises(Conflict, match="already paid by approved run"):
        runs.decide_payouts(s, team.approver2, second, approve=True)


def test_a_closed_period_changes_only_by_linked_corrections(app, team):
    text = example("volume_growth")
    v1 = live_version(app, team, text)
    first = calculated_run(app, team, v1)
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, first, approve=True)
        [period] = periods.list_periods(s, team.approver)
        periods.close(s, team.approver, period.id)
    # The same program with every rate doubled (0.5% → 1%, 1% → 2%, 1.5% → 3%): each earning
    # participant's payout doubles unless the 3% cap binds, so the correction is new − old.
    doubled = text.replace("rate: 0.015}", "rate: 0.03}").replace("rate: 0.01}", "rate: 0.02}") \
        .replace("rate: 0.005}", "rate: 0.01}")
    v2 = live_version(app, team, doubled)
    second = calculated_run(app, team, v2, reason="rates were keyed in at half")
    old, new = _engine_payouts(app, first), _engine_payouts(app, second)
    with app.sessions.begin() as s:
        fixes = s.scalars(select(Payout).where(Payout.run_id == second)).all()
        originals = {p.id: p for p in s.scalars(select(Payout).where(Payout.run_id == first))}
        assert fixes, "doubling the rates must change some payout"
        assert {(f.participant_id, f.period_start.isoformat()): f.amount for f in fixes} == {
            k: new[k] - old[k] for k in new if new[k] != old[k]}
        for f in fixes:
            assert originals[f.corrects_id].participant_id == f.participant_id
            assert f.reason == "rates were keyed in at half"
        assert s.get(Period, period.id).status == "closed"
        assert verify(s) == []
        runs.decide_payouts(s, team.approver2, second, approve=True)


def test_exporting_twice_gives_the_same_references_and_no_second_payment(app, team):
    run_id = calculated_run(app, team, live_version(app, team, example("volume_growth")))
    with app.sessions.begin() as s, pytest.raises(Conflict, match="approved calculation"):
        exports.export(s, team.approver, run_id)
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, run_id, approve=True)
        one = exports.export(s, team.approver, run_id)
    with app.sessions.begin() as s:
        two = exports.export(s, team.approver, run_id)
    refs = [line["reference"] for line in one.lines]
    assert refs == [line["reference"] for line in two.lines] and len(set(refs)) == len(refs)
    with app.sessions.begin() as s:  # participants an open case holds are not exported
        held = held_participants(s)
    paying = {k: v for k, v in _engine_payouts(app, run_id).items()
              if v != 0 and k[0] not in held}
    assert one.export.new_credit_notes == len(paying) and two.export.new_credit_notes == 0
    assert {line["first_exported_in"] for line in two.lines} == {one.export.id}
    assert sum(Decimal(line["amount"]) for line in one.lines) == sum(paying.values())
    assert one.xlsx()[:2] == b"PK"


def test_a_drill_down_tells_the_stored_numbers_whatever_the_warehouse_holds_now(
        app, team, tmp_path):
    """The drill-down tells the explanation rows the run stored, exactly as calc wrote them
    to explanations.csv. After D00001's sales are deleted from the warehouse (a new
    calculation would now pay it 0 on an actual of 0), and even with the warehouse gone, it
    tells the same actual, payout and next slab as before, and that payout is the run's."""
    copy = tmp_path / "wh.duckdb"
    shutil.copy(app.warehouse, copy)
    own = type(app)(app.sessions, copy, app.runs_dir)
    run_id = calculated_run(own, team, live_version(own, team, example("volume_growth")))
    out = own.runs_dir / f"run-{run_id}" / "out"
    with (out / "explanations.csv").open(newline="") as f:
        written = [Row.of(r) for r in csv.DictReader(f) if r["participant_id"] == "D00001"]
    with own.sessions.begin() as s:
        assert reports.stored_rows(s, run_id, "D00001") == written
        before = reports.explain_participant(s, team.admin, run_id, "D00001").stories
    [story] = before
    [kpi] = story.kpis
    assert kpi.actual > 0 and story.components[0].next_step
    assert story.payout == _engine_payouts(own, run_id)[("D00001", "2026-10-01")]

    con = duckdb.connect(str(copy))
    con.execute("DELETE FROM sales WHERE distributor_id = 'D00001'")
    con.close()
    p, _ = programs.check(example("volume_growth"))
    wh = connect_warehouse(copy)
    [now] = explain(p, Data.from_backend(wh), wh, "D00001")
    wh.disconnect()
    assert now.kpis[0].actual == 0 and now.payout == 0  # what recomputing would say
    copy.unlink()
    with own.sessions.begin() as s:
        after = reports.explain_participant(s, team.admin, run_id, "D00001").stories
    assert after == before


def test_a_negative_payout_is_exported_as_a_debit_note(app, team):
    """A payout below 0 (a true-up taken back under allow_clawback) is a debit note for what
    the participant owes, never a negative credit note."""
    run_id = calculated_run(app, team, live_version(app, team, example("volume_growth")))
    with app.sessions.begin() as s:
        owed = s.scalars(select(Payout).where(
            Payout.run_id == run_id, Payout.amount != 0,
            Payout.participant_id.not_in(held_participants(s) or {""}))
            .order_by(Payout.reference)).first()
        owed.amount, ref = Decimal("-1234.50"), owed.reference
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, run_id, approve=True)
        notes = exports.export(s, team.approver, run_id)
    line = next(line for line in notes.lines if line["reference"] == ref)
    assert (line["document"], line["amount"]) == ("debit note", "1234.50")
    assert {line["document"] for line in notes.lines if line["reference"] != ref} == {
        "credit note"}
    assert notes.csv().decode().splitlines()[0].endswith(",first_exported_in,document")


def test_a_drill_down_says_which_holdout_an_absent_participant_falls_in(app, team):
    """volume_growth with `holdout: {share: 0.5, seed: 3}`: a distributor whose id hashes
    into the group has no story and is told why; one that does not is enrolled as before."""
    text = example("volume_growth") + "holdout: {share: 0.5, seed: 3}\n"
    run_id = calculated_run(app, team, live_version(app, team, text))
    h = Holdout(share=Decimal("0.5"), seed=3)
    with app.sessions.begin() as s:
        ids = sorted(s.scalars(select(Payout.participant_id).where(Payout.run_id == run_id)))
        assert ids and not any(is_held_out(i, h) for i in ids)
        held = next(f"D{n:05d}" for n in range(1, 100) if is_held_out(f"D{n:05d}", h))
        drill = reports.explain_participant(s, team.admin, run_id, held)
        assert drill.stories == [] and drill.held_out == [
            f"{held} falls in the holdout (control group) of volume_growth_oct (share 0.5, "
            "seed 3): held out there, not enrolled, if the program's rule would take it."]
        assert reports.explain_participant(s, team.admin, run_id, ids[0]).held_out == []
