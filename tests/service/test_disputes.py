"""Disputes on SQLite and PostgreSQL (`db_url`): a distributor disputes its June payout, a
reviewer is assigned and answers, an adjustment is proposed by one approver and confirmed by
another, and the program's next calculation pays it once, linked to the disputed payout.

The bench: two distributors, D1 and D2, one June invoice each (120,000.00 and 110,000.00);
the program pays 2 % of sales: D1 2,400.00, D2 2,200.00. June is calculated, approved and
closed before anyone disputes it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from service_support import calculated_run, live_version
from sqlalchemy import select

from schemeops.service import dispute_rules, disputes, exports, periods, runs
from schemeops.service.context import Actor, App
from schemeops.service.dispute_resolution import (
    confirm_adjustment,
    propose_adjustment,
    resolve_no_change,
)
from schemeops.service.errors import Conflict, Forbidden, NotFound
from schemeops.service.users import create_user
from schemeops.store.audit import verify
from schemeops.store.db import make_engine, sessions
from schemeops.store.migrate import upgrade
from schemeops.store.models import AuditEntry, Payout
from warehouse_support import write_warehouse

PROGRAM = """id: june
name: June, 2 % of sales
period: {start: 2026-06-01, end: 2026-06-30}
kpis:
  - {id: sales, kind: volume}
components:
  - id: bonus
    kpi: sales
    on: actual
    slabs:
      - {from: 0, rate: 0.02}
"""
FRIDAY = dt.date(2026, 7, 3)


def _write(path: Path) -> None:
    """A warehouse of D1 and D2, one outlet each, one product and one June invoice each."""
    write_warehouse(path, [("D1", "D1"), ("D2", "D2")], [("O1", "D1"), ("O2", "D2")],
                    [("S1", dt.date(2026, 6, 15), "D1", "O1", "120000.00"),
                     ("S2", dt.date(2026, 6, 15), "D2", "O2", "110000.00")])


@pytest.fixture
def june_app(tmp_path: Path, db_url: str):
    """A fresh store on the two-distributor warehouse."""
    _write(tmp_path / "wh.duckdb")
    upgrade(db_url)
    engine = make_engine(db_url)
    yield App(sessions(engine), tmp_path / "wh.duckdb", tmp_path / "runs")
    engine.dispose()


@pytest.fixture
def june(june_app, team):
    """June calculated (by approver), approved (approver2) and closed; distributor users d1
    and d2. Returns (version id, {participant: June payout id}, {name: actor})."""
    app = june_app
    v = live_version(app, team, PROGRAM)
    run = calculated_run(app, team, v)
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, run, approve=True)
        [period] = periods.list_periods(s, team.approver)
        periods.close(s, team.approver, period.id)
        paid = {p.participant_id: p.id for p in s.scalars(
            select(Payout).where(Payout.run_id == run))}
        who = {name: Actor.of(create_user(s, username=name, password=f"{name}-pw",
                                          role="distributor", participant_id=pid))
               for name, pid in (("d1", "D1"), ("d2", "D2"))}
    return v, paid, who


def _rows(app: App, run_id: int) -> list[Payout]:
    with app.sessions.begin() as s:
        rows = list(s.scalars(select(Payout).where(Payout.run_id == run_id)))
        s.expunge_all()
    return rows


def test_an_adjustment_is_paid_once_by_the_next_run(june_app, team, june):
    """D1 disputes its 2,400.00 on Friday 3 July (due Friday 10 July: 5 working days); the
    admin assigns the approver, who answers; D1 replies. The approver proposes 249.995,
    kept as 250.00 (half-up); the approver cannot confirm it, approver2 does. The next run
    (June closed, its data unchanged, so no correction) stores one row: 250.00, linked to
    D1's June payout, naming the dispute. Approved and exported: one credit note of 250.00;
    exported again: nothing new. A third run stores nothing (the adjustment is paid, and it
    is no correction of what June computes, so no −250.00 comes back)."""
    app, (v, paid, who) = june_app, june
    with app.sessions.begin() as s:
        d = disputes.open_dispute(s, who["d1"], paid["D1"], reason_code="missing_sales",
                                  comment="Invoice S9 of 29 June is missing", today=FRIDAY)
        assert (d.status, d.due_on) == ("open", dt.date(2026, 7, 10))
        disputes.assign(s, team.admin, d.id, team.approver.user_id)
        disputes.post_message(s, team.approver, d.id, "Checking the DMS export")
        disputes.post_message(s, who["d1"], d.id, "Thank you")
        d = propose_adjustment(s, team.approver, d.id, amount="249.995",
                               reason="S9 was loaded late")
        assert (d.status, d.amount) == ("proposed", D("250.00"))
        with pytest.raises(Conflict, match="another approver must confirm"):
            confirm_adjustment(s, team.approver, d.id)
        d = confirm_adjustment(s, team.approver2, d.id)
        dispute_id = d.id
        thread = [(m.side, m.body) for m in disputes.get_dispute(s, who["d1"], d.id).messages]
        assert thread == [("participant", "Invoice S9 of 29 June is missing"),
                          ("reviewer", "Checking the DMS export"), ("participant", "Thank you")]
        assert (d.status, d.outcome, d.assignee_id) == ("resolved", "adjust",
                                                         team.approver.user_id)
    second = calculated_run(app, team, v)
    [row] = _rows(app, second)
    assert (row.amount, row.corrects_id, row.dispute_id, row.participant_id) == (
        D("250.00"), paid["D1"], dispute_id, "D1")
    assert row.reason == f"dispute {dispute_id} (missing_sales): adjustment"
    assert (row.period_start, row.period_end) == (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, second, approve=True)
        first = exports.export(s, team.approver, second)
        again = exports.export(s, team.approver, second)
        assert first.export.new_credit_notes == 1 and again.export.new_credit_notes == 0
        [line] = first.lines
        assert (line["amount"], line["document"], line["corrects"]) == (
            "250.00", "credit note", paid["D1"])
        assert again.lines[0]["reference"] == line["reference"]
    assert _rows(app, calculated_run(app, team, v)) == []
    with app.sessions.begin() as s:
        actions = [a for (a,) in s.execute(select(AuditEntry.action).where(
            AuditEntry.subject_type == "dispute").order_by(AuditEntry.seq))]
        assert actions == ["dispute.opened", "dispute.assigned", "dispute.message",
                           "dispute.message", "dispute.adjustment_proposed",
                           "dispute.resolved", "dispute.applied"]
        assert verify(s) == []


def test_a_negative_adjustment_is_a_debit_note(june_app, team, june):
    """−100.005 rounds half-up (away from zero) to −100.01; exported as a debit note of
    100.01, which D2 owes."""
    app, (v, paid, who) = june_app, june
    with app.sessions.begin() as s:
        d = disputes.open_dispute(s, who["d2"], paid["D2"], reason_code="other",
                                  comment="Paid twice for S2?")
        propose_adjustment(s, team.approver, d.id, amount="-100.005", reason="yes, twice")
        confirm_adjustment(s, team.admin, d.id)
    second = calculated_run(app, team, v)
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, second, approve=True)
        [line] = exports.export(s, team.approver, second).lines
    assert (line["amount"], line["document"]) == ("100.01", "debit note")


def test_no_change_creates_no_payout(june_app, team, june):
    app, (v, paid, who) = june_app, june
    with app.sessions.begin() as s:
        d = disputes.open_dispute(s, who["d1"], paid["D1"], reason_code="wrong_target",
                                  comment="My target was 100,000")
        d = resolve_no_change(s, team.approver, d.id, reason="The program has no target")
        assert (d.status, d.outcome, d.amount) == ("resolved", "no_change", None)
        with pytest.raises(Conflict, match="already resolved"):
            propose_adjustment(s, team.approver2, d.id, amount="1", reason="late")
    assert _rows(app, calculated_run(app, team, v)) == []


def test_a_rejected_run_leaves_the_adjustment_to_the_next(june_app, team, june):
    """The run carrying 75.00 is rejected; the run after it carries it again."""
    app, (v, paid, who) = june_app, june
    with app.sessions.begin() as s:
        d = disputes.open_dispute(s, who["d1"], paid["D1"], reason_code="claim_not_paid",
                                  comment="Claim C-1 was approved in June")
        propose_adjustment(s, team.approver2, d.id, amount="75", reason="claim C-1")
        confirm_adjustment(s, team.approver, d.id)
    second = calculated_run(app, team, v)
    assert [r.amount for r in _rows(app, second)] == [D("75.00")]
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, second, approve=False, comment="redo")
    assert [(r.amount, r.dispute_id) for r in _rows(app, calculated_run(app, team, v))] == [
        (D("75.00"), d.id)]


def test_participants_see_and_dispute_only_their_own(june_app, team, june):
    app, (_, paid, who) = june_app, june
    with app.sessions.begin() as s:
        with pytest.raises(NotFound):
            disputes.open_dispute(s, who["d1"], paid["D2"], reason_code="other",
                                  comment="not mine")
        theirs = disputes.open_dispute(s, who["d2"], paid["D2"], reason_code="other",
                                       comment="mine")
        with pytest.raises(NotFound):
            disputes.get_dispute(s, who["d1"], theirs.id)
        with pytest.raises(NotFound):
            disputes.post_message(s, who["d1"], theirs.id, "hello")
        assert disputes.list_disputes(s, who["d1"]) == []
        assert [x.id for x in disputes.list_disputes(s, team.approver)] == [theirs.id]
        assert [p.id for p in disputes.disputable_payouts(s, who["d1"])] == [paid["D1"]]
        with pytest.raises(Conflict, match="already has an unresolved dispute"):
            disputes.open_dispute(s, who["d2"], paid["D2"], reason_code="other",
                                  comment="again")
        with pytest.raises(Forbidden):
            disputes.assign(s, who["d2"], theirs.id)
        with pytest.raises(Forbidden):
            resolve_no_change(s, who["d2"], theirs.id, reason="I give up")
        with pytest.raises(Forbidden):
            disputes.open_dispute(s, team.admin, paid["D2"], reason_code="other",
                                  comment="for D2")
        with pytest.raises(Conflict, match="approver or admin"):
            disputes.assign(s, team.approver, theirs.id, who["d1"].user_id)


@pytest.mark.parametrize("text, problem", [
    ("x" * 10_000, "10000 characters, at most 2000"),
    ("before\x00after", "control character '\\x00' at position 7"),
    ("bell\x07", "control character"),
    ("   ", "write a few words"),
])
def test_hostile_comments_are_refused(june_app, team, june, text, problem):
    app, (_, paid, who) = june_app, june
    with app.sessions.begin() as s, pytest.raises(Conflict, match=problem.replace("\\", "\\\\")):
        disputes.open_dispute(s, who["d1"], paid["D1"], reason_code="other", comment=text)


def test_markup_and_formulas_are_kept_as_typed_and_never_exported(june_app, team, june):
    """HTML and a spreadsheet formula are stored as typed (the pages escape them); the
    adjustment's exported reason names the dispute only, never the participant's text."""
    app, (v, paid, who) = june_app, june
    hostile = '<script>alert(1)</script> =HYPERLINK("http://x","y")'
    with app.sessions.begin() as s:
        d = disputes.open_dispute(s, who["d1"], paid["D1"], reason_code="other",
                                  comment=hostile)
        assert d.messages[0].body == hostile
        propose_adjustment(s, team.approver, d.id, amount="1.00", reason=hostile)
        confirm_adjustment(s, team.approver2, d.id)
    second = calculated_run(app, team, v)
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, second, approve=True)
        csv = exports.export(s, team.approver, second).csv().decode()
    assert "HYPERLINK" not in csv and "<script" not in csv and f"dispute {d.id}" in csv


@pytest.mark.parametrize("value, problem", [
    ("abc", "not a number"), ("0.004", "non-zero"), ("NaN", "not a number"),
    ("1e20", "at most"), ("", "not a number")])
def test_bad_amounts_and_reason_codes_are_refused(value, problem):
    with pytest.raises(Conflict, match=problem):
        dispute_rules.amount(value)
    with pytest.raises(Conflict, match="missing_sales, wrong_target"):
        dispute_rules.reason_code("too_low")


def test_the_sla_counts_working_days():
    """Opened Friday 3 July 2026 → due Friday 10 July; Saturday 4 → Friday 10; Monday 6 →
    Monday 13. Overdue only once the due day has passed, and never once resolved."""
    assert dispute_rules.due_on(dt.date(2026, 7, 3)) == dt.date(2026, 7, 10)
    assert dispute_rules.due_on(dt.date(2026, 7, 4)) == dt.date(2026, 7, 10)
    assert dispute_rules.due_on(dt.date(2026, 7, 6)) == dt.date(2026, 7, 13)
    due = dt.date(2026, 7, 10)
    assert not dispute_rules.overdue("open", due, due)
    assert dispute_rules.overdue("open", due, dt.date(2026, 7, 11))
    assert not dispute_rules.overdue("resolved", due, dt.date(2026, 7, 11))
