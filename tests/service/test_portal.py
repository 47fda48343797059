"""The portal shows a participant only their own live programs, progress and earnings."""

from __future__ import annotations

import pytest
from service_support import calculated_run, example, live_version

from schemeops.service import portal, runs
from schemeops.service.errors import Forbidden


def test_a_distributor_sees_their_programs_progress_and_earnings(app, team):
    run_id = calculated_run(app, team, live_version(app, team, example("volume_growth")))
    with app.sessions.begin() as s:
        before = portal.portal(s, team.distributor)
        runs.decide_payouts(s, team.approver2, run_id, approve=True)
        after = portal.portal(s, team.distributor)
        statement = portal.statement(s, team.distributor).decode()
    [p] = after.programs
    assert p.program_id == "volume_growth_oct" and after.participant_id == "D00001"
    [k] = p.kpis
    assert k.kpi == "value" and k.share is not None and k.target
    assert p.components[0].next_step
    assert before.earned == 0 and after.earned == p.payout
    lines = statement.splitlines()
    assert lines[0].startswith("reference,") and len(lines) == 2 and "D00001" in lines[1]


def test_nobody_sees_another_participants_portal(app, team):
    with app.sessions.begin() as s:
        with pytest.raises(Forbidden):
            portal.portal(s, team.distributor, "D00002")
        with pytest.raises(Forbidden):
            portal.statement(s, team.rep, "D00001")
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
