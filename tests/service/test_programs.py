"""Program lifecycle: located errors, drafts only change, nobody approves their own work,
going live closes the previous live version, history shows diffs."""

from __future__ import annotations

import pytest
from service_support import example

from schemeops.service import programs, runs
from schemeops.service.errors import Conflict, Forbidden, Invalid

BROKEN = example("volume_growth").replace("kind: volume", "kind: volumee")


def test_a_draft_with_an_error_is_refused_with_its_line(app, team):
    with app.sessions.begin() as s, pytest.raises(Invalid) as e:
        programs.create_draft(s, team.designer, BROKEN)
    [d] = e.value.diagnostics
    line = next(i for i, t in enumerate(BROKEN.splitlines(), 1) if "volumee" in t)
    assert d.span.line == line
    assert d.hint


def test_only_drafts_change_and_the_author_never_decides(app, team):
    text = example("volume_growth")
    with app.sessions.begin() as s:
        v = programs.create_draft(s, team.designer, text)
        programs.edit_draft(s, team.designer, v.id, text.replace("0.005", "0.006"))
        assert "0.006" in v.yaml
        programs.submit(s, team.designer, v.id)
        with pytest.raises(Conflict, match="only drafts change"):
            programs.edit_draft(s, team.designer, v.id, text)
    with app.sessions.begin() as s, pytest.raises(Forbidden):
        programs.decide(s, team.designer, v.id, approve=True)
    with app.sessions.begin() as s, pytest.raises(Conflict, match="comment is required"):
        programs.decide(s, team.approver, v.id, approve=False)
    with app.sessions.begin() as s:
        assert programs.decide(s, team.approver, v.id, approve=True).status == "approved"


def test_an_admin_who_wrote_a_version_cannot_approve_it(app, team):
    with app.sessions.begin() as s:
        v = programs.create_draft(s, team.admin, example("flash_week"))
        programs.submit(s, team.admin, v.id)
        with pytest.raises(Conflict, match="another approver"):
            programs.decide(s, team.admin, v.id, approve=True)


def test_going_live_closes_the_previous_live_version_and_history_has_diffs(app, team):
    text = example("volume_growth")
    ids = []
    for new in (text, text.replace("floor: 50000", "floor: 60000")):
        with app.sessions.begin() as s:
            v = programs.create_draft(s, team.designer, new)
            programs.submit(s, team.designer, v.id)
            programs.decide(s, team.approver, v.id, approve=True)
            programs.go_live(s, team.approver, v.id)
            ids.append(v.id)
    with app.sessions.begin() as s:
        first, second = (programs.get_version(s, i) for i in ids)
        assert (first.status, second.status) == ("closed", "live")
        h = programs.history(s, team.regional, "volume_growth_oct")
        assert [e.version.number for e in h] == [2, 1]
        assert "-    floor: 50000\n+    floor: 60000" in h[0].diff
        assert [d.decision for d in h[0].decisions] == ["approved"]


def test_a_second_draft_of_the_same_program_is_refused(app, team):
    with app.sessions.begin() as s:
        programs.create_draft(s, team.designer, example("flash_week"))
        with pytest.raises(Conflict, match="already has a draft"):
            programs.create_draft(s, team.designer, example("flash_week"))


def test_the_program_id_of_a_draft_cannot_change(app, team):
    with app.sessions.begin() as s:
        v = programs.create_draft(s, team.designer, example("flash_week"))
        with pytest.raises(Conflict, match="id must stay"):
            programs.edit_draft(s, team.designer, v.id,
                                example("flash_week").replace("id: flash_tea_week", "id: x"))


def test_distributors_cannot_read_programs(app, team):
    with app.sessions.begin() as s, pytest.raises(Forbidden):
        programs.list_programs(s, team.distributor)


def test_a_live_version_can_be_closed_and_is_then_not_calculated(app, team):
    with app.sessions.begin() as s:
        v = programs.create_draft(s, team.designer, example("flash_week"))
        with pytest.raises(Conflict, match="is draft, not live"):
            programs.close(s, team.approver, v.id)
        programs.submit(s, team.designer, v.id)
        programs.decide(s, team.approver, v.id, approve=True)
        programs.go_live(s, team.approver, v.id)
        assert programs.close(s, team.approver, v.id).status == "closed"
        with pytest.raises(Conflict, match="only live versions are calculated"):
            runs.start(s, team.approver, [v.id])
