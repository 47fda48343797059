"""Cases and holds, on SQLite and PostgreSQL (`db_url`): a calculation's findings open cases
that hold the participant's payouts; a reviewer other than the run's starter releases,
adjusts or rejects, with a reason; exports pay what the decision allows, once; every
decision is in the audit chain and an edited one is caught. The warehouse is
cases_support's: D1's token bills put 20.00 of its 2,020.00 at risk."""

from __future__ import annotations

import io
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook
from service_support import calculated_run, live_version
from sqlalchemy import select, update

from cases_support import PROGRAM, write_warehouse
from schemeops.service import cases, exports, runs
from schemeops.service.context import App
from schemeops.service.errors import Conflict, Forbidden
from schemeops.store.audit import verify
from schemeops.store.db import make_engine, sessions
from schemeops.store.migrate import upgrade
from schemeops.store.models import AuditEntry, Case, CaseHold, CreditNote


@pytest.fixture
def app(tmp_path: Path, db_url: str):
    """A fresh store on the tiny warehouse."""
    upgrade(db_url)
    engine = make_engine(db_url)
    yield App(sessions(engine), write_warehouse(tmp_path / "wh.duckdb"), tmp_path / "runs")
    engine.dispose()


@pytest.fixture
def approved(app, team) -> int:
    """June calculated (started by `approver`), its payouts approved by `approver2`."""
    run_id = calculated_run(app, team, live_version(app, team, PROGRAM))
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, run_id, approve=True)
    return run_id


def _export(app, team, run_id) -> tuple[dict[str, D], int]:
    """One export by approver2: amount by participant, and how many credit notes it added."""
    with app.sessions.begin() as s:
        notes = exports.export(s, team.approver2, run_id)
        return ({ln["participant_id"]: D(ln["amount"]) for ln in notes.lines},
                notes.export.new_credit_notes)


def _case(app, team) -> Case:
    with app.sessions.begin() as s:
        [case] = cases.list_cases(s, team.admin)
        s.expunge(case)
        return case


def _decide(app, actor, case_id, decision, reason="checked the outlet's bills"):
    with app.sessions.begin() as s:
        return cases.decide(s, actor, case_id, decision, reason=reason).status


def test_the_run_opens_a_blocking_case_and_its_participant_is_never_exported(
        app, team, approved):
    """One finding, token_invoices of D1 in June, value at risk 20.00: a blocking case
    holding D1's June payout. The export pays D2's 2,000.00 only; D1 stays out however often
    it is exported, and approval named D1's payout as held."""
    case = _case(app, team)
    assert (case.kind, case.participant_id, case.value_at_risk, case.blocking) == (
        "token_invoices", "D1", D("20.00"), True)
    assert case.score == D("1.0")
    with app.sessions.begin() as s:
        assert len(s.get(Case, case.id).evidence) == 4  # the four token bills
        entry = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "payouts.approved")).one()
        assert f"SO-{approved}-june_volume-D1-20260601" in entry.details
    assert _export(app, team, approved) == ({"D2": D("2000.00")}, 1)
    assert _export(app, team, approved) == ({"D2": D("2000.00")}, 0)


def test_release_exports_the_payout_once(app, team, approved):
    """Released: D1's 2,020.00 goes out with the next export, as one new credit note; the
    export after that records nothing new."""
    case = _case(app, team)
    _export(app, team, approved)
    assert _decide(app, team.approver2, case.id, "release") == "released"
    assert _export(app, team, approved) == ({"D1": D("2020.00"), "D2": D("2000.00")}, 1)
    assert _export(app, team, approved) == ({"D1": D("2020.00"), "D2": D("2000.00")}, 0)
    with app.sessions.begin() as s:
        assert s.scalars(select(CreditNote.amount).where(
            CreditNote.participant_id == "D1")).all() == [D("2020.00")]


def test_adjust_exports_the_counterfactual(app, team, approved):
    """Adjusted: D1 is paid 2,020.00 − 20.00 = 2,000.00, what June pays without the token
    bills; the line says which case changed it."""
    case = _case(app, team)
    assert _decide(app, team.admin, case.id, "adjust") == "adjusted"
    with app.sessions.begin() as s:
        notes = exports.export(s, team.approver2, approved)
    d1 = next(ln for ln in notes.lines if ln["participant_id"] == "D1")
    assert d1["amount"] == "2000.00"
    assert d1["reason"] == f"case {case.id} adjusted: checked the outlet's bills"


def test_reject_exports_nothing(app, team, approved):
    """Rejected: D1's June payout pays 0.00, so no credit note, now or later."""
    case = _case(app, team)
    assert _decide(app, team.approver2, case.id, "reject") == "rejected"
    assert _export(app, team, approved) == ({"D2": D("2000.00")}, 1)
    assert _export(app, team, approved) == ({"D2": D("2000.00")}, 0)


def test_nobody_decides_a_case_of_their_own_run_and_a_reason_is_required(app, team,
                                                                          approved):
    """`approver` started the run: refused. No reason, or one over 2,000 characters:
    refused. A designer has no cases.decide. A decided case is not decided again."""
    case = _case(app, team)
    with pytest.raises(Conflict, match="you started the run"):
        _decide(app, team.approver, case.id, "release")
    for reason in ("  ", "x" * 2001):
        with pytest.raises(Conflict):
            _decide(app, team.approver2, case.id, "release", reason)
    with pytest.raises(Forbidden, match=r"cases\.decide"):
        _decide(app, team.designer, case.id, "release")
    _decide(app, team.approver2, case.id, "reject")
    with pytest.raises(Conflict, match="rejected"):
        _decide(app, team.admin, case.id, "release")


def test_audit_verify_passes_and_catches_an_edited_decision(app, team, approved):
    """The decision is in the chain (case.rejected with its reason and 0.00 for D1's
    payout); verify is clean. Turning the rejection into a release in the cases table,
    or raising what the hold pays, is named by verify."""
    case = _case(app, team)
    _decide(app, team.approver2, case.id, "reject", "<b>=cmd|' /C calc'!A0</b>")
    with app.sessions.begin() as s:
        assert verify(s) == []
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "case.rejected")).one()
        assert '"0.00"' in entry.details and "=cmd" in entry.details
    with app.sessions.begin() as s:
        s.execute(update(Case).where(Case.id == case.id).values(status="released"))
    with app.sessions.begin() as s:
        found = [str(f) for f in verify(s)]
        assert found == [f"case {case.id} (token_invoices D1 2026-06): its decision changed "
                         "after it was recorded"]
        s.execute(update(Case).where(Case.id == case.id).values(status="rejected"))
    with app.sessions.begin() as s:
        assert verify(s) == []
        s.execute(update(CaseHold).where(CaseHold.case_id == case.id).values(pays=D("2020.00")))
    with app.sessions.begin() as s:
        assert len(verify(s)) == 1


def test_formula_text_in_an_export_is_quoted(app, team, approved):
    """A reason typed as a spreadsheet formula goes out as text: the CSV cell and the Excel
    cell start with ' (a credit note's reason names the case first; a run's own reason, as
    on a correction, may start the cell)."""
    case = _case(app, team)
    _decide(app, team.approver2, case.id, "release", "=cmd|' /C calc'!A0")
    with app.sessions.begin() as s:
        notes = exports.export(s, team.approver2, approved)
    hostile = {**notes.lines[0], "reason": "=cmd|' /C calc'!A0", "participant_name": "@x"}
    text = exports.CreditNotes(notes.export, [hostile]).csv().decode()
    assert ",'@x," in text and ",'=cmd|' /C calc'!A0," in text
    assert f"case {case.id} released: =cmd" in notes.csv().decode()
    ws = load_workbook(io.BytesIO(exports.CreditNotes(notes.export, [hostile]).xlsx())).active
    assert ws.cell(2, exports.COLUMNS.index("reason") + 1).value == "'=cmd|' /C calc'!A0"
