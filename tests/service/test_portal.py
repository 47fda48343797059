"""The portal shows a participant only their own live programs, each in its display names and
units, and its money split into approved (of it paid), pending approval and projected: every
period counted once, from the run whose figure can stand."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from service_support import calculated_run, example, live_version
from sqlalchemy import func, select

from portal_support import REACH
from schemeops.service import exports, portal, runs, statement
from schemeops.service.errors import Forbidden, NotFound
from schemeops.service.portal import Standing
from schemeops.service.portal_explain import explain_payout
from schemeops.store.models import CreditNote, Payout


def _paid(s, run_id: int, pid: str = "D00001") -> Decimal:
    return s.scalar(select(func.sum(Payout.amount)).where(Payout.run_id == run_id,
                                                          Payout.participant_id == pid))


@pytest.fixture
def world(app, team):
    """Value growth approved (run a) and recalculated since (b: its period is paid, so b can
    never be approved); outlet reach calculated as of 15 October (c); overdue outstanding
    calculated (d) and recalculated and rejected (e)."""
    vg = live_version(app, team, example("volume_growth"))
    a = calculated_run(app, team, vg)
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, a, approve=True)
    b = calculated_run(app, team, vg)
    c = calculated_run(app, team, live_version(app, team, REACH), as_of=dt.date(2026, 10, 15))
    rod = live_version(app, team, example("outstanding"))
    d = calculated_run(app, team, rod)
    e = calculated_run(app, team, rod)
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, e, approve=False, comment="wrong data")
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_money_is_split_approved_pending_projected_never_mixed(app, team, world):
    with app.sessions.begin() as s:
        figures = {k: _paid(s, r) for k, r in world.items()}
        p = portal.portal(s, team.distributor)
    # worked out by hand: rod_q3 pays 3,000 in each of its three months (overdue is 0);
    # 26 outlets billed by 15 October against a target of 21 is 124%: the 1.2 slab, 8,000
    assert figures["d"] == figures["e"] == Decimal("9000.00")
    assert figures["c"] == Decimal("8000.00")
    assert figures["a"] == figures["b"] == Decimal("11471.69")
    assert p.amounts == portal.Amounts(approved=Decimal("11471.69"), paid=Decimal("0.00"),
                                       pending=Decimal("9000.00"),
                                       projected=Decimal("8000.00"))
    cards = {g.program_id: g for g in p.programs}
    assert {k: (g.standing, g.run_id, g.payout) for k, g in cards.items()} == {
        "volume_growth_oct": (Standing.APPROVED, world["a"], Decimal("11471.69")),
        "mbo_targets": (Standing.PROJECTED, world["c"], Decimal("8000.00")),
        "rod_q3": (Standing.PENDING, world["d"], Decimal("3000.00"))}
    # the run as of 15 October stored its period clipped; the card shows the whole period
    assert (cards["mbo_targets"].period_end, cards["mbo_targets"].as_of) == (
        dt.date(2026, 10, 31), dt.date(2026, 10, 15))


    _cards_speak_in_display_names_units_and_money(cards)
    _a_participant_opens_the_explanation_of_its_own_payout_only(app, team, world, cards)


def _cards_speak_in_display_names_units_and_money(cards):
    reach = cards["mbo_targets"]
    assert reach.label == "Outlet reach"
    [k] = reach.kpis
    assert (k.label, k.unit, k.actual, k.target) == ("Shops billed", "shops", Decimal("26"),
                                                     Decimal("21.00"))
    [c] = reach.components
    # the next slab is 1.5 × 21 = 31.5 outlets: 6 more, and it pays 12,000 instead of 8,000
    assert (c.label, c.amount, c.next_gap, c.next_gain) == (
        "Reach bonus", Decimal("8000.00"), "bill 6 more outlets", Decimal("4000.00"))
    [overdue] = cards["rod_q3"].kpis
    assert (overdue.label, overdue.unit, overdue.lower_is_better, overdue.share) == (
        "Overdue", "L", True, None)
    assert cards["volume_growth_oct"].kpis[0].unit == "₹"
    [bonus] = cards["volume_growth_oct"].components
    assert bonus.top_reached and bonus.next_gap is None


def test_statement_and_paid_money(app, team, world):
    """The statement lists approved payouts (CSV, Excel, PDF); once their credit notes are
    exported, they are paid; text in them cannot run as a formula."""
    with app.sessions.begin() as s:
        st = statement.statement(s, team.distributor)
    assert [(x.program_id, x.amount, x.paid) for x in st.lines] == [
        ("volume_growth_oct", Decimal("11471.69"), False)]
    _statement_formats(st)
    with app.sessions.begin() as s:
        notes = exports.export(s, team.approver, world["a"])
        payout = s.scalar(select(Payout).where(Payout.run_id == world["a"],
                                               Payout.participant_id == "D00001"))
        if not s.scalar(select(CreditNote.reference).where(CreditNote.payout_id == payout.id)):
            # D00001 is held by an open case on this data (docs/cases.md): the export left it
            # out; its credit note is written as the export writes one once the case is decided
            s.add(CreditNote(reference=payout.reference, payout_id=payout.id,
                             participant_id="D00001", amount=payout.amount,
                             first_export_id=notes.export.id))
    with app.sessions.begin() as s:
        a = portal.portal(s, team.distributor).amounts
        assert [x.paid for x in statement.statement(s, team.distributor).lines] == [True]
    assert a.paid == a.approved == Decimal("11471.69")
    _statement_text_cannot_run_as_a_formula(app, team, world)


def _statement_formats(st):
    lines = st.csv().decode().splitlines()
    assert lines[0].startswith("reference,") and len(lines) == 2 and ",11471.69," in lines[1]
    ws = load_workbook(BytesIO(st.xlsx())).active
    header = [c.value for c in ws[1]]
    amount = ws.cell(2, header.index("amount") + 1)
    assert amount.value == pytest.approx(11471.69) and amount.data_type == "n"
    assert ws.cell(2, header.index("period_start") + 1).is_date
    pdf = st.pdf()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 800


def _statement_text_cannot_run_as_a_formula(app, team, world):
    with app.sessions.begin() as s:
        s.execute(Payout.__table__.update().where(Payout.run_id == world["a"]).values(
            reason="=HYPERLINK(\"http://x\")"))
        st = statement.statement(s, team.distributor)
    [_, line] = csv.reader(st.csv().decode().splitlines())
    assert line[-1] == "'=HYPERLINK(\"http://x\")"
    ws = load_workbook(BytesIO(st.xlsx())).active
    assert ws.cell(2, 8).value.startswith("'=")


def _a_participant_opens_the_explanation_of_its_own_payout_only(app, team, world, card):
    with app.sessions.begin() as s:
        mine = explain_payout(s, team.distributor, card["mbo_targets"].payout_id)
        other = s.scalar(select(Payout.id).where(Payout.run_id == world["c"],
                                                 Payout.participant_id != "D00001"))
        with pytest.raises(Forbidden):
            explain_payout(s, team.distributor, other)
        with pytest.raises(Forbidden):
            explain_payout(s, team.approver, other)
        with pytest.raises(NotFound):
            explain_payout(s, team.distributor, 10**9)
    assert mine.standing == "projected" and mine.amount == Decimal("8000.00")
    assert mine.display.label == "Outlet reach" and mine.story is not None
    assert mine.story.components[0].component == "mbo_bonus"
    assert mine.steps["mbo_bonus"].next_gain == Decimal("4000.00")


def test_nobody_sees_another_participants_portal(app, team):
    with app.sessions.begin() as s:
        with pytest.raises(Forbidden):
            portal.portal(s, team.distributor, "D00002")
        with pytest.raises(Forbidden):
            statement.statement(s, team.rep, "D00001")
        with pytest.raises(Forbidden):
            portal.portal(s, team.approver, "D00001")


def test_programs_a_participant_is_not_in_are_not_shown(app, team):
    calculated_run(app, team, live_version(app, team, example("billed_channels")))
    with app.sessions.begin() as s:
        assert portal.portal(s, team.distributor).programs == []
        assert [p.program_id for p in portal.portal(s, team.rep).programs]


def test_a_run_of_two_programs_shows_only_mine(app, team):
    """One run calculates a distributors' program and a reps' program: the distributor's
    portal shows the first only (it used to fail on the program it has no lines in)."""
    ids = [live_version(app, team, example("volume_growth")),
           live_version(app, team, example("billed_channels"))]
    with app.sessions.begin() as s:
        run_id = runs.start(s, team.approver, ids).id
    runs.execute(app, run_id)
    with app.sessions.begin() as s:
        assert runs.get_run(s, run_id).status == "succeeded"
        mine = portal.portal(s, team.distributor)
        theirs = portal.portal(s, team.rep)
    assert [p.program_id for p in mine.programs] == ["volume_growth_oct"]
    assert "volume_growth_oct" not in [p.program_id for p in theirs.programs]
