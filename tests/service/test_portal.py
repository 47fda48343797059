"""The portal lists only the live programs a participant has results in."""

from __future__ import annotations

from pathlib import Path

from schemeops.service import portal, programs, runs
from schemeops.service.context import App

EXAMPLES = Path(__file__).parents[2] / "examples" / "programs"


def _live(app: App, team, name: str) -> int:
    with app.sessions.begin() as s:
        v = programs.create_draft(s, team.designer, (EXAMPLES / name).read_text())
        programs.submit(s, team.designer, v.id)
        programs.decide(s, team.approver, v.id, approve=True)
        programs.go_live(s, team.approver, v.id)
        return v.id


def test_a_run_of_two_programs_shows_only_mine(app: App, team):
    """One run calculates a distributors' program and a reps' program: the distributor's
    portal shows the first only (it used to fail on the program it has no lines in)."""
    ids = [_live(app, team, "volume_growth.yaml"), _live(app, team, "billed_channels.yaml")]
    with app.sessions.begin() as s:
        run_id = runs.start(s, team.approver, ids).id
    runs.execute(app, run_id)
    with app.sessions.begin() as s:
        assert runs.get_run(s, run_id).status == "succeeded"
        mine = portal.portal(s, team.distributor)
        theirs = portal.portal(s, team.rep)
    assert [p.program_id for p in mine.programs] == ["volume_growth_oct"]
    assert "volume_growth_oct" not in [p.program_id for p in theirs.programs]
