"""The audit chain: every state change is an entry; editing an entry or a closed period's
payout directly in the database is found by verify, which names what was touched."""

from __future__ import annotations

from service_support import calculated_run, example, live_version
from sqlalchemy import text

from schemeops.service import audit, periods, runs


def _closed_run(app, team) -> int:
    run_id = calculated_run(app, team, live_version(app, team, example("volume_growth")))
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, run_id, approve=True)
        [p] = periods.list_periods(s, team.approver)
        periods.close(s, team.approver, p.id)
    return run_id


def test_every_state_change_is_chained_and_the_chain_verifies(app, team):
    _closed_run(app, team)
    with app.sessions.begin() as s:
        actions = [e.action for e in audit.trail(s, team.admin)][::-1]
        assert audit.verify(s) == []
    assert [a for a in actions if a != "user.created"] == [
        "version.drafted", "version.submitted", "version.approved", "version.live",
        "run.queued", "cases.opened", "run.succeeded", "payouts.approved", "period.closed"]


def test_an_edited_audit_entry_is_named(app, team):
    _closed_run(app, team)
    with app.sessions.begin() as s:
        s.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"))
    with app.sessions.begin() as s:
        [finding] = audit.verify(s)
    assert finding.where.startswith("audit entry 3 ") and "no longer matches" in finding.problem


def test_a_deleted_audit_entry_is_named(app, team):
    _closed_run(app, team)
    with app.sessions.begin() as s:
        s.execute(text("DELETE FROM audit_log WHERE seq = 5"))
    with app.sessions.begin() as s:
        [finding] = audit.verify(s)
    assert finding.where.startswith("audit entry 6 ") and "entry 5 is missing" in finding.problem


def test_an_edited_closed_period_payout_is_named(app, team):
    run_id = _closed_run(app, team)
    with app.sessions.begin() as s:
        s.execute(text("UPDATE payouts SET amount = amount + 100 WHERE id = "
                       "(SELECT min(id) FROM payouts WHERE run_id = :r)"), {"r": run_id})
    with app.sessions.begin() as s:
        [finding] = audit.verify(s)
    assert finding.where.startswith("period 1 (volume_growth_oct 2026-10-01..2026-10-31)")
    assert "changed after it was closed" in finding.problem


def test_concurrent_appends_keep_one_chain(app, team):
    """Eight threads append at once; the chain stays whole (PostgreSQL queues them on an
    advisory lock; SQLite's busy timeout serialises the writers)."""
    import threading

    from schemeops.store.audit import record

    def append(i: int) -> None:
        with app.sessions.begin() as s:
            record(s, actor=f"t{i}", action="test.appended", subject_type="test",
                   subject_id=i)

    threads = [threading.Thread(target=append, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with app.sessions.begin() as s:
        assert audit.verify(s) == []
        assert len(audit.trail(s, team.admin, action="test.")) == 8


def test_removing_the_newest_entries_is_caught_by_the_head(app, team):
    _closed_run(app, team)
    with app.sessions.begin() as s:
        s.execute(text("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)"))
    with app.sessions.begin() as s:
        head, *rest = audit.verify(s)
    assert head.where == "the chain's head" and "entries were removed" in head.problem
    # The removed entry was the period's closing, so its seal is reported missing as well.
    assert [f.problem for f in rest] == ["closed without a period.closed audit entry"]
