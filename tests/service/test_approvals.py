"""Approving under guards: a blocking verdict holds the first approval; a second approver
overrides with a comment; every step is in the audit trail with the verdicts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from guard_programs import discount_program
from schemeops.service import approvals, guards, programs, runs
from schemeops.service.context import App
from schemeops.service.errors import Conflict, Forbidden
from schemeops.store.db import make_engine, sessions
from schemeops.store.migrate import upgrade
from schemeops.store.models import AuditEntry, Decision
from warehouse_support import write_warehouse


@pytest.fixture
def app(tmp_path, db_url) -> Iterator[App]:
    """A fresh store on a warehouse where D1 sells one unit of A1 (cost 500) at 1,000 on
    5 October."""
    wh = write_warehouse(tmp_path / "wh.duckdb", [("D1", "Delhi Traders")], [("O1", "D1")],
                         [("I1", "2026-10-05", "D1", "O1", "1000.00")], unit_cost="500.00")
    upgrade(db_url)
    engine = make_engine(db_url)
    yield App(sessions(engine), wh, tmp_path / "runs")
    engine.dispose()


def _submitted(app: App, team, pid: str, rate: str, extra: str = "") -> int:
    with app.sessions.begin() as s:
        v = programs.create_draft(s, team.designer, discount_program(pid, rate, extra=extra))
        programs.submit(s, team.designer, v.id)
        return v.id


def _audit(app: App, action: str) -> list[dict]:
    with app.sessions.begin() as s:
        return [json.loads(e.details) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq))]


def test_a_quarter_off_is_held_until_a_second_approver_overrides(app, team):
    # 25% of the line's 1,000 is at the 25% cap: the discount guard blocks
    vid = _submitted(app, team, "q", "0.25")
    with app.sessions.begin() as s:
        v = approvals.decide_guarded(s, app, team.approver, vid, approve=True)
        assert v.status == "submitted"
    held = _audit(app, "version.held")[0]
    cap = next(g for g in held["guards"] if g["guard"] == "discount_cap")
    assert (cap["level"], cap["figure"], cap["threshold"]) == ("block", "0.25", "0.25")
    with app.sessions.begin() as s, pytest.raises(Conflict, match="another approver"):
        approvals.decide_guarded(s, app, team.approver, vid, approve=True)
    with app.sessions.begin() as s, pytest.raises(Conflict, match="second approver"):
        approvals.override(s, app, team.approver, vid, comment="mine")
    with app.sessions.begin() as s, pytest.raises(Forbidden):
        approvals.override(s, app, team.designer, vid, comment="please")
    with app.sessions.begin() as s, pytest.raises(Conflict, match="comment is required"):
        approvals.override(s, app, team.approver2, vid, comment="  ")
    with app.sessions.begin() as s:
        v = approvals.override(s, app, team.approver2, vid, comment="launch week, one-off")
        assert v.status == "approved"
        who = [(d.user.username, d.decision) for d in s.scalars(
            select(Decision).where(Decision.subject_id == vid).order_by(Decision.id))]
    assert who == [("approver", "approved"), ("approver2", "approved")]
    over = _audit(app, "version.overridden")[0]
    assert over["comment"] == "launch week, one-off"
    assert over["first_approver"] == "approver"
    assert over["blocked"].startswith("discount_cap (effective discount up to 25%")
    assert _audit(app, "version.approved")[0]["override"] is True


def test_override_needs_a_held_approval(app, team):
    vid = _submitted(app, team, "a", "0.10")
    with app.sessions.begin() as s, pytest.raises(Conflict, match="not held"):
        approvals.override(s, app, team.approver2, vid, comment="why not")


def test_a_program_within_its_own_limits_is_approved_with_its_reason_audited(app, team):
    # 25% off, but this program's own cap is 30% / 35%, for a stated reason: no block
    vid = _submitted(app, team, "q", "0.25", 'guards: {reason: "clearance of old stock", '
                     "discount_cap: {warn: 0.3, block: 0.35}}\n")
    with app.sessions.begin() as s:
        assert approvals.decide_guarded(s, app, team.approver, vid, approve=True
                                        ).status == "approved"
    approved = _audit(app, "version.approved")[0]
    assert approved["guards_reason"] == "clearance of old stock"
    assert {g["guard"]: g["level"] for g in approved["guards"]} == {
        "stacking": "ok", "discount_cap": "ok", "margin_floor": "ok", "gross_margin": "ok"}


def test_stacking_is_judged_beside_the_live_programs(app, team):
    # b (15%) is live; a (10%) stacks with it on the one line: 1 − 0.9 × 0.85 = 0.235 (warn)
    # and b says it is exclusive with a: a's approval is held by the stacking guard
    b = _submitted(app, team, "b", "0.15", "exclusive_with: [a]\n")
    with app.sessions.begin() as s:
        approvals.decide_guarded(s, app, team.approver, b, approve=True)
        programs.go_live(s, team.approver, b)
    a = _submitted(app, team, "a", "0.10")
    with app.sessions.begin() as s:
        approvals.decide_guarded(s, app, team.approver, a, approve=True)
    held = {g["guard"]: g for g in _audit(app, "version.held")[0]["guards"]}
    assert held["stacking"]["level"] == "block"
    assert held["stacking"]["evidence"]["exclusive"] == 1
    assert (held["discount_cap"]["level"], held["discount_cap"]["figure"]) == ("warn", "0.235")
    assert _audit(app, "version.held")[0]["guards_beside"] == ["b v1"]


def test_an_as_of_run_tells_its_budget_burn(app, team):
    # Budget 150 a period; 10% of the 1,000 sold on 5 October is 100 paid by 10 October:
    # a burn of 100 ÷ 150 = 0.6667 (past the 50% alert) with 10 of 31 days gone, a pace of
    # 0.6667 × 31 ÷ 10 = 2.0668 (> 1.2): warn.
    vid = _submitted(app, team, "a", "0.10", "caps: {budget: 150.00}\n")
    with app.sessions.begin() as s:
        approvals.decide_guarded(s, app, team.approver, vid, approve=True)
        programs.go_live(s, team.approver, vid)
        run_id = runs.start(s, team.approver, [vid], as_of=dt.date(2026, 10, 10)).id
    runs.execute(app, run_id)
    with app.sessions.begin() as s:
        [(program_id, burn)] = guards.burn_alerts(s, runs.get_run(s, run_id))
    assert program_id == "a"
    assert (burn.level.value, burn.figure, burn.threshold) == ("warn", D("0.6667"), D("0.5"))
    assert burn.evidence == {"period_no": 1, "paid_paise": 10000, "elapsed_days": 10,
                             "days": 31, "budget_paise": 15000}
    assert "pace 2.0668" in burn.summary
